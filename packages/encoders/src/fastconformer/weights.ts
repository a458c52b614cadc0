import { loadStateDict, type StateDict, stateDictFromSafetensors } from '@seqzoo/core';
import { underPrefix } from '../shared/checkpoint.js';
import type { FastConformerConfig } from './config.js';
import { FastConformer } from './model.js';

/**
 * Maps a NeMo checkpoint's tensors onto a FastConformer. NeMo's ASR model keeps the encoder under
 * `encoder.` (the decoder, preprocessor and joint are ignored); a bare encoder state dict (no prefix)
 * loads too. Our field names are NeMo's, so the map is the identity after the prefix. Buffers NeMo
 * may omit (BatchNorm's `num_batches_tracked`) keep their defaults; anything else missing, unexpected
 * or mis-shaped is reported by the strict loader.
 */
export function nemoEncoderStateDict(
  model: FastConformer,
  tensors: Map<string, { data: Float32Array; shape: number[] }>,
): StateDict {
  const out = underPrefix(tensors, ['encoder.']).state;
  for (const [name, p] of model.namedParameters()) {
    if (!out.has(name) && name.endsWith('num_batches_tracked'))
      out.set(name, { data: new Float32Array(p.data), shape: [...p.shape] });
  }
  return out;
}

/** Builds a FastConformer from `config` and loads a NeMo safetensors checkpoint into it (strict). */
export function loadNemoFastConformer(
  safetensorsBytes: Uint8Array,
  config: FastConformerConfig,
): FastConformer {
  const model = new FastConformer(config);
  try {
    loadStateDict(model, nemoEncoderStateDict(model, stateDictFromSafetensors(safetensorsBytes)));
  } catch (e) {
    throw new Error(`loadNemoFastConformer: ${(e as Error).message}`);
  }
  return model;
}
