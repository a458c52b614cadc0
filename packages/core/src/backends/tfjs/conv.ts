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
  // Leading and trailing axes are merged so the fold is rank 4 at most: wasm's Slice kernel is fast
  // up to rank 4 but falls back to a slow generic path above (a stride-2 Conv2d took seconds).
  const lead = x.shape.slice(0, axis).reduce((p, d) => p * d, 1);
  const trail = x.shape.slice(axis + 1).reduce((p, d) => p * d, 1);
  const folded = tf.reshape(part, [lead, count, step, trail]);
  const col = tf.slice(folded, [0, 0, 0, 0], [lead, count, 1, trail]);
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

/**
 * tfjs's own convolution kernels, used for inference (no gradient tape): much faster than the lowered
 * form (a stride-2 depthwise conv on [1,256,64,44] took seconds lowered). Returns undefined for what
 * the kernels cannot do: groups other than 1 or depthwise, or stride and dilation both above 1.
 */
export function convNative(
  x: tf.Tensor,
  w: tf.Tensor,
  b: tf.Tensor | undefined,
  attrs: ConvAttrs,
): tf.Tensor | undefined {
  const spatial = x.rank - 2;
  const { strides, dilations, pads, groups } = attrs;
  if (strides.some((s, i) => s > 1 && dilations[i] > 1)) return undefined;
  const cin = x.shape[1] as number;
  const cout = w.shape[0] as number;
  const depthwise = groups === cin && groups > 1 && cout % cin === 0;
  if (groups !== 1 && !depthwise) return undefined;
  // Channels-last with the padding applied up front (tfjs pads symmetrically only).
  const padPairs: [number, number][] = [[0, 0]];
  for (let i = 0; i < spatial; i++) padPairs.push([pads[i], pads[spatial + i]]);
  padPairs.push([0, 0]);
  const perm = spatial === 1 ? [0, 2, 1] : [0, 2, 3, 1];
  let xl = tf.transpose(x, perm); // [B, T, C] or [B, H, W, C]
  if (padPairs.some(([p, q]) => p || q)) xl = tf.pad(xl, padPairs);
  if (spatial === 1) xl = tf.expandDims(xl, 1); // [B, 1, T, C]
  const k = w.shape.slice(2) as number[];
  const kh = spatial === 1 ? 1 : k[0];
  const kw = k[spatial - 1];
  const stride: [number, number] = spatial === 1 ? [1, strides[0]] : [strides[0], strides[1]];
  const dilation: [number, number] = spatial === 1 ? [1, dilations[0]] : [dilations[0], dilations[1]];
  let y: tf.Tensor4D;
  if (depthwise) {
    const mult = cout / cin;
    // [C*m, 1, KH?, KW] -> [KH, KW, C, m]: output channel c*m + j, as PyTorch's groups order them.
    const filter = tf.transpose(tf.reshape(w, [cin, mult, kh, kw]), [2, 3, 0, 1]) as tf.Tensor4D;
    y = tf.depthwiseConv2d(xl as tf.Tensor4D, filter, stride, 'valid', 'NHWC', dilation);
  } else {
    const filter = tf.transpose(tf.reshape(w, [cout, cin, kh, kw]), [2, 3, 1, 0]) as tf.Tensor4D;
    y = tf.conv2d(xl as tf.Tensor4D, filter, stride, 'valid', 'NHWC', dilation);
  }
  if (b) y = tf.add(y, b) as tf.Tensor4D;
  const out = spatial === 1 ? tf.squeeze(y, [1]) : y;
  return tf.transpose(out, spatial === 1 ? [0, 2, 1] : [0, 3, 1, 2]);
}
