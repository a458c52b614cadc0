/**
 * How token ids group into words. Character vocabularies mark word breaks with a separator token
 * ("|" in wav2vec2, or a space); SentencePiece marks the first piece of each word with a "▁" prefix
 * (or, with `treat_whitespace_as_suffix`, the last piece with a "▁" suffix).
 */
export interface WordBoundary {
  /** A token that only separates words (e.g. "|", " ", a lone "▁"): it belongs to no word. */
  isSeparator(id: number): boolean;
  /** A token that begins a new word (e.g. "▁the"). */
  startsWord(id: number): boolean;
  /** A token that ends the current word (e.g. "the▁" with whitespace-as-suffix). */
  endsWord(id: number): boolean;
}

/** Words are runs of tokens between separator tokens (character vocabularies). */
export function separatorBoundary(separatorIds: Iterable<number>): WordBoundary {
  const sep = new Set(separatorIds);
  return {
    isSeparator: (id) => sep.has(id),
    startsWord: () => false,
    endsWord: () => false,
  };
}

/** Per-id word role, shared by `markerBoundary` here and the decoders' `makeWordRule`. */
export const WORD_PIECE = 0;
/** A token that belongs to no word (a delimiter, or a lone marker). */
export const WORD_SEPARATOR = 1;
/** A piece carrying the marker: it starts a word (prefix style) or ends one (suffix style). */
export const WORD_MARKED = 2;

/**
 * Classifies SentencePiece-style pieces: only the marker is a separator, a piece that begins (or with
 * `suffix`, ends) with it is marked, anything else is a plain piece.
 */
export function markerKinds(pieces: readonly string[], marker: string, suffix: boolean): Uint8Array {
  const kind = new Uint8Array(pieces.length);
  pieces.forEach((p, i) => {
    if (p === marker) kind[i] = WORD_SEPARATOR;
    else if (suffix ? p.endsWith(marker) : p.startsWith(marker)) kind[i] = WORD_MARKED;
  });
  return kind;
}

/** A boundary read from a per-id role table (`WORD_*`); marked ids start words, or end them with `suffix`. */
export function kindBoundary(kind: ArrayLike<number>, suffix = false): WordBoundary {
  return {
    isSeparator: (id) => kind[id] === WORD_SEPARATOR,
    startsWord: (id) => !suffix && kind[id] === WORD_MARKED,
    endsWord: (id) => suffix && kind[id] === WORD_MARKED,
  };
}

/**
 * Words start at each piece that begins with `marker` (SentencePiece's "▁"), or, with `suffix`, end at
 * each piece that ends with it. A piece that is only the marker is a separator.
 */
export function markerBoundary(
  pieces: readonly string[],
  options: { marker?: string; suffix?: boolean } = {},
): WordBoundary {
  const suffix = options.suffix ?? false;
  return kindBoundary(markerKinds(pieces, options.marker ?? '\u2581', suffix), suffix);
}

/**
 * Splits a token sequence into words: index ranges [start, end) into `ids`, separators excluded.
 * The one word splitter: word spans (over aligned tokens), tokenizers and the decoders' `wordRanges`.
 */
export function splitWords(ids: ArrayLike<number>, boundary: WordBoundary): Array<[number, number]> {
  const words: Array<[number, number]> = [];
  let start = -1;
  for (let i = 0; i < ids.length; i++) {
    const id = ids[i];
    if (boundary.isSeparator(id)) {
      if (start >= 0) words.push([start, i]);
      start = -1;
      continue;
    }
    if (boundary.startsWord(id) && start >= 0) {
      words.push([start, i]);
      start = -1;
    }
    if (start < 0) start = i;
    if (boundary.endsWord(id)) {
      words.push([start, i + 1]);
      start = -1;
    }
  }
  if (start >= 0) words.push([start, ids.length]);
  return words;
}
