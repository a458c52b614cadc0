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
  /** float [B, 1, 1, T]: 0 on valid frames, −∞ on padded ones, added to every layer's attention scores. */
  keyBias: Tensor;
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
    // torch's MultiheadAttention turns key_padding_mask into an additive −∞ mask; building it once here
    // (rather than a bool select on every layer's [B, H, T, T] scores) is what makes the exported graph
    // as fast as torch's own export.
    const valid = ops.lengthMask(lengths, features); // bool [B, T]
    const keyBias = ops.where(valid, 0, Number.NEGATIVE_INFINITY); // [B, T]
    return { x: features, lengths, context: { keyBias: ops.unsqueeze(ops.unsqueeze(keyBias, 1), 1) } };
  }

  layer(index: number, x: Tensor, context: ConformerContext): Tensor {
    return this.conformer_layers[index].apply(x, context.keyBias);
  }

  end(x: Tensor): Tensor {
    return x;
  }

  forward(features: Tensor, lengths: Tensor): Record<string, Tensor> {
    return runLayers(this, features, lengths);
  }
}
