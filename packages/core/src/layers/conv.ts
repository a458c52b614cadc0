import { uniformParameter } from '../init/initializers.js';
import { defaultRng, type Rng } from '../init/rng.js';
import { Module } from '../module/module.js';
import type { Parameter } from '../module/parameter.js';
import { type Conv2dOptions, conv1d, conv2d, type Padding1d } from '../ops/index.js';
import { checkShape } from '../shape.js';
import type { Tensor } from '../tensor.js';

export interface Conv1dLayerOptions {
  stride?: number;
  dilation?: number;
  /** 'valid', 'same' (stride 1), 'causal' (all padding on the left), or explicit pads. */
  padding?: Padding1d;
  groups?: number;
  bias?: boolean;
  rng?: Rng;
}

/** PyTorch's `nn.Conv1d`: input [B, Cin, T], weight [Cout, Cin/groups, K]. */
export class Conv1d extends Module {
  weight: Parameter;
  bias?: Parameter;

  constructor(
    readonly inChannels: number,
    readonly outChannels: number,
    readonly kernelSize: number,
    readonly options: Conv1dLayerOptions = {},
  ) {
    super();
    const groups = options.groups ?? 1;
    if (inChannels % groups || outChannels % groups) {
      throw new Error(
        `Conv1d: groups (${groups}) must divide in (${inChannels}) and out (${outChannels}) channels`,
      );
    }
    const rng = options.rng ?? defaultRng();
    const bound = 1 / Math.sqrt((inChannels / groups) * kernelSize);
    this.weight = uniformParameter([outChannels, inChannels / groups, kernelSize], bound, rng);
    if (options.bias ?? true) this.bias = uniformParameter([outChannels], bound, rng);
  }

  override dynamicAxes(): Record<number, string> {
    return { 0: 'batch', 2: 'time' };
  }

  forward(x: Tensor): Tensor {
    checkShape(x.shape, [null, this.inChannels, null], this.label('Conv1d'), 'input');
    const { stride, dilation, padding, groups } = this.options;
    return conv1d(x, this.weight, this.bias, { stride, dilation, padding, groups });
  }
}

export interface Conv2dLayerOptions extends Conv2dOptions {
  bias?: boolean;
  rng?: Rng;
}

/** PyTorch's `nn.Conv2d`: input [B, Cin, H, W], weight [Cout, Cin/groups, KH, KW]. */
export class Conv2d extends Module {
  weight: Parameter;
  bias?: Parameter;
  readonly kernel: [number, number];

  constructor(
    readonly inChannels: number,
    readonly outChannels: number,
    kernelSize: number | [number, number],
    readonly options: Conv2dLayerOptions = {},
  ) {
    super();
    const groups = options.groups ?? 1;
    if (inChannels % groups || outChannels % groups) {
      throw new Error(
        `Conv2d: groups (${groups}) must divide in (${inChannels}) and out (${outChannels}) channels`,
      );
    }
    this.kernel = typeof kernelSize === 'number' ? [kernelSize, kernelSize] : kernelSize;
    const rng = options.rng ?? defaultRng();
    const bound = 1 / Math.sqrt((inChannels / groups) * this.kernel[0] * this.kernel[1]);
    this.weight = uniformParameter([outChannels, inChannels / groups, ...this.kernel], bound, rng);
    if (options.bias ?? true) this.bias = uniformParameter([outChannels], bound, rng);
  }

  /** Speech layout [B, C, T, F]: batch and time are dynamic. */
  override dynamicAxes(): Record<number, string> {
    return { 0: 'batch', 2: 'time' };
  }

  forward(x: Tensor): Tensor {
    checkShape(x.shape, [null, this.inChannels, null, null], this.label('Conv2d'), 'input');
    const { stride, dilation, padding, groups } = this.options;
    return conv2d(x, this.weight, this.bias, { stride, dilation, padding, groups });
  }
}
