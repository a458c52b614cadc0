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
}

interface WordLmState {
  lm: NgramState;
  /** Text of the unfinished word. */
  partial: string;
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
  const scoreWord = (state: NgramState, word: string) => {
    const r = lm.score(state, word);
    return { state: r.state, score: w.a * r.log10 + w.beta + (r.oov ? w.unk : 0) };
  };
  return {
    maxGain: Math.max(0, w.unitMax),
    initial: () => ({ lm: lm.begin(), partial: '' }),
    extend(s, token) {
      const kind = rule.kind[token];
      if (kind === 0) return { state: { lm: s.lm, partial: s.partial + rule.text[token] }, score: 0 };
      const next = kind === 2 ? rule.text[token] : '';
      if (s.partial === '') return { state: { lm: s.lm, partial: next }, score: 0 };
      const r = scoreWord(s.lm, s.partial);
      return { state: { lm: r.state, partial: next }, score: r.score };
    },
    finish(s) {
      let score = 0;
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
