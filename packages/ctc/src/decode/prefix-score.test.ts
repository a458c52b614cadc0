import { describe, expect, it } from 'vitest';
import { ctcLoss } from '../loss/index.js';
import { logSumExp } from './log-math.js';
import { CtcPrefixScorer } from './prefix-score.js';
import { allSequences, ctcForward, randomLogProbs } from './test-support.js';

/** Scores a whole hypothesis token by token, then eos: ESPnet's hybrid-decoding loop. */
function scoreHypothesis(scorer: CtcPrefixScorer, hyp: number[]): number[] {
  let state = scorer.initialState();
  const psis: number[] = [];
  for (let i = 0; i <= hyp.length; i++) {
    const c = i < hyp.length ? hyp[i] : scorer.eos;
    const { scores, states } = scorer.score(hyp.slice(0, i), [c], state);
    psis.push(scores[0]);
    state = states[0];
  }
  return psis;
}

describe('CtcPrefixScorer (ESPnet CTCPrefixScore semantics)', () => {
  it.each([
    [6, 4, 0, [1, 2, 2, 3]],
    [8, 5, 4, [0, 1, 1, 0, 2]],
    [3, 3, 1, [2]],
    [5, 3, 0, []],
    [12, 6, 2, [1, 1, 1, 3, 5, 0]],
  ])('T=%i C=%i blank=%i %j: full hypothesis + eos = CTC log-likelihood', (T, C, blank, hyp) => {
    const x = randomLogProbs(T, C, T * 31 + C, 1.5);
    const scorer = new CtcPrefixScorer({ logProbs: x, dims: [T, C], blank, eos: C + 10 });
    const psis = scoreHypothesis(scorer, hyp);
    const ll = ctcForward(x, T, C, hyp, blank);
    expect(psis[psis.length - 1]).toBeCloseTo(ll, 9);
    // Independent check against the package's CTC loss (torch-verified): loss = −log P.
    const { loss } = ctcLoss({
      logProbs: x,
      dims: [T, 1, C],
      targets: Int32Array.from(hyp),
      inputLengths: Int32Array.of(T),
      targetLengths: Int32Array.of(hyp.length),
      blank,
      reduction: 'none',
      grad: false,
    }) as { loss: Float32Array };
    expect(psis[psis.length - 1]).toBeCloseTo(-loss[0], 4);
  });

  it('ψ(g·c) = log Σ P(y | x) over every label sequence y that starts with g·c', () => {
    const T = 5;
    const C = 4;
    const blank = 0;
    const x = randomLogProbs(T, C, 77, 1);
    const all = allSequences(C, blank, T).map((y) => ({ y, lp: ctcForward(x, T, C, y, blank) }));
    const scorer = new CtcPrefixScorer({ logProbs: x, dims: [T, C], blank, eos: C });
    for (const g of [[], [1], [2, 2], [3, 1, 3]]) {
      let state = scorer.initialState();
      for (let i = 0; i < g.length; i++) state = scorer.score(g.slice(0, i), [g[i]], state).states[0];
      const cands = [1, 2, 3, blank, C];
      const { scores } = scorer.score(g, cands, state);
      for (let k = 0; k < 3; k++) {
        const h = [...g, cands[k]];
        const want = logSumExp(all.filter((e) => h.every((v, i) => e.y[i] === v)).map((e) => e.lp));
        // ψ assumes each frame sums to 1; float32 rows do to ~1e-8, hence the tolerance.
        expect(scores[k]).toBeCloseTo(want, 6);
      }
      expect(scores[3]).toBe(Number.NEGATIVE_INFINITY); // blank
      expect(scores[4]).toBeCloseTo(ctcForward(x, T, C, g, blank), 9); // eos: g is the whole sequence
    }
  });

  it('a prefix longer than the frames allow scores log(0)', () => {
    const x = randomLogProbs(2, 3, 5);
    const s = new CtcPrefixScorer({ logProbs: x, dims: [2, 3], eos: 9 });
    const psis = scoreHypothesis(s, [1, 2, 1]);
    expect(psis[2]).toBe(Number.NEGATIVE_INFINITY);
    expect(psis[3]).toBe(Number.NEGATIVE_INFINITY);
  });

  it('uses only the first `length` frames', () => {
    const x = randomLogProbs(6, 3, 8);
    const s = new CtcPrefixScorer({ logProbs: x, dims: [6, 3], eos: 3, length: 4 });
    expect(scoreHypothesis(s, [1, 2]).at(-1)).toBeCloseTo(ctcForward(x, 4, 3, [1, 2], 0), 9);
  });

  it('explains bad arguments', () => {
    const x = randomLogProbs(3, 3, 1);
    expect(() => new CtcPrefixScorer({ logProbs: x, dims: [3, 4], eos: 2 })).toThrow(
      'CtcPrefixScorer: logProbs has 9 values but dims [T, C] = [3, 4] need 12',
    );
    expect(() => new CtcPrefixScorer({ logProbs: x, dims: [3, 3], eos: 0 })).toThrow(
      'CtcPrefixScorer: eos = 0 must be an integer id other than the blank (0)',
    );
    expect(() => new CtcPrefixScorer({ logProbs: x, dims: [3, 3], blank: 3, eos: 1 })).toThrow(
      'CtcPrefixScorer: blank = 3 is out of range [0, C = 3)',
    );
    expect(() => new CtcPrefixScorer({ logProbs: new Float32Array(0), dims: [0, 3], eos: 1 })).toThrow(
      'CtcPrefixScorer: needs at least one frame, got T = 0',
    );
    const s = new CtcPrefixScorer({ logProbs: x, dims: [3, 3], eos: 5 });
    const st = s.initialState();
    expect(() => s.score([], [4], st)).toThrow(
      'CtcPrefixScorer.score: candidates[0] = 4 is out of range [0, C = 3) and is not eos',
    );
    expect(() => s.score([0], [1], st)).toThrow(
      'CtcPrefixScorer.score: prefix[0] = 0 must be a non-blank id in [0, C = 3)',
    );
    expect(() => s.score([], [1], { r: new Float64Array(2), score: 0 })).toThrow(
      'CtcPrefixScorer.score: state.r has 2 values but 2·T = 6',
    );
  });
});
