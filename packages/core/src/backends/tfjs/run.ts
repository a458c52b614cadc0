import * as tf from '@tensorflow/tfjs-core';
import { dtypeOfArray } from '../../dtype.js';
import { namedOutputs } from '../../module/io.js';
import type { Module } from '../../module/module.js';
import { Tensor, type TensorData } from '../../tensor.js';
import type { TfjsBackend } from './tfjs-backend.js';

/** Wraps a tf.Tensor as a seqzoo tensor on `backend`. */
export function fromTf(backend: TfjsBackend, t: tf.Tensor): Tensor {
  return new Tensor(backend, t, t.shape, t.dtype as Tensor['dtype']);
}

/** The tf.Tensor inside a tfjs-backed seqzoo tensor (for losses and optimizers). */
export function toTf(t: Tensor): tf.Tensor {
  if (!t.backend.name.startsWith('tfjs'))
    throw new Error(`toTf: tensor lives on the '${t.backend.name}' backend, not tfjs`);
  return t.handle as tf.Tensor;
}

/** Runs a forward pass eagerly; every intermediate tensor is released before returning. */
export function runTfjs(
  backend: TfjsBackend,
  module: Module,
  inputs: Record<string, TensorData>,
): Record<string, TensorData> {
  const outs = tf.tidy(() => {
    const args = module.inputNames.map((n) =>
      fromTf(backend, tf.tensor(inputs[n].data, inputs[n].dims, dtypeOfArray(inputs[n].data))),
    );
    const named = namedOutputs(module, module.forward(...args), 'infer');
    return Object.fromEntries([...named].map(([k, v]) => [k, toTf(v)]));
  });
  const result: Record<string, TensorData> = {};
  for (const [name, t] of Object.entries(outs)) {
    const data = t.dataSync();
    result[name] = {
      data: t.dtype === 'bool' ? Uint8Array.from(data as Uint8Array) : (data as Float32Array | Int32Array),
      dims: [...t.shape],
    };
    t.dispose();
  }
  return result;
}
