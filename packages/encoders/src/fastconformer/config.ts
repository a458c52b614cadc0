/**
 * NeMo FastConformer (`ConformerEncoder` with `subsampling: dw_striding`) configuration. Names follow
 * NeMo's YAML keys in camelCase so a checkpoint's `model_config.yaml` maps over one to one.
 */
export type AttContextStyle = 'regular' | 'chunked_limited';
export type ConvNormType = 'batch_norm' | 'layer_norm';
/** [left, right] attention context in encoder frames; −1 means unlimited. */
export type AttContextSize = readonly [number, number];

export interface FastConformerConfig {
  /** Mel features per frame (NeMo `feat_in`), e.g. 80. */
  featIn: number;
  nLayers: number;
  dModel: number;
  nHeads: number;
  /** FFN width = ffExpansionFactor · dModel (NeMo default 4). */
  ffExpansionFactor?: number;
  /** Channels of the dw_striding convolutions (NeMo `subsampling_conv_channels`, 256 in FastConformer). */
  subsamplingConvChannels: number;
  /** Power of two; FastConformer uses 8. */
  subsamplingFactor?: number;
  /** Causal dw_striding (pads 2 before / 1 after on time and frequency) for streaming models. */
  causalDownsampling?: boolean;
  /** Scale the subsampled input by √dModel before the layers (NeMo `xscaling`, default true). */
  xscaling?: boolean;
  convKernelSize: number;
  convNormType?: ConvNormType;
  /** 'causal' = [K−1, 0]; default symmetric [(K−1)/2, (K−1)/2]. */
  convContextSize?: 'causal' | readonly [number, number];
  /** One or several [left, right] contexts; the first is the default (NeMo `att_context_size`). */
  attContextSize?: AttContextSize | readonly AttContextSize[];
  attContextStyle?: AttContextStyle;
  /** Optional projection of the output to this width (NeMo `feat_out`, −1 = none). */
  featOut?: number;
}

/** A config with every default filled in and contexts normalised to a list. */
export interface ResolvedFastConformerConfig {
  featIn: number;
  nLayers: number;
  dModel: number;
  nHeads: number;
  dFF: number;
  subsamplingConvChannels: number;
  subsamplingFactor: number;
  causalDownsampling: boolean;
  xscaling: boolean;
  convKernelSize: number;
  convNormType: ConvNormType;
  convContextSize: [number, number];
  attContextSizes: AttContextSize[];
  attContextStyle: AttContextStyle;
  featOut: number;
}

function fail(what: string): never {
  throw new Error(`FastConformer config: ${what}`);
}

const positiveInt = (v: unknown) => Number.isInteger(v) && (v as number) > 0;

export function resolveConfig(config: FastConformerConfig): ResolvedFastConformerConfig {
  for (const key of [
    'featIn',
    'nLayers',
    'dModel',
    'nHeads',
    'subsamplingConvChannels',
    'convKernelSize',
  ] as const) {
    if (!positiveInt(config[key])) fail(`'${key}' must be a positive integer but is ${config[key]}`);
  }
  const { dModel, nHeads, convKernelSize } = config;
  if (dModel % nHeads !== 0) fail(`'dModel' (${dModel}) must be divisible by 'nHeads' (${nHeads})`);
  if (dModel % 2 !== 0) fail(`'dModel' (${dModel}) must be even for the sinusoidal position table`);
  const factor = config.subsamplingFactor ?? 8;
  if (!positiveInt(factor) || factor < 2 || (factor & (factor - 1)) !== 0) {
    fail(`'subsamplingFactor' must be a power of two ≥ 2 but is ${factor}`);
  }
  let conv: [number, number];
  if (config.convContextSize === 'causal') conv = [convKernelSize - 1, 0];
  else if (config.convContextSize) {
    conv = [config.convContextSize[0], config.convContextSize[1]];
    if (conv[0] < 0 || conv[1] < 0 || conv[0] + conv[1] + 1 !== convKernelSize) {
      fail(
        `'convContextSize' [${conv}] must be two non-negative numbers summing to convKernelSize − 1 (${convKernelSize - 1})`,
      );
    }
  } else {
    if (convKernelSize % 2 !== 1)
      fail(`'convKernelSize' (${convKernelSize}) must be odd for a symmetric convolution`);
    conv = [(convKernelSize - 1) / 2, (convKernelSize - 1) / 2];
  }
  const raw = config.attContextSize ?? [-1, -1];
  const sizes = (typeof raw[0] === 'number' ? [raw] : raw) as AttContextSize[];
  const style = config.attContextStyle ?? 'regular';
  if (style !== 'regular' && style !== 'chunked_limited')
    fail(`'attContextStyle' must be 'regular' or 'chunked_limited' but is '${style}'`);
  for (const [i, c] of sizes.entries()) checkAttContext(c, style, `attContextSize[${i}]`);
  const norm = config.convNormType ?? 'batch_norm';
  if (norm !== 'batch_norm' && norm !== 'layer_norm')
    fail(`'convNormType' must be 'batch_norm' or 'layer_norm' but is '${norm}'`);
  return {
    featIn: config.featIn,
    nLayers: config.nLayers,
    dModel,
    nHeads,
    dFF: dModel * (config.ffExpansionFactor ?? 4),
    subsamplingConvChannels: config.subsamplingConvChannels,
    subsamplingFactor: factor,
    causalDownsampling: config.causalDownsampling ?? false,
    xscaling: config.xscaling ?? true,
    convKernelSize,
    convNormType: norm,
    convContextSize: conv,
    attContextSizes: sizes.map((c) => [c[0], c[1]] as const),
    attContextStyle: style,
    featOut: config.featOut ?? -1,
  };
}

