import { LN10 } from './log-math.js';
import type { NgramLm, NgramState } from './ngram-lm.js';
import type { PrefixScorer } from './prefix-scorer.js';
import { makeWordRule, type WordRuleOptions } from './word-rule.js';

/** Shallow fusion weights: score += alpha · ln P_lm(unit) + beta per unit (word or token). */
export interface LmFusionOptions {
  /** LM weight α (default 0.5, pyctcdecode's default). */
  alpha?: number;
  /** Insertion bonus β per scored word or token (default 0). */
  beta?: number;
  /** Extra score for a word outside the LM vocabulary (natural log, default 0; pyctcdecode uses −10). */
  unkScoreOffset?: number;
  /** Score `</s>` when the hypothesis ends (default true). */
  scoreEos?: boolean;
  /**
   * Word level: while a word is unfinished and no LM word starts with it, the prefix carries
   * `unkScoreOffset` (pyctcdecode's partial-word check); the charge is taken back when the word is
   * complete and scored in full, so final scores do not change, only which prefixes the beam keeps.
   * Default false.
   */
  scorePartialWords?: boolean;
}

interface WordLmState {
  lm: NgramState;
  /** Text of the unfinished word. */
  partial: string;
  /** Charge carried for the unfinished word (0, or unkScoreOffset when no LM word starts with it). */
  pen: number;
}

function weights(o: LmFusionOptions, lm: NgramLm) {
  const a = (o.alpha ?? 0.5) * LN10; // ARPA probabilities are log10
  const beta = o.beta ?? 0;
  const unk = o.unkScoreOffset ?? 0;
  // Largest score one scored unit can add (lets the beam skip hopeless extensions).
  const unitMax = a >= 0 ? a * lm.maxLog10 + beta + Math.max(0, unk) : Number.POSITIVE_INFINITY;
  return { a, beta, unk, eos: o.scoreEos ?? true, unitMax };
}

/**
 * Word-level fusion: a word is scored when it is complete — at a delimiter token, at the next
 * word-start piece ("▁…"), or at the end of the hypothesis.
 */
export function wordLmScorer(
  lm: NgramLm,
  words: WordRuleOptions,
  options: LmFusionOptions = {},
): PrefixScorer<WordLmState> {
  const rule = makeWordRule(words);
  const w = weights(options, lm);
  const partialCheck = (options.scorePartialWords ?? false) && w.unk !== 0;
  const pen = (partial: string) => (partialCheck && partial !== '' && !lm.hasPrefix(partial) ? w.unk : 0);
  const scoreWord = (state: NgramState, word: string) => {
    const r = lm.score(state, word);
    return { state: r.state, score: w.a * r.log10 + w.beta + (r.oov ? w.unk : 0) };
  };
  const unit = Math.max(0, w.unitMax);
  return {
    // A step may score a word, take back a partial charge and start a new one.
    maxGain: partialCheck ? unit + Math.abs(w.unk) : unit,
    // Scoring a word adds ≤ unit, a new charge ≤ max(0, unk), and the parent's charge is taken back.
    maxGainFrom: (s) => unit + Math.max(0, partialCheck ? w.unk : 0) - s.pen,
    initial: () => ({ lm: lm.begin(), partial: '', pen: 0 }),
    extend(s, token) {
      const kind = rule.kind[token];
      if (kind === 0) {
        const partial = s.partial + rule.text[token];
        const p = pen(partial);
        return { state: { lm: s.lm, partial, pen: p }, score: p - s.pen };
      }
      const next = kind === 2 ? rule.text[token] : '';
      const p = pen(next);
      if (s.partial === '') return { state: { lm: s.lm, partial: next, pen: p }, score: p - s.pen };
      const r = scoreWord(s.lm, s.partial);
      return { state: { lm: r.state, partial: next, pen: p }, score: r.score - s.pen + p };
    },
    finish(s) {
      let score = -s.pen;
      let state = s.lm;
      if (s.partial !== '') {
        const r = scoreWord(state, s.partial);
        score += r.score;
        state = r.state;
      }
      return w.eos ? score + w.a * lm.end(state) : score;
    },
  };
}

/** Token-level fusion: every non-blank token is an LM word (its vocabulary string). */
export function tokenLmScorer(
  lm: NgramLm,
  vocabulary: readonly string[],
  options: LmFusionOptions = {},
): PrefixScorer<NgramState> {
  const w = weights(options, lm);
  return {
    maxGain: w.unitMax,
    initial: () => lm.begin(),
    extend(s, token) {
      const r = lm.score(s, vocabulary[token]);
      return { state: r.state, score: w.a * r.log10 + w.beta + (r.oov ? w.unk : 0) };
    },
    finish: (s) => (w.eos ? w.a * lm.end(s) : 0),
  };
}
