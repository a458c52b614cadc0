/**
 * Reference computations for the decoding tests (kept out of the index): a seeded generator, random
 * log-softmax posteriors, the CTC forward algorithm in float64, and brute-force search over every
 * label sequence.
 */
import { expect } from 'vitest';
import { LOG_ZERO, logAddExp } from './log-math.js';

/** Asserts |a − b| ≤ rel · max(1, |b|): a relative tolerance that turns absolute near zero. */
export const close = (a: number, b: number, rel = 1e-6) =>
  expect(Math.abs(a - b)).toBeLessThanOrEqual(rel * Math.max(1, Math.abs(b)));

/** mulberry32: small deterministic generator in [0, 1). */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Random log-softmax rows [T, C]; larger `scale` gives peakier posteriors. */
export function randomLogProbs(T: number, C: number, seed: number, scale = 2): Float32Array {
  const r = rng(seed);
  const out = new Float32Array(T * C);
  for (let t = 0; t < T; t++) {
    let m = Number.NEGATIVE_INFINITY;
    const z: number[] = [];
    for (let c = 0; c < C; c++) {
      z.push(scale * (r() * 2 - 1) * 2);
      m = Math.max(m, z[c]);
    }
    let s = 0;
    for (const v of z) s += Math.exp(v - m);
    for (let c = 0; c < C; c++) out[t * C + c] = z[c] - m - Math.log(s);
  }
  return out;
}

/** Log-softmax of explicit probability rows (each row normalised). */
export function fromProbs(rows: number[][]): Float32Array {
  const C = rows[0].length;
  const out = new Float32Array(rows.length * C);
  rows.forEach((row, t) => {
    const s = row.reduce((a, b) => a + b, 0);
    row.forEach((p, c) => {
      out[t * C + c] = Math.log(p / s);
    });
  });
  return out;
}

/** log P(labels | x) by the CTC forward algorithm over the extended (blank-interleaved) sequence. */
export function ctcForward(
  lp: ArrayLike<number>,
  T: number,
  C: number,
  labels: ArrayLike<number>,
  blank: number,
) {
  const S = 2 * labels.length + 1;
  const ext = Array.from({ length: S }, (_, s) => (s % 2 === 0 ? blank : labels[(s - 1) / 2]));
  let a = new Array<number>(S).fill(LOG_ZERO);
  if (T === 0) return labels.length === 0 ? 0 : LOG_ZERO;
  a[0] = lp[ext[0]];
  if (S > 1) a[1] = lp[ext[1]];
  for (let t = 1; t < T; t++) {
    const b = new Array<number>(S).fill(LOG_ZERO);
    for (let s = 0; s < S; s++) {
      let v = a[s];
      if (s >= 1) v = logAddExp(v, a[s - 1]);
      if (s >= 2 && ext[s] !== blank && ext[s] !== ext[s - 2]) v = logAddExp(v, a[s - 2]);
      b[s] = v + lp[t * C + ext[s]];
    }
    a = b;
  }
  return S > 1 ? logAddExp(a[S - 1], a[S - 2]) : a[0];
}

/** Every label sequence (blank excluded) of length ≤ maxLen over classes [0, C). */
export function allSequences(C: number, blank: number, maxLen: number): number[][] {
  const labels = Array.from({ length: C }, (_, i) => i).filter((c) => c !== blank);
  const out: number[][] = [[]];
  let frontier: number[][] = [[]];
  for (let l = 1; l <= maxLen; l++) {
    const next: number[][] = [];
    for (const s of frontier) for (const c of labels) next.push([...s, c]);
    out.push(...next);
    frontier = next;
  }
  return out;
}

/** All sequences with their total log-probability (plus an optional context score), best first. */
export function bruteForce(
  lp: ArrayLike<number>,
  T: number,
  C: number,
  blank: number,
  context: (seq: number[]) => number = () => 0,
): Array<{ seq: number[]; acoustic: number; score: number }> {
  return allSequences(C, blank, T)
    .map((seq) => {
      const acoustic = ctcForward(lp, T, C, seq, blank);
      return { seq, acoustic, score: acoustic + context(seq) };
    })
    .filter((e) => e.score > LOG_ZERO)
    .sort((x, y) => y.score - x.score);
}

// vocabulary: 0 blank, 1 'a', 2 'b', 3 '|'
export const TEST_VOCAB = ['-', 'a', 'b', '|'];
export const TEST_ARPA = `\\data\\
ngram 1=5
ngram 2=2

\\1-grams:
-1.0 </s>
-99 <s> -0.5
-0.3 ab -0.2
-2.0 aa -0.1
-1.5 <unk>

\\2-grams:
-0.1 <s> ab
-0.2 ab </s>

\\end\\
`;

export function wordsOf(seq: number[]): string[] {
  return seq
    .map((i) => TEST_VOCAB[i])
    .join('')
    .split('|')
    .filter((w) => w !== '');
}

/** Emission frame of each label in the best single alignment (Viterbi over the extended sequence). */
export function viterbiFrames(
  lp: ArrayLike<number>,
  T: number,
  C: number,
  labels: ArrayLike<number>,
  blank: number,
): number[] {
  const S = 2 * labels.length + 1;
  const ext = Array.from({ length: S }, (_, s) => (s % 2 === 0 ? blank : labels[(s - 1) / 2]));
  const score: number[][] = [];
  const from: number[][] = [];
  for (let t = 0; t < T; t++) {
    score.push(new Array(S).fill(LOG_ZERO));
    from.push(new Array(S).fill(-1));
    for (let s = 0; s < S; s++) {
      const e = lp[t * C + ext[s]];
      if (t === 0) {
        if (s < 2) score[0][s] = e;
        continue;
      }
      const prev = score[t - 1];
      let best = prev[s];
      let arg = s;
      if (s >= 1 && prev[s - 1] > best) [best, arg] = [prev[s - 1], s - 1];
      if (s >= 2 && ext[s] !== blank && ext[s] !== ext[s - 2] && prev[s - 2] > best)
        [best, arg] = [prev[s - 2], s - 2];
      score[t][s] = best + e;
      from[t][s] = arg;
    }
  }
  let s = S > 1 && score[T - 1][S - 2] > score[T - 1][S - 1] ? S - 2 : S - 1;
  const frames = new Array<number>(labels.length).fill(-1);
  for (let t = T - 1; t >= 0; t--) {
    if (s % 2 === 1) frames[(s - 1) / 2] = t; // ends at the first frame of the label's run
    s = t > 0 ? from[t][s] : s;
  }
  return frames;
}
