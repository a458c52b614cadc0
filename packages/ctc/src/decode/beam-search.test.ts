import { describe, expect, it } from 'vitest';
import { beamSearch, beamSearchSync } from './beam-search.js';
import { greedyDecode } from './greedy.js';
import { Hotwords } from './hotwords.js';
import { wordLmScorer } from './lm-scorer.js';
import { LN10 } from './log-math.js';
import { NgramLm } from './ngram-lm.js';
import type { PrefixScorer } from './prefix-scorer.js';
import { bruteForce, ctcForward, fromProbs, randomLogProbs } from './test-support.js';

const close = (a: number, b: number, rel = 1e-6) =>
  expect(Math.abs(a - b)).toBeLessThanOrEqual(rel * Math.max(1, Math.abs(b)));

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
    const lm = { model: NgramLm.fromArpa(ARPA), alpha: 0.8, beta: 0.3 };
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

// vocabulary: 0 blank, 1 'a', 2 'b', 3 '|'
const VOCAB = ['-', 'a', 'b', '|'];
const ARPA = `\\data\\
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

function wordsOf(seq: number[]): string[] {
  return seq
    .map((i) => VOCAB[i])
    .join('')
    .split('|')
    .filter((w) => w !== '');
}

describe('beamSearch with an n-gram LM', () => {
  const lm = NgramLm.fromArpa(ARPA);
  // "aa" (0.28) narrowly beats "ab" (0.26) acoustically; the LM strongly prefers the word "ab".
  const logProbs = fromProbs([
    [0.05, 0.9, 0.03, 0.02],
    [0.6, 0.05, 0.05, 0.3],
    [0.05, 0.52, 0.41, 0.02],
  ]);
  const base = { logProbs, dims: [3, 4], beamWidth: 1000, vocabulary: VOCAB } as const;

  it('word-level fusion flips an acoustically close pair toward the likelier word', () => {
    const [noLm] = beamSearchSync(base);
    expect(wordsOf(Array.from(noLm.tokens))).toEqual(['aa']);
    const [withLm] = beamSearchSync({ ...base, lm: { model: lm, alpha: 0.5, beta: 1 } });
    expect(withLm.words).toEqual(['ab']);
    // score = acoustic (all alignments) + α·ln10·(log10 P(ab|<s>) + log10 P(</s>|ab)) + β·1
    const acoustic = ctcForward(logProbs, 3, 4, withLm.tokens, 0);
    close(withLm.acousticScore, acoustic);
    close(withLm.score, acoustic + 0.5 * LN10 * (-0.1 + -0.2) + 1);
  });

  it('with a wide beam the LM-fused result equals brute force over all sequences', () => {
    const alpha = 0.7;
    const beta = -0.4;
    const ctx = (seq: number[]) => {
      const w = wordsOf(seq);
      return alpha * LN10 * lm.sentenceLog10Prob(w) + beta * w.length;
    };
    for (let seed = 30; seed < 36; seed++) {
      const lp = randomLogProbs(4, 4, seed, 1);
      const ref = bruteForce(lp, 4, 4, 0, ctx);
      const hyps = beamSearchSync({
        logProbs: lp,
        dims: [4, 4],
        beamWidth: 10_000,
        vocabulary: VOCAB,
        lm: { model: lm, alpha, beta },
      });
      expect(Array.from(hyps[0].tokens)).toEqual(ref[0].seq);
      close(hyps[0].score, ref[0].score);
      close(hyps[5].score, ref[5].score);
    }
  });

  it('token-level fusion scores each token string as an LM word', () => {
    const tokLm = NgramLm.fromArpa(
      `\\data\\\nngram 1=5\n\n\\1-grams:\n-0.5 a\n-2 b\n-1 |\n-0.3 </s>\n-99 <s>\n\n\\end\\\n`,
    );
    const lp = fromProbs([
      [0.1, 0.44, 0.46, 0],
      [0.9, 0.05, 0.05, 0],
    ]);
    const noLm = beamSearchSync({ logProbs: lp, dims: [2, 4], beamWidth: 50, vocabulary: VOCAB });
    expect(Array.from(noLm[0].tokens)).toEqual([2]);
    const [best] = beamSearchSync({
      logProbs: lp,
      dims: [2, 4],
      beamWidth: 50,
      vocabulary: VOCAB,
      lm: { model: tokLm, level: 'token', alpha: 1, beta: 0.25 },
    });
    expect(Array.from(best.tokens)).toEqual([1]);
    close(best.contextScore, LN10 * (-0.5 + -0.3) + 0.25);
  });

  it('SentencePiece pieces: a word is scored when the next "▁" piece starts', () => {
    const sp = ['<b>', '\u2581a', 'b', '\u2581b'];
    const spLm = NgramLm.fromArpa(
      `\\data\\\nngram 1=4\n\n\\1-grams:\n-0.5 ab\n-1 b\n-0.2 </s>\n-99 <s>\n\n\\end\\\n`,
    );
    const lp = fromProbs([
      [0.01, 0.97, 0.01, 0.01],
      [0.01, 0.01, 0.97, 0.01],
      [0.01, 0.01, 0.01, 0.97],
    ]);
    const [best] = beamSearchSync({
      logProbs: lp,
      dims: [3, 4],
      beamWidth: 8,
      vocabulary: sp,
      lm: { model: spLm, alpha: 1 },
    });
    expect(best.words).toEqual(['ab', 'b']);
    close(best.contextScore, LN10 * (-0.5 + -1 + -0.2));
  });
});

describe('beamSearch with hotwords', () => {
  // vocabulary: 0 blank, 1 'a', 2 'b', 3 'c'
  const lp = fromProbs([
    [0.1, 0.8, 0.05, 0.05],
    [0.1, 0.05, 0.45, 0.4],
    [0.8, 0.1, 0.05, 0.05],
  ]);
  const base = { logProbs: lp, dims: [3, 4], beamWidth: 100 } as const;

  it('a boosted phrase overtakes, keeping boost × length', () => {
    const [plain] = beamSearchSync(base);
    expect(Array.from(plain.tokens)).toEqual([1, 2]);
    const [boosted] = beamSearchSync({ ...base, hotwords: [{ tokens: [1, 3], boost: 1 }] });
    expect(Array.from(boosted.tokens)).toEqual([1, 3]);
    close(boosted.contextScore, 2);
    close(boosted.acousticScore, ctcForward(lp, 3, 4, [1, 3], 0));
  });

  it('an abandoned partial match earns nothing in the end', () => {
    const hyps = beamSearchSync({ ...base, hotwords: [{ tokens: [1, 3, 3], boost: 0.3 }] });
    for (const h of hyps) {
      const t = Array.from(h.tokens);
      const complete = t.join(',').includes('1,3,3');
      close(h.contextScore, complete ? 0.9 : 0);
    }
  });

  it('with a wide beam equals brute force with the completed-phrase bonus', () => {
    const phrases = [
      { tokens: [2, 3], boost: 0.8 },
      { tokens: [1], boost: -0.5 },
    ];
    const ctx = (seq: number[]) => {
      let s = 0;
      for (let i = 0; i < seq.length; i++) {
        if (seq[i] === 1) s += -0.5;
        if (seq[i] === 2 && seq[i + 1] === 3) s += 1.6;
      }
      return s;
    };
    for (let seed = 40; seed < 46; seed++) {
      const x = randomLogProbs(5, 4, seed, 1);
      const ref = bruteForce(x, 5, 4, 0, ctx);
      const hyps = beamSearchSync({ logProbs: x, dims: [5, 4], beamWidth: 10_000, hotwords: phrases });
      expect(Array.from(hyps[0].tokens)).toEqual(ref[0].seq);
      close(hyps[0].score, ref[0].score);
      close(hyps[7].score, ref[7].score);
    }
  });

  it('hotwords as text over a character vocabulary', () => {
    const [h] = beamSearchSync({
      ...base,
      vocabulary: ['-', 'a', 'b', 'c'],
      hotwords: [{ text: 'ac', boost: 1 }],
    });
    expect(Array.from(h.tokens)).toEqual([1, 3]);
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
      vocabulary: VOCAB,
      confidence: { name: 'max_prob', alpha: 1, aggregation: 'min' },
    });
    expect(Array.from(h.tokens)).toEqual([1, 3, 2]);
    expect(h.words).toEqual(['a', 'b']);
    const conf = (p: number) => (p * 4 - 1) / 3; // NeMo max_prob, α = 1, V = 4
    expect(Array.from(h.tokenConfidence!)).toEqual([conf(0.7), conf(0.7), conf(0.6)].map(Math.fround));
    expect(Array.from(h.wordConfidence!)).toEqual([conf(0.7), conf(0.6)].map(Math.fround));
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
    [{ lm: { model: NgramLm.fromArpa(ARPA) } }, /beamSearch: lm needs a vocabulary/],
    [
      { hotwords: [{ tokens: [1, 9] }] },
      /beamSearch: hotwords\[0\] token 1 = 9 is out of range \[0, C = 4\)/,
    ],
    [{ hotwords: [{ tokens: [0] }] }, /hotwords\[0\] token 0 = 0 is the blank id/],
    [
      { hotwords: [{ pieces: ['a', 'zz'] }], vocabulary: VOCAB },
      /hotwords\[0\]: piece 'zz' is not in the vocabulary/,
    ],
    [
      { hotwords: [{ tokens: [1] }, { text: 'abx' }], vocabulary: VOCAB },
      /hotwords\[1\]: character 'x' is not in the vocabulary/,
    ],
    [{ hotwords: [{ text: 'ab' }] }, /hotwords\[0\]: text needs a vocabulary or a tokenize function/],
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
