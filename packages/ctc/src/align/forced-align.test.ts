import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { forcedAlign } from './forced-align.js';
import { forcedAlignBatch } from './forced-align-batch.js';
import { mergeTokens } from './token-spans.js';

interface Case {
  name: string;
  T: number;
  C: number;
  blank: number;
  targets: number[];
  logProbs: number[];
  path: number[];
  score: number;
  path32: number[];
  score32: number;
  spans: Array<{ token: number; start: number; end: number; score: number }>;
}
const fixture = JSON.parse(
  readFileSync(new URL('./fixtures/forced-align.json', import.meta.url), 'utf8'),
) as {
  cases: Case[];
  batch: {
    N: number;
    T: number;
    C: number;
    logProbs: number[];
    inputLengths: number[];
    targetLengths: number[];
    targets: number[];
    items: Array<{ path: number[]; score: number }>;
  };
};

/** Deterministic log-softmax rows from a small LCG. */
function randomLogProbs(T: number, C: number, seed: number): Float32Array {
  let x = seed >>> 0;
  const out = new Float32Array(T * C);
  for (let t = 0; t < T; t++) {
    let z = 0;
    const row = new Float64Array(C);
    for (let c = 0; c < C; c++) {
      x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
      row[c] = (x / 2 ** 32) * 4 - 2;
      z += Math.exp(row[c]);
    }
    for (let c = 0; c < C; c++) out[t * C + c] = row[c] - Math.log(z);
  }
  return out;
}

function collapse(path: ArrayLike<number>, blank: number): number[] {
  const out: number[] = [];
  for (let t = 0; t < path.length; t++) {
    if (path[t] !== blank && (t === 0 || path[t] !== path[t - 1])) out.push(path[t]);
  }
  return out;
}

/** Best score over every labelling of T frames that collapses to targets. */
function bruteForce(lp: Float32Array, T: number, C: number, targets: number[], blank: number): number {
  let best = Number.NEGATIVE_INFINITY;
  const path = new Array<number>(T).fill(0);
  const total = C ** T;
  for (let k = 0; k < total; k++) {
    let r = k;
    for (let t = 0; t < T; t++) {
      path[t] = r % C;
      r = Math.floor(r / C);
    }
    const col = collapse(path, blank);
    if (col.length !== targets.length || col.some((v, i) => v !== targets[i])) continue;
    let s = 0;
    for (let t = 0; t < T; t++) s += lp[t * C + path[t]];
    best = Math.max(best, s);
  }
  return best;
}

