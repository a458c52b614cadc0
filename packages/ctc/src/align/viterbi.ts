/**
 * The CTC forced-alignment Viterbi kernel shared by `forcedAlign` and `forcedAlignBatch`.
 *
 * Semantics follow torchaudio's `forced_align` CPU kernel (pytorch/audio,
 * `src/libtorchaudio/forced_align/cpu/compute.cpp`), including how ties are broken, so that paths match:
 * - states s = 0..2L over the blank-extended target (even s: blank, odd s: targets[(s-1)/2]);
 * - a state's best predecessor is chosen as: skip (s-2) only if strictly better than both s-1 and s;
 *   else s-1 only if strictly better than s; else stay on s (ties prefer staying, then the single step);
 * - the path ends on the final blank (2L) only if strictly better than the last token (2L-1).
 * torchaudio accumulates in the input dtype. With `float32` set we round every alpha to float32 as it does
 * (a float64 sum of two float32 values, rounded once, is exactly the float32 sum), so paths match even on
 * near-ties; otherwise alphas stay float64, which can pick a different path only where two alignments'
 * sums agree to within float32 rounding.
 */

/** A strided view of one utterance's log-probabilities: frame t, class c at `data[offset + t*frameStride + c]`. */
export interface FrameView {
  data: Float32Array;
  offset: number;
  frameStride: number;
  T: number;
  C: number;
}

/** One utterance's Viterbi alignment. */
export interface ViterbiResult {
  /** Token id (or blank) per frame, length T. */
  path: Int32Array;
  /** Log-probability of the chosen label at each frame, length T. */
  frameScores: Float32Array;
  /** Index into targets of the state occupied at each frame, or -1 on a blank frame. */
  targetIndex: Int32Array;
  /** Sum of `frameScores` accumulated in float64: the log-probability of the best path. */
  score: number;
}

/** Number of consecutive repeated tokens in targets[off, off+L): each needs a blank frame in between. */
export function countRepeats(targets: Int32Array, off: number, L: number): number {
  let r = 0;
  for (let i = 1; i < L; i++) if (targets[off + i] === targets[off + i - 1]) r++;
  return r;
}

/** Token state s at one frame: best of stay, step and (masked) skip, plus the token's emission. */
function tokenStep(
  prev: Float64Array,
  cur: Float64Array,
  back: Uint8Array,
  s: number,
  base: number,
  emission: number,
  skipMask: number,
  float32: boolean,
): void {
  const x0 = prev[s];
  const x1 = prev[s - 1];
  const x2 = prev[s - 2] + skipMask;
  // biome-ignore lint/complexity/useMathMinMax: the ternary is measurably faster than Math.max in V8
  const m01 = x1 > x0 ? x1 : x0;
  // biome-ignore lint/complexity/useMathMinMax: the ternary is measurably faster than Math.max in V8
  const v = (x2 > m01 ? x2 : m01) + emission;
  cur[s] = float32 ? Math.fround(v) : v;
  back[base + s] = x2 > m01 ? 2 : x1 > x0 ? 1 : 0;
}

/** One byte per (frame, state), as torchaudio: T × (2L+1) bytes. Fails clearly rather than with a RangeError. */
function allocBackpointers(T: number, S: number): Uint8Array {
  try {
    return new Uint8Array(T * S);
  } catch {
    throw new Error(
      `forcedAlign: cannot allocate ${T} frames × ${S} states = ${T * S} bytes of backpointers; ` +
        'align shorter segments (split the audio and transcript)',
    );
  }
}

/**
 * Best CTC path of targets[tOff, tOff+L) through the frames of `v`. The caller has validated ids, lengths
 * and T >= L + repeats, so a finite path exists unless some log-probability on it is -Infinity.
 */
