import type { Tokenizer } from '../text/tokenizer.js';
import { splitWords, type WordBoundary } from '../text/word-boundary.js';
import type { TokenSpan } from './token-spans.js';

/**
 * How frames map to seconds. Either `frameShift` (seconds per feature frame, e.g. 0.01 for a 10 ms hop)
 * with the model's `subsampling` factor (e.g. 4 for a Conformer; wav2vec2's 320-sample stride at 16 kHz
 * is frameShift 0.02 with subsampling 1), or `frameRate` (posterior frames per second).
 * `offset` (seconds) is added to every time, e.g. the start of a chunk within a longer recording.
 */
export type FrameTiming =
  | { frameShift: number; subsampling?: number; offset?: number }
  | { frameRate: number; offset?: number };

/** Seconds covered by one posterior frame. */
export function secondsPerFrame(timing: FrameTiming): number {
  let s: number;
  if ('frameRate' in timing) {
    if (!(timing.frameRate > 0))
      throw new Error(`secondsPerFrame: timing.frameRate must be > 0, got ${timing.frameRate}`);
    s = 1 / timing.frameRate;
  } else {
    const sub = timing.subsampling ?? 1;
    if (!(timing.frameShift > 0)) {
      throw new Error(`secondsPerFrame: timing.frameShift must be > 0, got ${timing.frameShift}`);
    }
    if (!Number.isInteger(sub) || sub < 1) {
      throw new Error(`secondsPerFrame: timing.subsampling must be a positive integer, got ${sub}`);
    }
    s = timing.frameShift * sub;
  }
  return s;
}

/** A token span with its times in seconds. */
export interface TimedTokenSpan extends TokenSpan {
  startTime: number;
  endTime: number;
}

/** Token spans with start/end times (token-level timestamps, as NeMo's token CTM files). */
export function tokenTimes(tokenSpans: readonly TokenSpan[], timing: FrameTiming): TimedTokenSpan[] {
  const sec = secondsPerFrame(timing);
  const offset = timing.offset ?? 0;
  return tokenSpans.map((t) => ({ ...t, startTime: t.start * sec + offset, endTime: t.end * sec + offset }));
}

/** A word of aligned tokens. Frames are [start, end); times are start*secondsPerFrame + offset, etc. */
export interface WordSpan {
  /** The word's text when `decode` or `tokenizer` was given, else ''. */
  text: string;
  tokens: TokenSpan[];
  start: number;
  end: number;
  startTime: number;
  endTime: number;
  /** Mean posterior probability over the word's token frames (frame-weighted mean of token scores). */
  score: number;
}

/** Inputs of {@link wordSpans}. */
export interface WordSpansOptions {
  tokenSpans: readonly TokenSpan[];
  timing: FrameTiming;
  /** A `CharVocab` or `SentencePieceTokenizer`: supplies `boundary` and `decode` unless given. */
  tokenizer?: Pick<Tokenizer, 'wordBoundary' | 'decode'>;
  /** Word rule, e.g. `separatorBoundary([sepId])` or `markerBoundary(pieces)`. */
  boundary?: WordBoundary;
  /** Turns a word's token ids into text, e.g. `(ids) => tokenizer.decode(ids)`; trimmed. */
  decode?: (ids: Int32Array) => string;
}

/**
 * Groups token spans into words by the boundary rule (separator tokens, or "▁"-prefixed pieces) and
 * gives each word its frame range, times in seconds and confidence. Frames between tokens (blanks) are
 * not counted in a word's span or score, as in torchaudio's forced-alignment tutorial.
 */
export function wordSpans(o: WordSpansOptions): WordSpan[] {
  const boundary = o.boundary ?? o.tokenizer?.wordBoundary;
  if (!boundary) throw new Error('wordSpans: give a word rule: options.boundary or options.tokenizer');
  const tok = o.tokenizer;
  const decode = o.decode ?? (tok ? (ids: Int32Array) => tok.decode(ids) : undefined);
  const sec = secondsPerFrame(o.timing);
  const offset = o.timing.offset ?? 0;
  const ids = Int32Array.from(o.tokenSpans, (s) => s.token);
  return splitWords(ids, boundary).map(([a, b]) => {
    const tokens = o.tokenSpans.slice(a, b);
    let weighted = 0;
    let frames = 0;
    for (const t of tokens) {
      weighted += t.score * (t.end - t.start);
      frames += t.end - t.start;
    }
    const start = tokens[0].start;
    const end = tokens[tokens.length - 1].end;
    return {
      text: decode ? decode(ids.subarray(a, b)).trim() : '',
      tokens,
      start,
      end,
      startTime: start * sec + offset,
      endTime: end * sec + offset,
      score: frames > 0 ? weighted / frames : 0,
    };
  });
}
