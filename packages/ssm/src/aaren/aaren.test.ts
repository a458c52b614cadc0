import { infer, ops, Rng } from '@seqzoo/core';
import { checkParity, compareOutputs, Lambda, randomData } from '@seqzoo/core/testing';
import { describe, expect, it } from 'vitest';
import type { FloatData } from '../scan/selective-scan-data.js';
import { Aaren } from './aaren.js';
import { aarenPrefixScan } from './aaren-scan.js';

function close(a: FloatData, b: FloatData, tol = 1e-5): void {
  expect(a.dims).toEqual(b.dims);
  const { worst, where } = compareOutputs({ v: a }, { v: b }, tol, tol);
  expect(worst, where).toBeLessThanOrEqual(1);
}

/** Plain-JS causal softmax with one query: s [L], v [L, dv] → o [L, dv], by definition. */
function softmaxPrefix(s: Float32Array, v: Float32Array, dv: number): Float32Array {
  const len = s.length;
  const o = new Float32Array(len * dv);
  for (let k = 0; k < len; k++) {
    let mx = Number.NEGATIVE_INFINITY;
    for (let i = 0; i <= k; i++) mx = Math.max(mx, s[i]);
    let den = 0;
    for (let i = 0; i <= k; i++) den += Math.exp(s[i] - mx);
    for (let j = 0; j < dv; j++) {
      let num = 0;
      for (let i = 0; i <= k; i++) num += Math.exp(s[i] - mx) * v[i * dv + j];
      o[k * dv + j] = num / den;
    }
  }
  return o;
}

describe('Aaren prefix scan', () => {
  it('equals causal softmax attention computed by definition (large scores included)', async () => {
    const rng = new Rng(11);
    const scan = new Lambda(
      (s, v) => ops.transpose(aarenPrefixScan(s, ops.transpose(v)).o),
      ['s', 'v'],
      ['o'],
      () => ({}),
    );
    for (const [len, spread] of [
      [1, 1],
      [7, 3],
      [33, 60],
    ]) {
      const s = randomData(rng, [len], -spread, spread);
      const v = randomData(rng, [len, 3]);
      const got = await infer(scan, { s, v });
      close(got.o as FloatData, {
        data: softmaxPrefix(s.data as Float32Array, v.data as Float32Array, 3),
        dims: [len, 3],
      });
    }
  });
});

describe('Aaren layer', () => {
  it('scan mode equals the explicit masked-softmax mode, on tfjs and onnx', async () => {
    const rng = new Rng(12);
    const layer = new Aaren({ dModel: 8, heads: 2, rng });
    for (const len of [5, 19]) {
      const x = randomData(rng, [2, len, 8]);
      layer.mode = 'attention';
      const want = (await infer(layer, { x })).y as FloatData;
      layer.mode = 'scan';
      const { tfjs, onnx } = await checkParity(layer, { x }, { rtol: 1e-4, atol: 1e-5 });
      close(tfjs.y as FloatData, want);
      close(onnx.y as FloatData, want);
    }
  });

  it('constant-memory step equals the many-to-many outputs, on tfjs and onnx', async () => {
    const rng = new Rng(13);
    const layer = new Aaren({ dModel: 6, heads: 3, rng });
    const [b, len, d] = [2, 9, 6];
    const x = randomData(rng, [b, len, d]);
    const full = (await infer(layer, { x })).y as FloatData;
    for (const backend of ['tfjs', 'onnx'] as const) {
      let state = layer.initState(b);
      const y = new Float32Array(b * len * d);
      for (let t = 0; t < len; t++) {
        const xt = new Float32Array(b * d);
        for (let i = 0; i < b; i++)
          xt.set((x.data as Float32Array).subarray((i * len + t) * d, (i * len + t + 1) * d), i * d);
        const r = await layer.step({ data: xt, dims: [b, d] }, state, { backend });
        expect(r.state.w.dims).toEqual([b, 3, 2]); // the state never grows with t
        state = r.state;
        for (let i = 0; i < b; i++) y.set(r.output.data.subarray(i * d, (i + 1) * d), (i * len + t) * d);
      }
      close({ data: y, dims: [b, len, d] }, full);
    }
  });

  it('reports bad configurations and inputs', async () => {
    expect(() => new Aaren({ dModel: 6, heads: 4 })).toThrow(
      'Aaren: dModel (6) / heads (4) must give a positive integer head width',
    );
    const layer = new Aaren({ dModel: 4, rng: new Rng(1) });
    await expect(infer(layer, { x: randomData(new Rng(2), [1, 3, 5]) })).rejects.toThrow(
      "Aaren: argument 'x' expected shape [batch, time, 4] but received [1,3,5]",
    );
    await expect(layer.step({ data: new Float32Array(5), dims: [1, 5] }, layer.initState(1))).rejects.toThrow(
      "Aaren.step: argument 'x' expected dims [1, 4] but received [1,5]",
    );
  });
});
