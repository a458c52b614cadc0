import { Conv2d, Linear, Module, ops, ReLU, type Rng, Sequential, type Tensor } from '@seqzoo/core';
import { checkEncoderInputs } from '../ctc-head/layered-encoder.js';

export interface Conv2dSubsamplingOptions {
  /** Input features per frame F (mel bins). */
  inputDim: number;
  /** Output width, also the number of conv channels (ESPnet's `odim`). */
  outputDim: number;
  /** Time reduction: 4 (two stages) or 8 (three stages). Default 4. */
  factor?: 4 | 8;
  rng?: Rng;
}

/**
 * ESPnet's `Conv2dSubsampling` / `Conv2dSubsampling8` without the positional encoding: on [B, 1, T, F],
 * `factor = 2^n` stages of Conv2d(k3, stride 2, no padding) + ReLU, then [B, T', C·F'] → Linear(C·F' →
 * outputDim). Parameter names are ESPnet's (`conv.0`, `conv.2`, `conv.4`, `out.0`), so its checkpoints'
 * `embed.*` weights load after dropping the prefix.
 *
 * Lengths follow ESPnet's mask slicing (`mask[:, :, :-2:2]` per stage): L ← min(⌈L/2⌉, T'), where each
 * stage keeps T' = ⌊(T − 1)/2⌋ frames. For a padded item this counts one frame more than the frames
 * that see only valid input (⌊(L − 1)/2⌋), exactly as ESPnet does.
 */
export class Conv2dSubsampling extends Module {
  conv: Sequential;
  out: Sequential;
  readonly stages: number;
  readonly outputFeatures: number;

  constructor(readonly options: Conv2dSubsamplingOptions) {
    super();
    const { inputDim, outputDim, rng } = options;
    const factor = options.factor ?? 4;
    if (factor !== 4 && factor !== 8)
      throw new Error(`Conv2dSubsampling: factor must be 4 or 8 but is ${factor}`);
    this.stages = factor === 4 ? 2 : 3;
    let f = inputDim;
    for (let i = 0; i < this.stages; i++) f = Math.floor((f - 1) / 2);
    if (!Number.isInteger(inputDim) || f < 1) {
      throw new Error(
        `Conv2dSubsampling: inputDim ${inputDim} is too small for ${this.stages} stride-2 kernel-3 stages`,
      );
    }
    this.outputFeatures = f;
    // torch Sequential numbering: convs at even indices, ReLUs (no weights) at odd ones.
    const stages = Array.from({ length: this.stages }, (_, i) => [
      new Conv2d(i === 0 ? 1 : outputDim, outputDim, 3, { stride: 2, rng }),
      new ReLU(),
    ]);
    this.conv = new Sequential(...stages.flat());
    this.out = new Sequential(new Linear(outputDim * f, outputDim, { rng }));
    this.inputNames = ['features', 'lengths'];
    this.outputNames = ['encoded', 'encodedLengths'];
  }

  forward(features: Tensor, lengths: Tensor): Record<string, Tensor> {
    checkEncoderInputs('Conv2dSubsampling', features, lengths, this.options.inputDim);
    let x = ops.unsqueeze(features, 1); // [B, 1, T, F]
    let lens = lengths;
    for (let i = 0; i < this.stages; i++) {
      x = this.conv[2 * i + 1].forward(this.conv[2 * i].forward(x) as Tensor) as Tensor; // [B, C, T', F']
      const half = ops.cast(ops.floor(ops.div(ops.cast(ops.add(lens, 1), 'float32'), 2)), 'int32'); // ⌈L/2⌉
      lens = ops.minimum(half, ops.sizeOf(x, 2));
    }
    const c = this.options.outputDim;
    const frames = ops.reshape(ops.transpose(x, [0, 2, 1, 3]), [
      ops.sizeOf(x, 0),
      ops.sizeOf(x, 2),
      c * this.outputFeatures,
    ]); // [B, T', C·F']
    return { encoded: this.out.forward(frames), encodedLengths: lens };
  }
}
