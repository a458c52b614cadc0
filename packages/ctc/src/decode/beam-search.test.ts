import { describe, expect, it } from 'vitest';
import { beamSearch, beamSearchBatch, beamSearchBatchSync, beamSearchSync } from './beam-search.js';
import { greedyDecode } from './greedy.js';
import { Hotwords } from './hotwords.js';
import { wordLmScorer } from './lm-scorer.js';
import { NgramLm } from './ngram-lm.js';
import type { PrefixScorer } from './prefix-scorer.js';
import {
  bruteForce,
  close,
  ctcForward,
  fromProbs,
  randomLogProbs,
  TEST_ARPA,
  TEST_VOCAB,
  viterbiFrames,
} from './test-support.js';

describe('beamSearch exactness', () => {
  const cases: Array<[number, number, number, number]> = []; // T, C, blank, seed
  for (let seed = 1; seed <= 24; seed++)
    cases.push([1 + (seed % 5), 2 + (seed % 3), seed % (2 + (seed % 3)), seed]);

  it.each(cases)(
    'T=%i C=%i blank=%i seed=%i: equals brute force over all label sequences',
    (T, C, blank, seed) => {
      const logProbs = randomLogProbs(T, C, seed, 1);
      const hyps = beamSearchSync({ logProbs, dims: [T, C], blank, beamWidth: 10_000 });
      const ref = bruteForce(logProbs, T, C, blank);
      expect(hyps.length).toBe(ref.length); // every prefix survives
      expect(Array.from(hyps[0].tokens)).toEqual(ref[0].seq);
      close(hyps[0].score, ref[0].score);
      // The whole ranking: each hypothesis' score is its exact sum over alignments.
      for (let i = 0; i < hyps.length; i++) {
        close(hyps[i].score, ctcForward(logProbs, T, C, hyps[i].tokens, blank));
        close(hyps[i].score, ref[i].score);
        expect(hyps[i].acousticScore).toBe(hyps[i].score);
        expect(hyps[i].contextScore).toBe(0);
      }
    },
  );

  it.each([3, 8, 15])('timesteps are the emission frames of the best alignment (seed %i)', (seed) => {
    const T = 5;
    const C = 4;
    const logProbs = randomLogProbs(T, C, seed, 1.5);
    const hyps = beamSearchSync({ logProbs, dims: [T, C], blank: 1, beamWidth: 10_000, nBest: 30 });
    for (const h of hyps) {
      expect(Array.from(h.timesteps)).toEqual(viterbiFrames(logProbs, T, C, h.tokens, 1));
    }
  });

  it('resolves asynchronously to the same hypotheses', async () => {
    const logProbs = randomLogProbs(4, 3, 7);
    const a = await beamSearch({ logProbs, dims: [4, 3], blank: 0, beamWidth: 5 });
    const b = beamSearchSync({ logProbs, dims: [4, 3], blank: 0, beamWidth: 5 });
    expect(a).toEqual(b);
    expect(a).toHaveLength(5);
  });

  it('nBest limits the output, best first', () => {
    const logProbs = randomLogProbs(5, 4, 3);
    const hyps = beamSearchSync({ logProbs, dims: [5, 4], beamWidth: 20, nBest: 3 });
    expect(hyps).toHaveLength(3);
    expect(hyps[0].score).toBeGreaterThanOrEqual(hyps[1].score);
    expect(hyps[1].score).toBeGreaterThanOrEqual(hyps[2].score);
  });
});

describe('beamSearch skipping of hopeless prefixes', () => {
  // Scorers with a `maxGain` bound let the beam skip prefixes pruning would drop; the same scorers
  // without the bound disable the shortcut. Both must give identical hypotheses.
  const unbounded = (s: PrefixScorer): PrefixScorer => ({
    initial: () => s.initial(),
    extend: (st, t) => s.extend(st, t),
    finish: (st) => s.finish(st),
  });
  const zero: PrefixScorer<number> = {
    initial: () => 0,
    extend: () => ({ state: 0, score: 0 }),
    finish: () => 0,
  };
  it.each([1, 2, 3])('changes nothing (seed %i)', (seed) => {
    const T = 40;
    const C = 6;
    const logProbs = randomLogProbs(T, C, seed, 2);
    const opts = { logProbs, dims: [T, C], beamWidth: 3, beamPruneLogProb: -6 };
    expect(beamSearchSync(opts)).toEqual(beamSearchSync({ ...opts, scorers: [zero] }));
    const vocabulary = ['-', 'a', 'b', '|', 'c', 'd'];
    const lm = {
      model: NgramLm.fromArpa(TEST_ARPA),
      alpha: 0.8,
      beta: 0.3,
      unkScoreOffset: -2,
      scorePartialWords: true,
    };
    const hw = new Hotwords(
      [
        { tokens: [1, 2], boost: 1.5 },
        { tokens: [4, 4, 5], boost: -0.5 },
      ],
      { C, blank: 0 },
    );
    const bounded = beamSearchSync({ ...opts, vocabulary, lm, hotwords: hw });
    const scorers = [wordLmScorer(lm.model, { vocabulary }, lm), hw].map(unbounded);
    expect(bounded).toEqual(beamSearchSync({ ...opts, vocabulary, scorers }));
  });
});