describe('forcedAlign', () => {
  for (const c of fixture.cases) {
    it(`matches the reference Viterbi path, score and spans: ${c.name}`, () => {
      const res = forcedAlign({
        logProbs: Float32Array.from(c.logProbs),
        dims: [c.T, c.C],
        targets: Int32Array.from(c.targets),
        blank: c.blank,
        accumulate: 'float64',
      });
      expect(Array.from(res.path)).toEqual(c.path);
      expect(res.score).toBeCloseTo(c.score, 9);
      // The default float32 accumulation follows torchaudio's rounding (differs on the near-tie case).
      const r32 = forcedAlign({
        logProbs: Float32Array.from(c.logProbs),
        dims: [c.T, c.C],
        targets: Int32Array.from(c.targets),
        blank: c.blank,
      });
      expect(Array.from(r32.path)).toEqual(c.path32);
      expect(r32.score).toBeCloseTo(c.score32, 9);
      const spans = mergeTokens({ path: res.path, frameScores: res.frameScores, blank: c.blank });
      expect(spans.map(({ token, start, end }) => ({ token, start, end }))).toEqual(
        c.spans.map(({ token, start, end }) => ({ token, start, end })),
      );
      for (const [i, s] of spans.entries()) expect(s.score).toBeCloseTo(c.spans[i].score, 6);
      // Spans map one-to-one onto targets, and targetIndex tells repeated tokens apart.
      expect(spans.map((s) => s.token)).toEqual(c.targets);
      for (const [i, s] of spans.entries()) expect(res.targetIndex[s.start]).toBe(i);
    });
  }

  it('equals brute force over all alignments on random tiny cases', () => {
    let checked = 0;
    for (let seed = 1; seed <= 60; seed++) {
      const T = 1 + (seed % 5);
      const C = 2 + (seed % 2);
      const blank = seed % C;
      const lp = randomLogProbs(T, C, seed * 7919);
      const nonBlank = Array.from({ length: C }, (_, i) => i).filter((i) => i !== blank);
      const L = seed % 4;
      const targets = Array.from(
        { length: L },
        (_, i) => nonBlank[(seed + i * (seed >> 2)) % nonBlank.length],
      );
      const repeats = targets.filter((v, i) => i > 0 && v === targets[i - 1]).length;
      if (T < L + repeats) continue;
      const res = forcedAlign({
        logProbs: lp,
        dims: [T, C],
        targets: Int32Array.from(targets),
        blank,
        accumulate: 'float64',
      });
      expect(collapse(res.path, blank)).toEqual(targets);
      expect(res.score).toBeCloseTo(bruteForce(lp, T, C, targets, blank), 9);
      let sum = 0;
      for (let t = 0; t < T; t++) sum += lp[t * C + res.path[t]];
      expect(res.score).toBeCloseTo(sum, 12);
      checked++;
    }
    expect(checked).toBeGreaterThan(30);
  });

  it('breaks ties as torchaudio: stay before step before skip, end on the token', () => {
    const C = 3;
    const lp = new Float32Array(4 * C).fill(Math.log(1 / C));
    const res = forcedAlign({ logProbs: lp, dims: [4, C], targets: Int32Array.from([1, 2]) });
    // Every path ties; the earliest arrival then staying wins: 1 2 2 2.
    expect(Array.from(res.path)).toEqual([1, 2, 2, 2]);
    // On the first token too: 1 1 1, not 0 0 1.
    const flat = new Float32Array(3 * C).fill(Math.log(1 / C));
    expect(
      Array.from(forcedAlign({ logProbs: flat, dims: [3, C], targets: Int32Array.from([1]) }).path),
    ).toEqual([1, 1, 1]);
    // A tie at a blank state (stay on blank vs. step from the token) also stays: 1 0 0, not 1 1 0.
    const u = Math.log(1 / 3);
    const lp2 = Float32Array.from([u, u, u, u, u, u, Math.log(0.8), Math.log(0.1), Math.log(0.1)]);
    expect(
      Array.from(forcedAlign({ logProbs: lp2, dims: [3, 3], targets: Int32Array.from([1]) }).path),
    ).toEqual([1, 0, 0]);
  });

  it('returns -Infinity when every alignment has probability 0', () => {
    const lp = new Float32Array([0, Number.NEGATIVE_INFINITY, 0, Number.NEGATIVE_INFINITY]);
    const res = forcedAlign({ logProbs: lp, dims: [2, 2], targets: Int32Array.from([1]) });
    expect(res.score).toBe(Number.NEGATIVE_INFINITY);
  });

  it('handles T = 0 with empty targets', () => {
    const res = forcedAlign({ logProbs: new Float32Array(0), dims: [0, 3], targets: new Int32Array(0) });
    expect(res.path.length).toBe(0);
    expect(res.score).toBe(0);
  });

  it('throws clear errors', () => {
    const lp = randomLogProbs(4, 5, 3);
    const t =
      (targets: number[], extra: Partial<{ blank: number; dims: number[] }> = {}) =>
      () =>
        forcedAlign({
          logProbs: lp,
          dims: extra.dims ?? [4, 5],
          targets: Int32Array.from(targets),
          blank: extra.blank,
        });
    expect(t([1, 1, 2, 2])).toThrow(
      'forcedAlign: transcript too long for the frames: 4 tokens + 2 repeats need 6 frames but the input has T = 4',
    );
    expect(t([1, 0, 2])).toThrow(
      'forcedAlign: targets[1] = 0 is the blank id; targets must not contain blank',
    );
    expect(t([1, 5])).toThrow('forcedAlign: targets[1] = 5 is out of range [0, C = 5)');
    expect(t([1], { blank: 7 })).toThrow('forcedAlign: blank 7 is out of range [0, C = 5)');
    expect(t([1], { dims: [5, 5] })).toThrow('forcedAlign: logProbs has length 20 but dims [5, 5] need 25');
    expect(t([1], { dims: [20] })).toThrow(
      'forcedAlign: dims must be [T, C] of non-negative integers, got [20]',
    );
    expect(() =>
      forcedAlign({
        logProbs: lp,
        dims: [4, 5],
        targets: Int32Array.from([1]),
        accumulate: 'half' as 'float32',
      }),
    ).toThrow("forcedAlign: accumulate must be 'float32' or 'float64', got 'half'");
    const nan = lp.slice();
    nan[7] = Number.NaN;
    expect(() => forcedAlign({ logProbs: nan, dims: [4, 5], targets: Int32Array.from([1]) })).toThrow(
      'forcedAlign: logProbs is NaN at frame 1, class 2',
    );
    const inf = lp.slice();
    inf[11] = Number.POSITIVE_INFINITY;
    inf[13] = Number.NEGATIVE_INFINITY;
    expect(() => forcedAlign({ logProbs: inf, dims: [4, 5], targets: Int32Array.from([1]) })).toThrow(
      'forcedAlign: logProbs is +Infinity at frame 2, class 1; expected log-probabilities',
    );
  });
});

