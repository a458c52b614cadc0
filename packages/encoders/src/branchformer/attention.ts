import {
  Linear,
  Module,
  ops,
  type Parameter,
  type Rng,
  type Size,
  type Tensor,
  uniformParameter,
} from '@seqzoo/core';

/** ESPnet fills masked scores with float32's lowest value (`numpy.finfo(float32).min`). */
export const F32_MIN = -3.4028234663852886e38;

/** a·s + b for a size that may only be known at run time. */
export function affineSize(s: Size, a: number, b: number): Size {
  return typeof s === 'number' ? a * s + b : ops.add(ops.mul(s, a), b);
}

/**
 * Interleaved sinusoid rows for float `positions` [P]: PE(r)[2m] = sin(r·ω_m), PE(r)[2m+1] = cos(r·ω_m),
 * ω_m = exp(2m · (−ln 10000 / d)) as ESPnet computes it in float32. Returns [1, P, d].
 */
function sinusoidRows(like: Tensor, positions: Tensor, d: number): Tensor {
  const half = d / 2;
  const omega = new Float32Array(half);
  const step = Math.fround(-Math.log(10000) / d);
  for (let m = 0; m < half; m++) omega[m] = Math.exp(Math.fround(2 * m * step));
  const angles = ops.mul(ops.unsqueeze(positions, 1), ops.constant(like, omega, [1, half])); // [P, d/2]
  const pairs = ops.concat([ops.unsqueeze(ops.sin(angles), 2), ops.unsqueeze(ops.cos(angles), 2)], 2); // [P, d/2, 2]
  return ops.reshape(pairs, [1, ops.sizeOf(pairs, 0), d]);
}

/** ESPnet `PositionalEncoding` table for positions 0..T−1 (added to x·√d). Returns [1, T, d]. */
export function absolutePositions(like: Tensor, length: Size, d: number): Tensor {
  return sinusoidRows(like, ops.arange(like, 0, length, 'float32'), d);
}

/**
 * ESPnet `RelPositionalEncoding` ('latest') table: rows for relative positions T−1, T−2, …, −(T−1)
 * (2T−1 rows, descending). Built in the graph from the run-time length, so there is no maximum length
 * (ESPnet's `max_len` only sizes a cache). Returns [1, 2T−1, d].
 */
export function relativePositions(like: Tensor, length: Size, d: number): Tensor {
  const rows = ops.arange(like, 0, affineSize(length, 2, -1), 'float32'); // [2T−1]
  const top = affineSize(length, 1, -1);
  return sinusoidRows(like, ops.sub(typeof top === 'number' ? top : ops.cast(top, 'float32'), rows), d);
}

/**
 * ESPnet `LegacyRelPositionalEncoding` table: T rows at positions P−1, P−2, …, P−T with
 * P = max(maxLen, T) — the legacy class slices the first T rows of a reversed table built for `max_len`
 * positions, so its "relative" positions are offset by max_len − T. Returns [1, T, d].
 */
export function legacyRelativePositions(like: Tensor, length: Size, d: number, maxLen: number): Tensor {
  const rows = ops.arange(like, 0, length, 'float32'); // [T]
  const top =
    typeof length === 'number'
      ? Math.max(maxLen, length) - 1
      : ops.sub(ops.cast(ops.maximum(length, maxLen), 'float32'), 1);
  return sinusoidRows(like, ops.sub(top, rows), d);
}

/**
 * Transformer-XL `rel_shift` ('latest'): scores against the descending table [B, H, T, 2T−1] become
 * scores by relative distance i − j: pad one zero column on the left, view as [B, H, 2T, T], drop the
 * first row, view back and keep the first T (= (2T−1)//2 + 1) columns. With a T-column table this is
 * the legacy shift (which keeps every column).
 */
export function relShift(x: Tensor): Tensor {
  const [b, h, t, p] = ops.shapeOf(x);
  const padded = ops.pad(x, [[1, 0]]); // [B, H, T, P+1]
  const folded = ops.reshape(padded, [b, h, affineSize(p, 1, 1), t]); // [B, H, P+1, T]
  const shifted = ops.reshape(ops.slice(folded, 2, 1), [b, h, t, p]); // [B, H, T, P]
  return ops.slice(shifted, 3, 0, t); // [B, H, T, T]
}

