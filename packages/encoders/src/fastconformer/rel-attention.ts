import { constantParameter, Linear, Module, ops, type Parameter, type Rng, type Tensor } from '@seqzoo/core';
import { relPositionScores } from '../shared/rel-position.js';

// NeMo's `RelPositionalEncoding` table (rows for L−1 down to −(L−1), ω_m = 10000^(−2m/d)) and its
// `rel_shift` (keeping Tk columns) are the shared Transformer-XL pieces.
export {
  relativePositions as relPositionalEmbedding,
  relShift,
} from '../shared/rel-position.js';

/** NeMo's mask fill value and the base of its sinusoid frequencies (both `INF_VAL` = 10000). */
const MASK_FILL = -10000;

/**
 * NeMo `RelPositionMultiHeadAttention`: scores = ((q + u)·kᵀ + rel_shift((q + v)·pᵀ)) / √d_k with
 * p = linear_pos(pos_emb) (no bias), masked with −10000 before the softmax and 0 after.
 */
export class RelPositionMultiHeadAttention extends Module {
  linear_q: Linear;
  linear_k: Linear;
  linear_v: Linear;
  linear_out: Linear;
  linear_pos: Linear;
  pos_bias_u: Parameter;
  pos_bias_v: Parameter;
  readonly dK: number;

  constructor(
    readonly dModel: number,
    readonly nHeads: number,
    rng?: Rng,
  ) {
    super();
    this.dK = dModel / nHeads;
    this.linear_q = new Linear(dModel, dModel, { rng });
    this.linear_k = new Linear(dModel, dModel, { rng });
    this.linear_v = new Linear(dModel, dModel, { rng });
    this.linear_out = new Linear(dModel, dModel, { rng });
    this.linear_pos = new Linear(dModel, dModel, { bias: false, rng });
    // NeMo initialises both biases to zeros.
    this.pos_bias_u = constantParameter([nHeads, this.dK], 0);
    this.pos_bias_v = constantParameter([nHeads, this.dK], 0);
    this.inputNames = ['query', 'key', 'keep', 'posEmb'];
  }

  private heads(x: Tensor): Tensor {
    return ops.reshape(x, [ops.sizeOf(x, 0), ops.sizeOf(x, 1), this.nHeads, this.dK]); // [B, T, H, Dk]
  }

  /**
   * query [B, Tq, d]; key = value [B, Tk, d] (the attention cache followed by the query frames when
   * streaming); keep bool [B, Tq, Tk] (true = visible); posEmb [1, 2Tk − 1, d]. Returns [B, Tq, d].
   */
  forward(query: Tensor, key: Tensor, keep: Tensor, posEmb: Tensor): Tensor {
    const q = this.heads(this.linear_q.forward(query)); // [B, Tq, H, Dk]
    const k = ops.transpose(this.heads(this.linear_k.forward(key)), [0, 2, 3, 1]); // [B, H, Dk, Tk]
    const v = ops.transpose(this.heads(this.linear_v.forward(key)), [0, 2, 1, 3]); // [B, H, Tk, Dk]
    const p = ops.transpose(this.heads(this.linear_pos.forward(posEmb)), [0, 2, 3, 1]); // [1, H, Dk, P]
    const scores = relPositionScores(q, k, p, this.pos_bias_u, this.pos_bias_v, this.dK, ops.sizeOf(key, 1)); // [B, H, Tq, Tk]
    const keep4 = ops.unsqueeze(keep, 1); // [B, 1, Tq, Tk]
    const attn = ops.where(keep4, ops.softmax(ops.where(keep4, scores, MASK_FILL), -1), 0);
    const out = ops.transpose(ops.matmul(attn, v), [0, 2, 1, 3]); // [B, Tq, H, Dk]
    return this.linear_out.forward(ops.reshape(out, [ops.sizeOf(out, 0), ops.sizeOf(out, 1), this.dModel]));
  }
}
