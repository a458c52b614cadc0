import { loadStateDict, type Rng, type StateDict, stateDictFromSafetensors } from '@seqzoo/core';
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
  const all = readCheckpoint(safetensorsBytes, 'loadHfWhisperEncoder');
  const names = [...all.keys()];
  const prefix = PREFIXES.find((p) => names.some((n) => n.startsWith(p))) ?? '';
  const state: StateDict = new Map();
  for (const [name, t] of all) {
    if (name.startsWith(prefix)) state.set(name.slice(prefix.length), t);
  }
  if (state.size === 0)
    throw new Error(
      `loadHfWhisperEncoder: no encoder weights found (looked for keys under '${prefix}'; file has ${names.slice(0, 5).join(', ')}…)`,
    );
  const model = new WhisperEncoder(config, options);
  try {
    loadStateDict(model, state);
  } catch (e) {
    throw new Error(
      `loadHfWhisperEncoder: checkpoint (prefix '${prefix}') does not match config ${JSON.stringify(config)}: ${(e as Error).message}`,
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
