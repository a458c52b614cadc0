import { broadcastShapes, dimsCompatible, formatShape } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { backendOf, lift, type TensorLike, wrap } from './util.js';

/** Batched matrix product with broadcast batch dims: [..., M, K] @ [..., K, N] -> [..., M, N]. */
export function matmul(a: TensorLike, b: TensorLike): Tensor {
  const backend = backendOf('matmul', [a, b]);
  const ta = lift(backend, a, 'float32');
  const tb = lift(backend, b, 'float32');
  if (ta.rank < 2 || tb.rank < 2) {
    throw new Error(
      `matmul: both operands need rank >= 2 but received ${formatShape(ta.shape)} and ${formatShape(tb.shape)}`,
    );
  }
  if (ta.dtype !== 'float32' || tb.dtype !== 'float32')
    throw new Error(`matmul: expects float32 (received ${ta.dtype}, ${tb.dtype})`);
  const k1 = ta.shape[ta.rank - 1];
  const k2 = tb.shape[tb.rank - 2];
  if (!dimsCompatible(k1, k2)) {
    throw new Error(
      `matmul: inner dimensions differ: ${formatShape(ta.shape)} @ ${formatShape(tb.shape)} (${k1} vs ${k2})`,
    );
  }
  const batch = broadcastShapes(ta.shape.slice(0, -2), tb.shape.slice(0, -2), 'matmul');
  const out = [...batch, ta.shape[ta.rank - 2], tb.shape[tb.rank - 1]];
  return wrap(backend, backend.matmul(ta, tb), out, 'float32');
}
