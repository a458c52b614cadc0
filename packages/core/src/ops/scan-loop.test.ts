import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { exportOnnx, fromTf, infer, Parameter, tfjsBackend } from '../index.js';
import { checkParity, Lambda, Rng, randomData } from '../testing.js';
import * as ops from './index.js';

/** h_t = w ⊙ h_{t−1} + x_t ⊙ g (w a parameter, g a passed-in constant); y_t = h_t · 2. */
const w = new Parameter(Float32Array.from([0.5, -0.9, 1.1]), [3]);
function recurrence() {
  return new Lambda(
    (xs, gain) => {
      const h0 = ops.mul(ops.reshape(ops.slice(xs, 0, 0, 1), [ops.sizeOf(xs, 1), 3]), 0);
      const r = ops.scanLoop(
        ([h], [xt], [c]) => {
          const next = ops.add(ops.mul(h, w), ops.mul(xt, c));
          return { carry: [next], y: [ops.mul(next, 2)] };
        },
        [h0],
        [xs],
        [gain],
      );
      return { y: r.ys[0], last: r.carry[0] };
    },
    ['x', 'g'],
    ['y', 'last'],
    (name): Record<number, string> => (name === 'x' ? { 0: 'time', 1: 'batch' } : {}),
  );
}

function reference(x: Float32Array, g: Float32Array, len: number, batch: number): Float32Array {
  const y = new Float32Array(len * batch * 3);
  const h = new Float32Array(batch * 3);
  for (let t = 0; t < len; t++) {
    for (let i = 0; i < batch * 3; i++) {
      h[i] = h[i] * w.data[i % 3] + x[t * batch * 3 + i] * g[i % 3];
      y[t * batch * 3 + i] = 2 * h[i];
    }
  }
  return y;
}

describe('scanLoop', () => {
  it('runs a JS loop on tfjs and one ONNX Scan node (dynamic length) with equal results', async () => {
    const m = recurrence();
    const rng = new Rng(3);
    const g = randomData(rng, [3]);
    for (const len of [1, 6, 11]) {
      const x = randomData(rng, [len, 2, 3]);
      const { tfjs } = await checkParity(m, { x, g }, { rtol: 1e-5, atol: 1e-6 });
      const want = reference(x.data as Float32Array, g.data as Float32Array, len, 2);
      expect(
        Array.from(tfjs.y.data)
          .map((v, i) => Math.abs(v - want[i]))
          .every((d) => d < 1e-5),
      ).toBe(true);
      expect(tfjs.last.dims).toEqual([2, 3]);
    }
    const text = new TextDecoder('latin1').decode(
      exportOnnx(m, { x: { shape: ['time', 'batch', 3] }, g: { shape: [3] } }),
    );
    expect(text).toContain('Scan');
  });

  it('is differentiable on tfjs (gradient of Σy w.r.t. the inputs matches the closed form)', async () => {
    const be = await tfjsBackend();
    const gradX = tf.grad((x: tf.Tensor) => {
      const r = ops.scanLoop(
        ([h], [xt]) => {
          const next = ops.add(ops.mul(h, 0.5), xt);
          return { carry: [next], y: [next] };
        },
        [fromTf(be, tf.zeros([1]))],
        [fromTf(be, x)],
      );
      return tf.sum(r.ys[0].handle as tf.Tensor);
    })(tf.ones([3, 1]));
    // y_t = Σ_{s≤t} 0.5^{t−s} x_s ⇒ ∂Σy/∂x_s = Σ_{t≥s} 0.5^{t−s}: [1.75, 1.5, 1].
    expect(Array.from(gradX.dataSync())).toEqual([1.75, 1.5, 1]);
    gradX.dispose();
  });

  it('names mismatched inputs', async () => {
    const be = await tfjsBackend();
    const a = fromTf(be, tf.zeros([4, 2]));
    const b = fromTf(be, tf.zeros([5, 2]));
    expect(() => ops.scanLoop(() => ({ carry: [], y: [] }), [], [a, b])).toThrow(
      'scanLoop: xs[1] [5, 2] must share axis 0 (4) with xs[0] [4, 2]',
    );
    expect(() => ops.scanLoop(() => ({ carry: [], y: [] }), [], [])).toThrow(
      'scanLoop: needs at least one scanned input in xs',
    );
    tf.dispose([a.handle as tf.Tensor, b.handle as tf.Tensor]);
    await infer(recurrence(), { x: randomData(new Rng(1), [2, 1, 3]), g: randomData(new Rng(2), [3]) });
  });
});
