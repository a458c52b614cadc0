import { loadStateDict, type StateTensor } from '@seqzoo/core';
import type { MambaConfig } from './config.js';
import { Mamba } from './mamba.js';

/** A named weight as any reader yields it (readSafetensors + toFloat32, or a plain map). */
export interface WeightEntry {
  data: Float32Array;
  shape: readonly number[];
}

/**
 * The mixer's tensors under `prefix` (e.g. `backbone.layers.3.mixer.` in a MambaLMHeadModel
 * checkpoint), with the prefix stripped. state-spaces/mamba `Mamba` names are ours, so no renaming.
 */
export function mambaTensors(
  tensors: ReadonlyMap<string, WeightEntry>,
  prefix = '',
): Map<string, StateTensor> {
  const out = new Map<string, StateTensor>();
  for (const [name, t] of tensors) {
    if (name.startsWith(prefix)) out.set(name.slice(prefix.length), { data: t.data, shape: [...t.shape] });
  }
  if (out.size === 0)
    throw new Error(
      `importMamba: no tensor name starts with prefix '${prefix}' (found ${[...tensors.keys()].slice(0, 5).join(', ')}…)`,
    );
  return out;
}

function need(t: Map<string, StateTensor>, name: string, rank: number, prefix: string): number[] {
  const e = t.get(name);
  if (!e) throw new Error(`importMamba: missing tensor '${prefix}${name}'`);
  if (e.shape.length !== rank)
    throw new Error(`importMamba: '${prefix}${name}' must have rank ${rank} but has shape [${e.shape}]`);
  return e.shape;
}

/** Reads the mixer's configuration off its weight shapes. */
export function mambaConfigFromWeights(tensors: ReadonlyMap<string, WeightEntry>, prefix = ''): MambaConfig {
  const t = mambaTensors(tensors, prefix);
  const [twoInner, dModel] = need(t, 'in_proj.weight', 2, prefix);
  const [dInner, dState] = need(t, 'A_log', 2, prefix);
  const [, , dConv] = need(t, 'conv1d.weight', 3, prefix);
  const [, dtRank] = need(t, 'dt_proj.weight', 2, prefix);
  if (twoInner !== 2 * dInner) {
    throw new Error(
      `importMamba: '${prefix}in_proj.weight' [${twoInner}, ${dModel}] must have 2·d_inner = ${2 * dInner} rows (A_log is [${dInner}, ${dState}])`,
    );
  }
  return {
    dModel,
    dState,
    dConv,
    expand: dInner / dModel,
    dtRank,
    convBias: t.has('conv1d.bias'),
    bias: t.has('in_proj.bias'),
  };
}

/** Loads state-spaces/mamba `Mamba` weights into `module` (strict: missing/unexpected/mis-shaped all reported). */
export function loadMambaWeights(
  module: Mamba,
  tensors: ReadonlyMap<string, WeightEntry>,
  prefix = '',
): void {
  loadStateDict(module, mambaTensors(tensors, prefix));
}

/** Builds a Mamba mixer from a checkpoint's tensors (configuration read off the shapes). */
export function importMamba(
  tensors: ReadonlyMap<string, WeightEntry>,
  options: { prefix?: string; chunk?: number; scanMode?: 'chunked' | 'recurrent' } = {},
): Mamba {
  const prefix = options.prefix ?? '';
  const m = new Mamba({
    ...mambaConfigFromWeights(tensors, prefix),
    chunk: options.chunk,
    scanMode: options.scanMode,
  });
  loadMambaWeights(m, tensors, prefix);
  return m;
}
