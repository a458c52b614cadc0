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
    const y = ops.swapAxes(this.layer_norm.forward(x), 1, 2); // [B, D, T]
    return ops.swapAxes(this.sequential.forward(y), 1, 2); // [B, T, D]
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

  /** `keyPaddingMask`: bool [B, T], true on padded frames (excluded as attention keys only). */
  apply(input: Tensor, keyPaddingMask?: Tensor): Tensor {
    let x = ops.add(ops.mul(this.ffn1.forward(input), 0.5), input);
    if (this.convolutionFirst) x = ops.add(x, this.conv_module.forward(x));
    const normed = this.self_attn_layer_norm.forward(x);
    const attended = this.self_attn.attend(normed, normed, normed, { keyPaddingMask });
    x = ops.add(this.self_attn_dropout.forward(attended), x);
    if (!this.convolutionFirst) x = ops.add(x, this.conv_module.forward(x));
    x = ops.add(ops.mul(this.ffn2.forward(x), 0.5), x);
    return this.final_layer_norm.forward(x);
  }
}
