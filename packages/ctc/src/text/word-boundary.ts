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

/**
 * Words start at each piece that begins with `marker` (SentencePiece's "▁"), or, with `suffix`, end at
 * each piece that ends with it. A piece that is only the marker is a separator.
 */
export function markerBoundary(
  pieces: readonly string[],
  options: { marker?: string; suffix?: boolean } = {},
): WordBoundary {
  const marker = options.marker ?? '\u2581';
  const suffix = options.suffix ?? false;
  const kind = new Uint8Array(pieces.length); // 0 plain, 1 separator, 2 marked
  pieces.forEach((p, i) => {
    if (p === marker) kind[i] = 1;
    else if (suffix ? p.endsWith(marker) : p.startsWith(marker)) kind[i] = 2;
  });
  return {
    isSeparator: (id) => kind[id] === 1,
    startsWord: (id) => !suffix && kind[id] === 2,
    endsWord: (id) => suffix && kind[id] === 2,
  };
}

/**
 * Splits a token sequence into words: index ranges [start, end) into `ids`, separators excluded.
 * Shared by word spans (over aligned tokens) and by tokenizers.
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
