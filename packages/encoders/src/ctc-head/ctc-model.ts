import {
  type InferOptions,
  infer,
  Linear,
  Module,
  ops,
  type Rng,
  type Tensor,
  type TensorData,
} from '@seqzoo/core';
import { type GreedyHypothesis, greedyDecode } from '@seqzoo/ctc';
import { CtcHead } from './ctc-head.js';
import type { LayeredEncoder } from './layered-encoder.js';

export interface CtcModelOptions {
  /** Output classes, blank included. */
  vocabSize: number;
  /** Blank class (default 0, ESPnet's convention; NeMo and DiCoW put it last). */
  blank?: number;
  /**
   * Layer whose output the CTC head reads, 1-based (default: the last, after the encoder's final
   * norm). An intermediate layer reads the raw residual stream there, and later layers are not run.
   */
  headLayer?: number;
  /** Layers (1-based, before `headLayer`) with an intermediate CTC output `interLogProbs<k>`. */
  interCtcLayers?: number[];
  /**
   * Self-conditioned CTC (Nozaki & Komatsu 2021; OWSM-CTC): after each intermediate layer,
   * x ← x + conditioning_layer(softmax(ctc_lo(x))), with the shared head `ctc`.
   */
  selfConditioning?: boolean;
  rng?: Rng;
}

export interface Transcription {
  /** Token ids per batch item (repeats collapsed, blanks removed). */
  tokens: Int32Array[];
  /** @seqzoo/ctc's best-path hypotheses (token frames, scores) per batch item. */
  hypotheses: GreedyHypothesis[];
  /** `vocabulary` entries joined, when a vocabulary was given. */
  text?: string[];
}

/**
 * Encoder + CTC head = a CTC ASR model. Inputs are the encoder's (`features`, `lengths`); outputs are
 * `logProbs` [B, T', V], `logProbsLengths` [B] and one `interLogProbs<k>` per intermediate CTC layer.
 * Intermediate posteriors use the same head as the final one (ESPnet's shared `ctc`).
 */
export class CtcModel<C = unknown> extends Module {
  encoder: LayeredEncoder<C>;
  ctc: CtcHead;
  conditioning_layer?: Linear;
  readonly blank: number;
  readonly headLayer: number;
  readonly interCtcLayers: number[];

  constructor(encoder: LayeredEncoder<C>, options: CtcModelOptions) {
    super();
    const n = encoder.numLayers;
    this.encoder = encoder;
    this.ctc = new CtcHead(encoder.dModel, options.vocabSize, { rng: options.rng });
    this.blank = options.blank ?? 0;
    if (!Number.isInteger(this.blank) || this.blank < 0 || this.blank >= options.vocabSize) {
      throw new Error(`CtcModel: blank ${this.blank} is outside the ${options.vocabSize} classes`);
    }
    this.headLayer = options.headLayer ?? n;
    if (!Number.isInteger(this.headLayer) || this.headLayer < 1 || this.headLayer > n) {
      throw new Error(`CtcModel: headLayer ${this.headLayer} must be a layer in 1..${n}`);
    }
    this.interCtcLayers = [...new Set(options.interCtcLayers ?? [])].sort((a, b) => a - b);
    for (const k of this.interCtcLayers) {
      if (!Number.isInteger(k) || k < 1 || k >= this.headLayer) {
        throw new Error(
          `CtcModel: interCtcLayers entry ${k} must be a layer in 1..${this.headLayer - 1} (before the head at layer ${this.headLayer})`,
        );
      }
    }
    if (options.selfConditioning) {
      if (!this.interCtcLayers.length)
        throw new Error('CtcModel: selfConditioning needs at least one interCtcLayers entry');
      this.conditioning_layer = new Linear(options.vocabSize, encoder.dModel, { rng: options.rng });
    }
    this.inputNames = [...encoder.inputNames];
    this.outputNames = [
      'logProbs',
      'logProbsLengths',
      ...this.interCtcLayers.map((k) => `interLogProbs${k}`),
    ];
  }

  override dynamicAxes(input: string, rank: number): Record<number, string> {
    return this.encoder.dynamicAxes(input, rank);
  }

  forward(features: Tensor, lengths: Tensor): Record<string, Tensor> {
    const start = this.encoder.begin(features, lengths);
    const out: Record<string, Tensor> = {};
    let x = start.x;
    for (let i = 0; i < this.headLayer; i++) {
      x = this.encoder.layer(i, x, start.context);
      if (!this.interCtcLayers.includes(i + 1)) continue;
      out[`interLogProbs${i + 1}`] = this.ctc.forward(x);
      if (this.conditioning_layer) x = ops.add(x, this.conditioning_layer.forward(this.ctc.posteriors(x)));
    }
    if (this.headLayer === this.encoder.numLayers) x = this.encoder.end(x, start.context);
    out.logProbs = this.ctc.forward(x);
    out.logProbsLengths = start.lengths;
    return out;
  }

  /**
   * Greedy CTC transcription of plain data on either backend. `features` in the encoder's layout;
   * `lengths` (valid frames per item) default to the full time axis.
   */
  async transcribe(
    features: TensorData,
    lengths?: ArrayLike<number>,
    options: InferOptions & { vocabulary?: readonly string[] } = {},
  ): Promise<Transcription> {
    const timeAxis = Number(
      Object.entries(this.encoder.dynamicAxes('features', features.dims.length)).find(
        ([, v]) => v === 'time',
      )?.[0] ?? 1,
    );
    const [B, T] = [features.dims[0], features.dims[timeAxis]];
    const lens = Int32Array.from(lengths ?? new Array(B).fill(T));
    if (lens.length !== B)
      throw new Error(
        `CtcModel.transcribe: 'lengths' has ${lens.length} entries but 'features' [${features.dims.join(', ')}] has batch ${B}`,
      );
    lens.forEach((n, b) => {
      if (n < 1 || n > T)
        throw new Error(
          `CtcModel.transcribe: lengths[${b}] = ${n} is outside [1, ${T}] (features [${features.dims.join(', ')}])`,
        );
    });
    const out = await infer(this, { features, lengths: { data: lens, dims: [B] } }, options);
    const [, Tout, V] = out.logProbs.dims;
    const hypotheses = Array.from({ length: B }, (_, b) =>
      greedyDecode({
        logProbs: (out.logProbs.data as Float32Array).subarray(b * Tout * V, (b + 1) * Tout * V),
        dims: [Tout, V],
        length: out.logProbsLengths.data[b],
        blank: this.blank,
      }),
    );
    const tokens = hypotheses.map((h) => h.tokens);
    const vocabulary = options.vocabulary;
    if (!vocabulary) return { tokens, hypotheses };
    if (vocabulary.length !== this.ctc.vocabSize) {
      throw new Error(
        `CtcModel.transcribe: vocabulary has ${vocabulary.length} entries but the head has ${this.ctc.vocabSize} classes`,
      );
    }
    return { tokens, hypotheses, text: tokens.map((t) => Array.from(t, (id) => vocabulary[id]).join('')) };
  }
}
