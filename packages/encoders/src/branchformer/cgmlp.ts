import {
  Conv1d,
  GELU,
  LayerNorm,
  Linear,
  Module,
  ops,
  type Rng,
  Sequential,
  type Tensor,
} from '@seqzoo/core';
import type { GateActivation } from './config.js';

/** ESPnet's LayerNorm: torch LayerNorm with eps 1e-12. */
export const ESPNET_LN_EPS = 1e-12;

export function activation(name: GateActivation | 'swish', x: Tensor): Tensor {
  switch (name) {
    case 'identity':
      return x;
    case 'relu':
      return ops.relu(x);
    case 'tanh':
      return ops.tanh(x);
    case 'swish':
      return ops.silu(x);
    case 'gelu':
      return ops.gelu(x, 'none');
  }
}

/**
 * Depthwise 'same' conv over time of a [B, T, C] sequence (PyTorch's [B, C, T] layout inside),
 * optionally zeroing padded frames first (`keep` bool [B, T]) so padding cannot leak into valid frames.
 */
export function depthwiseOverTime(conv: Conv1d, x: Tensor, keep?: Tensor): Tensor {
  const masked = keep ? ops.where(ops.unsqueeze(keep, 2), x, 0) : x;
  return ops.transpose(conv.forward(ops.transpose(masked, [0, 2, 1])), [0, 2, 1]);
}

/**
 * ESPnet `ConvolutionalSpatialGatingUnit`: split [B, T, U] into x_r (first U/2) and x_g; the gate is
 * act(linear?(dwconv(LN(x_g)))) and the output x_r ⊙ gate [B, T, U/2].
 */
export class ConvolutionalSpatialGatingUnit extends Module {
  norm: LayerNorm;
  conv: Conv1d;
  linear?: Linear;
  readonly channels: number;

  constructor(
    size: number,
    kernel: number,
    readonly gate: GateActivation,
    useLinearAfterConv: boolean,
    readonly dropoutRate: number,
    rng?: Rng,
  ) {
    super();
    this.channels = size / 2;
    this.norm = new LayerNorm(this.channels, ESPNET_LN_EPS);
    const n = this.channels;
    this.conv = new Conv1d(n, n, kernel, { groups: n, padding: (kernel - 1) / 2, rng });
    if (useLinearAfterConv) this.linear = new Linear(n, n, { rng });
    this.inputNames = ['x', 'keep'];
  }

  forward(x: Tensor, keep?: Tensor): Tensor {
    const n = this.channels;
    const xr = ops.slice(x, 2, 0, n);
    let xg = depthwiseOverTime(this.conv, this.norm.forward(ops.slice(x, 2, n, 2 * n)), keep);
    if (this.linear) xg = this.linear.forward(xg);
    return ops.dropout(ops.mul(xr, activation(this.gate, xg)), this.dropoutRate, this.training);
  }
}

/** ESPnet `ConvolutionalGatingMLP`: Linear(d→U) → GELU → CSGU → Linear(U/2→d). */
export class ConvolutionalGatingMLP extends Module {
  channel_proj1: Sequential;
  csgu: ConvolutionalSpatialGatingUnit;
  channel_proj2: Linear;

  constructor(
    size: number,
    units: number,
    kernel: number,
    options: { gate: GateActivation; useLinearAfterConv: boolean; dropoutRate: number; rng?: Rng },
  ) {
    super();
    const { rng } = options;
    this.channel_proj1 = new Sequential(new Linear(size, units, { rng }), new GELU());
    this.csgu = new ConvolutionalSpatialGatingUnit(
      units,
      kernel,
      options.gate,
      options.useLinearAfterConv,
      options.dropoutRate,
      rng,
    );
    this.channel_proj2 = new Linear(units / 2, size, { rng });
    this.inputNames = ['x', 'keep'];
  }

  /** x [B, T, d]; `keep` only when padded frames are to be zeroed before the gate's conv. */
  forward(x: Tensor, keep?: Tensor): Tensor {
    return this.channel_proj2.forward(this.csgu.forward(this.channel_proj1.forward(x), keep));
  }
}

/** ESPnet `PositionwiseFeedForward`: w_2(Drop(act(w_1 x))), act swish for E-Branchformer. */
export class PositionwiseFeedForward extends Module {
  w_1: Linear;
  w_2: Linear;

  constructor(
    size: number,
    units: number,
    readonly dropoutRate: number,
    rng?: Rng,
  ) {
    super();
    this.w_1 = new Linear(size, units, { rng });
    this.w_2 = new Linear(units, size, { rng });
  }

  forward(x: Tensor): Tensor {
    return this.w_2.forward(ops.dropout(ops.silu(this.w_1.forward(x)), this.dropoutRate, this.training));
  }
}
