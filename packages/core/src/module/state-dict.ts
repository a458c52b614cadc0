import { formatShape } from '../shape.js';
import type { Module } from './module.js';

export interface StateTensor {
  data: Float32Array;
  shape: number[];
}
export type StateDict = Map<string, StateTensor>;

export function stateDict(module: Module): StateDict {
  const out: StateDict = new Map();
  for (const [name, p] of module.namedParameters()) {
    out.set(name, { data: new Float32Array(p.data), shape: [...p.shape] });
  }
  return out;
}

function listNames(names: string[]): string {
  const shown = names.slice(0, 10).join(', ');
  return names.length > 10 ? `${shown}, … (${names.length - 10} more)` : shown;
}

/**
 * Loads weights by dotted name. Strict by default: missing, unexpected and mis-shaped keys are all
 * collected and reported in one error. Non-strict loading still refuses mis-shaped keys and returns
 * what it skipped.
 */
export function loadStateDict(
  module: Module,
  state: StateDict | Record<string, StateTensor>,
  options: { strict?: boolean } = {},
): { missing: string[]; unexpected: string[] } {
  const strict = options.strict ?? true;
  const entries = state instanceof Map ? state : new Map(Object.entries(state));
  const params = new Map(module.namedParameters());
  const missing = [...params.keys()].filter((k) => !entries.has(k));
  const unexpected = [...entries.keys()].filter((k) => !params.has(k));
  const misShaped: string[] = [];
  for (const [name, p] of params) {
    const t = entries.get(name);
    if (!t) continue;
    const sameShape = t.shape.length === p.shape.length && t.shape.every((d, i) => d === p.shape[i]);
    if (!sameShape) {
      misShaped.push(
        `Expected shape ${formatShape(p.shape)} but received ${formatShape(t.shape)} for ${name}`,
      );
    } else if (t.data.length !== p.size) {
      misShaped.push(`Expected ${p.size} values but received ${t.data.length} for ${name}`);
    }
  }
  const problems: string[] = [...misShaped];
  if (strict && missing.length) problems.push(`Missing ${missing.length} parameters: ${listNames(missing)}`);
  if (strict && unexpected.length) {
    problems.push(`Unexpected ${unexpected.length} parameters: ${listNames(unexpected)}`);
  }
  if (problems.length) throw new Error(`loadStateDict: ${problems.join('; ')}`);
  for (const [name, p] of params) {
    const t = entries.get(name);
    if (t) p.set(t.data);
  }
  return { missing, unexpected };
}
