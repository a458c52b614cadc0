/**
 * ESPnet's encoder options, camel-cased (`cgmlp_linear_units` → `cgmlpLinearUnits`), with ESPnet's
 * defaults. Options that only matter in training (dropouts, stochastic depth) are kept so a model
 * fine-tunes as ESPnet would train it.
 */
export type AttentionLayerType = 'rel_selfattn' | 'selfattn';
export type PosEncLayerType = 'rel_pos' | 'abs_pos';
/** `linear` = Linear → LayerNorm; `conv2dN` = ESPnet's `Conv2dSubsamplingN` (conv2d = ×4). */
export type InputLayer = 'conv2d' | 'conv2d2' | 'conv2d6' | 'conv2d8' | 'linear';
export type GateActivation = 'identity' | 'relu' | 'tanh' | 'swish' | 'gelu';
export type MergeMethod = 'concat' | 'learned_ave' | 'fixed_ave';

/** What Branchformer and E-Branchformer share. */
export interface EspnetBranchConfig {
  /** Feature width D of `features` [B, T, D] (ESPnet `input_size`, e.g. 80 mel bins). */
  inputSize: number;
  /** Model width d (ESPnet `output_size`). Default 256. */
  outputSize?: number;
  /** Default 4; must divide `outputSize`. */
  attentionHeads?: number;
  /** Default 'rel_selfattn' (needs 'rel_pos'); 'selfattn' is plain MHSA (with 'abs_pos'). */
  attentionLayerType?: AttentionLayerType;
  /** Default 'rel_pos'. */
  posEncLayerType?: PosEncLayerType;
  /**
   * 'latest' (default, every public Branchformer recipe) or 'legacy' (ESPnet's old
   * `LegacyRelPositionalEncoding`: a T-row table at positions P−1 … P−T, P = max(maxPosEmbLen, T)).
   */
  relPosType?: 'latest' | 'legacy';
  /**
   * 'legacy' only: ESPnet's `max_len` of the positional table (E-Branchformer `max_pos_emb_len`;
   * Branchformer always 5000). Default 5000. ESPnet keeps a table extended by a longer input for later
   * calls; seqzoo is stateless and always uses max(maxPosEmbLen, T).
   */
  maxPosEmbLen?: number;
  /** Hidden width of the cgMLP branch (its gate halves it). Default 2048. */
  cgmlpLinearUnits?: number;
  /** Depthwise kernel of the gating unit, odd. Default 31. */
  cgmlpConvKernel?: number;
  /** Linear(U/2 → U/2) after the gate's conv. Default false. */
  useLinearAfterConv?: boolean;
  /** Default 'identity'. */
  gateActivation?: GateActivation;
  /** Default 12. */
  numBlocks?: number;
  /** Residual-branch and cgMLP dropout. Default 0.1. */
  dropoutRate?: number;
  /** Dropout of the scaled input and of the positional table. Default 0.1. */
  positionalDropoutRate?: number;
  /** Dropout on attention probabilities. Default 0. */
  attentionDropoutRate?: number;
  /** Default 'conv2d'. */
  inputLayer?: InputLayer;
  /**
   * Zero padded frames before every depthwise convolution (seqzoo extension, default false).
   * ESPnet does not, so there a padded batch item's last valid frames see conv taps of padding;
   * with this on, a batch item's valid frames no longer depend on how much padding follows them.
   */
  zeroPaddingBeforeConv?: boolean;
}

export interface BranchformerConfig extends EspnetBranchConfig {
  /** Attention branch. Default true. */
  useAttn?: boolean;
  /** cgMLP branch. Default true. */
  useCgmlp?: boolean;
  /** Default 'concat'. */
  mergeMethod?: MergeMethod;
  /** Weight of the cgMLP branch for 'fixed_ave' (per block or one for all). Default 0.5. */
  cgmlpWeight?: number | number[];
  /** 'learned_ave' only: probability of dropping the attention branch in training. Default 0. */
  attnBranchDropRate?: number | number[];
  /** Training only: skip a block with this probability, else scale its branch by 1/(1−p). Default 0. */
  stochasticDepthRate?: number | number[];
}

export interface EBranchformerConfig extends EspnetBranchConfig {
  /** Feed-forward module after the merge. Default false (ESPnet); recipes set true. */
  useFfn?: boolean;
  /** Another FFN before the branches, both FFNs then half-step. Default false; recipes set true. */
  macaronFfn?: boolean;
  /** FFN hidden width. Default 2048. */
  linearUnits?: number;
  /** Depthwise conv kernel of the merge module, odd. Default 3. */
  mergeConvKernel?: number;
  /** Training only: skip whole blocks with this probability (ESPnet `layer_drop_rate`). Default 0. */
  layerDropRate?: number;
}

export type ResolvedBranchformerConfig = Required<
  Omit<BranchformerConfig, 'cgmlpWeight' | 'attnBranchDropRate' | 'stochasticDepthRate'>
> & {
  cgmlpWeight: number[];
  attnBranchDropRate: number[];
  stochasticDepthRate: number[];
};

const SHARED_DEFAULTS = {
  outputSize: 256,
  attentionHeads: 4,
  attentionLayerType: 'rel_selfattn',
  posEncLayerType: 'rel_pos',
  relPosType: 'latest',
  maxPosEmbLen: 5000,
  cgmlpLinearUnits: 2048,
  cgmlpConvKernel: 31,
  useLinearAfterConv: false,
  gateActivation: 'identity',
  numBlocks: 12,
  dropoutRate: 0.1,
  positionalDropoutRate: 0.1,
  attentionDropoutRate: 0,
  inputLayer: 'conv2d',
  zeroPaddingBeforeConv: false,
} as const;

