import type { Rng } from '@seqzoo/core';
import { loadChecked, readCheckpoint, underPrefix } from '../shared/checkpoint.js';
import type { WhisperEncoderConfig } from './config.js';
import { WhisperEncoder } from './model.js';

const PREFIXES = ['model.encoder.', 'encoder.'];

/**
 * A seqzoo Whisper encoder from a Hugging Face Whisper safetensors file: `WhisperForConditionalGeneration`
 * (`model.encoder.*`), `WhisperModel` (`encoder.*`) or a bare `WhisperEncoder` (no prefix). Keys outside
 * the encoder (decoder, `proj_out`) are skipped; keys inside it load strictly, with HF's own names.
 */
export function loadHfWhisperEncoder(
  safetensorsBytes: Uint8Array,
  config: WhisperEncoderConfig,
  options: { rng?: Rng } = {},
): WhisperEncoder {
  const where = 'loadHfWhisperEncoder';
  const all = readCheckpoint(safetensorsBytes, where);
  const { prefix, state } = underPrefix(all, PREFIXES);
  if (state.size === 0)
    throw new Error(
      `${where}: no encoder weights found (looked for keys under '${prefix}'; file has ${[...all.keys()].slice(0, 5).join(', ')}…)`,
    );
  return loadChecked(
    new WhisperEncoder(config, options),
    state,
    config,
    where,
    `checkpoint (prefix '${prefix}')`,
  );
}
