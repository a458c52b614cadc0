import type { DType } from '../dtype.js';
import type { Dim } from '../shape.js';
import { Tensor } from '../tensor.js';
import type { ForwardOutput, Module } from './module.js';

export interface InputSpec {
  dtype?: DType;
  /** Numbers are fixed sizes; strings name dynamic axes ('batch', 'time'). */
  shape: readonly Dim[];
}

/** Maps `forward`'s result onto the module's output names. */
export function namedOutputs(module: Module, out: ForwardOutput, where: string): Map<string, Tensor> {
  const names = module.outputNames;
  const result = new Map<string, Tensor>();
  if (out instanceof Tensor) {
    result.set(names[0], out);
  } else if (Array.isArray(out)) {
    if (out.length !== names.length) {
      throw new Error(
        `${where}: forward returned ${out.length} tensors but outputNames lists ${names.length} (${names.join(', ')})`,
      );
    }
    out.forEach((t, i) => result.set(names[i], t));
  } else {
    for (const n of names) {
      const t = out[n];
      if (!t)
        throw new Error(
          `${where}: forward did not return output '${n}' (returned ${Object.keys(out).join(', ')})`,
        );
      result.set(n, t);
    }
  }
  return result;
}

/** Checks that a record has exactly the module's input names; lists every missing and unexpected one. */
export function checkInputNames(module: Module, given: readonly string[], where: string): void {
  const missing = module.inputNames.filter((n) => !given.includes(n));
  const extra = given.filter((n) => !module.inputNames.includes(n));
  const parts: string[] = [];
  if (missing.length)
    parts.push(`missing input${missing.length > 1 ? 's' : ''} ${missing.map((n) => `'${n}'`).join(', ')}`);
  if (extra.length)
    parts.push(`unexpected input${extra.length > 1 ? 's' : ''} ${extra.map((n) => `'${n}'`).join(', ')}`);
  if (parts.length) {
    throw new Error(
      `${where}: ${parts.join('; ')} (module ${module.constructor.name} takes ${module.inputNames.join(', ')})`,
    );
  }
}
