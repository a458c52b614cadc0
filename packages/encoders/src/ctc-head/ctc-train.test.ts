import { Rng } from '@seqzoo/core';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { Conformer } from '../conformer/model.js';
import { TOY_SEQUENCES, toyCtcBatch, trainToyCtc } from '../testing/toy-ctc-task.js';
import { CtcModel } from './ctc-model.js';

// Toy task: each token k ∈ {1, 2, 3} is a fixed random 8-dim pattern held for 3 frames, tokens are
// separated by one frame of a "silence" pattern, and the model must read the token sequence back.
const D = 8;
const FRAMES = 14;

describe('CtcModel training under tfjs', () => {
  it('learns a toy transcription task with the CTC loss until greedy decoding is exact', async () => {
    const rng = new Rng(3);
    const batch = toyCtcBatch(rng, { dim: D, frames: FRAMES, hold: 3, gap: 1 });
    const encoder = new Conformer(
      { inputDim: D, numHeads: 2, ffnDim: 16, numLayers: 1, depthwiseConvKernelSize: 3 },
      { rng },
    );
    const model = new CtcModel(encoder, { vocabSize: 4, interCtcLayers: [], rng }).train();
    const run = await trainToyCtc(model, batch, { checkEvery: 25, lossLengths: 'input' });
    expect(await run.decode(), `loss ${run.loss} after ${run.steps} steps`).toEqual(TOY_SEQUENCES);
    expect(run.loss).toBeLessThan(0.5);
    // Variables and Adam's slots appear in the first step; later steps and decodes must not leak.
    expect(tf.memory().numTensors).toBe(run.afterFirstStep);
    run.optimizer.dispose();
  });
});