describe('forcedAlignBatch', () => {
  const b = fixture.batch;
  const logProbs = Float32Array.from(b.logProbs);
  const args = {
    targets: Int32Array.from(b.targets),
    inputLengths: Int32Array.from(b.inputLengths),
    targetLengths: Int32Array.from(b.targetLengths),
  };

  it('matches the reference per item, in both layouts', () => {
    const ntc = forcedAlignBatch({ logProbs, dims: [b.N, b.T, b.C], ...args });
    // The same data transposed to [T, N, C].
    const tnc = new Float32Array(logProbs.length);
    for (let n = 0; n < b.N; n++) {
      for (let t = 0; t < b.T; t++) {
        for (let c = 0; c < b.C; c++) tnc[(t * b.N + n) * b.C + c] = logProbs[(n * b.T + t) * b.C + c];
      }
    }
    const tm = forcedAlignBatch({ logProbs: tnc, dims: [b.T, b.N, b.C], layout: 'TNC', ...args });
    b.items.forEach((item, i) => {
      expect(Array.from(ntc[i].path)).toEqual(item.path);
      expect(ntc[i].score).toBeCloseTo(item.score, 9);
      expect(Array.from(tm[i].path)).toEqual(item.path);
      expect(tm[i].score).toBe(ntc[i].score);
    });
  });

  it('names the offending batch item', () => {
    const bad = { ...args, targets: Int32Array.from([1, 2, 2, 3, 4, 4, 0]) };
    expect(() => forcedAlignBatch({ logProbs, dims: [b.N, b.T, b.C], ...bad })).toThrow(
      'forcedAlignBatch: batch item 2: targets[6] = 0 is the blank id',
    );
    const short = { ...args, inputLengths: Int32Array.from([9, 2, 4]) };
    expect(() => forcedAlignBatch({ logProbs, dims: [b.N, b.T, b.C], ...short })).toThrow(
      'forcedAlignBatch: batch item 1: transcript too long for the frames: 2 tokens + 1 repeats need 3 frames but the input has T = 2',
    );
    const long = { ...args, inputLengths: Int32Array.from([9, 10, 4]) };
    expect(() => forcedAlignBatch({ logProbs, dims: [b.N, b.T, b.C], ...long })).toThrow(
      'forcedAlignBatch: batch item 1: inputLengths[1] = 10 is out of range [0, T = 9]',
    );
    expect(() =>
      forcedAlignBatch({ logProbs, dims: [b.N, b.T, b.C], ...args, targetLengths: Int32Array.from([4, 2]) }),
    ).toThrow('forcedAlignBatch: targetLengths has length 2 but the batch size N is 3');
    expect(() =>
      forcedAlignBatch({ logProbs, dims: [b.N, b.T, b.C], ...args, targets: Int32Array.from([1, 2]) }),
    ).toThrow('forcedAlignBatch: targets has length 2 but targetLengths sum to 7');
  });
});
