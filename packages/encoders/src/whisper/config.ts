/** Hugging Face `WhisperConfig`'s encoder fields (seqzoo names; HF names in the comments). */
export interface WhisperEncoderConfig {
  /** `num_mel_bins`: 80, or 128 for large-v3 / large-v3-turbo. */
  nMels: number;
  /** `d_model`. */
  dModel: number;
  /** `encoder_attention_heads`. */
  numHeads: number;
  /** `encoder_layers`. */
  numLayers: number;
  /** `encoder_ffn_dim` (4·d_model in every released checkpoint). */
  ffnDim: number;
  /** `max_source_positions`: 1500 encoder frames = 3000 mel frames = 30 s. */
  maxSourcePositions: number;
  /** `dropout` on the residual branches, `attention_dropout` and `activation_dropout` (training only). */
  dropout?: number;
}

/** Published encoder sizes (openai/whisper `ModelDimensions`). */
export const WHISPER_ENCODER_SIZES = {
  tiny: { nMels: 80, dModel: 384, numHeads: 6, numLayers: 4, ffnDim: 1536, maxSourcePositions: 1500 },
  base: { nMels: 80, dModel: 512, numHeads: 8, numLayers: 6, ffnDim: 2048, maxSourcePositions: 1500 },
  small: { nMels: 80, dModel: 768, numHeads: 12, numLayers: 12, ffnDim: 3072, maxSourcePositions: 1500 },
  medium: { nMels: 80, dModel: 1024, numHeads: 16, numLayers: 24, ffnDim: 4096, maxSourcePositions: 1500 },
  large: { nMels: 80, dModel: 1280, numHeads: 20, numLayers: 32, ffnDim: 5120, maxSourcePositions: 1500 },
  'large-v3': {
    nMels: 128,
    dModel: 1280,
    numHeads: 20,
    numLayers: 32,
    ffnDim: 5120,
    maxSourcePositions: 1500,
  },
} as const satisfies Record<string, WhisperEncoderConfig>;

export function checkWhisperConfig(
  config: WhisperEncoderConfig,
  where: string,
): Required<WhisperEncoderConfig> {
  const c = { dropout: 0, ...config };
  for (const key of ['nMels', 'dModel', 'numHeads', 'numLayers', 'ffnDim', 'maxSourcePositions'] as const) {
    if (!Number.isInteger(c[key]) || c[key] < 1)
      throw new Error(`${where}: config.${key} must be a positive integer but is ${c[key]}`);
  }
  if (c.dModel % c.numHeads)
    throw new Error(
      `${where}: config.dModel (${c.dModel}) must be divisible by config.numHeads (${c.numHeads})`,
    );
  if (c.dModel % 2 || c.dModel < 4)
    throw new Error(
      `${where}: config.dModel must be even and at least 4 for the sinusoidal table but is ${c.dModel}`,
    );
  if (!(c.dropout >= 0 && c.dropout < 1))
    throw new Error(`${where}: config.dropout must be in [0, 1) but is ${c.dropout}`);
  return c;
}
