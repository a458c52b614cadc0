import type { TfjsDevice } from './backends/tfjs/index.js';
import { infer } from './infer.js';
import { Rng } from './init/rng.js';
import { type ForwardOutput, Module } from './module/module.js';
import type { Tensor, TensorData } from './tensor.js';

/**
 * Helpers for backend-parity tests, shared by every seqzoo package: wrap a function as a module, make
 * seeded inputs, and run a module on both backends comparing the results.
 */

/** A module around a plain function of tensors (for op-level tests). */
export class Lambda extends Module {
  constructor(
    private readonly fn: (...xs: Tensor[]) => ForwardOutput,
    inputNames: string[],
    outputNames: string[] = ['output'],
    private readonly axes?: (input: string, rank: number) => Record<number, string>,
  ) {
    super();
    this.inputNames = inputNames;
    this.outputNames = outputNames;
  }

  override dynamicAxes(input: string, rank: number): Record<number, string> {
    return this.axes ? this.axes(input, rank) : super.dynamicAxes(input, rank);
  }

  forward(...xs: Tensor[]): ForwardOutput {
    return this.fn(...xs);
  }
}

export function randomData(rng: Rng, dims: number[], low = -1, high = 1): TensorData {
  return {
    data: rng.uniformArray(
      dims.reduce((a, b) => a * b, 1),
      low,
      high,
    ),
    dims,
  };
}

export function randomInts(rng: Rng, dims: number[], low: number, high: number): TensorData {
  const n = dims.reduce((a, b) => a * b, 1);
  return { data: Int32Array.from({ length: n }, () => Math.floor(rng.uniform(low, high))), dims };
}

export interface ParityResult {
  tfjs: Record<string, TensorData>;
  onnx: Record<string, TensorData>;
  /** Largest |a − b| / (atol + rtol·|b|) over all outputs; ≤ 1 means within tolerance. */
  worst: number;
}

/** Compares two output records; returns the worst tolerance ratio and a description of it. */
export function compareOutputs(
  a: Record<string, TensorData>,
  b: Record<string, TensorData>,
  rtol: number,
  atol: number,
): { worst: number; where: string } {
  let worst = 0;
  let where = '';
  for (const name of Object.keys(b)) {
    const x = a[name];
    const y = b[name];
    if (!x) throw new Error(`output '${name}' is missing`);
    if (x.dims.join() !== y.dims.join()) throw new Error(`output '${name}': dims [${x.dims}] vs [${y.dims}]`);
    for (let i = 0; i < y.data.length; i++) {
      const xv = Number(x.data[i]);
      const yv = Number(y.data[i]);
      if (Number.isNaN(xv) !== Number.isNaN(yv))
        return { worst: Number.POSITIVE_INFINITY, where: `${name}[${i}]: ${xv} vs ${yv}` };
      if (xv === yv) continue;
      const r = Math.abs(xv - yv) / (atol + rtol * Math.abs(yv));
      if (r > worst) {
        worst = r;
        where = `${name}[${i}]: ${xv} vs ${yv}`;
      }
    }
  }
  return { worst, where };
}

/** Runs `module` on tfjs and ONNX and throws, naming the worst element, if they disagree. */
export async function checkParity(
  module: Module,
  inputs: Record<string, TensorData>,
  options: { rtol?: number; atol?: number; device?: TfjsDevice } = {},
): Promise<ParityResult> {
  const rtol = options.rtol ?? 1e-4;
  const atol = options.atol ?? 1e-5;
  const tfjs = await infer(module, inputs, { backend: 'tfjs', device: options.device });
  const onnx = await infer(module, inputs, { backend: 'onnx' });
  const { worst, where } = compareOutputs(tfjs, onnx, rtol, atol);
  if (worst > 1) throw new Error(`tfjs and onnx disagree beyond rtol ${rtol}, atol ${atol} at ${where}`);
  return { tfjs, onnx, worst };
}

export { Rng };
