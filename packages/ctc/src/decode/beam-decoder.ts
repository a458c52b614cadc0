import { checkBlank, checkFrameFinite } from './checks.js';
import { type ConfidenceOptions, confidenceMeasure } from './confidence.js';
import { type HotwordPhrase, Hotwords } from './hotwords.js';
import { type LmFusionOptions, tokenLmScorer, wordLmScorer } from './lm-scorer.js';
import { NgramLm } from './ngram-lm.js';
import { type BeamEntry, PrefixBeam } from './prefix-beam.js';
import type { PrefixScorer } from './prefix-scorer.js';
import {
  makeWordRule,
  tokensToWords,
  type WordRule,
  type WordRuleOptions,
  wordConfidence,
  wordTimesteps,
} from './word-rule.js';

/** An n-gram LM fused into the beam (shallow fusion). */
export interface BeamLmOptions extends LmFusionOptions {
  model: NgramLm;
  /** 'word' (default): words built with the word rule; 'token': each token string is an LM word. */
  level?: 'word' | 'token';
}

/** Everything beam search takes besides the posteriors. */
export interface BeamDecoderOptions {
  /** Blank id (default 0). */
  blank?: number;
  /** Prefixes kept per frame (≥ 1). */
  beamWidth: number;
  /** Hypotheses returned (default beamWidth). */
  nBest?: number;
  /** Per frame, extend only the k most likely tokens (default: all). */
  tokenTopK?: number;
  /** Per frame, extend only tokens with log-prob ≥ this (default −∞; pyctcdecode uses −5). */
  tokenMinLogProb?: number;
  /** Drop prefixes scoring below the best by more than this (default −∞; pyctcdecode uses −10). */
  beamPruneLogProb?: number;
  /** Token strings by id: needed for word-level LM, `words`, hotword pieces and text. */
  vocabulary?: readonly string[];
  /** Word rule over `vocabulary` (default: SentencePiece "▁" when pieces carry it, else "|" / " "). */
  wordBoundary?: WordRuleOptions['wordBoundary'];
  wordDelimiters?: readonly string[];
  lm?: BeamLmOptions;
  /** Biasing phrases with per-phrase boosts (or a prebuilt {@link Hotwords}). */
  hotwords?: readonly HotwordPhrase[] | Hotwords;
  /** Default per-token hotword boost (default 2). */
  hotwordBoost?: number;
  /** Tokenizer for hotword `text` (otherwise text is split into vocabulary characters). */
  tokenize?: (text: string) => ArrayLike<number>;
  /** Extra prefix scorers (e.g. a neural LM), added to the context score. */
  scorers?: readonly PrefixScorer[];
  /** Per-token (and, with a vocabulary, per-word) confidence; `true` uses NeMo's defaults. */
  confidence?: ConfidenceOptions | boolean;
}

/** A beam search hypothesis. */
export interface BeamHypothesis {
  tokens: Int32Array;
  /** Acoustic log-probability of the prefix (all alignments) + context score. */
  score: number;
  /** Frame of each token in the hypothesis' best alignment. */
  timesteps: Int32Array;
  acousticScore: number;
  /** LM (α·ln P + β per unit), hotword and custom scorer terms. */
  contextScore: number;
  words?: string[];
  /** Frame of each word's first token. */
  wordTimesteps?: Int32Array;
  /** Confidence of the frame where each token is emitted. */
  tokenConfidence?: Float32Array;
  wordConfidence?: Float32Array;
}

function checkInt(fn: string, name: string, v: number | undefined, min: number): void {
  if (v !== undefined && (!Number.isInteger(v) || v < min)) {
    throw new Error(`${fn}: ${name} must be an integer ≥ ${min}, got ${v}`);
  }
}

/** Beam search over frames pushed one at a time: shared by {@link beamSearch} and streaming. */
export class BeamDecoder {
  private readonly beam: PrefixBeam;
  private readonly measure?: (row: ArrayLike<number>, off: number) => number;
  private readonly conf: number[] = [];
  private readonly rule?: WordRule;
  private readonly nBest: number;
  private readonly confOptions?: ConfidenceOptions;

