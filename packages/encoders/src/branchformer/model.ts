import { LayerNorm, Linear, Module, ops, Rng, Sequential, type Tensor } from '@seqzoo/core';
import {
  checkEncoderInputs,
  type EncoderStart,
  type LayeredEncoder,
  runLayers,
} from '../ctc-head/layered-encoder.js';
import { absolutePositions, legacyRelativePositions, relativePositions } from './attention.js';
import { type BranchContext, BranchformerLayer } from './branchformer-layer.js';
import { ESPNET_LN_EPS } from './cgmlp.js';
import {
  type BranchformerConfig,
  type EBranchformerConfig,
  type EspnetBranchConfig,
  type ResolvedBranchformerConfig,
  resolveBranchformerConfig,
  resolveEBranchformerConfig,
} from './config.js';
import { EBranchformerLayer } from './e-branchformer-layer.js';
import { EspnetConv2dSubsampling } from './subsampling.js';

interface BranchBlock extends Module {
  apply(x: Tensor, ctx: BranchContext): Tensor;
}

/**
 * What ESPnet's Branchformer and E-Branchformer encoders share: `embed` (ESPnet's Conv2dSubsampling family or
 * Linear → LayerNorm) with the positional encoding (x·√d, plus the absolute table for 'abs_pos', or a
 * separate relative table for 'rel_pos'), the block stack `encoders.N`, and `after_norm`.
 * `features` [B, T, D] float32 and `lengths` [B] int32 in; `encoded` [B, T', d] and `encodedLengths`
 * (ESPnet's subsampled mask lengths) out. Padded frames are masked as attention keys and in the
 * learned-average pooling, exactly as ESPnet, so padded output frames carry deterministic values too.
 */
abstract class EspnetBranchEncoder<L extends BranchBlock>
  extends Module
  implements LayeredEncoder<BranchContext>
{
  embed: EspnetConv2dSubsampling | Sequential;
  abstract encoders: L[];
  after_norm: LayerNorm;
  protected readonly shared: Required<EspnetBranchConfig>;
  readonly name: string;

  constructor(shared: Required<EspnetBranchConfig>, name: string, rng?: Rng) {
    super();
    this.shared = shared;
    this.name = name;
    const { inputLayer, inputSize, outputSize } = shared;
    this.embed =
      inputLayer === 'linear'
        ? // torch's own LayerNorm here (eps 1e-5), not ESPnet's.
          new Sequential(new Linear(inputSize, outputSize, { rng }), new LayerNorm(outputSize))
        : new EspnetConv2dSubsampling(inputLayer, inputSize, outputSize, rng);
    this.after_norm = new LayerNorm(outputSize, ESPNET_LN_EPS);
    this.inputNames = ['features', 'lengths'];
    this.outputNames = ['encoded', 'encodedLengths'];
  }

  get dModel(): number {
    return this.shared.outputSize;
  }

  get numLayers(): number {
    return this.encoders.length;
  }

  begin(features: Tensor, lengths: Tensor): EncoderStart<BranchContext> {
    const c = this.shared;
    checkEncoderInputs(this.name, features, lengths, c.inputSize);
    let x: Tensor;
    let lens = lengths;
    if (this.embed instanceof EspnetConv2dSubsampling) {
      try {
        [x, lens] = this.embed.forward(features, lengths);
      } catch (e) {
        throw new Error(`${this.name}: ${(e as Error).message}`);
      }
    } else x = this.embed.forward(features);
    const d = c.outputSize;
    const t = ops.sizeOf(x, 1);
    x = ops.mul(x, Math.sqrt(d));
    let posEmb: Tensor | undefined;
    if (c.posEncLayerType === 'abs_pos') x = ops.add(x, absolutePositions(x, t, d));
    else {
      const table =
        c.relPosType === 'legacy'
          ? legacyRelativePositions(x, t, d, c.maxPosEmbLen)
          : relativePositions(x, t, d);
      posEmb = ops.dropout(table, c.positionalDropoutRate, this.training);
    }
    x = ops.dropout(x, c.positionalDropoutRate, this.training);
    const keep = ops.lengthMask(lens, x); // [B, T'] true on valid frames
    return {
      x,
      lengths: lens,
      context: { keep, posEmb, convKeep: c.zeroPaddingBeforeConv ? keep : undefined },
    };
  }

  layer(index: number, x: Tensor, context: BranchContext): Tensor {
    return this.encoders[index].apply(x, context);
  }

  end(x: Tensor): Tensor {
    return this.after_norm.forward(x);
  }

  forward(features: Tensor, lengths: Tensor): Record<string, Tensor> {
    return runLayers(this, features, lengths);
  }
}

/** ESPnet `BranchformerEncoder` (espnet2/asr/encoder/branchformer_encoder.py). */
export class BranchformerEncoder extends EspnetBranchEncoder<BranchformerLayer> {
  encoders: BranchformerLayer[];
  readonly config: ResolvedBranchformerConfig;

  constructor(config: BranchformerConfig, options: { rng?: Rng } = {}) {
    const c = resolveBranchformerConfig(config, 'BranchformerEncoder');
    super(c, 'BranchformerEncoder', options.rng);
    this.config = c;
    this.encoders = Array.from({ length: c.numBlocks }, (_, i) => new BranchformerLayer(c, i, options.rng));
  }
}

/** ESPnet `EBranchformerEncoder` (espnet2/asr/encoder/e_branchformer_encoder.py). */
export class EBranchformerEncoder extends EspnetBranchEncoder<EBranchformerLayer> {
  encoders: EBranchformerLayer[];
  readonly config: Required<EBranchformerConfig>;
  private readonly coin: Rng;

  constructor(config: EBranchformerConfig, options: { rng?: Rng } = {}) {
    const c = resolveEBranchformerConfig(config, 'EBranchformerEncoder');
    super(c, 'EBranchformerEncoder', options.rng);
    this.config = c;
    this.encoders = Array.from({ length: c.numBlocks }, () => new EBranchformerLayer(c, options.rng));
    this.coin = options.rng?.fork() ?? new Rng(7);
  }

  /** ESPnet's `layer_drop_rate`: in training a whole block is skipped with that probability (no rescaling). */
  override layer(index: number, x: Tensor, context: BranchContext): Tensor {
    if (this.training && this.config.layerDropRate > 0 && this.coin.next() < this.config.layerDropRate)
      return x;
    return super.layer(index, x, context);
  }
}
