import * as tf from '@tensorflow/tfjs-core';

/**
 * Gradient-safe wrappers for tfjs ops whose stock gradients fail on the wasm backend or misbehave
 * (measured in ../shared/STYLE.md): `where` (a condition computed from a taped tensor breaks
 * `variableGrads`), `gather` (its gradient needs UnsortedSegmentSum, absent on wasm) and `cumsum`
 * (its gradient throws for a non-last axis).
 */

type Save = (tensors: tf.Tensor[]) => void;
type GradFn = (...args: any[]) => {
  value: tf.Tensor;
  gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => tf.Tensor | tf.Tensor[];
};
// Tensors a gradient needs that are not inputs (a condition, indices) must be `save`d: tf.grad disposes
// the forward pass's intermediates before running gradient functions.
const customGrad = (f: GradFn) =>
  tf.customGrad(f as unknown as Parameters<typeof tf.customGrad>[0]) as (...args: tf.Tensor[]) => tf.Tensor;

/** Sums a broadcast gradient back down to `shape`. */
export function unbroadcast(g: tf.Tensor, shape: number[]): tf.Tensor {
  let out = g;
  const lead = out.rank - shape.length;
  if (lead > 0) out = tf.sum(out, [...Array(lead).keys()]);
  const axes = shape.flatMap((d, i) => (d === 1 && out.shape[i] !== 1 ? [i] : []));
  if (axes.length) out = tf.sum(out, axes, true);
  return tf.reshape(out, shape);
}

function broadcastShape(...shapes: number[][]): number[] {
  const rank = Math.max(...shapes.map((s) => s.length));
  return [...Array(rank).keys()].map((i) => Math.max(...shapes.map((s) => s[i - (rank - s.length)] ?? 1)));
}

export function whereSafe(cond: tf.Tensor, a: tf.Tensor, b: tf.Tensor): tf.Tensor {
  const shape = broadcastShape(cond.shape, a.shape, b.shape);
  const f = customGrad((x: tf.Tensor, y: tf.Tensor, save: Save) => {
    const c = tf.broadcastTo(cond, shape);
    save([c]);
    return {
      value: tf.where(c, tf.broadcastTo(x, shape), tf.broadcastTo(y, shape)),
      gradFunc: (dy, [saved]) => {
        const zeros = tf.zerosLike(dy);
        return [
          unbroadcast(tf.where(saved, dy, zeros), x.shape),
          unbroadcast(tf.where(saved, zeros, dy), y.shape),
        ];
      },
    };
  });
  return f(a, b);
}

/** Gather whose gradient is a one-hot matmul (scatter-add) instead of UnsortedSegmentSum. */
export function gatherSafe(x: tf.Tensor, indices: tf.Tensor, axis: number): tf.Tensor {
  if (x.dtype !== 'float32') return tf.gather(x, indices, axis);
  const f = customGrad((src: tf.Tensor, save: Save) => {
    save([indices]);
    return {
      value: tf.gather(src, indices, axis),
      gradFunc: (dy, [idx]) => {
        const n = src.shape[axis];
        const moved = src.shape.filter((_, i) => i !== axis);
        const rest = moved.reduce((p, d) => p * d, 1);
        // dy is [pre..., idx..., post...]: bring the index axes first -> [numIdx, pre*post].
        const idxAxes = [...Array(idx.rank).keys()].map((i) => axis + i);
        const otherAxes = [...Array(dy.rank).keys()].filter((i) => !idxAxes.includes(i));
        const dy2 = tf.reshape(tf.transpose(dy, [...idxAxes, ...otherAxes]), [idx.size, rest]);
        const onehot = tf.transpose(tf.oneHot(tf.reshape(idx, [idx.size]), n)); // [n, numIdx]
        const g = tf.reshape(tf.matMul(tf.cast(onehot, 'float32'), dy2), [n, ...moved]);
        const perm = [axis, ...src.shape.map((_, i) => i).filter((i) => i !== axis)];
        return tf.transpose(
          g,
          perm.map((_, i) => perm.indexOf(i)),
        );
      },
    };
  });
  return f(x);
}

export function cumsumSafe(x: tf.Tensor, axis: number, exclusive: boolean, reverse: boolean): tf.Tensor {
  const last = x.rank - 1;
  const perm = x.shape.map((_, i) => i);
  [perm[axis], perm[last]] = [perm[last], perm[axis]];
  const moved = axis === last ? x : tf.transpose(x, perm);
  const f = customGrad((v: tf.Tensor) => ({
    value: tf.cumsum(v, last, exclusive, reverse),
    // The gradient of a prefix sum is the suffix sum of dy (and vice versa).
    gradFunc: (dy) => [tf.cumsum(dy, last, exclusive, !reverse)],
  }));
  const out = x.dtype === 'float32' ? f(moved) : tf.cumsum(moved, last, exclusive, reverse);
  return axis === last ? out : tf.transpose(out, perm);
}
