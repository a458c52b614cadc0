import { Parameter } from '../module/parameter.js';
import { defaultRng, type Rng } from './rng.js';

const size = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);

/** U(-bound, bound), PyTorch's default for Linear/Conv weights and biases with bound = 1/sqrt(fanIn). */
export function uniformParameter(
  shape: readonly number[],
  bound: number,
  rng: Rng = defaultRng(),
): Parameter {
  return new Parameter(rng.uniformArray(size(shape), -bound, bound), shape);
}

export function normalParameter(shape: readonly number[], std = 1, rng: Rng = defaultRng()): Parameter {
  return new Parameter(rng.normalArray(size(shape), std), shape);
}

export function constantParameter(
  shape: readonly number[],
  value: number,
  options: { trainable?: boolean } = {},
): Parameter {
  return new Parameter(new Float32Array(size(shape)).fill(value), shape, options);
}