const CHOICES: Record<string, readonly string[]> = {
  attentionLayerType: ['rel_selfattn', 'selfattn'],
  posEncLayerType: ['rel_pos', 'abs_pos'],
  relPosType: ['latest', 'legacy'],
  inputLayer: ['conv2d', 'conv2d2', 'conv2d6', 'conv2d8', 'linear'],
  gateActivation: ['identity', 'relu', 'tanh', 'swish', 'gelu'],
  mergeMethod: ['concat', 'learned_ave', 'fixed_ave'],
};

function checkShared<C extends Required<EspnetBranchConfig>>(c: C, where: string): C {
  if (c === null || typeof c !== 'object') throw new Error(`${where}: config must be an object`);
  for (const key of [
    'inputSize',
    'outputSize',
    'attentionHeads',
    'cgmlpLinearUnits',
    'cgmlpConvKernel',
    'numBlocks',
  ] as const) {
    if (!Number.isInteger(c[key]) || c[key] < 1)
      throw new Error(`${where}: config.${key} must be a positive integer but is ${c[key]}`);
  }
  for (const [key, allowed] of Object.entries(CHOICES)) {
    const v = (c as Record<string, unknown>)[key];
    if (v !== undefined && !allowed.includes(v as string))
      throw new Error(
        `${where}: config.${key} must be one of ${allowed.map((a) => `'${a}'`).join(', ')} but is ${JSON.stringify(v)}`,
      );
  }
  if (c.outputSize % c.attentionHeads)
    throw new Error(
      `${where}: config.outputSize (${c.outputSize}) must be divisible by config.attentionHeads (${c.attentionHeads})`,
    );
  if ((c.attentionLayerType === 'rel_selfattn') !== (c.posEncLayerType === 'rel_pos'))
    throw new Error(
      `${where}: config.attentionLayerType '${c.attentionLayerType}' needs posEncLayerType '${c.attentionLayerType === 'rel_selfattn' ? 'rel_pos' : 'abs_pos'}' but is '${c.posEncLayerType}'`,
    );
  if (c.cgmlpLinearUnits % 2)
    throw new Error(
      `${where}: config.cgmlpLinearUnits must be even (the gate splits it in half) but is ${c.cgmlpLinearUnits}`,
    );
  if (c.cgmlpConvKernel % 2 === 0)
    throw new Error(
      `${where}: config.cgmlpConvKernel must be odd ('same' padding (K − 1)/2) but is ${c.cgmlpConvKernel}`,
    );
  if (c.outputSize % 2)
    throw new Error(`${where}: config.outputSize must be even (sinusoid pairs) but is ${c.outputSize}`);
  for (const key of ['dropoutRate', 'positionalDropoutRate', 'attentionDropoutRate'] as const) {
    if (!(c[key] >= 0 && c[key] < 1))
      throw new Error(`${where}: config.${key} must be in [0, 1) but is ${c[key]}`);
  }
  return c;
}

/** One value per block from ESPnet's "float or list" options; in [0, 1], or [0, 1) for rates. */
function perBlock(v: number | number[], n: number, key: string, where: string, closed: boolean): number[] {
  const list = Array.isArray(v) ? v : Array.from({ length: n }, () => v);
  if (list.length !== n)
    throw new Error(`${where}: config.${key} has ${list.length} values but config.numBlocks is ${n}`);
  for (const [i, x] of list.entries()) {
    if (!(typeof x === 'number' && x >= 0 && (closed ? x <= 1 : x < 1)))
      throw new Error(`${where}: config.${key}[${i}] must be in [0, 1${closed ? ']' : ')'} but is ${x}`);
  }
  return list;
}

export function resolveBranchformerConfig(
  config: BranchformerConfig,
  where: string,
): ResolvedBranchformerConfig {
  const c = checkShared(
    {
      ...SHARED_DEFAULTS,
      useAttn: true,
      useCgmlp: true,
      mergeMethod: 'concat',
      cgmlpWeight: 0.5,
      attnBranchDropRate: 0,
      stochasticDepthRate: 0,
      ...config,
    },
    where,
  ) as Required<BranchformerConfig>;
  if (!c.useAttn && !c.useCgmlp)
    throw new Error(`${where}: config.useAttn and config.useCgmlp cannot both be false`);
  const n = c.numBlocks;
  return {
    ...c,
    cgmlpWeight: perBlock(c.cgmlpWeight, n, 'cgmlpWeight', where, true),
    attnBranchDropRate: perBlock(c.attnBranchDropRate, n, 'attnBranchDropRate', where, false),
    stochasticDepthRate: perBlock(c.stochasticDepthRate, n, 'stochasticDepthRate', where, false),
  };
}

export function resolveEBranchformerConfig(
  config: EBranchformerConfig,
  where: string,
): Required<EBranchformerConfig> {
  const c = checkShared(
    {
      ...SHARED_DEFAULTS,
      useFfn: false,
      macaronFfn: false,
      linearUnits: 2048,
      mergeConvKernel: 3,
      layerDropRate: 0,
      ...config,
    },
    where,
  ) as Required<EBranchformerConfig>;
  if (!Number.isInteger(c.linearUnits) || c.linearUnits < 1)
    throw new Error(`${where}: config.linearUnits must be a positive integer but is ${c.linearUnits}`);
  if (!Number.isInteger(c.mergeConvKernel) || c.mergeConvKernel % 2 === 0)
    throw new Error(
      `${where}: config.mergeConvKernel must be an odd integer ('same' padding (K − 1)/2) but is ${c.mergeConvKernel}`,
    );
  if (!(c.layerDropRate >= 0 && c.layerDropRate < 1))
    throw new Error(`${where}: config.layerDropRate must be in [0, 1) but is ${c.layerDropRate}`);
  return c;
}
