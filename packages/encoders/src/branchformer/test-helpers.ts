import { readFileSync } from 'node:fs';
import type { TensorData } from '@seqzoo/core';
import type { BranchformerConfig, EBranchformerConfig } from './config.js';
import type { BranchformerEncoder, EBranchformerEncoder } from './model.js';
import { loadEspnetBranchformer, loadEspnetEBranchformer } from './weights.js';

/** A fixture written by tools/branchformer_fixtures.py. */
export interface BranchFixture {
  kind: 'branchformer' | 'e_branchformer';
  config: BranchformerConfig & EBranchformerConfig;
  features: { dims: number[]; data: number[] };
  lengths: number[];
  encoded: { dims: number[]; data: number[] };
  encodedLengths: number[];
}

export const FIXTURES = [
  'bf-concat-relpos',
  'bf-learned-ave-abspos',
  'bf-fixed-ave-linear',
  'ebf-macaron-relpos',
  'ebf-plain-conv2d8',
  'bf-legacy-relpos',
  'ebf-legacy-short-table',
] as const;

export function readFixture(name: string): { record: BranchFixture; weights: Uint8Array } {
  const url = (file: string) => new URL(`./fixtures/${file}`, import.meta.url);
  return {
    record: JSON.parse(readFileSync(url(`${name}.json`), 'utf8')) as BranchFixture,
    weights: new Uint8Array(readFileSync(url(`${name}.safetensors`))),
  };
}

export function loadFixtureModel(name: string): {
  record: BranchFixture;
  model: BranchformerEncoder | EBranchformerEncoder;
} {
  const { record, weights } = readFixture(name);
  const model =
    record.kind === 'branchformer'
      ? loadEspnetBranchformer(weights, record.config)
      : loadEspnetEBranchformer(weights, record.config);
  return { record, model };
}

export function inputsOf(f: BranchFixture): Record<string, TensorData> {
  return {
    features: { data: Float32Array.from(f.features.data), dims: f.features.dims },
    lengths: { data: Int32Array.from(f.lengths), dims: [f.lengths.length] },
  };
}

export function expectedOf(f: BranchFixture): Record<string, TensorData> {
  return {
    encoded: { data: Float32Array.from(f.encoded.data), dims: f.encoded.dims },
    encodedLengths: { data: Int32Array.from(f.encodedLengths), dims: [f.encodedLengths.length] },
  };
}

/** The small block shape the padding and training tests share: d = 8, 2 heads, cgMLP 16 (kernel 5), 2 blocks. */
export const SMALL_BLOCKS = {
  outputSize: 8,
  attentionHeads: 2,
  cgmlpLinearUnits: 16,
  cgmlpConvKernel: 5,
  numBlocks: 2,
} as const;

/** The small E-Branchformer options on top of `SMALL_BLOCKS`: macaron FFNs of 12 units, merge kernel 3. */
export const SMALL_E_BRANCHFORMER = {
  useFfn: true,
  macaronFfn: true,
  linearUnits: 12,
  mergeConvKernel: 3,
} as const;
