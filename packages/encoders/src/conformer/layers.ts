import {
  BatchNorm,
  Conv1d,
  Dropout,
  GLU,
  LayerNorm,
  Linear,
  Module,
  MultiHeadAttention,
  ops,
  type Parameter,
  type Rng,
  Sequential,
  SiLU,
  type Tensor,
} from '@seqzoo/core';
import { GroupNorm } from './group-norm.js';

/**
 * torchaudio's `_FeedForwardModule`: Sequential(LayerNorm, Linear, SiLU, Dropout, Linear, Dropout), so
 * its weights are named `sequential.0` (norm), `sequential.1` and `sequential.4` (linears).
 */
export class ConformerFeedForward extends Module {
  sequential: Sequential;

  constructor(dim: number, hidden: number, dropout: number, rng?: Rng) {
    super();
    this.sequential = new Sequential(
      new LayerNorm(dim),
      new Linear(dim, hidden, { rng }),
      new SiLU(),
      new Dropout(dropout),
      new Linear(hidden, dim, { rng }),
      new Dropout(dropout),
    );
  }

  forward(x: Tensor): Tensor {
    return this.sequential.forward(x);
  }
}

/**
 * torchaudio's `_ConvolutionModule` on [B, T, D]: LayerNorm, then on [B, D, T] pointwise conv to 2D →
 * GLU over channels → depthwise conv (K, "same") → BatchNorm1d or GroupNorm(1) → SiLU → pointwise conv →
 * Dropout. Padded frames are not zeroed (torchaudio does not), so they reach the depthwise conv.
 */
export class ConformerConvModule extends Module {
  layer_norm: LayerNorm;
  sequential: Sequential;

  constructor(dim: number, kernel: number, dropout: number, useGroupNorm: boolean, rng?: Rng) {
    super();
    this.layer_norm = new LayerNorm(dim);
    this.sequential = new Sequential(
      new Conv1d(dim, 2 * dim, 1, { rng }),
      new GLU(1),
      new Conv1d(dim, dim, kernel, { padding: (kernel - 1) / 2, groups: dim, rng }),
      useGroupNorm ? new GroupNorm(1, dim) : new BatchNorm(dim),
      new SiLU(),
      new Conv1d(dim, dim, 1, { rng }),
      new Dropout(dropout),
    );
  }

  forward(x: Tensor): Tensor {
    const s = this.sequential;
    let y = ops.swapAxes(this.layer_norm.forward(x), 1, 2); // [B, D, T]
    y = s[1].forward(s[0].forward(y) as Tensor) as Tensor; // pointwise to 2D, GLU back to D
    y = this.depthwiseAndNorm(y);
    y = s[6].forward(s[5].forward(s[4].forward(y) as Tensor) as Tensor) as Tensor; // SiLU, pointwise, dropout
    return ops.swapAxes(y, 1, 2); // [B, T, D]
  }

  /**
   * Depthwise conv then BatchNorm/GroupNorm. In eval, BatchNorm is an affine map per channel, so it is
   * folded into the depthwise weights (w·γ/σ, (b − μ)·γ/σ + β), as torch's ONNX export does: the fold
   * touches only parameters, so exported graphs constant-fold it and run one Conv instead of Conv + four
   * elementwise passes.
   */
  private depthwiseAndNorm(y: Tensor): Tensor {
    const conv = this.sequential[2] as Conv1d;
    const norm = this.sequential[3];
    if (!(norm instanceof BatchNorm) || norm.training)
      return norm.forward(conv.forward(y) as Tensor) as Tensor;
    const p = (q: Parameter) => ops.tensorOf(y, q);
    let scale = ops.rsqrt(ops.add(p(norm.running_var), norm.eps)); // [D]
    if (norm.weight) scale = ops.mul(scale, p(norm.weight));
    let shift = ops.neg(ops.mul(p(norm.running_mean), scale));
    if (norm.bias) shift = ops.add(shift, p(norm.bias));
    const weight = ops.mul(p(conv.weight), ops.reshape(scale, [conv.outChannels, 1, 1])); // [D, 1, K]
    const bias = conv.bias ? ops.add(ops.mul(p(conv.bias), scale), shift) : shift;
    const { padding, groups } = conv.options;
    return ops.conv1d(y, weight, bias, { padding, groups });
  }
}

export interface ConformerLayerOptions {
  dim: number;
  ffnDim: number;
  numHeads: number;
  kernel: number;
  dropout: number;
  useGroupNorm: boolean;
  convolutionFirst: boolean;
  rng?: Rng;
}

/**
 * torchaudio's `ConformerLayer`: x + ½·FFN₁(x) → [conv] → x + MHSA(LN(x)) → [conv] → x + ½·FFN₂(x) →
 * LayerNorm, with the convolution module (itself residual) before or after attention.
 */
export class ConformerLayer extends Module {
  ffn1: ConformerFeedForward;
  self_attn_layer_norm: LayerNorm;
  self_attn: MultiHeadAttention;
  self_attn_dropout: Dropout;
  conv_module: ConformerConvModule;
  ffn2: ConformerFeedForward;
  final_layer_norm: LayerNorm;
  readonly convolutionFirst: boolean;

  constructor(o: ConformerLayerOptions) {
    super();
    this.ffn1 = new ConformerFeedForward(o.dim, o.ffnDim, o.dropout, o.rng);
    this.self_attn_layer_norm = new LayerNorm(o.dim);
    this.self_attn = new MultiHeadAttention(o.dim, o.numHeads, { dropout: o.dropout, rng: o.rng });
    this.self_attn_dropout = new Dropout(o.dropout);
    this.conv_module = new ConformerConvModule(o.dim, o.kernel, o.dropout, o.useGroupNorm, o.rng);
    this.ffn2 = new ConformerFeedForward(o.dim, o.ffnDim, o.dropout, o.rng);
    this.final_layer_norm = new LayerNorm(o.dim);
    this.convolutionFirst = o.convolutionFirst;
  }

  /** The layer alone on [B, T, D] without padding (the `infer`/export entry point for one layer). */
  forward(x: Tensor): Tensor {
    return this.apply(x);
  }

  /**
   * `keyBias`: float [B, 1, 1, T] added to the attention scores, 0 on valid and −∞ on padded frames
   * (torch's `key_padding_mask`: padded frames are excluded as keys only).
   */
  apply(input: Tensor, keyBias?: Tensor): Tensor {
    let x = ops.add(ops.mul(this.ffn1.forward(input), 0.5), input);
    if (this.convolutionFirst) x = ops.add(x, this.conv_module.forward(x));
    const normed = this.self_attn_layer_norm.forward(x);
    const attended = this.self_attn.attend(normed, normed, normed, { scoreBias: keyBias });
    x = ops.add(this.self_attn_dropout.forward(attended), x);
    if (!this.convolutionFirst) x = ops.add(x, this.conv_module.forward(x));
    x = ops.add(ops.mul(this.ffn2.forward(x), 0.5), x);
    return this.final_layer_norm.forward(x);
  }
}
