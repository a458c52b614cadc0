import {
  Conv2d,
  Linear,
  Module,
  ops,
  ReLU,
  type Rng,
  Sequential,
  type Size,
  type Tensor,
} from '@seqzoo/core';
import { affineSize } from '../shared/rel-position.js';
import type { InputLayer } from './config.js';

/** (kernel, stride) of each conv stage of ESPnet's `Conv2dSubsampling{,2,6,8}`. */
export const SUBSAMPLING_STAGES: Record<Exclude<InputLayer, 'linear'>, [number, number][]> = {
  conv2d: [
    [3, 2],
    [3, 2],
  ],
  conv2d2: [
    [3, 2],
    [3, 1],
  ],
  conv2d6: [
    [3, 2],
    [5, 3],
  ],
  conv2d8: [
    [3, 2],
    [3, 2],
    [3, 2],
  ],
};

/** Fewest input frames that leave at least one frame after every stage. */
export function minimumFrames(stages: [number, number][]): number {
  return stages.reduceRight((need, [k, s]) => (need - 1) * s + k, 1);
}

/**
 * Valid lengths after one stage, as ESPnet slices the mask `mask[:, :, :-(k−1):s]`: the kept positions
 * are 0, s, 2s, … below T − k + 1, so a length L becomes ⌈min(L, T − k + 1) / s⌉ (which for a padded
 * item can differ from the conv arithmetic ⌊(L − k)/s⌋ + 1).
 */
function stageLengths(lengths: Tensor, frames: Size, k: number, s: number): Tensor {
  const limited = ops.minimum(lengths, affineSize(frames, 1, 1 - k)); // [B] int32
  if (s === 1) return limited;
  return ops.cast(ops.floor(ops.div(ops.add(ops.cast(limited, 'float32'), s - 1), s)), 'int32');
}

/**
 * ESPnet `Conv2dSubsampling` family: [B, T, F] → unsqueeze to one channel → per stage Conv2d(k, stride s,
 * no padding) → ReLU (`conv.0`, `conv.2`, …) → [B, T', C·F'] → Linear(C·F' → d) (`out.0`).
 * Unlike `Conv2dSubsampling` in ../subsampling (×4 and ×8 only), it also covers ×2 and ×6, whose
 * stages have other kernels and strides; the Branchformer recipes may name any of the four.
 */
export class EspnetConv2dSubsampling extends Module {
  conv: Sequential;
  out: Sequential;
  readonly stages: [number, number][];

  constructor(
    readonly kind: Exclude<InputLayer, 'linear'>,
    readonly inputSize: number,
    readonly outputSize: number,
    rng?: Rng,
  ) {
    super();
    this.stages = SUBSAMPLING_STAGES[kind];
    const mods: Module[] = [];
    let f = inputSize;
    let c = 1;
    for (const [k, s] of this.stages) {
      mods.push(new Conv2d(c, outputSize, k, { stride: s, rng }), new ReLU());
      c = outputSize;
      f = Math.floor((f - k) / s) + 1;
    }
    if (f < 1)
      throw new Error(
        `Conv2dSubsampling: inputSize ${inputSize} is too small for '${kind}' (needs at least ${minimumFrames(this.stages)} feature bins)`,
      );
    this.conv = new Sequential(...mods);
    this.out = new Sequential(new Linear(outputSize * f, outputSize, { rng }));
    this.inputNames = ['features', 'lengths'];
    this.outputNames = ['x', 'lengths'];
  }

  /** features [B, T, F], lengths int32 [B] → [x [B, T', d], lengths' [B]]. */
  forward(features: Tensor, lengths: Tensor): Tensor[] {
    const frames = features.shape[1];
    const need = minimumFrames(this.stages);
    if (typeof frames === 'number' && frames < need) {
      throw new Error(
        `Conv2dSubsampling: argument 'features' [${features.shape.join(', ')}] has ${frames} frames, too short for '${this.kind}' subsampling (needs at least ${need})`,
      );
    }
    let lens = lengths;
    let y = ops.unsqueeze(features, 1); // [B, 1, T, F]
    this.stages.forEach(([k, s], i) => {
      lens = stageLengths(lens, ops.sizeOf(y, 2), k, s); // from this stage's input frames
      y = ops.relu((this.conv[2 * i] as Conv2d).forward(y)); // [B, C, T_i, F_i]
    });
    const [b, c, tt, f] = ops.shapeOf(y);
    const flat = ops.reshape(ops.transpose(y, [0, 2, 1, 3]), [b, tt, (c as number) * (f as number)]); // [B, T', C·F']
    return [this.out.forward(flat), lens];
  }
}
