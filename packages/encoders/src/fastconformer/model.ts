import {
  checkShape,
  type InferOptions,
  infer,
  Linear,
  Module,
  ops,
  type Rng,
  type Tensor,
  type TensorData,
} from '@seqzoo/core';
import {
  type AttContextSize,
  checkAttContext,
  type FastConformerConfig,
  type ResolvedFastConformerConfig,
  resolveConfig,
} from './config.js';
import { ConformerLayer, type LayerCache } from './layer.js';
import { createMasks } from './masks.js';
import { relPositionalEmbedding } from './rel-attention.js';
import { ConvSubsampling } from './subsampling.js';

/** Streaming caches for all layers, NeMo's export layout (batch first). */
export interface EncoderCache {
  /** [B, nLayers, C, d]: LayerNorm-ed attention inputs of the last C frames. */
  lastChannel: Tensor;
  /** [B, nLayers, d, K−1]: the last K−1 depthwise-conv inputs. */
  lastTime: Tensor;
  /** int32 [B]: how many of the C cache rows hold real frames. */
  lastChannelLen: Tensor;
}

export interface FastConformerOptions {
  rng?: Rng;
}

/**
 * NeMo FastConformer encoder (`ConformerEncoder`, rel_pos, dw_striding): features [B, T, featIn]
 * (time-major, unlike NeMo's [B, featIn, T]) and int32 lengths [B] in; encoded [B, T', d] and
 * encodedLengths [B] out. The attention context mask is the model's current `attContextSize`;
 * `withAttContext` gives a view with another one that shares every weight.
 */
export class FastConformer extends Module {
  pre_encode: ConvSubsampling;
  layers: ConformerLayer[];
  out_proj?: Linear;
  readonly config: ResolvedFastConformerConfig;
  attContextSize: AttContextSize;

  constructor(config: FastConformerConfig, options: FastConformerOptions = {}) {
    super();
    const cfg = resolveConfig(config);
    this.config = cfg;
    const { rng } = options;
    this.pre_encode = new ConvSubsampling(
      cfg.featIn,
      cfg.dModel,
      cfg.subsamplingConvChannels,
      cfg.subsamplingFactor,
      cfg.causalDownsampling,
      rng,
    );
    this.layers = Array.from({ length: cfg.nLayers }, () => new ConformerLayer(cfg, rng));
    if (cfg.featOut > 0 && cfg.featOut !== cfg.dModel)
      this.out_proj = new Linear(cfg.dModel, cfg.featOut, { rng });
    this.attContextSize = cfg.attContextSizes[0];
    this.inputNames = ['features', 'lengths'];
    this.outputNames = ['encoded', 'encodedLengths'];
  }

  /** Output width (featOut when projected, else dModel). */
  get outFeatures(): number {
    return this.out_proj ? this.out_proj.outFeatures : this.config.dModel;
  }

  /** A view of this model with another attention context (weights shared, own ONNX sessions). */
  withAttContext(ctx: AttContextSize): FastConformer {
    checkAttContext(ctx, this.config.attContextStyle, 'attContextSize');
    const view = Object.create(FastConformer.prototype) as FastConformer;
    Object.assign(view, this);
    view.attContextSize = [ctx[0], ctx[1]];
    return view;
  }

  checkInputs(where: string, features: Tensor, lengths: Tensor): void {
    checkShape(features.shape, [null, null, this.config.featIn], where, 'features');
    if (features.dtype !== 'float32')
      throw new Error(`${where}: argument 'features' must be float32 but is ${features.dtype}`);
    if (lengths.dtype !== 'int32')
      throw new Error(`${where}: argument 'lengths' must be int32 but is ${lengths.dtype}`);
    checkShape(lengths.shape, [features.shape[0]], where, 'lengths');
  }

