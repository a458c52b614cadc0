import { toFloat32 } from '../io/convert.js';
import { readSafetensors } from '../io/safetensors-read.js';
import { writeSafetensors } from '../io/safetensors-write.js';
import type { Module } from './module.js';
import { loadStateDict, type StateDict, stateDict } from './state-dict.js';

/** A safetensors file as a float32 state dict (F16/BF16/F64/integer tensors are converted). */
export function stateDictFromSafetensors(bytes: Uint8Array): StateDict {
  const out: StateDict = new Map();
  for (const [name, t] of readSafetensors(bytes).tensors)
    out.set(name, { data: toFloat32(t), shape: [...t.shape] });
  return out;
}

/**
 * Loads a safetensors checkpoint (e.g. PyTorch's `save_file(model.state_dict())`) into a module,
 * strictly by default. `rename` maps file keys to seqzoo names (return undefined to drop a key).
 */
export function loadSafetensors(
  module: Module,
  bytes: Uint8Array,
  options: { strict?: boolean; rename?: (key: string) => string | undefined } = {},
): { missing: string[]; unexpected: string[] } {
  let state = stateDictFromSafetensors(bytes);
  if (options.rename) {
    const renamed: StateDict = new Map();
    for (const [k, v] of state) {
      const name = options.rename(k);
      if (name !== undefined) renamed.set(name, v);
    }
    state = renamed;
  }
  return loadStateDict(module, state, { strict: options.strict });
}

/** Saves a module's parameters and buffers as float32 safetensors that PyTorch's safetensors reads. */
export function saveSafetensors(module: Module, metadata?: Record<string, string>): Uint8Array {
  const tensors = Object.fromEntries(
    [...stateDict(module)].map(([k, v]) => [k, { dtype: 'F32' as const, shape: v.shape, data: v.data }]),
  );
  return writeSafetensors(tensors, metadata);
}
