/**
 * A score that depends only on the token prefix (not on its alignment to frames): language models,
 * word insertion bonuses, hotword boosts. Beam search adds `extend` deltas as a prefix grows and
 * `finish` once at the end, so every alignment of a prefix carries the same context score and the
 * prefix probability (sum over alignments) stays exact.
 */
export interface PrefixScorer<S = unknown> {
  /** State of the empty prefix. */
  initial(): S;
  /** Appends a non-blank token: the new state and the score added (natural log units). */
  extend(state: S, token: number): { state: S; score: number };
  /** Score added when the hypothesis ends (sentence end, revoking unfinished partial bonuses). */
  finish(state: S): number;
  /**
   * An upper bound of any `extend` score. With it the beam skips creating prefixes that pruning would
   * drop anyway (an exact shortcut); leave it out when no bound is known.
   */
  readonly maxGain?: number;
  /** A tighter bound of `extend(state, ·)` scores for a given state (used over `maxGain`). */
  maxGainFrom?(state: S): number;
}
