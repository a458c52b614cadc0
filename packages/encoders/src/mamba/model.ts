import { defaultRng, Linear, Module, ops, type Rng, type Tensor } from '@seqzoo/core';
import { Mamba, type MambaConfig, RMSNorm } from '@seqzoo/ssm';
import {
  checkEncoderInputs,
  type EncoderStart,
  type LayeredEncoder,
  runLayers,
} from '../ctc-head/layered-encoder.js';
import { NemoConvSubsampling } from '../fastconformer/index.js';

export interface MambaEncoderConfig {
  /** Input feature size F (e.g. 80 mels). */
  inputDim: number;
  dModel: number;
  numLayers: number;
  /** Per-mixer settings (dState, dConv, expand, dtRank, chunk); dModel comes from above. */
  mixer?: Omit<MambaConfig, 'dModel' | 'rng'>;
  /** Add a backward-direction mixer over the reversed valid frames of each item (default false). */
  bidirectional?: boolean;
  /** Time subsampling factor of the conv front-end, a power of two (default 4; 1 = a Linear projection). */
  subsamplingFactor?: number;
  /** Channels of the conv front-end (default 64). */
  subsamplingChannels?: number;
  /** RMSNorm epsilon (default 1e-5). */
  eps?: number;
}

interface MambaContext {
  /** int32 [B, T'] flat indices reversing each item's valid frames (padding stays put), when bidirectional. */
  reverse?: Tensor;
  /** bool [B, T', 1] true on valid frames. */
  valid: Tensor;
}

/**
 * One encoder layer: x + mixer(norm(x)) [+ R(mixer_bwd(R(norm(x)))) with R reversing each item's valid frames].
 * Both directions are causal scans over a valid-frames-first layout, so padding never reaches a valid
 * frame. Names: `norm`, `mixer` (state-spaces/mamba `Block`), `mixer_bwd`.
 */
export class MambaEncoderLayer extends Module {
  norm: RMSNorm;
  mixer: Mamba;
  mixer_bwd?: Mamba;

  constructor(
    dModel: number,
    mixer: Omit<MambaConfig, 'dModel' | 'rng'>,
    bidirectional: boolean,
    eps: number,
    rng: Rng,
  ) {
    super();
    this.norm = new RMSNorm(dModel, eps);
    this.mixer = new Mamba({ ...mixer, dModel, rng });
    if (bidirectional) this.mixer_bwd = new Mamba({ ...mixer, dModel, rng });
  }

  forward(x: Tensor, reverse?: Tensor): Tensor {
    const h = this.norm.forward(x);
    let y = ops.add(x, this.mixer.forward(h));
    if (this.mixer_bwd) {
      if (!reverse) throw new Error('MambaEncoderLayer: a bidirectional layer needs the reversal indices');
      y = ops.add(y, reverseValid(this.mixer_bwd.forward(reverseValid(h, reverse)), reverse));
    }
    return y;
  }
}

/**
 * Stacked (optionally bidirectional) Mamba layers over the Conformer family's conv subsampling
 * front-end (NeMo `dw_striding`), with a final RMSNorm: a linear-time encoder for CTC. Inputs
 * `features` [B, T, F] and int32 `lengths` [B]; outputs `encoded` [B, T', d] (padded frames zeroed)
 * and `encodedLengths` [B]. Implements `LayeredEncoder`, so `CtcModel` puts a CTC head on it.
 */
export class MambaEncoder extends Module implements LayeredEncoder<MambaContext> {
  readonly dModel: number;
  readonly numLayers: number;
  subsampling?: NemoConvSubsampling;
  input_proj?: Linear;
  layers: MambaEncoderLayer[];
  norm_f: RMSNorm;

  constructor(
    readonly config: MambaEncoderConfig,
    options: { rng?: Rng } = {},
  ) {
    super();
    const rng = options.rng ?? defaultRng();
    const factor = config.subsamplingFactor ?? 4;
    if (!Number.isInteger(Math.log2(factor)) || factor < 1) {
      throw new Error(`MambaEncoder: subsamplingFactor must be a power of two ≥ 1 but is ${factor}`);
    }
    if (!Number.isInteger(config.numLayers) || config.numLayers < 1) {
      throw new Error(`MambaEncoder: numLayers must be a positive integer but is ${config.numLayers}`);
    }
    this.dModel = config.dModel;
    this.numLayers = config.numLayers;
    if (factor > 1) {
      this.subsampling = new NemoConvSubsampling(
        config.inputDim,
        config.dModel,
        config.subsamplingChannels ?? 64,
        factor,
        false,
        rng,
      );
    } else {
      this.input_proj = new Linear(config.inputDim, config.dModel, { rng });
    }
    const eps = config.eps ?? 1e-5;
    this.layers = Array.from(
      { length: config.numLayers },
      () => new MambaEncoderLayer(config.dModel, config.mixer ?? {}, config.bidirectional ?? false, eps, rng),
    );
    this.norm_f = new RMSNorm(config.dModel, eps);
    this.inputNames = ['features', 'lengths'];
    this.outputNames = ['encoded', 'encodedLengths'];
  }

  begin(features: Tensor, lengths: Tensor): EncoderStart<MambaContext> {
    checkEncoderInputs('MambaEncoder', features, lengths, this.config.inputDim);
    let x: Tensor;
    let lens = lengths;
    if (this.subsampling) [x, lens] = this.subsampling.forward(features, lengths);
    else x = (this.input_proj as Linear).forward(features);
    const keep = ops.lengthMask(lens, x); // [B, T']
    const context: MambaContext = { valid: ops.unsqueeze(keep, -1) };
    if (this.config.bidirectional) context.reverse = reversalIndices(lens, x);
    return { x, lengths: lens, context };
  }

  layer(index: number, x: Tensor, context: MambaContext): Tensor {
    return this.layers[index].forward(x, context.reverse);
  }

  end(x: Tensor, context: MambaContext): Tensor {
    return ops.where(context.valid, this.norm_f.forward(x), 0);
  }

  forward(features: Tensor, lengths: Tensor): Record<string, Tensor> {
    return runLayers(this, features, lengths);
  }
}

/**
 * Flat row indices [B, T] that reverse each item's valid frames in place (padding frames map to
 * themselves): row b·T + (len_b − 1 − t) for t < len_b, else b·T + t. Applying it twice is the
 * identity. Used with a gather over the flattened [B·T, D] stream: linear in T and loop-free.
 */
export function reversalIndices(lengths: Tensor, like: Tensor): Tensor {
  const steps = ops.sizeOf(like, 1);
  const t = ops.arange(like, 0, steps); // [T]
  const len = ops.unsqueeze(lengths, -1); // [B, 1]
  const source = ops.where(ops.less(t, len), ops.sub(ops.sub(len, 1), t), t); // [B, T]
  const rowStart = ops.mul(ops.unsqueeze(ops.arange(like, 0, ops.sizeOf(like, 0)), -1), steps); // [B, 1]
  return ops.add(source, rowStart);
}

/** x [B, T, D] with each item's valid frames reversed. */
export function reverseValid(x: Tensor, indices: Tensor): Tensor {
  return ops.gather(ops.reshape(x, [-1, ops.sizeOf(x, 2)]), indices, 0); // [B, T, D]
}
