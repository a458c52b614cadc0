import * as tf from '@tensorflow/tfjs-core';
import type { ConvAttrs } from '../../backend.js';

/**
 * Convolution lowered to slices and matrix products: the wasm backend has no gradient kernels for
 * Conv2DBackpropFilter or DepthwiseConv2dNativeBackpropFilter, while slice, concat, multiply and
 * matmul all differentiate there. Layout stays PyTorch's NC(H)W with weights [Cout, Cin/g, ...K].
 */

/** `x[..., start + step*j]` for j < count along `axis`, differentiable on every backend. */
export function stridedTake(
  x: tf.Tensor,
  axis: number,
  start: number,
  count: number,
  step: number,
): tf.Tensor {
  const begin = x.shape.map((_, i) => (i === axis ? start : 0));
  if (step === 1)
    return tf.slice(
      x,
      begin,
      x.shape.map((d, i) => (i === axis ? count : d)),
    );
  // Take count*step values (padding the tail if needed), fold them to [count, step] and keep column 0.
  const avail = x.shape[axis] - start;
  const need = count * step;
  let part = tf.slice(
    x,
    begin,
    x.shape.map((d, i) => (i === axis ? Math.min(avail, need) : d)),
  );
  if (avail < need)
    part = tf.pad(
      part,
      x.shape.map((_, i) => (i === axis ? [0, need - avail] : [0, 0])) as [number, number][],
    );
  const folded = tf.reshape(part, [...x.shape.slice(0, axis), count, step, ...x.shape.slice(axis + 1)]);
  const col = tf.slice(
    folded,
    folded.shape.map(() => 0),
    folded.shape.map((d: number, i: number) => (i === axis + 1 ? 1 : d)),
  );
  return tf.reshape(col, [...x.shape.slice(0, axis), count, ...x.shape.slice(axis + 1)]);
}

export function convLowered(
  x: tf.Tensor,
  w: tf.Tensor,
  b: tf.Tensor | undefined,
  attrs: ConvAttrs,
): tf.Tensor {
  const spatial = x.rank - 2;
  const { strides, dilations, pads, groups } = attrs;
  const padPairs: [number, number][] = [
    [0, 0],
    [0, 0],
  ];
  for (let i = 0; i < spatial; i++) padPairs.push([pads[i], pads[spatial + i]]);
  const xp = padPairs.some(([a, c]) => a || c) ? tf.pad(x, padPairs) : x;
  const kernel = w.shape.slice(2);
  const outLen = kernel.map(
    (k, i) => Math.floor((xp.shape[2 + i] - dilations[i] * (k - 1) - 1) / strides[i]) + 1,
  );
  const batch = x.shape[0];
  const cin = x.shape[1] as number;
  const cout = w.shape[0];
  // Every kernel offset as one shifted view of the input: [B, Cin, ...out].
  const offsets: number[][] = [];
  if (spatial === 1) for (let k = 0; k < kernel[0]; k++) offsets.push([k]);
  else for (let i = 0; i < kernel[0]; i++) for (let j = 0; j < kernel[1]; j++) offsets.push([i, j]);
  const views = offsets.map((off) => {
    let v = xp;
    for (let i = 0; i < spatial; i++) v = stridedTake(v, 2 + i, off[i] * dilations[i], outLen[i], strides[i]);
    return v;
  });
  const kk = offsets.length;
  let y: tf.Tensor;
  if (groups === cin && cout === cin) {
    // Depthwise: a weighted sum of the shifted views, weights broadcast over batch and time.
    const wFlat = tf.reshape(w, [cout, kk]);
    y = views.reduce<tf.Tensor | undefined>((acc, v, k) => {
      const wk = tf.reshape(tf.slice(wFlat, [0, k], [cout, 1]), [1, cout, ...outLen.map(() => 1)]);
      const term = tf.mul(v, wk);
      return acc ? tf.add(acc, term) : term;
    }, undefined) as tf.Tensor;
  } else {
    const outSize = outLen.reduce((p, d) => p * d, 1);
    const cols = tf.reshape(tf.stack(views, 2), [batch, groups, (cin / groups) * kk, outSize]); // [B, g, Cin/g*K, T']
    const wg = tf.reshape(w, [1, groups, cout / groups, (cin / groups) * kk]); // [1, g, Cout/g, Cin/g*K]
    y = tf.reshape(tf.matMul(tf.broadcastTo(wg, [batch, groups, cout / groups, (cin / groups) * kk]), cols), [
      batch,
      cout,
      ...outLen,
    ]);
  }
  if (b) y = tf.add(y, tf.reshape(b, [1, cout, ...outLen.map(() => 1)]));
  return y;
}
