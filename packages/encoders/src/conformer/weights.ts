import type { Rng } from '@seqzoo/core';
import { loadChecked, readCheckpoint } from '../shared/checkpoint.js';
import type { ConformerConfig } from './config.js';
import { Conformer } from './model.js';

/**
 * A seqzoo Conformer from a safetensors file of torchaudio's `Conformer.state_dict()`. The module's
 * field names are torchaudio's (`conformer_layers.0.ffn1.sequential.1.weight`,
 * `…self_attn.in_proj_weight`, `…conv_module.sequential.3.running_var`), so nothing is renamed; the
 * load is strict and reports missing, unexpected and mis-shaped keys together (for example a
 * GroupNorm checkpoint loaded with `useGroupNorm: false` lacks the BatchNorm running statistics).
 */
export function loadTorchaudioConformer(
  safetensorsBytes: Uint8Array,
  config: ConformerConfig,
  options: { rng?: Rng } = {},
): Conformer {
  const where = 'loadTorchaudioConformer';
  const state = readCheckpoint(safetensorsBytes, where);
  return loadChecked(new Conformer(config, options), state, config, where);
}
