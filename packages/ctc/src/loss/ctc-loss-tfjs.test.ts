import '@tensorflow/tfjs-backend-cpu';
// tfjs-core alone does not register op gradients (the @tensorflow/tfjs bundle does)
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { ctcLoss } from './ctc-loss.js';
import { ctcLossTfjs } from './ctc-loss-tfjs.js';
import { hashUniform } from './hash-random.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const T = 10;
const N = 3;
const C = 5;
const opts = {
  targets: Int32Array.of(1, 2, 2, 3, 4, 1, 1),
  inputLengths: Int32Array.of(10, 8, 6),
  targetLengths: Int32Array.of(3, 2, 2),
};
const randomX = (seed: number) =>
  tf.tensor3d(
    Float32Array.from({ length: T * N * C }, (_, i) => 3 * (hashUniform(seed, i) * 2 - 1)),
    [T, N, C],
  );

describe('ctcLossTfjs', () => {
  it('returns the kernel loss for logits and for log-probabilities', () => {
    const x = randomX(1);
    const lp = tf.logSoftmax(x);
    const want = ctcLoss({ ...opts, logProbs: lp.dataSync() as Float32Array, dims: [T, N, C], grad: false });
    const a = ctcLossTfjs(x, opts);
    const b = ctcLossTfjs(lp, { ...opts, input: 'logProbs' });
    expect(a.shape).toEqual([]);
    expect(a.dataSync()[0]).toBeCloseTo(want.loss[0], 5);
    expect(b.dataSync()[0]).toBeCloseTo(want.loss[0], 5);
    tf.dispose([x, lp, a, b]);
  });

  it('gives the same gradient through its own log-softmax or through tfjs log-softmax', () => {
    const x = randomX(2);
    const w = tf.tensor1d([0.5, -2, 3]);
    // weighted per-item losses exercise the [N] upstream gradient of reduction 'none'
    const viaLogits = tf.grad((v: tf.Tensor) =>
      tf.sum(tf.mul(ctcLossTfjs(v, { ...opts, reduction: 'none' }), w)),
    )(x);
    const viaLogProbs = tf.grad((v: tf.Tensor) =>
      tf.sum(tf.mul(ctcLossTfjs(tf.logSoftmax(v), { ...opts, reduction: 'none', input: 'logProbs' }), w)),
    )(x);
    const a = viaLogits.dataSync();
    const b = viaLogProbs.dataSync();
    for (let i = 0; i < a.length; i++) expect(a[i]).toBeCloseTo(b[i], 5);
    // frames past item 2's input length (6) get no gradient
    const g = viaLogits.arraySync() as number[][][];
    expect(g[7][2].every((v) => v === 0)).toBe(true);
    expect(g[5][2].some((v) => v !== 0)).toBe(true);
    tf.dispose([x, w, viaLogits, viaLogProbs]);
  });

  it('matches a central finite difference of the mean loss', () => {
    const x = randomX(3);
    const f = (v: tf.Tensor) => ctcLossTfjs(v, opts);
    const g = tf.grad(f)(x);
    const xs = x.dataSync().slice();
    const gs = g.dataSync();
    const h = 1e-2;
    for (const i of [0, 7, 31, 77, 101]) {
      const plus = xs.slice();
      plus[i] += h;
      const minus = xs.slice();
      minus[i] -= h;
      const lp = ctcLossTfjs(tf.tensor3d(plus, [T, N, C]), opts);
      const lm = ctcLossTfjs(tf.tensor3d(minus, [T, N, C]), opts);
      const fd = (lp.dataSync()[0] - lm.dataSync()[0]) / (2 * h);
      expect(Math.abs(fd - gs[i])).toBeLessThan(2e-3);
      tf.dispose([lp, lm]);
    }
    tf.dispose([x, g]);
  });

  it('rejects a tensor that is not [T, N, C]', () => {
    const x = tf.zeros([4, 5]);
    expect(() => ctcLossTfjs(x, opts)).toThrow('ctcLossTfjs: x must be [T, N, C] (rank 3), got shape [4, 5]');
    x.dispose();
  });
});

