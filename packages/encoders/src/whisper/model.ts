import { Conv1d, Dropout, LayerNorm, Module, ops, Parameter, type Rng, type Tensor } from '@seqzoo/core';
import {
  checkEncoderInputs,
  type EncoderStart,
  type LayeredEncoder,
  runLayers,
} from '../ctc-head/layered-encoder.js';
import { checkWhisperConfig, type WhisperEncoderConfig } from './config.js';
import { WhisperEncoderLayer } from './layers.js';

/** Whisper's sinusoidal table [length, channels]: sin on the first half, cos on the second. */
export function whisperSinusoids(length: number, channels: number): Float32Array {
  const half = channels / 2;
  const inc = Math.log(10000) / (half - 1);
  const out = new Float32Array(length * channels);
  for (let t = 0; t < length; t++) {
    for (let j = 0; j < half; j++) {
      const angle = t * Math.exp(-inc * j);
      out[t * channels + j] = Math.sin(angle);
      out[t * channels + half + j] = Math.cos(angle);
    }
  }
  return out;
}

/** HF keeps the table as `embed_positions.weight` (an Embedding frozen at the sinusoids). */
export class PositionTable extends Module {
  weight: Parameter;

  constructor(length: number, channels: number) {
    super();
    this.weight = new Parameter(whisperSinusoids(length, channels), [length, channels], { trainable: false });
  }

  forward(x: Tensor): Tensor {
    return ops.add(x, ops.slice(ops.tensorOf(x, this.weight), 0, 0, ops.sizeOf(x, 1))); // [B, T', D] + [T', D]
  }
}

/**
 * The Whisper audio encoder with Hugging Face `WhisperEncoder` parameter names: conv1 (k3, p1) → GELU →
 * conv2 (k3, stride 2, p1) → GELU → + embed_positions → pre-LN layers → layer_norm.
 *
 * `features` are log-mels [B, n_mels, T] (HF's `input_features` layout) and `lengths` [B] int32 their
 * valid frames; `encoded` is [B, ⌈T/2⌉, D] and `encodedLengths` = ⌊(lengths − 1)/2⌋ + 1. Like HF and
 * openai, attention is unmasked (Whisper was trained on zero-padded 30 s windows, 3000 frames); shorter
 * inputs are accepted by slicing the position table, as ESPnet's Whisper encoder does.
 */
export class WhisperEncoder extends Module implements LayeredEncoder<null> {
  conv1: Conv1d;
  conv2: Conv1d;
  embed_positions: PositionTable;
  layers: WhisperEncoderLayer[];
  layer_norm: LayerNorm;
  readonly config: Required<WhisperEncoderConfig>;
  private readonly drop: Dropout;

  constructor(config: WhisperEncoderConfig, options: { rng?: Rng } = {}) {
    super();
    const c = checkWhisperConfig(config, 'WhisperEncoder');
    this.config = c;
    this.conv1 = new Conv1d(c.nMels, c.dModel, 3, { padding: 1, rng: options.rng });
    this.conv2 = new Conv1d(c.dModel, c.dModel, 3, { stride: 2, padding: 1, rng: options.rng });
    this.embed_positions = new PositionTable(c.maxSourcePositions, c.dModel);
    this.layers = Array.from(
      { length: c.numLayers },
      () => new WhisperEncoderLayer(c.dModel, c.numHeads, c.ffnDim, c.dropout, options.rng),
    );
    this.layer_norm = new LayerNorm(c.dModel);
    this.drop = new Dropout(c.dropout);
    this.inputNames = ['features', 'lengths'];
    this.outputNames = ['encoded', 'encodedLengths'];
  }

  get dModel(): number {
    return this.config.dModel;
  }

  get numLayers(): number {
    return this.config.numLayers;
  }

  override dynamicAxes(input: string): Record<number, string> {
    return input === 'features' ? { 0: 'batch', 2: 'time' } : { 0: 'batch' };
  }

  begin(features: Tensor, lengths: Tensor): EncoderStart<null> {
    checkEncoderInputs('WhisperEncoder', features, lengths, this.config.nMels, 'bdt');
    const frames = features.shape[2];
    const limit = 2 * this.config.maxSourcePositions;
    if (typeof frames === 'number' && frames > limit) {
      throw new Error(
        `WhisperEncoder: argument 'features' has ${frames} frames but at most ${limit} (2 × maxSourcePositions) fit the position table (received [${features.shape.join(', ')}])`,
      );
    }
    const x = ops.gelu(this.conv2.forward(ops.gelu(this.conv1.forward(features)))); // [B, D, T']
    const embedded = this.drop.forward(this.embed_positions.forward(ops.swapAxes(x, 1, 2))); // [B, T', D]
    // conv2 (kernel 3, stride 2, padding 1) keeps ⌊(n − 1)/2⌋ + 1 of n frames.
    const halved = ops.floor(ops.div(ops.cast(ops.sub(lengths, 1), 'float32'), 2));
    return { x: embedded, lengths: ops.add(ops.cast(halved, 'int32'), 1), context: null };
  }

  layer(index: number, x: Tensor): Tensor {
    return this.layers[index].forward(x);
  }

  end(x: Tensor): Tensor {
    return this.layer_norm.forward(x);
  }

  forward(features: Tensor, lengths: Tensor): Record<string, Tensor> {
    return runLayers(this, features, lengths);
  }
}
