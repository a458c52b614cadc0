import { readFileSync } from 'node:fs';
import { compareOutputs } from '@seqzoo/core/testing';
import { describe, expect, it } from 'vitest';
import { type FloatData, type SelectiveScanArgs, selectiveScan } from './selective-scan-data.js';

interface Rec {
  dims: number[];
  data: number[];
}
interface Case {
  name: string;
  u: Rec;
  delta: Rec;
  A: Rec;
  B: Rec;
  C: Rec;
  D?: Rec;
  z?: Rec;
  deltaBias?: Rec;
  deltaSoftplus: boolean;
  y: Rec;
}

const cases: Case[] = JSON.parse(
  readFileSync(new URL('./fixtures/selective-scan.json', import.meta.url), 'utf8'),
);
const f32 = (r: Rec): FloatData => ({ data: Float32Array.from(r.data), dims: r.dims });

function argsOf(c: Case): SelectiveScanArgs {
  const a: SelectiveScanArgs = {
    u: f32(c.u),
    delta: f32(c.delta),
    A: f32(c.A),
    B: f32(c.B),
    C: f32(c.C),
    deltaSoftplus: c.deltaSoftplus,
  };
  if (c.D) a.D = f32(c.D);
  if (c.z) a.z = f32(c.z);
  if (c.deltaBias) a.deltaBias = f32(c.deltaBias);
  return a;
}

function expectClose(got: FloatData, want: FloatData, tol = 1e-5): void {
  expect(got.dims).toEqual(want.dims);
  const { worst, where } = compareOutputs({ y: got }, { y: want }, tol, tol);
  expect(worst, where).toBeLessThanOrEqual(1);
}

describe('selectiveScan (plain data, reference layout)', () => {
  for (const c of cases) {
    it(`matches the PyTorch reference recurrence — ${c.name}: chunked and recurrent, tfjs and onnx`, async () => {
      const want = f32(c.y);
      const chunked = await selectiveScan(argsOf(c), { chunk: 8 });
      const recurrent = await selectiveScan(argsOf(c), { mode: 'recurrent' });
      expectClose(chunked, want);
      expectClose(recurrent, want);
      expectClose(chunked, recurrent);
      expectClose(await selectiveScan(argsOf(c), { backend: 'onnx', chunk: 8 }), want);
      expectClose(await selectiveScan(argsOf(c), { backend: 'onnx', mode: 'recurrent' }), want);
    });
  }

  it('gives the same result for any chunk length', async () => {
    const c = cases[0];
    const base = await selectiveScan(argsOf(c), { chunk: 1 });
    for (const chunk of [3, 16, 64]) expectClose(await selectiveScan(argsOf(c), { chunk }), base);
  });

  it('rejects bad arguments, naming the argument and dims', async () => {
    const c = cases[0];
    const a = argsOf(c);
    await expect(
      selectiveScan({ ...a, B: { data: new Float32Array(2 * 4 * 36), dims: [2, 4, 36] } }),
    ).rejects.toThrow("selectiveScan: 'B' must have dims [2,4,37] but has [2,4,36]");
    await expect(selectiveScan({ ...a, u: { data: new Float32Array(4), dims: [4] } })).rejects.toThrow(
      "selectiveScan: 'u' must be [batch, dim, L]",
    );
    await expect(selectiveScan({ ...a, D: { data: new Float32Array(3), dims: [3] } })).rejects.toThrow(
      "selectiveScan: 'D' must have dims [5] but has [3]",
    );
    await expect(selectiveScan({ ...a, C: { data: new Float32Array(3), dims: [2, 4, 37] } })).rejects.toThrow(
      "selectiveScan: 'C' has 3 values but dims [2,4,37] need 296",
    );
    await expect(selectiveScan(a, { mode: 'loop' as never })).rejects.toThrow(
      "selectiveScan: unknown mode 'loop'",
    );
  });
});
