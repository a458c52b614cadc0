import { normalParameter } from '../init/initializers.js';
import { defaultRng, type Rng } from '../init/rng.js';
import { Module } from '../module/module.js';
import type { Parameter } from '../module/parameter.js';
import { gather, tensorOf } from '../ops/index.js';
import { formatShape } from '../shape.js';
import type { Tensor } from '../tensor.js';

/** PyTorch's `nn.Embedding`: int32 ids [...] → vectors [..., dim], weight [num, dim] ~ N(0, 1). */
export class Embedding extends Module {
  weight: Parameter;

  constructor(
    readonly numEmbeddings: number,
    readonly embeddingDim: number,
    options: { rng?: Rng } = {},
  ) {
    super();
    this.weight = normalParameter([numEmbeddings, embeddingDim], 1, options.rng ?? defaultRng());
  }

  override dynamicAxes(_input: string, rank: number): Record<number, string> {
    return rank >= 2 ? { 0: 'batch', 1: 'time' } : { 0: 'time' };
  }

  forward(ids: Tensor): Tensor {
    if (ids.dtype !== 'int32')
      throw new Error(
        `${this.label('Embedding')}: argument 'ids' must be int32 but is ${ids.dtype} ${formatShape(ids.shape)}`,
      );
    return gather(tensorOf(ids, this.weight), ids, 0);
  }
}
