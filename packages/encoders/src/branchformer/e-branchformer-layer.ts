import { Conv1d, LayerNorm, Linear, Module, ops, type Rng, type Tensor } from '@seqzoo/core';
import { EspnetAttention } from './attention.js';
import type { BranchContext } from './branchformer-layer.js';
import {
  ConvolutionalGatingMLP,
  depthwiseOverTime,
  ESPNET_LN_EPS,
  PositionwiseFeedForward,
} from './cgmlp.js';
import type { EBranchformerConfig } from './config.js';

/**
 * ESPnet `EBranchformerEncoderLayer`:
 *   x ← x + ½·Drop(FFN_mac(LN(x)))                       (macaron, if use_ffn and macaron_ffn)
 *   x₁ = Drop(MHSA(LN_mha(x))), x₂ = Drop(cgMLP(LN_mlp(x))), c = [x₁ ‖ x₂]
 *   x ← x + Drop(merge_proj(c + DWConv(c)))              (depthwise merge, kernel merge_conv_kernel)
 *   x ← x + s·Drop(FFN(LN(x)))                           (if use_ffn; s = ½ with macaron, else 1)
 *   y = LN_final(x)
 */
export class EBranchformerLayer extends Module {
  attn: EspnetAttention;
  cgmlp: ConvolutionalGatingMLP;
  feed_forward?: PositionwiseFeedForward;
  feed_forward_macaron?: PositionwiseFeedForward;
  norm_ff?: LayerNorm;
  norm_ff_macaron?: LayerNorm;
  norm_mha: LayerNorm;
  norm_mlp: LayerNorm;
  norm_final: LayerNorm;
  depthwise_conv_fusion: Conv1d;
  merge_proj: Linear;
  readonly ffScale: number;
  readonly dropoutRate: number;

  constructor(c: Required<EBranchformerConfig>, rng?: Rng) {
    super();
    const d = c.outputSize;
    this.attn = new EspnetAttention(
      c.attentionHeads,
      d,
      c.attentionLayerType === 'rel_selfattn',
      c.attentionDropoutRate,
      rng,
    );
    this.cgmlp = new ConvolutionalGatingMLP(d, c.cgmlpLinearUnits, c.cgmlpConvKernel, {
      gate: c.gateActivation,
      useLinearAfterConv: c.useLinearAfterConv,
      dropoutRate: c.dropoutRate,
      rng,
    });
    if (c.useFfn) {
      this.feed_forward = new PositionwiseFeedForward(d, c.linearUnits, c.dropoutRate, rng);
      this.norm_ff = new LayerNorm(d, ESPNET_LN_EPS);
      if (c.macaronFfn) {
        this.feed_forward_macaron = new PositionwiseFeedForward(d, c.linearUnits, c.dropoutRate, rng);
        this.norm_ff_macaron = new LayerNorm(d, ESPNET_LN_EPS);
      }
    }
    this.ffScale = this.feed_forward_macaron ? 0.5 : 1;
    this.norm_mha = new LayerNorm(d, ESPNET_LN_EPS);
    this.norm_mlp = new LayerNorm(d, ESPNET_LN_EPS);
    this.norm_final = new LayerNorm(d, ESPNET_LN_EPS);
    const k = c.mergeConvKernel;
    this.depthwise_conv_fusion = new Conv1d(2 * d, 2 * d, k, { groups: 2 * d, padding: (k - 1) / 2, rng });
    this.merge_proj = new Linear(2 * d, d, { rng });
    this.dropoutRate = c.dropoutRate;
  }

  private drop(x: Tensor): Tensor {
    return ops.dropout(x, this.dropoutRate, this.training);
  }

  private ffn(x: Tensor, norm: LayerNorm, ff: PositionwiseFeedForward): Tensor {
    return ops.add(x, ops.mul(this.drop(ff.forward(norm.forward(x))), this.ffScale));
  }

  apply(input: Tensor, ctx: BranchContext): Tensor {
    let x = input;
    if (this.feed_forward_macaron && this.norm_ff_macaron)
      x = this.ffn(x, this.norm_ff_macaron, this.feed_forward_macaron);
    const x1 = this.drop(this.attn.forward(this.norm_mha.forward(x), ctx.keep, ctx.posEmb));
    const x2 = this.drop(this.cgmlp.forward(this.norm_mlp.forward(x), ctx.convKeep));
    const cat = ops.concat([x1, x2], -1); // [B, T, 2d]
    const fused = ops.add(cat, depthwiseOverTime(this.depthwise_conv_fusion, cat, ctx.convKeep));
    x = ops.add(x, this.drop(this.merge_proj.forward(fused)));
    if (this.feed_forward && this.norm_ff) x = this.ffn(x, this.norm_ff, this.feed_forward);
    return this.norm_final.forward(x);
  }

  forward(x: Tensor, keep: Tensor, posEmb?: Tensor): Tensor {
    return this.apply(x, { keep, posEmb });
  }
}
