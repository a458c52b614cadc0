import { Rng } from '@seqzoo/core';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { CtcModel } from '../ctc-head/ctc-model.js';
import { TOY_SEQUENCES, toyCtcBatch, trainToyCtc } from '../testing/toy-ctc-task.js';
import { MambaEncoder } from './model.js';

// Toy task: token k ∈ {1, 2, 3} is a fixed random pattern held for 4 frames, tokens are separated by
// 2 frames of a "silence" pattern; after ×2 subsampling the model must read the sequence back.
// A bidirectional stack is used so the backward direction (reversed valid frames) is trained too.
const F = 6;
const FRAMES = 2 + 3 * 6;

describe('Mamba encoder + CTC training under tfjs', () => {
  it('learns a toy transcription task until greedy decoding is exact, without leaking tensors', async () => {
    const rng = new Rng(7);
    const batch = toyCtcBatch(rng, { dim: F, frames: FRAMES, hold: 4, gap: 2 });
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
    const run = await trainToyCtc(model, batch, { checkEvery: 20, lossLengths: 'output' });
    expect(await run.decode(), `loss ${run.loss} after ${run.steps} steps`).toEqual(TOY_SEQUENCES);
    expect(run.loss).toBeLessThan(0.5);
    expect(tf.memory().numTensors).toBe(run.afterFirstStep);
    run.optimizer.dispose();
  });
});