describe('beamSearch vs greedy', () => {
  it.each([11, 12, 13, 14])(
    'agrees with greedy on peaked posteriors (seed %i), timestamps included',
    (seed) => {
      const T = 40;
      const C = 7;
      const logProbs = randomLogProbs(T, C, seed, 8);
      const g = greedyDecode({ logProbs, dims: [T, C], blank: 2 });
      const [best] = beamSearchSync({ logProbs, dims: [T, C], blank: 2, beamWidth: 8 });
      expect(g.tokens.length).toBeGreaterThan(3);
      expect(Array.from(best.tokens)).toEqual(Array.from(g.tokens));
      expect(Array.from(best.timesteps)).toEqual(Array.from(g.timesteps));
      expect(best.score).toBeGreaterThanOrEqual(g.score); // all alignments ≥ the best one
    },
  );

  it('token pruning (top-k, min log-prob, beam prune) keeps the greedy answer on peaked input', () => {
    const logProbs = randomLogProbs(60, 12, 5, 8);
    const g = greedyDecode({ logProbs, dims: [60, 12] });
    const [best] = beamSearchSync({
      logProbs,
      dims: [60, 12],
      beamWidth: 4,
      tokenTopK: 3,
      tokenMinLogProb: -5,
      beamPruneLogProb: -10,
    });
    expect(Array.from(best.tokens)).toEqual(Array.from(g.tokens));
  });

  it('prefers the prefix with the larger total probability over the best single path', () => {
    // The best single path is blank, blank (.3025), but "a" has three alignments summing to .6975.
    const logProbs = fromProbs([
      [0.55, 0.45],
      [0.55, 0.45],
    ]);
    expect(Array.from(greedyDecode({ logProbs, dims: [2, 2] }).tokens)).toEqual([]);
    const [best] = beamSearchSync({ logProbs, dims: [2, 2], beamWidth: 4 });
    expect(Array.from(best.tokens)).toEqual([1]); // P(a) = .45·.45 + 2·.55·.45 = .6975 > P(∅) = .3025
    close(best.score, Math.log(0.6975));
  });
});

describe('beamSearch confidence and words', () => {
  it('gives per-token and per-word confidence from the emission frames', () => {
    const lp = fromProbs([
      [0.1, 0.7, 0.1, 0.1],
      [0.1, 0.1, 0.1, 0.7],
      [0.1, 0.1, 0.6, 0.2],
      [0.9, 0.04, 0.03, 0.03],
    ]);
    const [h] = beamSearchSync({
      logProbs: lp,
      dims: [4, 4],
      beamWidth: 4,
      vocabulary: TEST_VOCAB,
      confidence: { name: 'max_prob', alpha: 1, aggregation: 'min' },
    });
    expect(Array.from(h.tokens)).toEqual([1, 3, 2]);
    expect(h.words).toEqual(['a', 'b']);
    expect(Array.from(h.timesteps)).toEqual([0, 1, 2]);
    expect(Array.from(h.wordTimesteps!)).toEqual([0, 2]);
    const conf = (p: number) => (p * 4 - 1) / 3; // NeMo max_prob, α = 1, V = 4
    expect(Array.from(h.tokenConfidence!)).toEqual([conf(0.7), conf(0.7), conf(0.6)].map(Math.fround));
    expect(Array.from(h.wordConfidence!)).toEqual([conf(0.7), conf(0.6)].map(Math.fround));
  });
});

