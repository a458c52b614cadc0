import { describe, expect, it } from 'vitest';
import { greedyDecode, greedyDecodeBatch } from './greedy.js';
import { fromProbs, randomLogProbs } from './test-support.js';

// Frames' argmax: a a - a b b | - b  (vocabulary 0 '-', 1 'a', 2 'b', 3 '|')
const ARGMAX = [1, 1, 0, 1, 2, 2, 3, 0, 2];
function peaked(path: number[], C = 4, hi = 0.7): Float32Array {
  return fromProbs(path.map((k) => Array.from({ length: C }, (_, c) => (c === k ? hi : (1 - hi) / (C - 1)))));
}

describe('greedyDecode', () => {
  it('collapses repeats, drops blanks, reports first/end frames and the best-path score', () => {
    const logProbs = peaked(ARGMAX);
    const g = greedyDecode({ logProbs, dims: [9, 4] });
    expect(Array.from(g.tokens)).toEqual([1, 1, 2, 3, 2]);
    expect(Array.from(g.timesteps)).toEqual([0, 3, 4, 6, 8]);
    expect(Array.from(g.endFrames)).toEqual([2, 4, 6, 7, 9]);
    expect(g.score).toBeCloseTo(9 * Math.log(0.7), 5);
  });

  it('uses any blank id and stops at length', () => {
    const logProbs = peaked(ARGMAX);
    const g = greedyDecode({ logProbs, dims: [9, 4], blank: 3, length: 5 });
    expect(Array.from(g.tokens)).toEqual([1, 0, 1, 2]);
    expect(Array.from(g.timesteps)).toEqual([0, 2, 3, 4]);
  });

  it('per-token confidence aggregates the frames of each token (NeMo CTC semantics)', () => {
    const probs = [0.9, 0.6, 0.8, 0.7]; // frames: a a - b
    const rows = [
      [0.05, 0.9, 0.05],
      [0.2, 0.6, 0.2],
      [0.8, 0.1, 0.1],
      [0.2, 0.1, 0.7],
    ];
    const logProbs = fromProbs(rows);
    const conf = (p: number) => (p * 3 - 1) / 2; // max_prob, α = 1, V = 3
    const g = greedyDecode({
      logProbs,
      dims: [4, 3],
      confidence: { name: 'max_prob', alpha: 1, aggregation: 'mean' },
    });
    expect(g.tokenConfidence![0]).toBeCloseTo((conf(probs[0]) + conf(probs[1])) / 2, 6);
    expect(g.tokenConfidence![1]).toBeCloseTo(conf(probs[3]), 6);
    const withBlank = greedyDecode({
      logProbs,
      dims: [4, 3],
      confidence: { name: 'max_prob', alpha: 1, aggregation: 'min', excludeBlank: false },
    });
    expect(withBlank.tokenConfidence![0]).toBeCloseTo(conf(0.6), 6);
    expect(greedyDecode({ logProbs, dims: [4, 3] }).tokenConfidence).toBeUndefined();
  });

  it('words and word confidence with a "|" delimiter', () => {
    const g = greedyDecode({
      logProbs: peaked(ARGMAX),
      dims: [9, 4],
      confidence: true,
      words: { vocabulary: ['-', 'a', 'b', '|'] },
    });
    expect(g.words).toEqual(['aab', 'b']);
    expect(Array.from(g.wordTimesteps!)).toEqual([0, 8]);
    expect(g.wordConfidence).toHaveLength(2);
    expect(g.wordConfidence![0]).toBeCloseTo(Math.min(...Array.from(g.tokenConfidence!.subarray(0, 3))), 6);
  });
});

describe('greedyDecodeBatch', () => {
  it('decodes each item of [T, N, C] as the single decoder does, ignoring frames past its length', () => {
    const T = 12;
    const N = 3;
    const C = 5;
    const data = randomLogProbs(T * N, C, 4, 3);
    const lengths = [12, 7, 0];
    const out = greedyDecodeBatch({ logProbs: data, dims: [T, N, C], lengths, blank: 1 });
    expect(out).toHaveLength(3);
    for (let n = 0; n < N; n++) {
      const item = new Float32Array(T * C);
      for (let t = 0; t < T; t++) item.set(data.subarray((t * N + n) * C, (t * N + n + 1) * C), t * C);
      const one = greedyDecode({ logProbs: item, dims: [T, C], blank: 1, length: lengths[n] });
      expect(out[n]).toEqual(one);
    }
    expect(out[2].tokens).toHaveLength(0);
    // Garbage past an item's length does not matter.
    const poisoned = data.slice();
    for (let t = 7; t < T; t++) poisoned[(t * N + 1) * C] = Number.NaN;
    expect(greedyDecodeBatch({ logProbs: poisoned, dims: [T, N, C], lengths, blank: 1 })[1]).toEqual(out[1]);
  });

  it('without lengths uses all T frames', () => {
    const data = randomLogProbs(8, 3, 9);
    const [a, b] = greedyDecodeBatch({ logProbs: data, dims: [4, 2, 3] });
    expect(a.timesteps.every((t) => t < 4)).toBe(true);
    expect(b.endFrames.every((t) => t <= 4)).toBe(true);
  });
});

describe('greedy errors', () => {
  const x = randomLogProbs(4, 3, 1);
  it('names the function, argument and shapes', () => {
    expect(() => greedyDecode({ logProbs: x, dims: [4, 4] })).toThrow(
      'greedyDecode: logProbs has 12 values but dims [T, C] = [4, 4] need 16',
    );
    expect(() => greedyDecode({ logProbs: x, dims: [2, 2, 3] })).toThrow(
      'greedyDecode: dims must be [T, C] of non-negative integers, got [2, 2, 3]',
    );
    expect(() => greedyDecode({ logProbs: x, dims: [4, 3], blank: 3 })).toThrow(
      'greedyDecode: blank = 3 is out of range [0, C = 3)',
    );
    expect(() => greedyDecode({ logProbs: x, dims: [4, 3], length: 5 })).toThrow(
      'greedyDecode: length = 5 is out of range [0, T = 4]',
    );
    expect(() => greedyDecodeBatch({ logProbs: x, dims: [2, 2, 3], lengths: [1] })).toThrow(
      'greedyDecodeBatch: lengths has 1 entries but dims [T, N, C] = [2, 2, 3] need N = 2',
    );
    expect(() => greedyDecodeBatch({ logProbs: x, dims: [2, 2, 3], lengths: [1, 3] })).toThrow(
      'greedyDecodeBatch: lengths[1] = 3 is out of range [0, T = 2]',
    );
    expect(() => greedyDecode({ logProbs: x, dims: [4, 3], words: { vocabulary: ['a'] } })).toThrow(
      'greedyDecode: words.vocabulary has 1 entries but C = 3',
    );
    expect(() => greedyDecode({ logProbs: x, dims: [4, 3], confidence: { alpha: 0 } })).toThrow(
      'greedyDecode: confidence.alpha must be > 0, got 0',
    );
  });

  it('names the batch item and frame holding NaN', () => {
    const bad = x.slice();
    bad[(1 * 2 + 1) * 3 + 2] = Number.NaN; // t = 1, n = 1, c = 2
    expect(() => greedyDecodeBatch({ logProbs: bad, dims: [2, 2, 3] })).toThrow(
      'greedyDecodeBatch: batch item 1: logProbs[t = 1, c = 2] is NaN',
    );
  });
});
