/** A run of frames emitting one token, as torchaudio's `TokenSpan`. */
export interface TokenSpan {
  token: number;
  /** First frame (inclusive). */
  start: number;
  /** Frame after the last (exclusive). */
  end: number;
  /** Confidence: mean posterior probability exp(logProb) over the span's frames. */
  score: number;
  /** Mean log-probability over the span's frames. */
  logScore: number;
}

/** Inputs of {@link mergeTokens}: a frame path and its per-frame log-probabilities (e.g. a `ForcedAlignment`). */
export interface MergeTokensInput {
  path: Int32Array;
  frameScores: Float32Array;
  blank?: number;
}

/**
 * Collapses a frame path into token spans with torchaudio's `merge_tokens` semantics: each maximal run of
 * one non-blank token becomes a span [start, end). torchaudio averages whatever scores it is given (its
 * tutorial passes probabilities); here `score` is the mean probability and `logScore` the mean
 * log-probability. A forced path always separates repeated tokens with a blank, so spans map one-to-one
 * onto targets; on a free (e.g. greedy) path this is the usual CTC collapse.
 */
export function mergeTokens(input: MergeTokensInput): TokenSpan[] {
  const { path, frameScores } = input;
  const blank = input.blank ?? 0;
  if (!(path instanceof Int32Array)) throw new Error('mergeTokens: path must be an Int32Array');
  if (!(frameScores instanceof Float32Array))
    throw new Error('mergeTokens: frameScores must be a Float32Array');
  if (path.length !== frameScores.length) {
    throw new Error(
      `mergeTokens: path has length ${path.length} but frameScores has length ${frameScores.length}; they must match`,
    );
  }
  const spans: TokenSpan[] = [];
  let t = 0;
  while (t < path.length) {
    const token = path[t];
    let end = t + 1;
    while (end < path.length && path[end] === token) end++;
    if (token !== blank) {
      let p = 0;
      let lp = 0;
      for (let u = t; u < end; u++) {
        p += Math.exp(frameScores[u]);
        lp += frameScores[u];
      }
      spans.push({ token, start: t, end, score: p / (end - t), logScore: lp / (end - t) });
    }
    t = end;
  }
  return spans;
}
