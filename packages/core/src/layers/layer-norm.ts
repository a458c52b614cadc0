import { constantParameter } from '../init/initializers.js';
import { Module } from '../module/module.js';
import type { Parameter } from '../module/parameter.js';
import { layerNorm } from '../ops/index.js';
import { formatShape } from '../shape.js';
import type { Tensor } from '../tensor.js';

/** Layer normalisation over the last axis, PyTorch's `nn.LayerNorm(d)`. */
export class LayerNorm extends Module {
  weight?: Parameter;
  bias?: Parameter;

  constructor(
    readonly normalizedShape: number,
    readonly eps = 1e-5,
    elementwiseAffine = true,
  ) {
    super();
    if (elementwiseAffine) {
      this.weight = constantParameter([normalizedShape], 1);
      this.bias = constantParameter([normalizedShape], 0);
    }
  }

  forward(x: Tensor): Tensor {
    const d = x.shape[x.rank - 1];
    if (typeof d === 'number' && d !== this.normalizedShape) {
      throw new Error(
        `${this.label(`LayerNorm(${this.normalizedShape})`)}: argument 'input' expected shape [..., ${this.normalizedShape}] but received ${formatShape(x.shape)}`,
      );
    }
    return layerNorm(x, this.weight, this.bias, this.eps);
  }
}
