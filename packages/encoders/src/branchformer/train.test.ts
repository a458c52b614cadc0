import { fromTf, ops, Rng, tfjsBackend, toTf, trainStep } from '@seqzoo/core';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { BranchformerEncoder, EBranchformerEncoder } from './model.js';
import { SMALL_BLOCKS, SMALL_E_BRANCHFORMER } from './test-helpers.js';

const B = 2;
const T = 15;
const F = 10;

const shared = {
  inputSize: F,
  ...SMALL_BLOCKS,
  dropoutRate: 0.1,
  positionalDropoutRate: 0.1,
  attentionDropoutRate: 0.1,
} as const;

// A smoke test of training under tfjs (wasm): conv2d subsampling, both branches, the merges, dropout
// and the training-only randomness (stochastic depth, attention-branch drop, layer drop) all take
// gradients, the loss falls, and no tensors leak between steps.
describe.each([
  [
    'Branchformer (learned_ave, stochastic depth, attention-branch drop)',
    (rng: Rng) =>
      new BranchformerEncoder(
        { ...shared, mergeMethod: 'learned_ave', stochasticDepthRate: [0, 0.2], attnBranchDropRate: 0.2 },
        { rng },
      ),
  ],
  [
    'E-Branchformer (macaron FFNs, layer drop)',
    (rng: Rng) =>
      new EBranchformerEncoder({ ...shared, ...SMALL_E_BRANCHFORMER, layerDropRate: 0.1 }, { rng }),
  ],
])('%s training under tfjs', (_, make) => {
  it('reduces a regression loss with trainStep', async () => {
    const be = await tfjsBackend();
    const rng = new Rng(9);
    const model = make(rng).train();
    const features = rng.uniformArray(B * T * F, -1, 1);
    const lengths = Int32Array.from([T, 11]);
    const target = rng.uniformArray(B * 3 * 8, -1, 1); // T' = 3 after ×4 subsampling
    const optimizer = tf.train.adam(1e-2);
    const losses: number[] = [];
    let afterFirstStep = 0;
    for (let step = 0; step < 10; step++) {
      losses.push(
        tf.tidy(() =>
          trainStep(model, be, optimizer, () => {
            const out = model.forward(
              fromTf(be, tf.tensor(features, [B, T, F])),
              fromTf(be, tf.tensor(lengths, [B], 'int32')),
            );
            return ops.meanSquaredError(out.encoded, fromTf(be, tf.tensor(target, [B, 3, 8])));
          }),
        ),
      );
      if (step === 0) afterFirstStep = tf.memory().numTensors;
    }
    const first = (losses[0] + losses[1]) / 2;
    const last = (losses[8] + losses[9]) / 2;
    expect(last, `losses ${losses.map((l) => l.toFixed(3)).join(' ')}`).toBeLessThan(0.6 * first);
    expect(tf.memory().numTensors).toBe(afterFirstStep);
    // Eval mode is deterministic again (no dropout, no skipped blocks).
    model.eval();
    const run = () =>
      tf.tidy(() =>
        Array.from(
          toTf(
            model.forward(
              fromTf(be, tf.tensor(features, [B, T, F])),
              fromTf(be, tf.tensor(lengths, [B], 'int32')),
            ).encoded,
          ).dataSync(),
        ),
      );
    expect(run()).toEqual(run());
    optimizer.dispose();
  });
});
