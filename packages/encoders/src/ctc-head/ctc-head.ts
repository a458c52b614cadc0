import { Linear, Module, ops, type Rng, type Tensor } from '@seqzoo/core';

/**
 * CTC output layer: Linear(D → V) over every frame, then log-softmax over the V classes (blank
 * included). The projection is named `ctc_lo` as in ESPnet's `CTC`, so its checkpoints load by name.
 */
export class CtcHead extends Module {
  ctc_lo: Linear;

  constructor(
    readonly dModel: number,
    readonly vocabSize: number,
    options: { rng?: Rng } = {},
  ) {
    super();
    if (!Number.isInteger(vocabSize) || vocabSize < 2) {
      throw new Error(
        `CtcHead: vocabSize must be an integer ≥ 2 (blank + at least one token) but is ${vocabSize}`,
      );
    }
    this.ctc_lo = new Linear(dModel, vocabSize, { rng: options.rng });
  }

  logits(x: Tensor): Tensor {
    return this.ctc_lo.forward(x); // [B, T, V]
  }

  /** Log-posteriors [B, T, V]. */
  forward(x: Tensor): Tensor {
    return ops.logSoftmax(this.logits(x), -1);
  }

  /** Posteriors [B, T, V] (what self-conditioning feeds back). */
  posteriors(x: Tensor): Tensor {
    return ops.softmax(this.logits(x), -1);
  }
}