  /**
   * The shared body of the offline forward and a streaming step: subsampled frames x [B, T, d] with
   * lengths [B] through the layers. With a cache, keys cover C cached frames before x and masks follow
   * NeMo's `forward_internal` (padding length + C, offset C − cacheLen).
   */
  encodeSubsampled(
    x0: Tensor,
    lengths: Tensor,
    ctx: AttContextSize,
    cache?: EncoderCache,
  ): { encoded: Tensor; cache?: EncoderCache } {
    const cfg = this.config;
    const c = cache ? (cache.lastChannel.shape[2] as number) : 0;
    const x = cfg.xscaling ? ops.mul(x0, Math.sqrt(cfg.dModel)) : x0;
    const t = ops.sizeOf(x, 1);
    const total = c === 0 ? t : typeof t === 'number' ? t + c : ops.add(t, c);
    const posEmb = relPositionalEmbedding(x, total, cfg.dModel);
    const validEnd = c === 0 ? lengths : ops.add(lengths, c);
    const offset = cache ? ops.sub(c, cache.lastChannelLen) : undefined;
    const masks = createMasks(x, ctx, cfg.attContextStyle, total, t, validEnd, offset);
    const layerCtx = { attKeep: masks.attKeep, padKeep: masks.padKeep, posEmb };
    let h = x;
    const channels: Tensor[] = [];
    const times: Tensor[] = [];
    this.layers.forEach((layer, i) => {
      const layerCache: LayerCache | undefined = cache
        ? {
            channel: ops.squeeze(ops.slice(cache.lastChannel, 1, i, i + 1), 1),
            time: ops.squeeze(ops.slice(cache.lastTime, 1, i, i + 1), 1),
          }
        : undefined;
      const out = layer.run(h, layerCtx, layerCache);
      h = out.output;
      if (out.cache) {
        channels.push(ops.unsqueeze(out.cache.channel, 1));
        times.push(ops.unsqueeze(out.cache.time, 1));
      }
    });
    const encoded = this.out_proj ? this.out_proj.forward(h) : h;
    if (!cache) return { encoded };
    // NeMo: cache_last_channel_len ← min(len + T, C) (cache_drop_size is 0 here).
    const grown = ops.add(cache.lastChannelLen, t);
    return {
      encoded,
      cache: {
        lastChannel: ops.concat(channels, 1),
        lastTime: ops.concat(times, 1),
        lastChannelLen: ops.minimum(grown, c),
      },
    };
  }

  forward(features: Tensor, lengths: Tensor): Record<string, Tensor> {
    this.checkInputs('FastConformer', features, lengths);
    const [x, len] = this.pre_encode.forward(features, lengths);
    const { encoded } = this.encodeSubsampled(x, len, this.attContextSize);
    return { encoded, encodedLengths: len };
  }

  /**
   * Plain-data entry point: features { data, dims: [B, T, featIn] } and optional per-item lengths
   * (default: all T), validated here, run on the chosen backend.
   */
  async encode(
    features: TensorData,
    lengths?: ArrayLike<number>,
    options: InferOptions = {},
  ): Promise<{ encoded: TensorData; encodedLengths: TensorData }> {
    const [b, t, f] = features.dims;
    if (features.dims.length !== 3 || f !== this.config.featIn || !(features.data instanceof Float32Array)) {
      throw new Error(
        `FastConformer.encode: argument 'features' must be Float32Array [B, T, ${this.config.featIn}] but has dims [${features.dims}]`,
      );
    }
    const lens = Int32Array.from(lengths ?? Array.from({ length: b }, () => t));
    if (lens.length !== b)
      throw new Error(`FastConformer.encode: argument 'lengths' has ${lens.length} entries for batch ${b}`);
    lens.forEach((n, i) => {
      if (!Number.isInteger(n) || n < 1 || n > t)
        throw new Error(`FastConformer.encode: lengths[${i}] = ${n} is outside [1, ${t}] (batch item ${i})`);
    });
    const out = await infer(this, { features, lengths: { data: lens, dims: [b] } }, options);
    return { encoded: out.encoded, encodedLengths: out.encodedLengths };
  }
}