/** Xavier-uniform (H, d_k) tensor, as ESPnet initialises `pos_bias_u` / `pos_bias_v`. */
function xavier(h: number, dK: number, rng?: Rng): Parameter {
  return uniformParameter([h, dK], Math.sqrt(6 / (h + dK)), rng);
}

/**
 * ESPnet `MultiHeadedAttention` (and, with `rel`, `RelPositionMultiHeadedAttention`, 'latest'):
 * four biased projections; scores qkᵀ/√d_k, or ((q+u)kᵀ + rel_shift((q+v)pᵀ))/√d_k with
 * p = linear_pos(pos_emb) (no bias) — `LegacyRelPositionMultiHeadedAttention` too, given a T-row
 * table; padded keys get float32's minimum before the softmax and 0 after.
 */
export class EspnetAttention extends Module {
  linear_q: Linear;
  linear_k: Linear;
  linear_v: Linear;
  linear_out: Linear;
  linear_pos?: Linear;
  pos_bias_u?: Parameter;
  pos_bias_v?: Parameter;
  readonly dK: number;

  constructor(
    readonly nHeads: number,
    readonly dModel: number,
    readonly rel: boolean,
    readonly dropoutRate = 0,
    rng?: Rng,
  ) {
    super();
    this.dK = dModel / nHeads;
    this.linear_q = new Linear(dModel, dModel, { rng });
    this.linear_k = new Linear(dModel, dModel, { rng });
    this.linear_v = new Linear(dModel, dModel, { rng });
    this.linear_out = new Linear(dModel, dModel, { rng });
    if (rel) {
      this.linear_pos = new Linear(dModel, dModel, { bias: false, rng });
      this.pos_bias_u = xavier(nHeads, this.dK, rng);
      this.pos_bias_v = xavier(nHeads, this.dK, rng);
    }
    this.inputNames = ['x', 'keep', 'posEmb'];
  }

  private heads(x: Tensor): Tensor {
    return ops.reshape(x, [ops.sizeOf(x, 0), ops.sizeOf(x, 1), this.nHeads, this.dK]); // [B, T, H, Dk]
  }

  /** x [B, T, d]; keep bool [B, T] (true = valid key); posEmb [1, 2T−1 (legacy: T), d] when `rel`. Returns [B, T, d]. */
  forward(x: Tensor, keep: Tensor, posEmb?: Tensor): Tensor {
    const q = this.heads(this.linear_q.forward(x)); // [B, T, H, Dk]
    const k = ops.transpose(this.heads(this.linear_k.forward(x)), [0, 2, 3, 1]); // [B, H, Dk, T]
    const v = ops.transpose(this.heads(this.linear_v.forward(x)), [0, 2, 1, 3]); // [B, H, T, Dk]
    let scores: Tensor;
    if (this.linear_pos && this.pos_bias_u && this.pos_bias_v) {
      if (!posEmb) throw new Error('EspnetAttention: relative attention needs argument posEmb');
      const p = ops.transpose(this.heads(this.linear_pos.forward(posEmb)), [0, 2, 3, 1]); // [1, H, Dk, 2T−1]
      const qu = ops.transpose(ops.add(q, this.pos_bias_u), [0, 2, 1, 3]); // [B, H, T, Dk]
      const qv = ops.transpose(ops.add(q, this.pos_bias_v), [0, 2, 1, 3]);
      const bd = relShift(ops.matmul(qv, p)); // [B, H, T, T]
      scores = ops.div(ops.add(ops.matmul(qu, k), bd), Math.sqrt(this.dK));
    } else {
      scores = ops.div(ops.matmul(ops.transpose(q, [0, 2, 1, 3]), k), Math.sqrt(this.dK)); // [B, H, T, T]
    }
    const keep4 = ops.reshape(keep, [ops.sizeOf(keep, 0), 1, 1, ops.sizeOf(keep, 1)]); // [B, 1, 1, T]
    const probs = ops.where(keep4, ops.softmax(ops.where(keep4, scores, F32_MIN), -1), 0);
    const attn = ops.dropout(probs, this.dropoutRate, this.training);
    const out = ops.transpose(ops.matmul(attn, v), [0, 2, 1, 3]); // [B, T, H, Dk]
    return this.linear_out.forward(ops.reshape(out, [ops.sizeOf(out, 0), ops.sizeOf(out, 1), this.dModel]));
  }
}
