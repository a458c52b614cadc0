import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { fromTf, ops, type Tensor, tfjsBackend, toTf } from '../../index.js';
import { Rng } from '../../testing.js';

/**
 * Gradients on the default (wasm) device against central finite differences. These cover the ops
 * whose stock tfjs gradients are missing on wasm or broken (conv, gather, cumsum on a non-last axis,
 * where with a taped condition) and the composites every model uses.
 */
type Case = [name: string, shape: number[], fn: (x: Tensor) => Tensor];

const rng = new Rng(7);
/** A fixed random weight (the same values at every call, as finite differences need). */
const w = (shape: number[]) => {
  const data = rng.uniformArray(
    shape.reduce((a, b) => a * b, 1),
    -1,
    1,
  );
  return () => fromTf(be(), tf.tensor(data, shape));
};

const conv1dW = w([4, 3, 3]);
const dilatedW = w([3, 2, 3]);
const depthwiseW = w([3, 1, 3]);
const conv2dW = w([3, 2, 3, 3]);
const matmulW = w([3, 4, 2]);

const cases: Case[] = [
  ['conv1d', [2, 3, 8], (x) => ops.conv1d(x, conv1dW(), undefined, { padding: 'same' })],
  [
    'conv1d stride 2 dilation 2',
    [1, 2, 11],
    (x) => ops.conv1d(x, dilatedW(), undefined, { stride: 2, dilation: 2 }),
  ],
  [
    'depthwise conv1d',
    [2, 3, 7],
    (x) => ops.conv1d(x, depthwiseW(), undefined, { groups: 3, padding: 'causal' }),
  ],
  ['conv2d stride 2', [1, 2, 6, 5], (x) => ops.conv2d(x, conv2dW(), undefined, { stride: 2, padding: 1 })],
  ['gather', [5, 3], (x) => ops.gather(x, fromTf(be(), tf.tensor1d([4, 0, 4, 2], 'int32')), 0)],
  [
    'gather axis 1',
    [2, 4, 3],
    (x) =>
      ops.gather(
        x,
        fromTf(
          be(),
          tf.tensor2d(
            [
              [3, 1],
              [1, 1],
            ],
            undefined,
            'int32',
          ),
        ),
        1,
      ),
  ],
  ['cumsum on a non-last axis', [3, 4, 2], (x) => ops.cumsum(x, 1, { exclusive: true })],
  [
    'where with a condition computed from x',
    [3, 4],
    (x) => ops.where(ops.greater(x, 0), ops.mul(x, 3), ops.exp(x)),
  ],
  ['layerNorm', [2, 3, 5], (x) => ops.layerNorm(x, undefined, undefined)],
  ['softmax and logSoftmax', [2, 5], (x) => ops.add(ops.softmax(x, 0), ops.logSoftmax(x, -1))],
  ['matmul with broadcast batch', [2, 1, 3, 4], (x) => ops.matmul(x, matmulW())],
  ['strided slice', [2, 9], (x) => ops.slice(x, 1, 1, 8, 3)],
  [
    'reflect pad',
    [2, 5],
    (x) =>
      ops.pad(
        x,
        [
          [1, 0],
          [2, 3],
        ],
        'reflect',
      ),
  ],
  [
    'edge pad',
    [2, 5],
    (x) =>
      ops.pad(
        x,
        [
          [1, 1],
          [0, 2],
        ],
        'edge',
      ),
  ],
];

let backend: Awaited<ReturnType<typeof tfjsBackend>>;
function be() {
  return backend;
}

describe('tfjs gradients on the default device match finite differences', () => {
  it.each(cases)('%s', async (_name, shape, fn) => {
    backend = await tfjsBackend();
    expect(backend.device).toBe('wasm');
    const x0 = rng.uniformArray(
      shape.reduce((a, b) => a * b, 1),
      -1,
      1,
    );
    // f(x) = Σ fn(x) ⊙ R with a fixed random R, so every output element contributes.
    const f = (x: tf.Tensor) => {
      const y = toTf(fn(fromTf(backend, x)));
      const r = tf.tensor(new Rng(3).uniformArray(y.size, -1, 1), y.shape);
      return tf.sum(tf.mul(y, r)) as tf.Scalar;
    };
    const grad = tf.tidy(() => tf.grad(f)(tf.tensor(x0, shape)).dataSync());
    const eps = 1e-2;
    let worst = 0;
    let scale = 1e-3;
    for (let i = 0; i < x0.length; i++) {
      const at = (d: number) => {
        const x = Float32Array.from(x0);
        x[i] += d;
        return tf.tidy(() => f(tf.tensor(x, shape)).dataSync()[0]);
      };
      const numeric = (at(eps) - at(-eps)) / (2 * eps);
      worst = Math.max(worst, Math.abs(numeric - grad[i]));
      scale = Math.max(scale, Math.abs(numeric));
    }
    expect(worst / scale).toBeLessThan(2e-2);
  });

  it('the split batched matmul on wasm has the same gradients as the cpu backend', async () => {
    const a = rng.uniformArray(2 * 300 * 40, -1, 1);
    const b = rng.uniformArray(2 * 40 * 300, -1, 1);
    const gradsOn = async (device: 'wasm' | 'cpu') => {
      const be2 = await tfjsBackend(device);
      const f = (x: tf.Tensor, y: tf.Tensor) =>
        tf.sum(tf.square(toTf(ops.matmul(fromTf(be2, x), fromTf(be2, y))))) as tf.Scalar;
      return tf.tidy(() =>
        tf
          .grads(f)([tf.tensor(a, [2, 300, 40]), tf.tensor(b, [2, 40, 300])])
          .map((g) => g.dataSync()),
      );
    };
    const cpu = await gradsOn('cpu');
    const wasm = await gradsOn('wasm');
    for (const [i, g] of wasm.entries()) {
      let worst = 0;
      g.forEach((v, j) => {
        worst = Math.max(worst, Math.abs(v - cpu[i][j]) / (1e-3 + Math.abs(cpu[i][j])));
      });
      expect(worst).toBeLessThan(1e-3);
    }
  });
});
