import {
  constantParameter,
  Linear,
  Module,
  ops,
  type Parameter,
  type Rng,
  type Size,
  type Tensor,
} from '@seqzoo/core';

/** NeMo's mask fill value and the base of its sinusoid frequencies (both `INF_VAL` = 10000). */
const MASK_FILL = -10000;

/** a·s + b for a size that may only be known at run time. */
export function affineSize(s: Size, a: number, b: number): Size {
  return typeof s === 'number' ? a * s + b : ops.add(ops.mul(s, a), b);
}

/**
 * NeMo `RelPositionalEncoding` table for `length` key positions: rows hold PE(r) for r = L−1 down to
 * −(L−1) (2L−1 rows), PE(r)[2m] = sin(r·ω_m), PE(r)[2m+1] = cos(r·ω_m), ω_m = 10000^(−2m/d).
 * Built in the graph from the run-time length, so there is no maximum length. Returns [1, 2L−1, d].
 */
export function relPositionalEmbedding(like: Tensor, length: Size, d: number): Tensor {
  const half = d / 2;
  const omega = new Float32Array(half);
  const step = Math.fround(-Math.log(10000) / d);
  for (let m = 0; m < half; m++) omega[m] = Math.exp(Math.fround(2 * m * step));
  const rows = ops.arange(like, 0, affineSize(length, 2, -1), 'float32'); // [2L−1]
  const top = affineSize(length, 1, -1);
  const positions = ops.sub(typeof top === 'number' ? top : ops.cast(top, 'float32'), rows); // L−1 … −(L−1)
  const angles = ops.mul(ops.unsqueeze(positions, 1), ops.constant(like, omega, [1, half])); // [2L−1, d/2]
  const pairs = ops.concat([ops.unsqueeze(ops.sin(angles), 2), ops.unsqueeze(ops.cos(angles), 2)], 2); // [2L−1, d/2, 2]
  return ops.reshape(pairs, [1, ops.sizeOf(pairs, 0), d]);
}

/**
 * Transformer-XL `rel_shift` (NeMo): scores against the descending position table [B, H, Tq, P] with
 * P = 2·Tk − 1 become scores by relative distance (query index + cache) − key index: pad one zero
 * column on the left, view as [B, H, P+1, Tq], drop the first row, view back, keep Tk columns.
 */
export function relShift(x: Tensor, keys: Size): Tensor {
  const [b, h, tq, p] = ops.shapeOf(x);
  const padded = ops.pad(x, [[1, 0]]); // [B, H, Tq, P+1]
  const folded = ops.reshape(padded, [b, h, affineSize(p, 1, 1), tq]); // [B, H, P+1, Tq]
  const shifted = ops.reshape(ops.slice(folded, 2, 1), [b, h, tq, p]); // [B, H, Tq, P]
  return ops.slice(shifted, 3, 0, keys); // [B, H, Tq, Tk]
}

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
    const qu = ops.transpose(ops.add(q, this.pos_bias_u), [0, 2, 1, 3]); // [B, H, Tq, Dk]
    const qv = ops.transpose(ops.add(q, this.pos_bias_v), [0, 2, 1, 3]);
    const ac = ops.matmul(qu, k); // [B, H, Tq, Tk]
    const bd = relShift(ops.matmul(qv, p), ops.sizeOf(key, 1)); // [B, H, Tq, Tk]
    const scores = ops.div(ops.add(ac, bd), Math.sqrt(this.dK));
    const keep4 = ops.unsqueeze(keep, 1); // [B, 1, Tq, Tk]
    const attn = ops.where(keep4, ops.softmax(ops.where(keep4, scores, MASK_FILL), -1), 0);
    const out = ops.transpose(ops.matmul(attn, v), [0, 2, 1, 3]); // [B, Tq, H, Dk]
    return this.linear_out.forward(ops.reshape(out, [ops.sizeOf(out, 0), ops.sizeOf(out, 1), this.dModel]));
  }
}
