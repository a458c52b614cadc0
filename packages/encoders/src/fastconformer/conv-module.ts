import { BatchNorm, Conv1d, LayerNorm, Module, ops, type Rng, type Tensor } from '@seqzoo/core';
import { affineSize } from '../shared/rel-position.js';
import type { ConvNormType } from './config.js';

/**
 * NeMo `ConformerConvolution`: pointwise Conv1d(d→2d) → GLU → zero padded frames → depthwise Conv1d(K)
 * with [left, right] context (causal = [K−1, 0], NeMo `CausalConv1D`) → BatchNorm1d or LayerNorm →
 * SiLU → pointwise Conv1d(d→d). The norm keeps NeMo's field name `batch_norm` for either kind.
 *
 * Streaming: instead of left zero padding, the last K−1 frames that entered the depthwise conv in the
 * previous chunk (NeMo `cache_last_time`, [B, d, K−1]) are prepended, and the new cache is the last
 * K−1 columns of that concatenation.
 */
export class ConformerConvolution extends Module {
  pointwise_conv1: Conv1d;
  depthwise_conv: Conv1d;
  batch_norm: BatchNorm | LayerNorm;
  pointwise_conv2: Conv1d;

  constructor(
    readonly dModel: number,
    readonly kernelSize: number,
    readonly normType: ConvNormType,
    readonly context: [number, number],
    rng?: Rng,
  ) {
    super();
    this.pointwise_conv1 = new Conv1d(dModel, 2 * dModel, 1, { rng });
    this.depthwise_conv = new Conv1d(dModel, dModel, kernelSize, { groups: dModel, padding: 'valid', rng });
    this.batch_norm = normType === 'batch_norm' ? new BatchNorm(dModel) : new LayerNorm(dModel);
    this.pointwise_conv2 = new Conv1d(dModel, dModel, 1, { rng });
    this.inputNames = ['x', 'keep'];
  }

  /** x [B, T, d], keep bool [B, T] (false = padding), cache [B, d, K−1] or undefined. */
  run(x: Tensor, keep: Tensor, cache?: Tensor): { output: Tensor; cache?: Tensor } {
    let y = ops.glu(this.pointwise_conv1.forward(ops.transpose(x, [0, 2, 1])), 1); // [B, d, T]
    y = ops.where(ops.unsqueeze(keep, 1), y, 0);
    let next: Tensor | undefined;
    if (cache) {
      y = ops.concat([cache, ops.pad(y, [[0, this.context[1]]])], 2); // [B, d, K−1 + T + right]
      next = ops.slice(y, 2, affineSize(ops.sizeOf(y, 2), 1, -(this.kernelSize - 1)));
    } else {
      y = ops.pad(y, [this.context]);
    }
    y = this.depthwise_conv.forward(y); // [B, d, T]
    if (this.batch_norm instanceof LayerNorm) {
      y = ops.transpose(this.batch_norm.forward(ops.transpose(y, [0, 2, 1])), [0, 2, 1]);
    } else {
      y = this.batch_norm.forward(y);
    }
    y = this.pointwise_conv2.forward(ops.silu(y));
    return { output: ops.transpose(y, [0, 2, 1]), cache: next };
  }

  forward(x: Tensor, keep: Tensor): Tensor {
    return this.run(x, keep).output;
  }
}
