import { formatShape, normalizeAxis } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { add, erf, exp, less, log, mul, rsqrt, sigmoid, sub, tanh, where } from './elementwise.js';
import { max, mean, sum } from './reduce.js';
import { arange, reshape, sizeOf, slice } from './shape-ops.js';
import { lift, type TensorLike, wrap } from './util.js';

let preferNative = true;
/** Tests switch native lowerings off to check them against the composites that define their meaning. */
export function setNativeLowerings(on: boolean): void {
  preferNative = on;
}

export function softmax(x: Tensor, axis = -1): Tensor {
  const a = normalizeAxis(axis, x.rank, 'softmax');
  const native = x.backend.native.softmax;
  if (preferNative && native) return wrap(x.backend, native(x, a), x.shape, x.dtype);
  const e = exp(sub(x, max(x, a, true)));
  return mul(e, reciprocalOf(sum(e, a, true)));
}

export function logSoftmax(x: Tensor, axis = -1): Tensor {
  const a = normalizeAxis(axis, x.rank, 'logSoftmax');
  const native = x.backend.native.logSoftmax;
  if (preferNative && native) return wrap(x.backend, native(x, a), x.shape, x.dtype);
  const shifted = sub(x, max(x, a, true));
  return sub(shifted, log(sum(exp(shifted), a, true)));
}

function reciprocalOf(x: Tensor): Tensor {
  return wrap(x.backend, x.backend.unary('reciprocal', x), x.shape, x.dtype);
}

/** Layer normalisation over the last axis (PyTorch's LayerNorm with one normalised dim). */
export function layerNorm(
  x: Tensor,
  weight: TensorLike | undefined,
  bias: TensorLike | undefined,
  eps = 1e-5,
): Tensor {
  const w = weight === undefined ? undefined : lift(x.backend, weight, 'float32');
  const b = bias === undefined ? undefined : lift(x.backend, bias, 'float32');
  const d = x.shape[x.rank - 1];
  for (const [name, t] of [
    ['weight', w],
    ['bias', b],
  ] as const) {
    if (t && (t.rank !== 1 || (typeof d === 'number' && t.shape[0] !== d))) {
      throw new Error(
        `layerNorm: '${name}' has shape ${formatShape(t.shape)} but the input's last axis is ${d} (input ${formatShape(x.shape)})`,
      );
    }
  }
  const native = x.backend.native.layerNorm;
  if (preferNative && native) return wrap(x.backend, native(x, w, b, eps), x.shape, x.dtype);
  const centered = sub(x, mean(x, -1, true));
  let y = mul(centered, rsqrt(add(mean(mul(centered, centered), -1, true), eps)));
  if (w) y = mul(y, w);
  if (b) y = add(y, b);
  return y;
}

/** GELU: exact (erf) as PyTorch's default, or the tanh approximation (`approximate='tanh'`). */
export function gelu(x: Tensor, approximate: 'none' | 'tanh' = 'none'): Tensor {
  if (approximate === 'tanh') {
    const inner = mul(add(x, mul(mul(mul(x, x), x), 0.044715)), Math.sqrt(2 / Math.PI));
    return mul(mul(x, 0.5), add(tanh(inner), 1));
  }
  return mul(mul(x, 0.5), add(erf(mul(x, Math.SQRT1_2)), 1));
}

export const silu = (x: Tensor): Tensor => mul(x, sigmoid(x));

/** Gated linear unit: first half ⊙ sigmoid(second half) along `axis` (PyTorch's F.glu). */
export function glu(x: Tensor, axis = -1): Tensor {
  const a = normalizeAxis(axis, x.rank, 'glu');
  const d = x.shape[a];
  if (typeof d !== 'number' || d % 2 !== 0) {
    throw new Error(`glu: axis ${a} of ${formatShape(x.shape)} must have a known even size`);
  }
  return mul(slice(x, a, 0, d / 2), sigmoid(slice(x, a, d / 2, d)));
}

/** A bool [B, T] mask, true where `t < lengths[b]`, with T the size of `like`'s `timeAxis`. */
export function lengthMask(lengths: Tensor, like: Tensor, timeAxis = 1): Tensor {
  if (lengths.dtype !== 'int32' || lengths.rank !== 1) {
    throw new Error(
      `lengthMask: 'lengths' must be int32 [B] but is ${lengths.dtype} ${formatShape(lengths.shape)}`,
    );
  }
  const positions = arange(like, 0, sizeOf(like, timeAxis)); // [T]
  return less(positions, reshape(lengths, [-1, 1])); // [B, T]
}

/** Zeroes (or sets to `value`) masked-out positions; `keep` broadcasts against `x`. */
export function maskFill(x: Tensor, keep: Tensor, value = 0): Tensor {
  return where(keep, x, value);
}

/** Training-time dropout with inverted scaling; identity when not training or rate is 0. */
export function dropout(x: Tensor, rate: number, training: boolean, seed = 0): Tensor {
  if (!(rate >= 0 && rate < 1)) throw new Error(`dropout: rate must be in [0, 1) but is ${rate}`);
  if (!training || rate === 0) return x;
  return wrap(x.backend, x.backend.dropout(x, rate, seed), x.shape, x.dtype);
}

export function meanSquaredError(pred: Tensor, target: Tensor): Tensor {
  const d = sub(pred, target);
  return mean(mul(d, d));
}
