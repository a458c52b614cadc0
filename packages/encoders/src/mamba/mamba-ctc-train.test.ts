import { fromTf, Rng, tfjsBackend, toTf, trainStep } from '@seqzoo/core';
import { ctcLossTfjs } from '@seqzoo/ctc';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { CtcModel } from '../ctc-head/ctc-model.js';
import { MambaEncoder } from './model.js';

// Toy task: token k ∈ {1, 2, 3} is a fixed random pattern held for 4 frames, tokens are separated by
// 2 frames of a "silence" pattern; after ×2 subsampling the model must read the sequence back.
// A bidirectional stack is used so the backward direction (reversed valid frames) is trained too.
const F = 6;
const sequences = [
  [1, 2, 3],
  [3, 1],
  [2, 2],
  [1, 3, 2],
  [3, 3, 1],
  [2, 1],
];
const FRAMES = 2 + 3 * 6;

function toyBatch(rng: Rng) {
  const patterns = Array.from({ length: 4 }, () => rng.uniformArray(F, -1, 1));
  const features = new Float32Array(sequences.length * FRAMES * F);
  const lengths = new Int32Array(sequences.length);
  sequences.forEach((seq, b) => {
    const frames: number[] = [0, 0];
    for (const k of seq) frames.push(k, k, k, k, 0, 0);
    lengths[b] = frames.length;
    for (const [t, k] of frames.entries())
      features.set(
        patterns[k].map((v) => v + 0.1 * rng.uniform(-1, 1)),
        (b * FRAMES + t) * F,
      );
  });
  return { features, lengths };
}

describe('Mamba encoder + CTC training under tfjs', () => {
  it('learns a toy transcription task until greedy decoding is exact, without leaking tensors', async () => {
    const be = await tfjsBackend();
    const rng = new Rng(7);
    const { features, lengths } = toyBatch(rng);
    const encoder = new MambaEncoder(
      {
        inputDim: F,
        dModel: 16,
        numLayers: 1,
        bidirectional: true,
        subsamplingFactor: 2,
        subsamplingChannels: 4,
        mixer: { dState: 4, chunk: 8 },
      },
      { rng },
    );
    const model = new CtcModel(encoder, { vocabSize: 4, rng });
    const targets = Int32Array.from(sequences.flat());
    const targetLengths = Int32Array.from(sequences, (s) => s.length);
    const optimizer = tf.train.adam(2e-2);
    const dims = [sequences.length, FRAMES, F];
    const decode = async () =>
      (await model.eval().transcribe({ data: features, dims }, lengths)).tokens.map((t) => Array.from(t));
    let loss = Number.POSITIVE_INFINITY;
    let afterFirstStep = 0;
    let step = 0;
    for (; step < 300; step++) {
      model.train();
      loss = tf.tidy(() =>
        trainStep(model, be, optimizer, () => {
          const out = model.forward(
            fromTf(be, tf.tensor(features, dims)),
            fromTf(be, tf.tensor(lengths, [sequences.length], 'int32')),
          );
          const logProbs = toTf(out.logProbs as never);
          const outLengths = Int32Array.from(toTf(out.logProbsLengths as never).dataSync());
          return fromTf(
            be,
            ctcLossTfjs(tf.transpose(logProbs, [1, 0, 2]), {
              targets,
              inputLengths: outLengths,
              targetLengths,
              input: 'logProbs',
            }),
          );
        }),
      );
      if (step === 0) afterFirstStep = tf.memory().numTensors;
      if (step % 20 === 19 && JSON.stringify(await decode()) === JSON.stringify(sequences)) break;
    }
    expect(await decode(), `loss ${loss} after ${step + 1} steps`).toEqual(sequences);
    expect(loss).toBeLessThan(0.5);
    expect(tf.memory().numTensors).toBe(afterFirstStep);
    optimizer.dispose();
  });
});
