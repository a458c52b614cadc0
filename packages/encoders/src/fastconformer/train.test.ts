import { fromTf, infer, ops, Rng, stateDict, tfjsBackend, trainStep } from '@seqzoo/core';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { FastConformer } from './model.js';

describe('FastConformer training on tfjs', () => {
  it('fits a target through the streaming-ready (causal, chunked-mask) model, and ONNX sees the trained weights', async () => {
    const be = await tfjsBackend();
    const rng = new Rng(3);
    const model = new FastConformer(
      {
        featIn: 12,
        nLayers: 1,
        dModel: 16,
        nHeads: 2,
        subsamplingConvChannels: 4,
        causalDownsampling: true,
        convKernelSize: 3,
        convNormType: 'batch_norm',
        convContextSize: 'causal',
        attContextStyle: 'chunked_limited',
        attContextSize: [2, 1],
      },
      { rng },
    ).train();
    const feats = rng.uniformArray(2 * 25 * 12, -1, 1);
    const x = tf.tensor(feats, [2, 25, 12]);
    const lengths = tf.tensor(Int32Array.from([25, 18]), [2], 'int32');
    const target = tf.tensor(rng.uniformArray(2 * 4 * 16, -1, 1), [2, 4, 16]);
    const before = stateDict(model).get('layers.0.self_attn.pos_bias_u')?.data.slice();
    const opt = tf.train.adam(0.01);
    const losses: number[] = [];
    for (let step = 0; step < 12; step++) {
      losses.push(
        trainStep(model, be, opt, () => {
          const out = model.forward(fromTf(be, x), fromTf(be, lengths));
          return ops.meanSquaredError(out.encoded, fromTf(be, target));
        }),
      );
    }
    expect(losses[11]).toBeLessThan(0.8 * losses[0]);
    // Every kind of parameter received a gradient, the relative-position biases included.
    expect(stateDict(model).get('layers.0.self_attn.pos_bias_u')?.data).not.toEqual(before);
    model.eval();
    const inputs = {
      features: { data: feats, dims: [2, 25, 12] },
      lengths: { data: Int32Array.from([25, 18]), dims: [2] },
    };
    const a = await infer(model, inputs, { backend: 'tfjs' });
    const b = await infer(model, inputs, { backend: 'onnx' });
    a.encoded.data.forEach((v, i) => expect(Math.abs(v - b.encoded.data[i])).toBeLessThan(1e-4));
    tf.dispose([x, lengths, target]);
  });
});
