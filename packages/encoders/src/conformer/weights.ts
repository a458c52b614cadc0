import { loadStateDict, type Rng, type StateDict, stateDictFromSafetensors } from '@seqzoo/core';
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
  const state = readCheckpoint(safetensorsBytes, 'loadTorchaudioConformer');
  const model = new Conformer(config, options);
  try {
    loadStateDict(model, state);
  } catch (e) {
    throw new Error(
      `loadTorchaudioConformer: checkpoint does not match config ${JSON.stringify(config)}: ${(e as Error).message}`,
    );
  }
  return model;
}

/** The checkpoint as a float32 state dict, with errors naming the importer. */
function readCheckpoint(bytes: Uint8Array, where: string): StateDict {
  if (!(bytes instanceof Uint8Array))
    throw new Error(`${where}: 'safetensorsBytes' must be a Uint8Array holding a safetensors file`);
  try {
    return stateDictFromSafetensors(bytes);
  } catch (e) {
    throw new Error(`${where}: ${(e as Error).message}`);
  }
}
