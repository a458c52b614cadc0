import { constantParameter, Module, ops, type Parameter, type Tensor } from '@seqzoo/core';

/**
 * PyTorch's `nn.GroupNorm(num_groups, num_channels)` on [B, C, ...]: statistics per batch item over
 * each group's channels and all positions (biased variance), then a per-channel affine. torchaudio's
 * Conformer uses GroupNorm(1, D), so padded frames count in the statistics there too.
 */
export class GroupNorm extends Module {
  weight?: Parameter;
  bias?: Parameter;

  constructor(
    readonly numGroups: number,
    readonly numChannels: number,
    readonly eps = 1e-5,
    affine = true,
  ) {
    super();
    if (!Number.isInteger(numGroups) || numGroups < 1 || numChannels % numGroups) {
      throw new Error(
        `GroupNorm: num_groups (${numGroups}) must be a positive divisor of num_channels (${numChannels})`,
      );
    }
    if (affine) {
      this.weight = constantParameter([numChannels], 1);
      this.bias = constantParameter([numChannels], 0);
    }
  }

  override dynamicAxes(_input: string, rank: number): Record<number, string> {
    return rank >= 3 ? { 0: 'batch', 2: 'time' } : { 0: 'batch' };
  }

  forward(x: Tensor): Tensor {
    if (x.rank < 2 || (typeof x.shape[1] === 'number' && x.shape[1] !== this.numChannels)) {
      throw new Error(
        `GroupNorm(${this.numGroups}, ${this.numChannels}): argument 'input' expected shape [B, ${this.numChannels}, ...] but received [${x.shape.join(', ')}]`,
      );
    }
    const sizes = ops.shapeOf(x);
    const grouped = ops.reshape(x, [sizes[0], this.numGroups, -1]); // [B, G, C/G · positions]
    const centered = ops.sub(grouped, ops.mean(grouped, -1, true));
    const variance = ops.mean(ops.mul(centered, centered), -1, true);
    let y = ops.reshape(ops.mul(centered, ops.rsqrt(ops.add(variance, this.eps))), sizes); // back to [B, C, ...]
    const bcast = [1, this.numChannels, ...x.shape.slice(2).map(() => 1)]; // [1, C, 1, ...]
    if (this.weight) y = ops.mul(y, ops.reshape(ops.tensorOf(x, this.weight), bcast));
    if (this.bias) y = ops.add(y, ops.reshape(ops.tensorOf(x, this.bias), bcast));
    return y;
  }
}
