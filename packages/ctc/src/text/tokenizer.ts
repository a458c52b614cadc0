import type { WordBoundary } from './word-boundary.js';

/** What aligners, decoders and metrics need from a vocabulary: ids ↔ text, and where words break. */
export interface Tokenizer {
  /** Number of ids (the CTC class count C when the blank is one of them). */
  readonly size: number;
  /** The CTC blank id, when the vocabulary has one. */
  readonly blankId: number | undefined;
  readonly wordBoundary: WordBoundary;
  encode(text: string): Int32Array;
  /** Text of the ids, skipping the blank and control tokens. */
  decode(ids: ArrayLike<number>): string;
  idToToken(id: number): string;
  tokenToId(token: string): number | undefined;
}

/** Throws unless `id` is an integer in [0, size). */
export function checkId(fn: string, id: number, size: number, index: number): void {
  if (!Number.isInteger(id) || id < 0 || id >= size) {
    throw new Error(`${fn}: ids[${index}] = ${id} is out of range [0, ${size})`);
  }
}

/** "'é' (U+00E9)": a character as it appears, plus its code point, for error messages. */
export function describeChar(ch: string): string {
  const cp = ch.codePointAt(0) ?? 0;
  return `'${ch}' (U+${cp.toString(16).toUpperCase().padStart(4, '0')})`;
}
