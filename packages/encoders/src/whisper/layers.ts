import { Dropout, LayerNorm, Linear, Module, ops, type Rng, type Tensor } from '@seqzoo/core';

/**
 * HF `WhisperAttention` (encoder self-attention, no mask): q_proj, k_proj (no bias), v_proj, out_proj.
 * The three projections run as one matmul against their concatenated weights (k's missing bias is a
 * zero block), which exported graphs constant-fold; scores are q·kᵀ/√d_k as in HF and openai.
 */
export class WhisperAttention extends Module {
  k_proj: Linear;
  v_proj: Linear;
  q_proj: Linear;
  out_proj: Linear;
  readonly headDim: number;

  constructor(
    readonly dModel: number,
    readonly numHeads: number,
    readonly attentionDropout = 0,
    rng?: Rng,
  ) {
    super();
    this.headDim = dModel / numHeads;
    this.k_proj = new Linear(dModel, dModel, { bias: false, rng });
    this.v_proj = new Linear(dModel, dModel, { rng });
    this.q_proj = new Linear(dModel, dModel, { rng });
    this.out_proj = new Linear(dModel, dModel, { rng });
  }

  forward(x: Tensor): Tensor {
    const d = this.dModel;
    const w = ops.concat(
      [this.q_proj.weight, this.k_proj.weight, this.v_proj.weight].map((p) => ops.tensorOf(x, p)),
      0,
    ); // [3D, D]
    const zeros = ops.constant(x, new Float32Array(d), [d]);
    const b = ops.concat([ops.tensorOf(x, this.q_proj.bias!), zeros, ops.tensorOf(x, this.v_proj.bias!)], 0); // [3D]
    const qkv = ops.add(ops.matmul(x, ops.transpose(w)), b); // [B, T, 3D]
    const [B, T] = [ops.sizeOf(x, 0), ops.sizeOf(x, 1)];
    const heads = (i: number) =>
      ops.transpose(
        ops.reshape(ops.slice(qkv, 2, i * d, (i + 1) * d), [B, T, this.numHeads, this.headDim]),
        [0, 2, 1, 3],
      ); // [B, H, T, Dh]
    const q = ops.mul(heads(0), 1 / Math.sqrt(this.headDim));
    const scores = ops.matmul(q, ops.transpose(heads(1), [0, 1, 3, 2])); // [B, H, T, T]
    const probs = ops.dropout(ops.softmax(scores, -1), this.attentionDropout, this.training);
    const ctx = ops.transpose(ops.matmul(probs, heads(2)), [0, 2, 1, 3]); // [B, T, H, Dh]
    return this.out_proj.forward(ops.reshape(ctx, [B, T, d]));
  }
}

/** HF `WhisperEncoderLayer`: pre-LN self-attention and pre-LN MLP (fc1 → exact GELU → fc2). */
export class WhisperEncoderLayer extends Module {
  self_attn: WhisperAttention;
  self_attn_layer_norm: LayerNorm;
  fc1: Linear;
  fc2: Linear;
  final_layer_norm: LayerNorm;
  private readonly drop: Dropout;
  private readonly actDrop: Dropout;

  constructor(dModel: number, numHeads: number, ffnDim: number, dropout = 0, rng?: Rng) {
    super();
    this.self_attn = new WhisperAttention(dModel, numHeads, dropout, rng);
    this.self_attn_layer_norm = new LayerNorm(dModel);
    this.fc1 = new Linear(dModel, ffnDim, { rng });
    this.fc2 = new Linear(ffnDim, dModel, { rng });
    this.final_layer_norm = new LayerNorm(dModel);
    this.drop = new Dropout(dropout);
    this.actDrop = new Dropout(dropout);
  }

  forward(x: Tensor): Tensor {
    const h = ops.add(x, this.drop.forward(this.self_attn.forward(this.self_attn_layer_norm.forward(x))));
    const hidden = this.actDrop.forward(ops.gelu(this.fc1.forward(this.final_layer_norm.forward(h))));
    return ops.add(h, this.drop.forward(this.fc2.forward(hidden)));
  }
}
