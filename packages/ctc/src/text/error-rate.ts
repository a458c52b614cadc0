import { type EditAlignment, editAlign } from './edit-distance.js';

/** Text normalisation applied to both reference and hypothesis before scoring. */
export interface ErrorRateOptions {
  /** Lower-case both sides (default false). */
  lowercase?: boolean;
  /** Remove Unicode punctuation (\p{P}), e.g. "don't," → "dont" (default false). */
  removePunctuation?: boolean;
  /** Any further normalisation, applied after the two above. */
  normalize?: (text: string) => string;
}

/** Edit counts plus the error rate (S + D + I) / N, N = reference length in words or characters. */
export interface ErrorRate<T = string> extends EditAlignment<T> {
  /** (S + D + I) / N; 0 for two empty texts, Infinity for an empty reference with a non-empty hypothesis. */
  rate: number;
  refLength: number;
  hypLength: number;
}

/** The normalised text: options applied, whitespace trimmed and collapsed to single spaces. */
export function normalizeText(text: string, options: ErrorRateOptions = {}): string {
  if (typeof text !== 'string') throw new Error(`normalizeText: text must be a string, got ${typeof text}`);
  let s = options.lowercase ? text.toLowerCase() : text;
  if (options.removePunctuation) s = s.replace(/\p{P}/gu, '');
  if (options.normalize) s = options.normalize(s);
  return s.trim().replace(/\s+/gu, ' ');
}

function words(text: string): string[] {
  return text.length === 0 ? [] : text.split(' ');
}

function rateOf<T>(a: EditAlignment<T>, refLength: number, hypLength: number): ErrorRate<T> {
  const errors = a.substitutions + a.deletions + a.insertions;
  const rate = refLength > 0 ? errors / refLength : errors > 0 ? Number.POSITIVE_INFINITY : 0;
  return { ...a, rate, refLength, hypLength };
}

/** Word error rate of one utterance, with the word alignment. */
export function wordErrorRate(ref: string, hyp: string, options: ErrorRateOptions = {}): ErrorRate {
  const r = words(normalizeText(ref, options));
  const h = words(normalizeText(hyp, options));
  return rateOf(editAlign(r, h), r.length, h.length);
}

/** Character error rate of one utterance (spaces between words count as characters, as jiwer's cer). */
export function charErrorRate(ref: string, hyp: string, options: ErrorRateOptions = {}): ErrorRate {
  const r = Array.from(normalizeText(ref, options));
  const h = Array.from(normalizeText(hyp, options));
  return rateOf(editAlign(r, h), r.length, h.length);
}

/** Corpus totals: counts summed over utterances, rate = total errors / total reference length. */
export interface CorpusErrorRate {
  rate: number;
  hits: number;
  substitutions: number;
  deletions: number;
  insertions: number;
  refLength: number;
  hypLength: number;
  utterances: ErrorRate[];
}

/**
 * Corpus-level WER or CER: errors and reference lengths are summed before dividing (not an average of
 * per-utterance rates), as jiwer and sclite report.
 */
export function corpusErrorRate(
  refs: readonly string[],
  hyps: readonly string[],
  options: ErrorRateOptions & { unit?: 'word' | 'char' } = {},
): CorpusErrorRate {
  const unit = options.unit ?? 'word';
  if (unit !== 'word' && unit !== 'char') {
    throw new Error(`corpusErrorRate: options.unit must be 'word' or 'char', got '${String(unit)}'`);
  }
  if (refs.length !== hyps.length) {
    throw new Error(
      `corpusErrorRate: refs has ${refs.length} texts but hyps has ${hyps.length}; they must match`,
    );
  }
  const one = unit === 'word' ? wordErrorRate : charErrorRate;
  const utterances = refs.map((r, i) => one(r, hyps[i], options));
  const sum = (k: 'hits' | 'substitutions' | 'deletions' | 'insertions' | 'refLength' | 'hypLength') =>
    utterances.reduce((a, u) => a + u[k], 0);
  const totals = {
    hits: sum('hits'),
    substitutions: sum('substitutions'),
    deletions: sum('deletions'),
    insertions: sum('insertions'),
    refLength: sum('refLength'),
    hypLength: sum('hypLength'),
  };
  const errors = totals.substitutions + totals.deletions + totals.insertions;
  const rate = totals.refLength > 0 ? errors / totals.refLength : errors > 0 ? Number.POSITIVE_INFINITY : 0;
  return { rate, ...totals, utterances };
}