  constructor(
    private readonly fn: string,
    readonly C: number,
    o: BeamDecoderOptions,
  ) {
    const blank = o.blank ?? 0;
    checkBlank(fn, blank, C);
    if (!Number.isInteger(o.beamWidth) || o.beamWidth < 1) {
      throw new Error(`${fn}: beamWidth must be an integer ≥ 1, got ${o.beamWidth}`);
    }
    checkInt(fn, 'nBest', o.nBest, 1);
    checkInt(fn, 'tokenTopK', o.tokenTopK, 1);
    const prune = o.beamPruneLogProb ?? Number.NEGATIVE_INFINITY;
    if (!(prune <= 0)) throw new Error(`${fn}: beamPruneLogProb must be ≤ 0, got ${prune}`);
    const minLp = o.tokenMinLogProb ?? Number.NEGATIVE_INFINITY;
    if (Number.isNaN(minLp)) throw new Error(`${fn}: tokenMinLogProb must be a number, got NaN`);
    const voc = o.vocabulary;
    if (voc && voc.length !== C) {
      throw new Error(`${fn}: vocabulary has ${voc.length} entries but logProbs have C = ${C} classes`);
    }
    const wordOpts = voc
      ? { vocabulary: voc, wordBoundary: o.wordBoundary, wordDelimiters: o.wordDelimiters }
      : undefined;
    if (wordOpts) this.rule = makeWordRule(wordOpts);
    const scorers: PrefixScorer[] = [];
    if (o.lm) {
      if (!voc) throw new Error(`${fn}: lm needs a vocabulary (token strings by id)`);
      if (!(o.lm.model instanceof NgramLm)) throw new Error(`${fn}: lm.model must be an NgramLm`);
      for (const k of ['alpha', 'beta', 'unkScoreOffset'] as const) {
        const v = o.lm[k];
        if (v !== undefined && !Number.isFinite(v))
          throw new Error(`${fn}: lm.${k} must be a finite number, got ${v}`);
      }
      const level = o.lm.level ?? 'word';
      if (level !== 'word' && level !== 'token')
        throw new Error(`${fn}: lm.level must be 'word' or 'token', got '${level}'`);
      scorers.push(
        level === 'word' ? wordLmScorer(o.lm.model, wordOpts!, o.lm) : tokenLmScorer(o.lm.model, voc, o.lm),
      );
    }
    if (o.hotwords instanceof Hotwords) {
      o.hotwords.phrases.forEach((ids, k) => {
        const bad = ids.find((id) => id >= C || id === blank);
        if (bad !== undefined) {
          throw new Error(
            `${fn}: hotwords phrase ${k} holds id ${bad}: the blank or out of range [0, C = ${C})`,
          );
        }
      });
    }
    if (o.hotwords) {
      scorers.push(
        o.hotwords instanceof Hotwords
          ? o.hotwords
          : new Hotwords(o.hotwords, {
              C,
              blank,
              vocabulary: voc,
              tokenize: o.tokenize,
              defaultBoost: o.hotwordBoost,
              fn,
            }),
      );
    }
    if (o.scorers) scorers.push(...o.scorers);
    if (o.confidence) {
      this.confOptions = o.confidence === true ? {} : o.confidence;
      this.measure = confidenceMeasure(fn, this.confOptions, C);
    }
    this.nBest = o.nBest ?? o.beamWidth;
    this.beam = new PrefixBeam({
      C,
      blank,
      beamWidth: o.beamWidth,
      tokenTopK: o.tokenTopK ?? C,
      tokenMinLogProb: minLp,
      beamPruneLogProb: prune,
      scorers,
    });
  }

  get frames(): number {
    return this.beam.frames;
  }

  /** Consumes the frame `data[off .. off + C)`; `where` prefixes NaN errors (e.g. the batch item). */
  push(data: Float32Array, off: number, where = ''): void {
    for (let c = 0; c < this.C; c++) {
      if (Number.isNaN(data[off + c])) {
        checkFrameFinite(this.fn, data.subarray(off, off + this.C), this.frames, where);
      }
    }
    if (this.measure) this.conf.push(this.measure(data, off));
    this.beam.step(data, off);
  }

  /** Best-first hypotheses; `final` adds end-of-hypothesis LM/hotword terms and re-ranks. */
  hypotheses(final: boolean): BeamHypothesis[] {
    return this.beam
      .entries(final)
      .slice(0, this.nBest)
      .map((e) => this.format(e));
  }

  /** Tokens every hypothesis shares: they no longer change as frames arrive. */
  stablePrefix(): { tokens: Int32Array; timesteps: Int32Array } {
    return this.beam.stablePrefix();
  }

  private format(e: BeamEntry): BeamHypothesis {
    const h: BeamHypothesis = {
      tokens: e.tokens,
      score: e.score,
      timesteps: e.timesteps,
      acousticScore: e.acoustic,
      contextScore: e.context,
    };
    if (this.rule) {
      h.words = tokensToWords(e.tokens, this.rule);
      h.wordTimesteps = wordTimesteps(e.tokens, e.timesteps, this.rule);
    }
    if (this.confOptions) {
      h.tokenConfidence = Float32Array.from(e.timesteps, (t) => this.conf[t]);
      if (this.rule) {
        h.wordConfidence = wordConfidence(
          e.tokens,
          h.tokenConfidence,
          this.rule,
          this.confOptions.aggregation,
        );
      }
    }
    return h;
  }
}
