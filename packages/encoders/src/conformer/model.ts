import { Module, ops, type Rng, type Tensor } from '@seqzoo/core';
import {
  checkEncoderInputs,
  type EncoderStart,
  type LayeredEncoder,
  runLayers,
} from '../ctc-head/layered-encoder.js';
import { type ConformerConfig, checkConformerConfig } from './config.js';
import { ConformerLayer } from './layers.js';

interface ConformerContext {
  /** bool [B, T], true on padded frames. */
  keyPaddingMask: Tensor;
}

/**
 * torchaudio's `Conformer`: a stack of `ConformerLayer`s on already-projected features, with no
 * subsampling and no positional encoding. `features` [B, T, D] float32 and `lengths` [B] int32 in;
 * `encoded` [B, T, D] and `encodedLengths` (= `lengths`) out. Padded frames are masked as attention
 * keys only — exactly as torchaudio — so they still carry values that depend on the valid frames.
 */
export class Conformer extends Module implements LayeredEncoder<ConformerContext> {
  conformer_layers: ConformerLayer[];
  readonly config: Required<ConformerConfig>;

  constructor(config: ConformerConfig, options: { rng?: Rng } = {}) {
    super();
    this.config = checkConformerConfig(config, 'Conformer');
    const c = this.config;
    this.conformer_layers = Array.from(
      { length: c.numLayers },
      () =>
        new ConformerLayer({
          dim: c.inputDim,
          ffnDim: c.ffnDim,
          numHeads: c.numHeads,
          kernel: c.depthwiseConvKernelSize,
          dropout: c.dropout,
          useGroupNorm: c.useGroupNorm,
          convolutionFirst: c.convolutionFirst,
          rng: options.rng,
        }),
    );
    this.inputNames = ['features', 'lengths'];
    this.outputNames = ['encoded', 'encodedLengths'];
  }

  get dModel(): number {
    return this.config.inputDim;
  }

  get numLayers(): number {
    return this.config.numLayers;
  }

  begin(features: Tensor, lengths: Tensor): EncoderStart<ConformerContext> {
    checkEncoderInputs('Conformer', features, lengths, this.config.inputDim);
    const keyPaddingMask = ops.logicalNot(ops.lengthMask(lengths, features)); // [B, T]
    return { x: features, lengths, context: { keyPaddingMask } };
  }

  layer(index: number, x: Tensor, context: ConformerContext): Tensor {
    return this.conformer_layers[index].apply(x, context.keyPaddingMask);
  }

  end(x: Tensor): Tensor {
    return x;
  }

  forward(features: Tensor, lengths: Tensor): Record<string, Tensor> {
    return runLayers(this, features, lengths);
  }
}
