import { ops, type Parameter, type Size, type Tensor } from '@seqzoo/core';

// Transformer-XL relative-position attention pieces that ESPnet ('latest' and legacy) and NeMo
// compute identically; the encoders keep their own classes, parameter names and mask fill values.

/** a·s + b for a size that may only be known at run time. */
export function affineSize(s: Size, a: number, b: number): Size {
  return typeof s === 'number' ? a * s + b : ops.add(ops.mul(s, a), b);
}

/**
 * Interleaved sinusoid rows for float `positions` [P]: PE(r)[2m] = sin(r·ω_m), PE(r)[2m+1] = cos(r·ω_m),
 * ω_m = exp(2m · (−ln 10000 / d)) computed in float32 (ESPnet's and NeMo's formula). Returns [1, P, d].
 */
export function sinusoidRows(like: Tensor, positions: Tensor, d: number): Tensor {
  const half = d / 2;
  const omega = new Float32Array(half);
  const step = Math.fround(-Math.log(10000) / d);
  for (let m = 0; m < half; m++) omega[m] = Math.exp(Math.fround(2 * m * step));
  const angles = ops.mul(ops.unsqueeze(positions, 1), ops.constant(like, omega, [1, half])); // [P, d/2]
  const pairs = ops.concat([ops.unsqueeze(ops.sin(angles), 2), ops.unsqueeze(ops.cos(angles), 2)], 2); // [P, d/2, 2]
  return ops.reshape(pairs, [1, ops.sizeOf(pairs, 0), d]);
}

/**
 * The descending relative-position table (ESPnet `RelPositionalEncoding` 'latest', NeMo
 * `RelPositionalEncoding`): rows for positions L−1, L−2, …, −(L−1) (2L−1 rows). Built in the graph
 * from the run-time length, so there is no maximum length. Returns [1, 2L−1, d].
 */
export function relativePositions(like: Tensor, length: Size, d: number): Tensor {
  const rows = ops.arange(like, 0, affineSize(length, 2, -1), 'float32'); // [2L−1]
  const top = affineSize(length, 1, -1);
  return sinusoidRows(like, ops.sub(typeof top === 'number' ? top : ops.cast(top, 'float32'), rows), d);
}

/**
 * Transformer-XL `rel_shift`: scores against the descending table [B, H, Tq, P] become scores by
 * relative distance: pad one zero column on the left, view as [B, H, P+1, Tq], drop the first row,
 * view back and keep `keys` columns (default Tq; with a Tq-column table this is ESPnet's legacy shift).
 */
export function relShift(x: Tensor, keys?: Size): Tensor {
  const [b, h, tq, p] = ops.shapeOf(x);
  const padded = ops.pad(x, [[1, 0]]); // [B, H, Tq, P+1]
  const folded = ops.reshape(padded, [b, h, affineSize(p, 1, 1), tq]); // [B, H, P+1, Tq]
  const shifted = ops.reshape(ops.slice(folded, 2, 1), [b, h, tq, p]); // [B, H, Tq, P]
  return ops.slice(shifted, 3, 0, keys ?? tq); // [B, H, Tq, Tk]
}

/**
 * Unmasked relative-position scores ((q + u)·kᵀ + rel_shift((q + v)·pᵀ)) / √d_k for q [B, Tq, H, Dk],
 * k [B, H, Dk, Tk], p [1, H, Dk, P] (the projected table) and biases u, v [H, Dk]. Returns [B, H, Tq, Tk].
 */
export function relPositionScores(
  q: Tensor,
  k: Tensor,
  p: Tensor,
  biasU: Parameter,
  biasV: Parameter,
  dK: number,
  keys?: Size,
): Tensor {
  const qu = ops.transpose(ops.add(q, biasU), [0, 2, 1, 3]); // [B, H, Tq, Dk]
  const qv = ops.transpose(ops.add(q, biasV), [0, 2, 1, 3]);
  const ac = ops.matmul(qu, k); // [B, H, Tq, Tk]
  const bd = relShift(ops.matmul(qv, p), keys); // [B, H, Tq, Tk]
  return ops.div(ops.add(ac, bd), Math.sqrt(dK));
}
