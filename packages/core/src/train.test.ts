import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import {
  BatchNorm,
  Conv1d,
  fromTf,
  GELU,
  infer,
  Linear,
  Module,
  manualSeed,
  ops,
  Sequential,
  type Tensor,
  TransformerEncoder,
  tfjsBackend,
  trainStep,
} from './index.js';
import { Rng, randomData } from './testing.js';

describe('training on the tfjs backend (wasm, the default in Node)', () => {
  it('an MLP fits a toy regression to near-zero loss', async () => {
    const be = await tfjsBackend();
    expect(be.device).toBe('wasm');
    manualSeed(1);
    const mlp = new Sequential(new Linear(2, 32), new GELU(), new Linear(32, 1)).train();
    const rng = new Rng(9);
    const xs = rng.uniformArray(64 * 2, -1, 1);
    const ys = Float32Array.from(
      { length: 64 },
      (_, i) => Math.sin(xs[2 * i]) + 0.5 * xs[2 * i + 1] * xs[2 * i],
    );
    const x = tf.tensor(xs, [64, 2]);
    const y = tf.tensor(ys, [64, 1]);
    const opt = tf.train.adam(0.02);
    let first = 0;
    let loss = 0;
    for (let step = 0; step < 300; step++) {
      loss = trainStep(mlp, be, opt, () => ops.meanSquaredError(mlp.forward(fromTf(be, x)), fromTf(be, y)));
      if (step === 0) first = loss;
    }
    expect(first).toBeGreaterThan(0.1);
    expect(loss).toBeLessThan(1e-3);
    // The trained weights are what ONNX sees: both backends predict the same.
    mlp.eval();
    const onnx = await infer(mlp, { input: { data: xs, dims: [64, 2] } }, { backend: 'onnx' });
    const tfjs = await infer(mlp, { input: { data: xs, dims: [64, 2] } }, { backend: 'tfjs' });
    for (let i = 0; i < 64; i++) expect(onnx.output.data[i]).toBeCloseTo(tfjs.output.data[i], 4);
    tf.dispose([x, y]);
  });

  it('a conv + BatchNorm model trains on wasm and updates running statistics', async () => {
    const be = await tfjsBackend();
    manualSeed(2);
    class ConvNet extends Module {
      conv = new Conv1d(2, 4, 3, { padding: 'same' });
      dw = new Conv1d(4, 4, 5, { groups: 4, padding: 'causal' });
      bn = new BatchNorm(4);
      forward(x: Tensor): Tensor {
        return ops.sum(this.bn.forward(this.dw.forward(ops.relu(this.conv.forward(x)))), 1);
      }
    }
    const net = new ConvNet().train();
    const rng = new Rng(4);
    const x = tf.tensor(rng.uniformArray(4 * 2 * 16, -1, 1), [4, 2, 16]);
    const target = tf.tensor(rng.uniformArray(4 * 16, -1, 1), [4, 16]);
    const opt = tf.train.adam(0.05);
    const losses: number[] = [];
    for (let step = 0; step < 60; step++) {
      losses.push(
        trainStep(net, be, opt, () => ops.meanSquaredError(net.forward(fromTf(be, x)), fromTf(be, target))),
      );
    }
    expect(losses[59]).toBeLessThan(losses[0] * 0.5);
    expect(net.bn.num_batches_tracked.data[0]).toBe(60);
    expect(Array.from(net.bn.running_mean.data).some((v) => v !== 0)).toBe(true);
    tf.dispose([x, target]);
  });

  it('leaks no tensors over repeated inference and training', async () => {
    const be = await tfjsBackend();
    const enc = new TransformerEncoder({ dModel: 8, numHeads: 2, numLayers: 2, ffnDim: 16, dropout: 0.1 });
    const inputs = {
      x: randomData(new Rng(1), [2, 5, 8]),
      lengths: { data: new Int32Array([5, 3]), dims: [2] },
    };
    await infer(enc, inputs); // creates the parameter variables once
    const before = tf.memory().numTensors;
    for (let i = 0; i < 5; i++) await infer(enc, inputs);
    expect(tf.memory().numTensors).toBe(before);
    enc.train();
    const opt = tf.train.sgd(0.01);
    const x = tf.tensor(inputs.x.data, inputs.x.dims);
    const len = tf.tensor(inputs.lengths.data, [2], 'int32');
    trainStep(enc, be, opt, () => ops.mean(enc.forward(fromTf(be, x), fromTf(be, len))));
    const afterFirst = tf.memory().numTensors;
    for (let i = 0; i < 5; i++)
      trainStep(enc, be, opt, () => ops.mean(enc.forward(fromTf(be, x), fromTf(be, len))));
    expect(tf.memory().numTensors).toBe(afterFirst);
    tf.dispose([x, len]);
  });
});
