import { fromTf, Rng, tfjsBackend, toTf, trainStep } from '@seqzoo/core';
import { ctcLossTfjs } from '@seqzoo/ctc';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { Conformer } from '../conformer/model.js';
import { CtcModel } from './ctc-model.js';

// Toy task: each token k ∈ {1, 2, 3} is a fixed random 8-dim pattern held for 3 frames, tokens are
// separated by one frame of a "silence" pattern, and the model must read the token sequence back.
const D = 8;
const FRAMES = 14;
const sequences = [
  [1, 2, 3],
  [3, 1],
  [2, 2],
  [1, 3, 2],
  [3, 3, 1],
  [2, 1],
];

function toyBatch(rng: Rng) {
  const patterns = Array.from({ length: 4 }, () => rng.uniformArray(D, -1, 1));
  const features = new Float32Array(sequences.length * FRAMES * D);
  const lengths = new Int32Array(sequences.length);
  sequences.forEach((seq, b) => {
    const frames: number[] = [0];
    for (const k of seq) frames.push(k, k, k, 0);
    lengths[b] = frames.length;
    for (const [t, k] of frames.entries()) {
      features.set(
        patterns[k].map((v) => v + 0.1 * rng.uniform(-1, 1)),
        (b * FRAMES + t) * D,
      );
    }
  });
  return { features, lengths };
}

describe('CtcModel training under tfjs', () => {
  it('learns a toy transcription task with the CTC loss until greedy decoding is exact', async () => {
    const be = await tfjsBackend();
    const rng = new Rng(3);
    const { features, lengths } = toyBatch(rng);
    const encoder = new Conformer(
      { inputDim: D, numHeads: 2, ffnDim: 16, numLayers: 1, depthwiseConvKernelSize: 3 },
      { rng },
    );
    const model = new CtcModel(encoder, { vocabSize: 4, interCtcLayers: [], rng }).train();
    const targets = Int32Array.from(sequences.flat());
    const targetLengths = Int32Array.from(sequences, (s) => s.length);
    const optimizer = tf.train.adam(2e-2);
    let afterFirstStep = 0;
    let loss = Number.POSITIVE_INFINITY;
    const decode = async () =>
      (
        await model.eval().transcribe({ data: features, dims: [sequences.length, FRAMES, D] }, lengths)
      ).tokens.map((t) => Array.from(t));
    let step = 0;
    for (; step < 300; step++) {
      model.train();
      loss = tf.tidy(() =>
        trainStep(model, be, optimizer, () => {
          const out = model.forward(
            fromTf(be, tf.tensor(features, [sequences.length, FRAMES, D])),
            fromTf(be, tf.tensor(lengths, [sequences.length], 'int32')),
          );
          const timeMajor = tf.transpose(toTf(out.logProbs as never), [1, 0, 2]); // [T, B, V]
          return fromTf(
            be,
            ctcLossTfjs(timeMajor, { targets, inputLengths: lengths, targetLengths, input: 'logProbs' }),
          );
        }),
      );
      if (step === 0) afterFirstStep = tf.memory().numTensors;
      if (step % 25 === 24 && JSON.stringify(await decode()) === JSON.stringify(sequences)) break;
    }
    expect(await decode(), `loss ${loss} after ${step + 1} steps`).toEqual(sequences);
    expect(loss).toBeLessThan(0.5);
    // Variables and Adam's slots appear in the first step; later steps and decodes must not leak.
    expect(tf.memory().numTensors).toBe(afterFirstStep);
    optimizer.dispose();
  });
});
