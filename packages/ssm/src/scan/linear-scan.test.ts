import { exportOnnx, fromTf, infer, ops, type Tensor, type TensorData, tfjsBackend } from '@seqzoo/core';
import { checkParity, compareOutputs, Lambda, Rng, randomData } from '@seqzoo/core/testing';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { linearScan, linearScanSequential } from './linear-scan.js';

const timeLast = () => ({ 0: 'batch', 2: 'time' });

function inputs(rng: Rng, dims: number[], low = -1.5): Record<string, TensorData> {
  return { logA: randomData(rng, dims, low, 0), b: randomData(rng, dims) };
}

describe('linearScan (chunked, loop-free)', () => {
  it('equals the step-by-step recurrence for lengths around chunk boundaries (tfjs)', async () => {
    const rng = new Rng(1);
    for (const [len, chunk] of [
      [1, 4],
      [4, 4],
      [5, 4],
      [37, 8],
      [70, 16],
    ]) {
      const data = inputs(rng, [2, 3, len]);
      const chunked = new Lambda((a, b) => linearScan(a, b, { chunk }), ['logA', 'b'], ['h'], timeLast);
      const seq = new Lambda((a, b) => linearScanSequential(a, b), ['logA', 'b'], ['h'], timeLast);
      const got = await infer(chunked, data);
      const want = await infer(seq, data);
      expect(got.h.dims).toEqual([2, 3, len]);
      const { worst, where } = compareOutputs(got, want, 1e-5, 1e-5);
      expect(worst, where).toBeLessThanOrEqual(1);
    }
  });

  it('carries an initial state h0', async () => {
    const rng = new Rng(2);
    const data = { ...inputs(rng, [2, 3, 21]), h0: randomData(rng, [2, 3]) };
    const chunked = new Lambda(
      (a, b, h0) => linearScan(a, b, { chunk: 4, h0 }),
      ['logA', 'b', 'h0'],
      ['h'],
      (n) => (n === 'h0' ? { 0: 'batch' } : timeLast()),
    );
    const seq = new Lambda(
      (a, b, h0) => linearScanSequential(a, b, h0),
      ['logA', 'b', 'h0'],
      ['h'],
      (n) => (n === 'h0' ? { 0: 'batch' } : timeLast()),
    );
    const { worst, where } = compareOutputs(await infer(chunked, data), await infer(seq, data), 1e-5, 1e-5);
    expect(worst, where).toBeLessThanOrEqual(1);
    await checkParity(chunked, data, { rtol: 1e-4, atol: 1e-5 });
  });

  it('stays finite with very strong decays (mask before exp)', async () => {
    const rng = new Rng(3);
    const data = inputs(rng, [1, 2, 40], -80);
    const chunked = new Lambda((a, b) => linearScan(a, b, { chunk: 16 }), ['logA', 'b'], ['h'], timeLast);
    const out = await infer(chunked, data);
    expect(out.h.data.every((v) => Number.isFinite(v))).toBe(true);
    const seq = await infer(
      new Lambda((a, b) => linearScanSequential(a, b), ['logA', 'b'], ['h'], timeLast),
      data,
    );
    expect(compareOutputs(out, seq, 1e-5, 1e-5).worst).toBeLessThanOrEqual(1);
  });

  it('traces into ONNX with a dynamic length and no Loop/Scan node, matching tfjs', async () => {
    const rng = new Rng(4);
    const m = new Lambda((a, b) => linearScan(a, b, { chunk: 8 }), ['logA', 'b'], ['h'], timeLast);
    for (const len of [3, 29, 64]) await checkParity(m, inputs(rng, [2, 3, len]), { rtol: 1e-4, atol: 1e-5 });
    const bytes = exportOnnx(m, {
      logA: { shape: ['batch', 3, 'time'] },
      b: { shape: ['batch', 3, 'time'] },
    });
    const text = new TextDecoder('latin1').decode(bytes);
    expect(text).toContain('CumSum');
    expect(text).not.toMatch(/Loop|Scan/);
  });

  it('has the same gradients as the sequential recurrence (tfjs autograd through cumsum, exp, mask)', async () => {
    const be = await tfjsBackend();
    const rng = new Rng(5);
    const data = inputs(rng, [2, 3, 19]);
    const w = tf.tensor(randomData(rng, [2, 3, 19]).data, [2, 3, 19]);
    const gradsOf = (f: (a: Tensor, b: Tensor) => Tensor) =>
      tf.grads((a: tf.Tensor, b: tf.Tensor) =>
        tf.sum(tf.mul(f(fromTf(be, a), fromTf(be, b)).handle as tf.Tensor, w)),
      )([tf.tensor(data.logA.data, data.logA.dims), tf.tensor(data.b.data, data.b.dims)]);
    const [ga, gb] = gradsOf((a, b) => linearScan(a, b, { chunk: 4 }));
    const [sa, sb] = gradsOf((a, b) => linearScanSequential(a, b));
    expect(tf.max(tf.abs(tf.sub(ga, sa))).dataSync()[0]).toBeLessThan(1e-4);
    expect(tf.max(tf.abs(tf.sub(gb, sb))).dataSync()[0]).toBeLessThan(1e-4);
    expect(tf.max(tf.abs(sa)).dataSync()[0]).toBeGreaterThan(1e-2);
    tf.dispose([w, ga, gb, sa, sb]);
  });

  it('names the arguments in its errors', () => {
    const fake = { rank: 2, shape: [2, 3] } as unknown as Tensor;
    const fake3 = { rank: 3, shape: [2, 3, 4] } as unknown as Tensor;
    expect(() => linearScan(fake, fake3)).toThrow(/linearScan: 'logA' \[2,3\] and 'b' \[2,3,4\]/);
    expect(() => linearScan(fake, fake, { chunk: 0 })).toThrow(
      /linearScan: 'chunk' must be a positive integer but is 0/,
    );
    void ops;
  });
});
