import { LayerNorm, Linear, Module, ops, Rng, type Tensor } from '@seqzoo/core';
import { EspnetAttention, F32_MIN } from './attention.js';
import { ConvolutionalGatingMLP, ESPNET_LN_EPS } from './cgmlp.js';
import type { ResolvedBranchformerConfig } from './config.js';

/** What every block of an ESPnet branch encoder receives besides the residual stream. */
export interface BranchContext {
  /** bool [B, T], true on valid frames (ESPnet's mask). */
  keep: Tensor;
  /** Relative table [1, 2T−1, d] for rel-pos attention, else undefined. */
  posEmb?: Tensor;
  /** `keep` when padded frames are zeroed before depthwise convs, else undefined (ESPnet). */
  convKeep?: Tensor;
}

/**
 * ESPnet `BranchformerEncoderLayer`: x₁ = Drop(MHSA(LN_mha(x))), x₂ = Drop(cgMLP(LN_mlp(x))), merged by
 * `merge_method` into x + c·Drop(merge_proj(·)), then LN_final. `c` = 1/(1−p) under stochastic depth
 * in training (where the whole block is skipped with probability p); 1 otherwise.
 */
export class BranchformerLayer extends Module {
  attn?: EspnetAttention;
  cgmlp?: ConvolutionalGatingMLP;
  norm_mha?: LayerNorm;
  norm_mlp?: LayerNorm;
  norm_final: LayerNorm;
  /** Absent (ESPnet's Identity) when only one branch was configured. */
  merge_proj?: Linear;
  pooling_proj1?: Linear;
  pooling_proj2?: Linear;
  weight_proj1?: Linear;
  weight_proj2?: Linear;
  readonly merge: 'concat' | 'learned_ave' | 'fixed_ave' | 'single';
  private readonly coin: Rng;
  readonly dropoutRate: number;
  readonly cgmlpWeight: number;
  readonly attnBranchDropRate: number;
  readonly stochasticDepthRate: number;
  readonly size: number;

  constructor(
    c: ResolvedBranchformerConfig,
    readonly index: number,
    rng?: Rng,
  ) {
    super();
    const d = c.outputSize;
    const w = c.cgmlpWeight[index];
    // ESPnet drops a branch whose fixed weight is 0 (cgMLP) or 1 (attention), keeping merge_proj.
    const fixedOnly = c.useAttn && c.useCgmlp && c.mergeMethod === 'fixed_ave' && (w === 0 || w === 1);
    const useAttn = c.useAttn && !(fixedOnly && w === 1);
    const useCgmlp = c.useCgmlp && !(fixedOnly && w === 0);
    if (useAttn) {
      this.attn = new EspnetAttention(
        c.attentionHeads,
        d,
        c.attentionLayerType === 'rel_selfattn',
        c.attentionDropoutRate,
        rng,
      );
      this.norm_mha = new LayerNorm(d, ESPNET_LN_EPS);
    }
    if (useCgmlp) {
      this.cgmlp = new ConvolutionalGatingMLP(d, c.cgmlpLinearUnits, c.cgmlpConvKernel, {
        gate: c.gateActivation,
        useLinearAfterConv: c.useLinearAfterConv,
        dropoutRate: c.dropoutRate,
        rng,
      });
      this.norm_mlp = new LayerNorm(d, ESPNET_LN_EPS);
    }
    this.norm_final = new LayerNorm(d, ESPNET_LN_EPS);
    this.merge = c.useAttn && c.useCgmlp && !fixedOnly ? c.mergeMethod : 'single';
    if (this.merge === 'concat') this.merge_proj = new Linear(2 * d, d, { rng });
    else if (this.merge === 'learned_ave') {
      this.pooling_proj1 = new Linear(d, 1, { rng });
      this.pooling_proj2 = new Linear(d, 1, { rng });
      this.weight_proj1 = new Linear(d, 1, { rng });
      this.weight_proj2 = new Linear(d, 1, { rng });
      this.merge_proj = new Linear(d, d, { rng });
    } else if (this.merge === 'fixed_ave' || fixedOnly) this.merge_proj = new Linear(d, d, { rng });
    this.coin = rng?.fork() ?? new Rng(index + 1);
    this.dropoutRate = c.dropoutRate;
    this.cgmlpWeight = w;
    this.attnBranchDropRate = c.attnBranchDropRate[index];
    this.stochasticDepthRate = c.stochasticDepthRate[index];
    this.size = d;
  }

  private drop(x: Tensor): Tensor {
    return ops.dropout(x, this.dropoutRate, this.training);
  }

  /** Attention pooling over valid frames: softmax_t(proj(x)/√d) · x → [B, d], then → [B, 1]. */
  private branchWeight(pool: Linear, weight: Linear, x: Tensor, keep: Tensor): Tensor {
    const score = ops.div(ops.squeeze(pool.forward(x), 2), Math.sqrt(this.size)); // [B, T]
    const probs = ops.where(keep, ops.softmax(ops.where(keep, score, F32_MIN), -1), 0);
    const pooled = ops.squeeze(ops.matmul(ops.unsqueeze(probs, 1), x), 1); // [B, d]
    return weight.forward(pooled); // [B, 1]
  }

  private mergeBranches(x1: Tensor | undefined, x2: Tensor | undefined, keep: Tensor): Tensor {
    if (this.merge === 'single') {
      const only = (x1 ?? x2) as Tensor;
      return this.merge_proj ? this.merge_proj.forward(only) : only;
    }
    const a = x1 as Tensor;
    const b = x2 as Tensor;
    const proj = this.merge_proj as Linear;
    if (this.merge === 'concat') return proj.forward(ops.concat([a, b], -1));
    if (this.merge === 'fixed_ave')
      return proj.forward(ops.add(ops.mul(a, 1 - this.cgmlpWeight), ops.mul(b, this.cgmlpWeight)));
    if (this.training && this.attnBranchDropRate > 0 && this.coin.next() < this.attnBranchDropRate)
      return proj.forward(b);
    const w1 = this.branchWeight(this.pooling_proj1 as Linear, this.weight_proj1 as Linear, a, keep);
    const w2 = this.branchWeight(this.pooling_proj2 as Linear, this.weight_proj2 as Linear, b, keep);
    const w = ops.unsqueeze(ops.softmax(ops.concat([w1, w2], -1), -1), 2); // [B, 2, 1]
    return proj.forward(ops.add(ops.mul(ops.slice(w, 1, 0, 1), a), ops.mul(ops.slice(w, 1, 1, 2), b)));
  }

  apply(x: Tensor, ctx: BranchContext): Tensor {
    let scale = 1;
    if (this.training && this.stochasticDepthRate > 0) {
      if (this.coin.next() < this.stochasticDepthRate) return x; // skipped, final norm included
      scale = 1 / (1 - this.stochasticDepthRate);
    }
    const x1 =
      this.attn && this.norm_mha
        ? this.drop(this.attn.forward(this.norm_mha.forward(x), ctx.keep, ctx.posEmb))
        : undefined;
    const x2 =
      this.cgmlp && this.norm_mlp
        ? this.drop(this.cgmlp.forward(this.norm_mlp.forward(x), ctx.convKeep))
        : undefined;
    const branch = this.drop(this.mergeBranches(x1, x2, ctx.keep));
    return this.norm_final.forward(ops.add(x, scale === 1 ? branch : ops.mul(branch, scale)));
  }

  forward(x: Tensor, keep: Tensor, posEmb?: Tensor): Tensor {
    return this.apply(x, { keep, posEmb });
  }
}
