import { describe, expect, it } from 'vitest';
import { beamSearchSync } from './beam-search.js';
import { wordLmScorer } from './lm-scorer.js';
import { LN10 } from './log-math.js';
import { NgramLm } from './ngram-lm.js';
import {
  bruteForce,
  close,
  ctcForward,
  fromProbs,
  randomLogProbs,
  TEST_ARPA,
  TEST_VOCAB,
  wordsOf,
} from './test-support.js';

describe('beamSearch with an n-gram LM', () => {
  const lm = NgramLm.fromArpa(TEST_ARPA);
  // "aa" (0.28) narrowly beats "ab" (0.26) acoustically; the LM strongly prefers the word "ab".
  const logProbs = fromProbs([
    [0.05, 0.9, 0.03, 0.02],
    [0.6, 0.05, 0.05, 0.3],
    [0.05, 0.52, 0.41, 0.02],
  ]);
  const base = { logProbs, dims: [3, 4], beamWidth: 1000, vocabulary: TEST_VOCAB } as const;

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
        vocabulary: TEST_VOCAB,
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
    const noLm = beamSearchSync({ logProbs: lp, dims: [2, 4], beamWidth: 50, vocabulary: TEST_VOCAB });
    expect(Array.from(noLm[0].tokens)).toEqual([2]);
    const [best] = beamSearchSync({
      logProbs: lp,
      dims: [2, 4],
      beamWidth: 50,
      vocabulary: TEST_VOCAB,
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

describe('partial-word scoring', () => {
  const lm = NgramLm.fromArpa(TEST_ARPA);

  it('charges unkScoreOffset while no LM word starts with the partial word, and takes it back', () => {
    const opts = { alpha: 1, unkScoreOffset: -10, scorePartialWords: true };
    const sc = wordLmScorer(lm, { vocabulary: TEST_VOCAB }, opts);
    const plain = wordLmScorer(lm, { vocabulary: TEST_VOCAB }, { ...opts, scorePartialWords: false });
    const run = (s: typeof sc, seq: number[]) => {
      let st = s.initial();
      const deltas: number[] = [];
      for (const t of seq) {
        const r = s.extend(st, t);
        deltas.push(r.score);
        st = r.state;
      }
      return { deltas, total: deltas.reduce((a, b) => a + b, 0) + s.finish(st) };
    };
    // "b…" starts no LM word: charged; "a…" starts "ab" and "aa": free.
    expect(run(sc, [2]).deltas).toEqual([-10]);
    expect(run(sc, [1]).deltas).toEqual([0]);
    expect(run(sc, [1, 2]).deltas).toEqual([0, 0]);
    // "bb" is still charged once; the delimiter completes the OOV word "bb" and takes the charge back.
    const bb = run(sc, [2, 2, 3, 1]);
    expect(bb.deltas[1]).toBe(0);
    expect(bb.deltas[2]).toBeCloseTo(run(plain, [2, 2, 3]).deltas[2] + 10, 9);
    for (const seq of [[2], [2, 2, 3, 1], [1, 2, 3, 2, 1], [3, 2, 1]]) {
      expect(run(sc, seq).total).toBeCloseTo(run(plain, seq).total, 9);
    }
  });

  it('keeps in-vocabulary partial words in a narrow beam', () => {
    const lp = fromProbs([
      [0.05, 0.45, 0.5, 0],
      [0.1, 0.05, 0.85, 0],
    ]);
    const base = { logProbs: lp, dims: [2, 4], beamWidth: 1, vocabulary: TEST_VOCAB } as const;
    const lmOpts = { model: lm, alpha: 1, unkScoreOffset: -10 };
    expect(beamSearchSync({ ...base, lm: lmOpts })[0].words).toEqual(['b']);
    expect(beamSearchSync({ ...base, lm: { ...lmOpts, scorePartialWords: true } })[0].words).toEqual(['ab']);
  });

  it('leaves final scores unchanged when the beam keeps every prefix', () => {
    const lp = randomLogProbs(4, 4, 61, 1);
    const run = (scorePartialWords: boolean) =>
      beamSearchSync({
        logProbs: lp,
        dims: [4, 4],
        beamWidth: 10_000,
        vocabulary: TEST_VOCAB,
        lm: { model: lm, alpha: 0.8, unkScoreOffset: -3, scorePartialWords },
      });
    const a = run(false);
    const b = run(true);
    const key = (t: Int32Array) => Array.from(t).join(',');
    const scores = new Map(a.map((h) => [key(h.tokens), h.score]));
    expect(b).toHaveLength(a.length);
    for (const h of b) close(h.score, scores.get(key(h.tokens))!);
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
