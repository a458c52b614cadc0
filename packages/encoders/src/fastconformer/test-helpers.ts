import { readFileSync } from 'node:fs';
import type { TensorData } from '@seqzoo/core';
import type { AttContextSize, FastConformerConfig } from './config.js';

/** The JSON written by tools/fastconformer_fixtures.py next to its NeMo-named safetensors file. */
export interface Fixture {
  config: FastConformerConfig & { convContext: [number, number] };
  input: { dims: number[]; data: number[] };
  lengths: number[];
  preEncode: { dims: number[]; data: number[]; lengths: number[] };
  cases: {
    attContextSize: [number, number];
    dims: number[];
    data: number[];
    lengths: number[];
    steps?: number;
  }[];
}

export function loadFixture(name: string): {
  fixture: Fixture;
  bytes: Uint8Array;
  config: FastConformerConfig;
} {
  const fixture = JSON.parse(
    readFileSync(new URL(`./fixtures/${name}.json`, import.meta.url), 'utf8'),
  ) as Fixture;
  const bytes = new Uint8Array(readFileSync(new URL(`./fixtures/${name}.safetensors`, import.meta.url)));
  const { convContext, ...rest } = fixture.config;
  const config: FastConformerConfig = {
    ...rest,
    convContextSize: convContext,
    attContextSize: fixture.cases.map((c) => c.attContextSize as AttContextSize),
  };
  return { fixture, bytes, config };
}

export const f32 = (x: { dims: number[]; data: number[] }): TensorData => ({
  data: Float32Array.from(x.data),
  dims: x.dims,
});

/** Largest |a − b| / (atol + rtol·|b|); ≤ 1 means within tolerance. Throws on a shape mismatch. */
export function worstRatio(
  a: TensorData,
  b: { dims: number[]; data: ArrayLike<number> },
  rtol: number,
  atol: number,
): number {
  if (a.dims.join() !== b.dims.join()) throw new Error(`dims [${a.dims}] vs [${b.dims}]`);
  let worst = 0;
  for (let i = 0; i < b.data.length; i++) {
    const r = Math.abs(Number(a.data[i]) - b.data[i]) / (atol + rtol * Math.abs(b.data[i]));
    if (!(r <= worst)) worst = Number.isNaN(r) ? Number.POSITIVE_INFINITY : r;
  }
  return worst;
}