describe('beamSearchBatch', () => {
  it('decodes each item of [T, N, C] as beamSearch does on that item', async () => {
    const T = 10;
    const N = 3;
    const C = 4;
    const data = randomLogProbs(T * N, C, 21, 2);
    const lengths = [10, 6, 0];
    const out = await beamSearchBatch({ logProbs: data, dims: [T, N, C], lengths, beamWidth: 4, blank: 3 });
    expect(out).toHaveLength(N);
    for (let n = 0; n < N; n++) {
      const item = new Float32Array(T * C);
      for (let t = 0; t < T; t++) item.set(data.subarray((t * N + n) * C, (t * N + n + 1) * C), t * C);
      expect(out[n]).toEqual(
        beamSearchSync({ logProbs: item, dims: [T, C], length: lengths[n], beamWidth: 4, blank: 3 }),
      );
    }
    expect(out[2]).toHaveLength(1); // only the empty hypothesis, score 0
    expect(out[2][0].score).toBe(0);
  });

  it('explains bad batches', () => {
    const data = randomLogProbs(4, 3, 2);
    expect(() =>
      beamSearchBatchSync({ logProbs: data, dims: [2, 2, 3], lengths: [2], beamWidth: 2 }),
    ).toThrow('beamSearchBatch: lengths has 1 entries but dims [T, N, C] = [2, 2, 3] need N = 2');
    expect(() =>
      beamSearchBatchSync({ logProbs: data, dims: [2, 2, 3], lengths: [2, 3], beamWidth: 2 }),
    ).toThrow('beamSearchBatch: lengths[1] = 3 is out of range [0, T = 2]');
    const bad = data.slice();
    bad[(1 * 2 + 1) * 3] = Number.NaN;
    expect(() => beamSearchBatchSync({ logProbs: bad, dims: [2, 2, 3], beamWidth: 2 })).toThrow(
      'beamSearchBatch: batch item 1: logProbs[t = 1, c = 0] is NaN',
    );
  });
});

describe('beamSearch errors', () => {
  const logProbs = randomLogProbs(3, 4, 1);
  it.each([
    [{ dims: [3, 5] }, /beamSearch: logProbs has 12 values but dims \[T, C\] = \[3, 5\] need 15/],
    [{ dims: [12] }, /beamSearch: dims must be \[T, C\] of non-negative integers, got \[12\]/],
    [{ blank: 4 }, /beamSearch: blank = 4 is out of range \[0, C = 4\)/],
    [{ beamWidth: 0 }, /beamSearch: beamWidth must be an integer ≥ 1, got 0/],
    [{ beamWidth: 2.5 }, /beamWidth must be an integer ≥ 1, got 2.5/],
    [{ nBest: 0 }, /nBest must be an integer ≥ 1, got 0/],
    [{ tokenTopK: -1 }, /tokenTopK must be an integer ≥ 1, got -1/],
    [{ beamPruneLogProb: 3 }, /beamPruneLogProb must be ≤ 0, got 3/],
    [{ length: 4 }, /beamSearch: length = 4 is out of range \[0, T = 3\]/],
    [{ vocabulary: ['a'] }, /vocabulary has 1 entries but logProbs have C = 4 classes/],
    [{ lm: { model: NgramLm.fromArpa(TEST_ARPA) } }, /beamSearch: lm needs a vocabulary/],
    [
      { hotwords: [{ tokens: [1, 9] }] },
      /beamSearch: hotwords\[0\] token 1 = 9 is out of range \[0, C = 4\)/,
    ],
    [{ hotwords: [{ tokens: [0] }] }, /hotwords\[0\] token 0 = 0 is the blank id/],
    [
      { hotwords: [{ pieces: ['a', 'zz'] }], vocabulary: TEST_VOCAB },
      /hotwords\[0\]: piece 'zz' is not in the vocabulary/,
    ],
    [
      { hotwords: [{ tokens: [1] }, { text: 'abx' }], vocabulary: TEST_VOCAB },
      /hotwords\[1\]: character 'x' is not in the vocabulary/,
    ],
    [{ hotwords: [{ text: 'ab' }] }, /hotwords\[0\]: text needs a vocabulary or a tokenize function/],
    [
      { hotwords: new Hotwords([{ tokens: [1, 7] }], { C: 8, blank: 0 }) },
      /beamSearch: hotwords phrase 0 holds id 7: the blank or out of range \[0, C = 4\)/,
    ],
    [
      { vocabulary: TEST_VOCAB, lm: { model: NgramLm.fromArpa(TEST_ARPA), alpha: Number.NaN } },
      /beamSearch: lm.alpha must be a finite number, got NaN/,
    ],
    [{ vocabulary: TEST_VOCAB, lm: { model: {} as NgramLm } }, /beamSearch: lm.model must be an NgramLm/],
  ])('%o', (extra, message) => {
    expect(() => beamSearchSync({ logProbs, dims: [3, 4], beamWidth: 2, ...extra })).toThrow(message);
  });

  it('names the frame holding NaN', () => {
    const bad = logProbs.slice();
    bad[2 * 4 + 1] = Number.NaN;
    expect(() => beamSearchSync({ logProbs: bad, dims: [3, 4], beamWidth: 2 })).toThrow(
      'beamSearch: logProbs[t = 2, c = 1] is NaN',
    );
  });

  it('rejects with the same message', async () => {
    await expect(beamSearch({ logProbs, dims: [3, 4], beamWidth: 0 })).rejects.toThrow(/beamWidth/);
  });
});
