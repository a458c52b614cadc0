import type { Tokenizer } from '../text/tokenizer.js';
import { type ForcedAlignment, forcedAlign } from './forced-align.js';
import { mergeTokens, type TokenSpan } from './token-spans.js';
import { type FrameTiming, type WordSpan, wordSpans } from './word-spans.js';

/** Inputs of {@link alignTranscript}. */
export interface AlignTranscriptOptions {
  /** Log-probabilities, row-major [T, C]. */
  logProbs: Float32Array;
  dims: readonly [number, number] | readonly number[];
  /** The transcript, encoded with `tokenizer`. */
  text: string;
  tokenizer: Tokenizer;
  timing: FrameTiming;
  /** Blank id (default: the tokenizer's `blankId`, else 0). */
  blank?: number;
  accumulate?: 'float32' | 'float64';
}

/** A transcript aligned to frames: the raw alignment, its token spans and its words with times. */
export interface TranscriptAlignment {
  targets: Int32Array;
  alignment: ForcedAlignment;
  tokens: TokenSpan[];
  words: WordSpan[];
}

/**
 * Text in, word timestamps out: encodes `text`, force-aligns it ({@link forcedAlign}), merges token
 * spans ({@link mergeTokens}) and groups them into words with the tokenizer's word rule ({@link wordSpans}).
 */
export function alignTranscript(o: AlignTranscriptOptions): TranscriptAlignment {
  const blank = o.blank ?? o.tokenizer.blankId ?? 0;
  const targets = o.tokenizer.encode(o.text);
  const alignment = forcedAlign({
    logProbs: o.logProbs,
    dims: o.dims,
    targets,
    blank,
    accumulate: o.accumulate,
  });
  const tokens = mergeTokens({ path: alignment.path, frameScores: alignment.frameScores, blank });
  const words = wordSpans({ tokenSpans: tokens, tokenizer: o.tokenizer, timing: o.timing });
  return { targets, alignment, tokens, words };
}
