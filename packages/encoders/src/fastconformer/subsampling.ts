import { Conv2d, Linear, Module, ops, type Rng, type Tensor } from '@seqzoo/core';

/**
 * NeMo `ConvSubsampling` with `subsampling: 'dw_striding'`: Conv2d(1→C, 3, stride 2) → ReLU, then
 * (depthwise Conv2d(C, 3, stride 2) → pointwise Conv2d(C→C, 1) → ReLU) × (log₂ factor − 1), then
 * Linear(C·F' → d). Field names give NeMo's keys: `conv.0`, `conv.2`, `conv.3`, `conv.5`, `conv.6`, `out`.
 *
 * Like NeMo's `MaskedConvSequential`, frames at or beyond each item's length are zeroed before every
 * layer, so padding never leaks into valid frames. Causal mode (`causal_downsampling`) pads 2 before
 * and 1 after on BOTH time and frequency (NeMo `CausalConv2D`), so chunks can be subsampled
 * independently given 9 frames of history.
 */
export class ConvSubsampling extends Module {
  /** Sparse array indexed like NeMo's nn.Sequential (ReLUs hold no weights, so their slots are empty). */
  conv: Conv2d[];
  out: Linear;
  readonly stages: number;
  readonly pads: [number, number];
  readonly outFeatures: number;

  constructor(
    readonly featIn: number,
    readonly dModel: number,
    readonly channels: number,
    factor: number,
    readonly causal: boolean,
    rng?: Rng,
  ) {
    super();
    this.stages = Math.log2(factor);
    this.pads = causal ? [2, 1] : [1, 1];
    const convs: Conv2d[] = [new Conv2d(1, channels, 3, { stride: 2, padding: 'valid', rng })];
    for (let i = 1; i < this.stages; i++) {
      convs.push(new Conv2d(channels, channels, 3, { stride: 2, padding: 'valid', groups: channels, rng }));
      convs.push(new Conv2d(channels, channels, 1, { rng }));
    }
    // NeMo indices: 0 conv, 1 ReLU, then (dw, pw, ReLU) triples at 2,3,4 / 5,6,7 / …
    this.conv = [];
    this.conv[0] = convs[0];
    for (let i = 1; i < this.stages; i++) {
      this.conv[3 * i - 1] = convs[2 * i - 1];
      this.conv[3 * i] = convs[2 * i];
    }
    this.outFeatures = channels * this.outputLength(featIn);
    this.out = new Linear(this.outFeatures, dModel, { rng });
    this.inputNames = ['features', 'lengths'];
    this.outputNames = ['encoded', 'encodedLengths'];
  }

  /** NeMo `calc_length`: n ← ⌊(n + pads − 3) / 2⌋ + 1 per stage. */
  outputLength(n: number): number {
    let len = n;
    for (let i = 0; i < this.stages; i++) len = Math.floor((len + this.pads[0] + this.pads[1] - 3) / 2) + 1;
    return len;
  }

  /** The same on an int32 [B] tensor (via float32: the op set has no integer division). */
  private stageLengths(lengths: Tensor): Tensor {
    const n = ops.cast(lengths, 'float32');
    return ops.cast(ops.add(ops.floor(ops.div(ops.add(n, this.pads[0] + this.pads[1] - 3), 2)), 1), 'int32');
  }

  private strided(conv: Conv2d, x: Tensor): Tensor {
    // Explicit pads on time and frequency, then a valid strided convolution.
    return conv.forward(ops.pad(x, [this.pads, this.pads]));
  }

  /** Zeroes time frames ≥ length: x [B, C, T, F], lengths [B]. */
  private mask(x: Tensor, lengths: Tensor): Tensor {
    const keep = ops.lengthMask(lengths, x, 2); // [B, T]
    return ops.where(ops.reshape(keep, [ops.sizeOf(keep, 0), 1, ops.sizeOf(keep, 1), 1]), x, 0);
  }

  forward(features: Tensor, lengths: Tensor): [Tensor, Tensor] {
    let lens = lengths;
    let x = this.mask(ops.unsqueeze(features, 1), lens); // [B, 1, T, F]
    x = ops.relu(this.strided(this.conv[0], x));
    lens = this.stageLengths(lens);
    for (let i = 1; i < this.stages; i++) {
      x = this.strided(this.conv[3 * i - 1], this.mask(x, lens));
      lens = this.stageLengths(lens);
      x = ops.relu(this.conv[3 * i].forward(this.mask(x, lens)));
    }
    x = this.mask(x, lens); // [B, C, T', F']
    const b = ops.sizeOf(x, 0);
    const t = ops.sizeOf(x, 2);
    x = ops.reshape(ops.transpose(x, [0, 2, 1, 3]), [b, t, this.outFeatures]); // [B, T', C·F']
    return [this.out.forward(x), lens];
  }
}