export function viterbiAlign(
  v: FrameView,
  targets: Int32Array,
  tOff: number,
  L: number,
  blank: number,
  float32: boolean,
): ViterbiResult {
  const { data, offset, frameStride, T } = v;
  const S = 2 * L + 1;
  const path = new Int32Array(T);
  const frameScores = new Float32Array(T);
  const targetIndex = new Int32Array(T).fill(-1);
  if (T === 0) return { path, frameScores, targetIndex, score: 0 };

  const NEG = Number.NEGATIVE_INFINITY;
  // Label of each extended state, and the skip transition s-2 -> s as an additive mask: 0 where allowed
  // (a token after a different token), -Infinity elsewhere, so the inner loop has no branch for it.
  const label = new Int32Array(S);
  const skip = new Float64Array(S).fill(NEG);
  for (let s = 1; s < S; s += 2) {
    const k = (s - 1) >> 1;
    label[s] = targets[tOff + k];
    if (k > 0 && targets[tOff + k] !== targets[tOff + k - 1]) skip[s] = 0;
  }
  for (let s = 0; s < S; s += 2) label[s] = blank;

  // Two rolling rows of alphas (float64), full backpointer table (0 = stay, 1 = step, 2 = skip).
  let prev = new Float64Array(S).fill(NEG);
  let cur = new Float64Array(S).fill(NEG);
  const back = allocBackpointers(T, S);
  prev[0] = data[offset + blank];
  if (S > 1) prev[1] = data[offset + label[1]];
  for (let t = 1; t < T; t++) {
    const row = offset + t * frameStride;
    const base = t * S;
    // Only states in [lo, hi) matter: above 2t+1 is unreachable so far, below S-2-2(T-1-t) can no longer
    // reach the end. A state inside the band only reads predecessors inside the previous frame's band.
    const hi = Math.min(S, 2 * t + 2);
    let lo = Math.max(0, S - 2 - 2 * (T - 1 - t));
    if (lo === 0) {
      const v = prev[0] + data[row + blank];
      cur[0] = float32 ? Math.fround(v) : v;
      lo = 1;
    }
    if (lo === 1 && hi > 1) {
      // The first token: no skip into it.
      const x0 = prev[1];
      const x1 = prev[0];
      // biome-ignore lint/complexity/useMathMinMax: the ternary is measurably faster than Math.max in V8
      const v = (x1 > x0 ? x1 : x0) + data[row + label[1]];
      cur[1] = float32 ? Math.fround(v) : v;
      back[base + 1] = x1 > x0 ? 1 : 0;
      lo = 2;
    }
    // torchaudio's order: skip only if strictly better than both, else step if strictly better, else stay,
    // written as selects with the skip as an additive mask (about 3x faster in V8 than nested branches).
    // Blank (even) and token (odd) states alternate; blanks have no skip and share one emission.
    const lb = data[row + blank];
    let s = lo;
    if ((s & 1) === 1 && s < hi) {
      tokenStep(prev, cur, back, s, base, data[row + label[s]], skip[s], float32);
      s++;
    }
    for (; s < hi; s += 2) {
      const x0 = prev[s];
      const x1 = prev[s - 1];
      // biome-ignore lint/complexity/useMathMinMax: the ternary is measurably faster than Math.max in V8
      const v = (x1 > x0 ? x1 : x0) + lb;
      cur[s] = float32 ? Math.fround(v) : v;
      back[base + s] = x1 > x0 ? 1 : 0;
      if (s + 1 < hi) tokenStep(prev, cur, back, s + 1, base, data[row + label[s + 1]], skip[s + 1], float32);
    }
    const tmp = prev;
    prev = cur;
    cur = tmp;
  }

  // Ties between the final blank and the last token go to the token, as torchaudio.
  let s = S > 1 && !(prev[S - 1] > prev[S - 2]) ? S - 2 : S - 1;
  let score = 0;
  for (let t = T - 1; t >= 0; t--) {
    const lp = data[offset + t * frameStride + label[s]];
    path[t] = label[s];
    frameScores[t] = lp;
    targetIndex[t] = s % 2 === 1 ? (s - 1) >> 1 : -1;
    score += lp;
    s -= back[t * S + s];
  }
  return { path, frameScores, targetIndex, score };
}
