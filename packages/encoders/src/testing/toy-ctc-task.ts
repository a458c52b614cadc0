import { fromTf, type Rng, tfjsBackend, toTf, trainStep } from '@seqzoo/core';
import { ctcLossTfjs } from '@seqzoo/ctc';
import * as tf from '@tensorflow/tfjs-core';
import type { CtcModel } from '../ctc-head/ctc-model.js';

// Test support (not exported from the package): a toy transcription task for CTC training tests.
// Each token k ∈ {1, 2, 3} is a fixed random pattern held for `hold` frames; tokens are preceded and
// separated by `gap` frames of a "silence" pattern (k = 0); the model must read the sequence back.

export const TOY_SEQUENCES = [
  [1, 2, 3],
  [3, 1],
  [2, 2],
  [1, 3, 2],
  [3, 3, 1],
  [2, 1],
];

export interface ToyCtcLayout {
  /** Feature size. */
  dim: number;
  /** Padded frames per item (at least the longest item's). */
  frames: number;
  /** Frames each token is held. */
  hold: number;
  /** Silence frames before the first token and after each token. */
  gap: number;
}

export interface ToyCtcBatch {
  features: Float32Array;
  lengths: Int32Array;
  dims: number[];
}

/** The features: one pattern per class from `rng`, then per frame the pattern plus ±0.1 noise. */
export function toyCtcBatch(rng: Rng, { dim, frames: padded, hold, gap }: ToyCtcLayout): ToyCtcBatch {
  const patterns = Array.from({ length: 4 }, () => rng.uniformArray(dim, -1, 1));
  const features = new Float32Array(TOY_SEQUENCES.length * padded * dim);
  const lengths = new Int32Array(TOY_SEQUENCES.length);
  TOY_SEQUENCES.forEach((seq, b) => {
    const frames: number[] = Array(gap).fill(0);
    for (const k of seq) frames.push(...Array(hold).fill(k), ...Array(gap).fill(0));
    lengths[b] = frames.length;
    for (const [t, k] of frames.entries())
      features.set(
        patterns[k].map((v) => v + 0.1 * rng.uniform(-1, 1)),
        (b * padded + t) * dim,
      );
  });
  return { features, lengths, dims: [TOY_SEQUENCES.length, padded, dim] };
}

export interface ToyCtcRun {
  /** The last training step's loss. */
  loss: number;
  /** Steps taken. */
  steps: number;
  /** tf.memory().numTensors after the first step (variables and Adam's slots exist from then on). */
  afterFirstStep: number;
  /** Greedy transcription of the batch in eval mode. */
  decode(): Promise<number[][]>;
  optimizer: tf.Optimizer;
}

/**
 * Trains `model` on the batch with Adam (lr 2e-2) and the tfjs CTC loss for up to 300 steps, stopping
 * early at a multiple of `checkEvery` steps once greedy decoding is exact. `lossLengths` picks the CTC
 * input lengths: the features' own ('input', no subsampling) or the model's `logProbsLengths` ('output').
 */
export async function trainToyCtc<C>(
  model: CtcModel<C>,
  batch: ToyCtcBatch,
  options: { checkEvery: number; lossLengths: 'input' | 'output' },
): Promise<ToyCtcRun> {
  const be = await tfjsBackend();
  const { features, lengths, dims } = batch;
  const targets = Int32Array.from(TOY_SEQUENCES.flat());
  const targetLengths = Int32Array.from(TOY_SEQUENCES, (s) => s.length);
  const optimizer = tf.train.adam(2e-2);
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
          fromTf(be, tf.tensor(lengths, [TOY_SEQUENCES.length], 'int32')),
        );
        const timeMajor = tf.transpose(toTf(out.logProbs as never), [1, 0, 2]); // [T, B, V]
        const inputLengths =
          options.lossLengths === 'input'
            ? lengths
            : Int32Array.from(toTf(out.logProbsLengths as never).dataSync());
        return fromTf(
          be,
          ctcLossTfjs(timeMajor, { targets, inputLengths, targetLengths, input: 'logProbs' }),
        );
      }),
    );
    if (step === 0) afterFirstStep = tf.memory().numTensors;
    if (
      step % options.checkEvery === options.checkEvery - 1 &&
      JSON.stringify(await decode()) === JSON.stringify(TOY_SEQUENCES)
    )
      break;
  }
  return { loss, steps: step + 1, afterFirstStep, decode, optimizer };
}