/** NeMo `_calc_context_sizes` rules: integers ≥ −1; chunked_limited needs left divisible by right + 1. */
export function checkAttContext(c: AttContextSize, style: AttContextStyle, where: string): void {
  if (!Array.isArray(c) || c.length !== 2 || c.some((v) => !Number.isInteger(v) || v < -1)) {
    fail(`'${where}' must be [left, right] integers ≥ −1 but is ${JSON.stringify(c)}`);
  }
  if (style === 'chunked_limited' && c[1] >= 0 && c[0] > 0 && c[0] % (c[1] + 1) !== 0) {
    fail(`'${where}' [${c}]: chunked_limited needs left (${c[0]}) divisible by right + 1 (${c[1] + 1})`);
  }
}

/**
 * NeMo `setup_streaming_params` for chunked_limited (or regular with no look-ahead) streaming, in mel
 * frames: the first chunk, the later chunks, the pre-encode cache, and encoder frames per chunk.
 */
export interface StreamingParams {
  attContextSize: AttContextSize;
  /** Mel frames of the first chunk (1 + factor · lookahead) and of every later chunk (factor · (1 + lookahead)). */
  chunkSize: [number, number];
  /** Already-seen mel frames prepended to each later chunk (factor + 1). */
  preEncodeCacheSize: number;
  /** Encoder frames kept in the attention cache (= left context). */
  lastChannelCacheSize: number;
  /** Encoder frames produced per full chunk (lookahead + 1). */
  validOutLen: number;
}

export function streamingParams(cfg: ResolvedFastConformerConfig, ctx: AttContextSize): StreamingParams {
  checkAttContext(ctx, cfg.attContextStyle, 'attContextSize');
  const where = `streaming with attContextSize [${ctx}]`;
  if (!cfg.causalDownsampling) fail(`${where} needs 'causalDownsampling: true'`);
  if (cfg.convContextSize[1] !== 0)
    fail(`${where} needs a causal convolution ('convContextSize: causal'), not [${cfg.convContextSize}]`);
  if (ctx[0] < 0) fail(`${where}: the left context must be limited (it sizes the attention cache)`);
  if (ctx[1] < 0) fail(`${where}: the right context must be limited`);
  if (cfg.attContextStyle === 'regular' && ctx[1] !== 0) {
    fail(`${where}: 'regular' style streams only without look-ahead (right = 0); use 'chunked_limited'`);
  }
  const f = cfg.subsamplingFactor;
  const lookahead = cfg.attContextStyle === 'chunked_limited' ? ctx[1] : 0;
  return {
    attContextSize: ctx,
    chunkSize: [1 + f * lookahead, f * (1 + lookahead)],
    preEncodeCacheSize: f + 1,
    lastChannelCacheSize: ctx[0],
    validOutLen: lookahead + 1,
  };
}
