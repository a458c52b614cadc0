/**
 * torchaudio's `Conformer(input_dim, num_heads, ffn_dim, num_layers, depthwise_conv_kernel_size,
 * dropout=0.0, use_group_norm=False, convolution_first=False)`, field for field.
 */
export interface ConformerConfig {
  /** Model width D of the input features and of every layer (torchaudio `input_dim`). */
  inputDim: number;
  /** Attention heads; must divide `inputDim`. */
  numHeads: number;
  /** Hidden width of the two macaron feed-forward modules. */
  ffnDim: number;
  numLayers: number;
  /** Depthwise convolution kernel; odd, so "same" padding is symmetric. */
  depthwiseConvKernelSize: number;
  /** Dropout everywhere torchaudio puts it (FFNs, attention probabilities, residual branches). Default 0. */
  dropout?: number;
  /** GroupNorm(1, D) instead of BatchNorm1d(D) after the depthwise convolution. Default false. */
  useGroupNorm?: boolean;
  /** Convolution module before self-attention. Default false. */
  convolutionFirst?: boolean;
}

export function checkConformerConfig(config: ConformerConfig, where: string): Required<ConformerConfig> {
  const c = { dropout: 0, useGroupNorm: false, convolutionFirst: false, ...config };
  for (const key of ['inputDim', 'numHeads', 'ffnDim', 'numLayers', 'depthwiseConvKernelSize'] as const) {
    if (!Number.isInteger(c[key]) || c[key] < 1)
      throw new Error(`${where}: config.${key} must be a positive integer but is ${c[key]}`);
  }
  if (c.inputDim % c.numHeads)
    throw new Error(
      `${where}: config.inputDim (${c.inputDim}) must be divisible by config.numHeads (${c.numHeads})`,
    );
  if (c.depthwiseConvKernelSize % 2 === 0) {
    throw new Error(
      `${where}: config.depthwiseConvKernelSize must be odd (torchaudio requires (K - 1) % 2 == 0) but is ${c.depthwiseConvKernelSize}`,
    );
  }
  if (!(c.dropout >= 0 && c.dropout < 1))
    throw new Error(`${where}: config.dropout must be in [0, 1) but is ${c.dropout}`);
  return c;
}
