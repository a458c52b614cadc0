import { loadStateDict, type Module, type StateDict, stateDictFromSafetensors } from '@seqzoo/core';

// Checkpoint plumbing the encoder importers share: read a safetensors file, pick the encoder's keys
// out of a whole-model checkpoint, and load strictly — with every error naming the importer.

/** The checkpoint as a float32 state dict (core's reader), with errors naming the importer `where`. */
export function readCheckpoint(bytes: Uint8Array, where: string): StateDict {
  if (!(bytes instanceof Uint8Array))
    throw new Error(`${where}: 'safetensorsBytes' must be a Uint8Array holding a safetensors file`);
  try {
    return stateDictFromSafetensors(bytes);
  } catch (e) {
    throw new Error(`${where}: ${(e as Error).message}`);
  }
}

/**
 * The tensors under the first of `prefixes` that any key starts with, the prefix cut off (keys outside
 * it are left out); when no key carries any of them, every tensor with its name unchanged (prefix '').
 * Always a new map (of new entries), so callers may add to it without touching `all`.
 */
export function underPrefix(
  all: StateDict,
  prefixes: readonly string[],
): { prefix: string; state: StateDict } {
  const names = [...all.keys()];
  const prefix = prefixes.find((p) => names.some((n) => n.startsWith(p))) ?? '';
  const state: StateDict = new Map();
  for (const [name, t] of all)
    if (name.startsWith(prefix)) state.set(name.slice(prefix.length), { data: t.data, shape: t.shape });
  return { prefix, state };
}

/**
 * Loads `state` into `model` strictly (core's `loadStateDict`); a mismatch throws
 * "`where`: `what` does not match config {…}: <what loadStateDict reported>".
 */
export function loadChecked<M extends Module>(
  model: M,
  state: StateDict,
  config: unknown,
  where: string,
  what = 'checkpoint',
): M {
  try {
    loadStateDict(model, state);
  } catch (e) {
    throw new Error(
      `${where}: ${what} does not match config ${JSON.stringify(config)}: ${(e as Error).message}`,
    );
  }
  return model;
}