/** Greedy CTC decoding: argmax per frame, merge repeats, drop blanks (0). */
function greedy(logits: number[][][], n: number, len: number): number[] {
  const out: number[] = [];
  let prev = -1;
  for (let t = 0; t < len; t++) {
    const row = logits[t][n];
    const k = row.indexOf(Math.max(...row));
    if (k !== prev && k !== 0) out.push(k);
    prev = k;
  }
  return out;
}

describe('training a tiny model with ctcLossTfjs', () => {
  it('learns a toy sequence task until greedy decoding is exact, without leaking tensors', () => {
    // Each frame shows one symbol (0 = silence, 1..4 = labels) through a fixed noisy embedding;
    // a label lasts 1–3 frames and repeated labels are separated by silence. The targets are the
    // label sequences, so a per-frame linear layer can solve the task only by learning CTC.
    const Tt = 16;
    const Nb = 12;
    const D = 6;
    const K = 5;
    let r = 0;
    const rnd = () => hashUniform(99, r++);
    const embed = Array.from({ length: K }, () => Array.from({ length: D }, () => rnd() * 2 - 1));
    const feats = new Float32Array(Tt * Nb * D);
    const targets: number[] = [];
    const targetLengths = new Int32Array(Nb);
    const inputLengths = new Int32Array(Nb);
    for (let n = 0; n < Nb; n++) {
      const frames: number[] = [];
      const labels: number[] = [];
      while (frames.length < Tt - 4) {
        const k = 1 + Math.floor(rnd() * 4);
        if (labels.length > 0 && labels[labels.length - 1] === k) frames.push(0);
        if (rnd() < 0.4) frames.push(0);
        for (let d = 1 + Math.floor(rnd() * 3); d > 0; d--) frames.push(k);
        labels.push(k);
      }
      inputLengths[n] = Math.min(Tt, frames.length + 1);
      while (frames.length < Tt) frames.push(0);
      for (let t = 0; t < Tt; t++) {
        for (let d = 0; d < D; d++) feats[(t * Nb + n) * D + d] = embed[frames[t]][d] + 0.1 * (rnd() * 2 - 1);
      }
      targets.push(...labels);
      targetLengths[n] = labels.length;
    }
    const x = tf.tensor2d(feats, [Tt * Nb, D]);
    const W = tf.variable(
      tf.tensor2d(
        Float32Array.from({ length: D * K }, () => 0.1 * (rnd() * 2 - 1)),
        [D, K],
      ),
    );
    const b = tf.variable(tf.zeros([K]));
    const forward = () => tf.reshape(tf.add(tf.matMul(x, W), b), [Tt, Nb, K]);
    const lossOpts = { targets: Int32Array.from(targets), inputLengths, targetLengths };
    const optimizer = tf.train.adam(0.1);

    const exact = () =>
      tf.tidy(() => {
        const logits = forward().arraySync() as number[][][];
        let off = 0;
        let ok = true;
        for (let n = 0; n < Nb; n++) {
          const want = targets.slice(off, off + targetLengths[n]);
          off += targetLengths[n];
          if (greedy(logits, n, inputLengths[n]).join() !== want.join()) ok = false;
        }
        return ok;
      });

    // warm-up step: the optimizer creates its slot variables once
    optimizer.minimize(() => ctcLossTfjs(forward(), lossOpts) as tf.Scalar);
    const baseline = tf.memory().numTensors;
    let first = Number.NaN;
    let last = Number.NaN;
    let steps = 1;
    for (; steps < 400 && !exact(); steps++) {
      const cost = optimizer.minimize(() => ctcLossTfjs(forward(), lossOpts) as tf.Scalar, true) as tf.Scalar;
      last = cost.dataSync()[0];
      if (Number.isNaN(first)) first = last;
      cost.dispose();
      expect(tf.memory().numTensors).toBe(baseline);
    }
    expect(exact()).toBe(true);
    // random initialisation does not solve it (12 steps at the time of writing): training did
    expect(steps).toBeGreaterThan(5);
    expect(steps).toBeLessThan(400);
    expect(last).toBeLessThan(first);
    expect(tf.memory().numTensors).toBe(baseline);
    tf.dispose([x, W, b]);
    optimizer.dispose();
  });
});
