import type { Tensor } from '../tensor.js';
import { Parameter } from './parameter.js';

export type ForwardOutput = Tensor | Tensor[] | Record<string, Tensor>;

/**
 * A module is a plain object whose fields hold its parameters and sub-modules; walking those fields
 * gives stable dotted names (`layers.3.ffn1.linear1.weight`), as PyTorch's state_dict does.
 * Modules start in eval mode (deployment is the common case); call `train()` before training.
 */
export abstract class Module {
  training = false;
  /** Dotted path from the root module (set by `infer`, `exportOnnx`, `trainStep`), for error messages. */
  path = '';
  /** Names of `forward`'s positional inputs and of its outputs, used by `infer()` and `exportOnnx()`. */
  inputNames: string[] = ['input'];
  outputNames: string[] = ['output'];

  abstract forward(...inputs: Tensor[]): ForwardOutput;

  /**
   * Axes of an input that stay dynamic when `infer()` traces the module for ONNX, with their names.
   * Default: axis 0 is 'batch' and, from rank 2, axis 1 is 'time' ([B, T, D] sequences). Modules with
   * other layouts ([B, C, T] around convolutions) override this.
   */
  dynamicAxes(_input: string, rank: number): Record<number, string> {
    if (rank >= 2) return { 0: 'batch', 1: 'time' };
    return rank === 1 ? { 0: 'batch' } : {};
  }

  /** Parameters and buffers in field order, with dotted names. */
  namedParameters(prefix = ''): [string, Parameter][] {
    const out: [string, Parameter][] = [];
    const visit = (value: unknown, name: string) => {
      if (value instanceof Parameter) out.push([name, value]);
      else if (value instanceof Module) out.push(...value.namedParameters(`${name}.`));
      else if (Array.isArray(value)) value.forEach((v, i) => visit(v, `${name}.${i}`));
    };
    for (const [key, value] of Object.entries(this)) visit(value, `${prefix}${key}`);
    return out;
  }

  namedModules(prefix = ''): [string, Module][] {
    const out: [string, Module][] = [[prefix.replace(/\.$/, ''), this]];
    const visit = (value: unknown, name: string) => {
      if (value instanceof Module) out.push(...value.namedModules(`${name}.`));
      else if (Array.isArray(value)) value.forEach((v, i) => visit(v, `${name}.${i}`));
    };
    for (const [key, value] of Object.entries(this)) visit(value, `${prefix}${key}`);
    return out;
  }

  /** `Linear(4→2) at 'encoder.layers.1'`: how errors name this module. */
  protected label(name: string): string {
    return this.path ? `${name} at '${this.path}'` : name;
  }

  parameters(): Parameter[] {
    return this.namedParameters().map(([, p]) => p);
  }

  /** Number of values in trainable parameters (buffers excluded), as PyTorch users count them. */
  parameterCount(): number {
    return this.parameters().reduce((n, p) => n + (p.trainable ? p.size : 0), 0);
  }

  train(on = true): this {
    for (const [, m] of this.namedModules()) m.training = on;
    return this;
  }

  eval(): this {
    return this.train(false);
  }
}

/** Records every sub-module's dotted path so shape errors can say where they happened. */
export function assignModulePaths(root: Module): void {
  for (const [name, m] of root.namedModules()) m.path = name;
}
