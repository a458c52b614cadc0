import { constantParameter } from '../init/initializers.js';
import { Module } from '../module/module.js';
import type { Parameter } from '../module/parameter.js';
import { add, mean, mul, reshape, rsqrt, sub, tensorOf } from '../ops/index.js';
import { formatShape } from '../shape.js';
import type { Tensor } from '../tensor.js';

export interface BatchNormOptions {
  eps?: number;
  momentum?: number;
  affine?: boolean;
}

/**
 * PyTorch's BatchNorm1d/2d over channel axis 1 of [B, C, ...]. Training uses batch statistics and
 * updates the running ones (tfjs only); eval uses the running statistics. Buffer names match PyTorch's
 * state_dict so checkpoints load unchanged.
 */
export class BatchNorm extends Module {
  weight?: Parameter;
  bias?: Parameter;
  running_mean: Parameter;
  running_var: Parameter;
  num_batches_tracked: Parameter;
  readonly eps: number;
  readonly momentum: number;

  constructor(
    readonly numFeatures: number,
    options: BatchNormOptions = {},
  ) {
    super();
    this.eps = options.eps ?? 1e-5;
    this.momentum = options.momentum ?? 0.1;
    if (options.affine ?? true) {
      this.weight = constantParameter([numFeatures], 1);
      this.bias = constantParameter([numFeatures], 0);
    }
    this.running_mean = constantParameter([numFeatures], 0, { trainable: false });
    this.running_var = constantParameter([numFeatures], 1, { trainable: false });
    this.num_batches_tracked = constantParameter([], 0, { trainable: false });
  }

  override dynamicAxes(_input: string, rank: number): Record<number, string> {
    return rank >= 3 ? { 0: 'batch', 2: 'time' } : { 0: 'batch' };
  }

  forward(x: Tensor): Tensor {
    if (x.rank < 2 || (typeof x.shape[1] === 'number' && x.shape[1] !== this.numFeatures)) {
      throw new Error(
        `${this.label(`BatchNorm(${this.numFeatures})`)}: argument 'input' expected shape [B, ${this.numFeatures}, ...] but received ${formatShape(x.shape)}`,
      );
    }
    const bcast = [1, this.numFeatures, ...x.shape.slice(2).map(() => 1)]; // [1, C, 1, ...]
    const axes = x.shape.map((_, i) => i).filter((i) => i !== 1);
    let mu: Tensor;
    let variance: Tensor;
    if (this.training) {
      mu = mean(x, axes, true);
      const centered = sub(x, mu);
      variance = mean(mul(centered, centered), axes, true);
      this.updateRunningStats(x, mu, variance, axes);
    } else {
      mu = reshape(tensorOf(x, this.running_mean), bcast);
      variance = reshape(tensorOf(x, this.running_var), bcast);
    }
    let y = mul(sub(x, mu), rsqrt(add(variance, this.eps)));
    if (this.weight) y = mul(y, reshape(tensorOf(x, this.weight), bcast));
    if (this.bias) y = add(y, reshape(tensorOf(x, this.bias), bcast));
    return y;
  }

  private updateRunningStats(x: Tensor, mu: Tensor, variance: Tensor, axes: number[]): void {
    const n = axes.reduce((p, a) => p * (x.shape[a] as number), 1);
    const m = this.momentum;
    const flat = (t: Tensor) => reshape(t, [this.numFeatures]);
    const unbiased = mul(flat(variance), n / Math.max(n - 1, 1));
    x.backend.assign(this.running_mean, add(mul(tensorOf(x, this.running_mean), 1 - m), mul(flat(mu), m)));
    x.backend.assign(this.running_var, add(mul(tensorOf(x, this.running_var), 1 - m), mul(unbiased, m)));
    x.backend.assign(this.num_batches_tracked, add(tensorOf(x, this.num_batches_tracked), 1));
  }
}
