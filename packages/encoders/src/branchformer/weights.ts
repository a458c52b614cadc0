import type { Rng, StateDict } from '@seqzoo/core';
import { loadChecked, readCheckpoint, underPrefix } from '../shared/checkpoint.js';
import type { BranchformerConfig, EBranchformerConfig } from './config.js';
import { BranchformerEncoder, EBranchformerEncoder } from './model.js';

/**
 * The encoder's tensors from a safetensors file of ESPnet weights: either an encoder's own
 * `state_dict()` (`embed.conv.0.weight`, `encoders.0.attn.linear_q.weight`, `after_norm.weight`) or a
 * whole ESPnet model's, whose encoder keys carry the `encoder.` prefix — then only those are taken
 * (frontend, normalize, ctc and decoder keys are left out).
 */
export function espnetEncoderState(bytes: Uint8Array, where: string): StateDict {
  return underPrefix(readCheckpoint(bytes, where), ['encoder.']).state;
}

/**
 * A seqzoo `BranchformerEncoder` from ESPnet weights in safetensors. The module's fields are ESPnet's
 * attribute names, so keys load unrenamed; the load is strict (missing, unexpected and mis-shaped keys
 * are reported together). `config` is the recipe's `encoder_conf`, camel-cased, plus `inputSize`.
 */
export function loadEspnetBranchformer(
  safetensorsBytes: Uint8Array,
  config: BranchformerConfig,
  options: { rng?: Rng } = {},
): BranchformerEncoder {
  const where = 'loadEspnetBranchformer';
  const state = espnetEncoderState(safetensorsBytes, where);
  return loadChecked(new BranchformerEncoder(config, options), state, config, where);
}

/** A seqzoo `EBranchformerEncoder` from ESPnet weights in safetensors (see `loadEspnetBranchformer`). */
export function loadEspnetEBranchformer(
  safetensorsBytes: Uint8Array,
  config: EBranchformerConfig,
  options: { rng?: Rng } = {},
): EBranchformerEncoder {
  const where = 'loadEspnetEBranchformer';
  const state = espnetEncoderState(safetensorsBytes, where);
  return loadChecked(new EBranchformerEncoder(config, options), state, config, where);
}
