import { runOnnx } from './backends/onnx/run.js';
import { type TfjsDevice, tfjsBackend } from './backends/tfjs/index.js';
import { runTfjs } from './backends/tfjs/run.js';
import { checkInputNames } from './module/io.js';
import { assignModulePaths, type Module } from './module/module.js';
import { formatShape } from './shape.js';
import type { TensorData } from './tensor.js';

export interface InferOptions {
  backend?: 'tfjs' | 'onnx';
  /** tfjs device (default: the best available). */
  device?: TfjsDevice;
}

function checkTensorData(name: string, t: TensorData): void {
  if (!(t?.data instanceof Float32Array || t?.data instanceof Int32Array || t?.data instanceof Uint8Array)) {
    throw new Error(`infer: input '${name}' must be { data: Float32Array | Int32Array | Uint8Array, dims }`);
  }
  if (!Array.isArray(t.dims) || t.dims.some((d) => !Number.isInteger(d) || d < 0)) {
    throw new Error(`infer: input '${name}' has invalid dims ${JSON.stringify(t.dims)}`);
  }
  const size = t.dims.reduce((a, b) => a * b, 1);
  if (size !== t.data.length) {
    throw new Error(
      `infer: input '${name}' has ${t.data.length} values but dims ${formatShape(t.dims)} need ${size}`,
    );
  }
}

/**
 * Runs a module on plain data: `{ data, dims }` records named by the module's input names in, and
 * records named by its output names out. Both backends give the same result.
 */
export async function infer(
  module: Module,
  inputs: Record<string, TensorData>,
  options: InferOptions = {},
): Promise<Record<string, TensorData>> {
  checkInputNames(module, Object.keys(inputs), 'infer');
  assignModulePaths(module);
  for (const name of module.inputNames) checkTensorData(name, inputs[name]);
  const backend = options.backend ?? 'tfjs';
  if (backend === 'onnx') return runOnnx(module, inputs);
  if (backend !== 'tfjs') throw new Error(`infer: unknown backend '${backend}' (use 'tfjs' or 'onnx')`);
  return runTfjs(await tfjsBackend(options.device), module, inputs);
}
