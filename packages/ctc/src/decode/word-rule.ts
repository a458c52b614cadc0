import { kindBoundary, markerKinds, splitWords, WORD_PIECE, WORD_SEPARATOR } from '../text/word-boundary.js';
import { aggregate, type ConfidenceAggregation } from './confidence.js';

/**
 * How a decoder turns token ids into words: a delimiter token ("|" in wav2vec2 vocabularies, or " ")
 * separates words, or SentencePiece's "▁" marks the first piece of each word (a lone "▁" separates).
 */
export interface WordRuleOptions {
  /** Token strings by id (the blank's entry is ignored). */
  vocabulary: readonly string[];
  /** 'delimiter' (default when no piece starts with the marker) or 'sentencepiece'. */
  wordBoundary?: 'delimiter' | 'sentencepiece';
  /** Delimiter tokens for the 'delimiter' rule (default ['|', ' ']). */
  wordDelimiters?: readonly string[];
  /** Word-start marker for the 'sentencepiece' rule (default '▁'). */
  marker?: string;
}

/**
 * Per-id word role (`WORD_PIECE` 0 continues a word, `WORD_SEPARATOR` 1 separates, `WORD_MARKED` 2 starts a
 * new word), the table `text/word-boundary.ts` reads, so decoding and alignment split words alike.
 */
export interface WordRule {
  readonly kind: Uint8Array;
  /** The text each id adds to its word (marker stripped). */
  readonly text: readonly string[];
}

export function makeWordRule(options: WordRuleOptions): WordRule {
  const { vocabulary } = options;
  const marker = options.marker ?? '\u2581';
  const mode =
    options.wordBoundary ?? (vocabulary.some((p) => p.startsWith(marker)) ? 'sentencepiece' : 'delimiter');
  if (mode === 'sentencepiece') {
    // Same classification as the aligners' markerBoundary (prefix style); the marker is stripped.
    const kind = markerKinds(vocabulary, marker, false);
    const text = vocabulary.map((p) => (p.startsWith(marker) ? p.slice(marker.length) : p));
    return { kind, text };
  }
  const delimiters = new Set(options.wordDelimiters ?? ['|', ' ']);
  const kind = Uint8Array.from(vocabulary, (p) => (delimiters.has(p) ? WORD_SEPARATOR : WORD_PIECE));
  return { kind, text: vocabulary.slice() };
}

/** Splits tokens into words: index ranges [start, end) into `tokens`, separators left out. */
export function wordRanges(tokens: ArrayLike<number>, rule: WordRule): Array<[number, number]> {
  return splitWords(tokens, kindBoundary(rule.kind));
}

/** The words of a token sequence. */
export function tokensToWords(tokens: ArrayLike<number>, rule: WordRule): string[] {
  return wordRanges(tokens, rule).map(([s, e]) => {
    let w = '';
    for (let i = s; i < e; i++) w += rule.text[tokens[i]];
    return w;
  });
}

/** Frame of each word: the frame of its first token. */
export function wordTimesteps(
  tokens: ArrayLike<number>,
  timesteps: ArrayLike<number>,
  rule: WordRule,
): Int32Array {
  return Int32Array.from(wordRanges(tokens, rule), ([s]) => timesteps[s]);
}

/** Word confidence: the token confidences of each word aggregated (NeMo default 'min'). */
export function wordConfidence(
  tokens: ArrayLike<number>,
  tokenConfidence: ArrayLike<number>,
  rule: WordRule,
  aggregation: ConfidenceAggregation = 'min',
): Float32Array {
  return Float32Array.from(wordRanges(tokens, rule), ([s, e]) =>
    aggregate(tokenConfidence, aggregation, s, e),
  );
}
