import { LayerNorm, Linear, Module, ops, type Rng, type Tensor } from '@seqzoo/core';
import type { ResolvedFastConformerConfig } from './config.js';
import { ConformerConvolution } from './conv-module.js';
import { RelPositionMultiHeadAttention } from './rel-attention.js';

/** NeMo `ConformerFeedForward`: Linear(d→d_ff) → SiLU → (dropout) → Linear(d_ff→d). */
export class ConformerFeedForward extends Module {
  linear1: Linear;
  linear2: Linear;

  constructor(dModel: number, dFF: number, rng?: Rng) {
    super();
    this.linear1 = new Linear(dModel, dFF, { rng });
    this.linear2 = new Linear(dFF, dModel, { rng });
  }

  forward(x: Tensor): Tensor {
    return this.linear2.forward(ops.silu(this.linear1.forward(x)));
  }
}

/** Per-layer streaming caches: attention input cache [B, C, d] and conv cache [B, d, K−1]. */
export interface LayerCache {
  channel: Tensor;
  time: Tensor;
}

/** Inputs shared by every layer of one forward call. */
export interface LayerContext {
  /** bool [B, Tq, Tk], true = visible (context ∧ padding of query and key). */
  attKeep: Tensor;
  /** bool [B, Tq], true = valid frame. */
  padKeep: Tensor;
  /** [1, 2Tk − 1, d] relative position table. */
  posEmb: Tensor;
}

/**
 * NeMo `ConformerLayer` (macaron, pre-LN): x + ½·FFN₁, + MHSA, + Conv, + ½·FFN₂, then LayerNorm.
 * Field names are NeMo's (`norm_feed_forward1`, `self_attn.linear_q`, `conv.depthwise_conv`, …).
 */
export class ConformerLayer extends Module {
  norm_feed_forward1: LayerNorm;
  feed_forward1: ConformerFeedForward;
  norm_conv: LayerNorm;
  conv: ConformerConvolution;
  norm_self_att: LayerNorm;
  self_attn: RelPositionMultiHeadAttention;
  norm_feed_forward2: LayerNorm;
  feed_forward2: ConformerFeedForward;
  norm_out: LayerNorm;

  constructor(cfg: ResolvedFastConformerConfig, rng?: Rng) {
    super();
    const d = cfg.dModel;
    this.norm_feed_forward1 = new LayerNorm(d);
    this.feed_forward1 = new ConformerFeedForward(d, cfg.dFF, rng);
    this.norm_conv = new LayerNorm(d);
    this.conv = new ConformerConvolution(d, cfg.convKernelSize, cfg.convNormType, cfg.convContextSize, rng);
    this.norm_self_att = new LayerNorm(d);
    this.self_attn = new RelPositionMultiHeadAttention(d, cfg.nHeads, rng);
    this.norm_feed_forward2 = new LayerNorm(d);
    this.feed_forward2 = new ConformerFeedForward(d, cfg.dFF, rng);
    this.norm_out = new LayerNorm(d);
    this.inputNames = ['x', 'attKeep', 'padKeep', 'posEmb'];
  }

  /**
   * x [B, T, d]. With a cache, keys are [cache ‖ LN(x)] and the new attention cache is the last C rows
   * of that (NeMo stores the LayerNorm-ed attention input, not K/V projections).
   */
  run(x: Tensor, ctx: LayerContext, cache?: LayerCache): { output: Tensor; cache?: LayerCache } {
    let r = ops.add(x, ops.mul(this.feed_forward1.forward(this.norm_feed_forward1.forward(x)), 0.5));
    const q = this.norm_self_att.forward(r);
    let key = q;
    let channel: Tensor | undefined;
    if (cache) {
      key = ops.concat([cache.channel, q], 1); // [B, C + T, d]
      channel = ops.slice(key, 1, ops.sizeOf(q, 1), ops.sizeOf(key, 1)); // last C rows
    }
    r = ops.add(r, this.self_attn.forward(q, key, ctx.attKeep, ctx.posEmb));
    const conv = this.conv.run(this.norm_conv.forward(r), ctx.padKeep, cache?.time);
    r = ops.add(r, conv.output);
    r = ops.add(r, ops.mul(this.feed_forward2.forward(this.norm_feed_forward2.forward(r)), 0.5));
    const output = this.norm_out.forward(r);
    return { output, cache: cache && channel && conv.cache ? { channel, time: conv.cache } : undefined };
  }

  forward(x: Tensor, attKeep: Tensor, padKeep: Tensor, posEmb: Tensor): Tensor {
    return this.run(x, { attKeep, padKeep, posEmb }).output;
  }
}
