import { uniformParameter } from '../init/initializers.js';
import { defaultRng, type Rng } from '../init/rng.js';
import { Module } from '../module/module.js';
import type { Parameter } from '../module/parameter.js';
import { add, matmul, tensorOf, transpose } from '../ops/index.js';
import { formatShape } from '../shape.js';
import type { Tensor } from '../tensor.js';

export interface LinearOptions {
  bias?: boolean;
  rng?: Rng;
}

/** y = x Wᵀ + b over the last axis; weight [out, in] as PyTorch. */
export class Linear extends Module {
  weight: Parameter;
  bias?: Parameter;

  constructor(
    readonly inFeatures: number,
    readonly outFeatures: number,
    options: LinearOptions = {},
  ) {
    super();
    const rng = options.rng ?? defaultRng();
    const bound = 1 / Math.sqrt(inFeatures);
    this.weight = uniformParameter([outFeatures, inFeatures], bound, rng);
    if (options.bias ?? true) this.bias = uniformParameter([outFeatures], bound, rng);
  }

  forward(x: Tensor): Tensor {
    const d = x.shape[x.rank - 1];
    if (x.rank < 2 || (typeof d === 'number' && d !== this.inFeatures)) {
      throw new Error(
        `${this.label(`Linear(${this.inFeatures}→${this.outFeatures})`)}: argument 'input' expected shape [..., ${this.inFeatures}] but received ${formatShape(x.shape)}`,
      );
    }
    const y = matmul(x, transpose(tensorOf(x, this.weight))); // [..., out]
    return this.bias ? add(y, this.bias) : y;
  }
}
