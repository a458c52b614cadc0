import type * as tf from '@tensorflow/tfjs-core';
import { toTf } from './backends/tfjs/run.js';
import { TfjsBackend } from './backends/tfjs/tfjs-backend.js';
import { assignModulePaths, type Module } from './module/module.js';
import type { Tensor } from './tensor.js';

/** The tf.Variables of a module's trainable parameters (created on first use). */
export function trainableVariables(module: Module, backend: TfjsBackend): tf.Variable[] {
  return module
    .parameters()
    .filter((p) => p.trainable)
    .map((p) => backend.variableOf(p));
}

/**
 * One optimisation step: computes `loss()` (a scalar seqzoo tensor) on the tfjs backend,
 * back-propagates into the module's trainable parameters and applies `optimizer`. Returns the loss.
 */
export function trainStep(
  module: Module,
  backend: TfjsBackend,
  optimizer: tf.Optimizer,
  loss: () => Tensor,
): number {
  if (!(backend instanceof TfjsBackend))
    throw new Error('trainStep: training is not supported on the onnx backend (use tfjs)');
  assignModulePaths(module);
  const vars = trainableVariables(module, backend);
  const value = optimizer.minimize(() => toTf(loss()) as tf.Scalar, true, vars);
  if (!value) throw new Error('trainStep: the loss function returned nothing');
  const out = value.dataSync()[0];
  value.dispose();
  return out;
}
