import type { BranchformerConfig, EBranchformerConfig } from './config.js';

/** ESPnet `encoder_conf` keys (snake_case, as in the recipe YAML) and the seqzoo option each sets. */
const SHARED_KEYS: Record<string, string> = {
  output_size: 'outputSize',
  attention_heads: 'attentionHeads',
  attention_layer_type: 'attentionLayerType',
  pos_enc_layer_type: 'posEncLayerType',
  rel_pos_type: 'relPosType',
  cgmlp_linear_units: 'cgmlpLinearUnits',
  cgmlp_conv_kernel: 'cgmlpConvKernel',
  use_linear_after_conv: 'useLinearAfterConv',
  gate_activation: 'gateActivation',
  num_blocks: 'numBlocks',
  dropout_rate: 'dropoutRate',
  positional_dropout_rate: 'positionalDropoutRate',
  attention_dropout_rate: 'attentionDropoutRate',
  input_layer: 'inputLayer',
  max_pos_emb_len: 'maxPosEmbLen',
};
/** Keys that change nothing at inference here (sizes of caches, unused options at their defaults). */
/** Keys with no effect on these modules: token-embedding options, and the inter-CTC
 * options, which `CtcModel`'s `interCtcLayers` / `selfConditioning` carry instead. */
const IGNORED = new Set([
  'max_pos_emb_len',
  'padding_idx',
  'interctc_layer_idx',
  'interctc_use_conditioning',
]);

const BRANCHFORMER_KEYS: Record<string, string> = {
  ...SHARED_KEYS,
  use_attn: 'useAttn',
  use_cgmlp: 'useCgmlp',
  merge_method: 'mergeMethod',
  cgmlp_weight: 'cgmlpWeight',
  attn_branch_drop_rate: 'attnBranchDropRate',
  stochastic_depth_rate: 'stochasticDepthRate',
};
const E_BRANCHFORMER_KEYS: Record<string, string> = {
  ...SHARED_KEYS,
  use_ffn: 'useFfn',
  macaron_ffn: 'macaronFfn',
  linear_units: 'linearUnits',
  merge_conv_kernel: 'mergeConvKernel',
  layer_drop_rate: 'layerDropRate',
};

function convert(
  conf: Record<string, unknown>,
  inputSize: number,
  keys: Record<string, string>,
  where: string,
) {
  if (conf === null || typeof conf !== 'object') throw new Error(`${where}: 'encoderConf' must be an object`);
  const out: Record<string, unknown> = { inputSize };
  for (const [k, v] of Object.entries(conf)) {
    if (IGNORED.has(k)) continue;
    if (k === 'zero_triu') {
      if (v) throw new Error(`${where}: encoder_conf.zero_triu: true is not supported`);
      continue;
    }
    if (k === 'ffn_activation_type' && v !== 'swish')
      throw new Error(`${where}: encoder_conf.ffn_activation_type '${v}' is not supported (only 'swish')`);
    if (k === 'positionwise_layer_type' && v !== 'linear')
      throw new Error(
        `${where}: encoder_conf.positionwise_layer_type '${v}' is not supported (only 'linear')`,
      );
    if (k === 'ffn_activation_type' || k === 'positionwise_layer_type') continue;
    const name = keys[k];
    if (!name) throw new Error(`${where}: unknown encoder_conf key '${k}'`);
    out[name] = v;
  }
  return out;
}

/**
 * A `BranchformerConfig` from an ESPnet recipe's `encoder_conf` (snake_case keys, as parsed from the
 * YAML) and the feature width (`input_size`, e.g. 80 mel bins). Unknown keys throw, so a recipe option
 * seqzoo does not model cannot be dropped silently.
 */
export function branchformerConfigFromEspnet(
  encoderConf: Record<string, unknown>,
  inputSize: number,
): BranchformerConfig {
  return convert(
    encoderConf,
    inputSize,
    BRANCHFORMER_KEYS,
    'branchformerConfigFromEspnet',
  ) as unknown as BranchformerConfig;
}

/** An `EBranchformerConfig` from an ESPnet recipe's `encoder_conf` (see `branchformerConfigFromEspnet`). */
export function eBranchformerConfigFromEspnet(
  encoderConf: Record<string, unknown>,
  inputSize: number,
): EBranchformerConfig {
  return convert(
    encoderConf,
    inputSize,
    E_BRANCHFORMER_KEYS,
    'eBranchformerConfigFromEspnet',
  ) as unknown as EBranchformerConfig;
}
