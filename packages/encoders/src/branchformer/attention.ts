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
import { relPositionScores, sinusoidRows } from '../shared/rel-position.js';

// ESPnet's 'latest' RelPositionalEncoding table and rel_shift are the shared Transformer-XL pieces
// (rel_shift with its default of T kept columns; with a T-row legacy table that is the legacy shift).
export { relativePositions, relShift } from '../shared/rel-position.js';

/** ESPnet fills masked scores with float32's lowest value (`numpy.finfo(float32).min`). */
export const F32_MIN = -3.4028234663852886e38;

/** ESPnet `PositionalEncoding` table for positions 0..T−1 (added to x·√d). Returns [1, T, d]. */
export function absolutePositions(like: Tensor, length: Size, d: number): Tensor {
  return sinusoidRows(like, ops.arange(like, 0, length, 'float32'), d);
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
      scores = relPositionScores(q, k, p, this.pos_bias_u, this.pos_bias_v, this.dK); // [B, H, T, T]
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
