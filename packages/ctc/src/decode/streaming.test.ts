import { describe, expect, it } from 'vitest';
import { beamSearchSync } from './beam-search.js';
import { greedyDecode } from './greedy.js';
import { NgramLm } from './ngram-lm.js';
import { StreamingBeamSearch, StreamingGreedyDecoder } from './streaming.js';
import { randomLogProbs, rng } from './test-support.js';

/** Random chunk boundaries over T frames (empty chunks included). */
function chunks(x: Float32Array, T: number, C: number, seed: number) {
  const r = rng(seed);
  const out: Array<{ logProbs: Float32Array; dims: number[] }> = [];
  let t = 0;
  while (t < T) {
    const n = Math.min(T - t, Math.floor(r() * 6));
    out.push({ logProbs: x.slice(t * C, (t + n) * C), dims: [n, C] });
    t += n;
  }
  return out;
}

const VOCAB = ['-', 'a', 'b', 'c', '|'];
const LM = `\\data\\\nngram 1=5\n\n\\1-grams:\n-1 </s>\n-99 <s>\n-0.5 ab\n-0.7 c\n-1.2 <unk>\n\n\\end\\\n`;

describe('StreamingGreedyDecoder', () => {
  it.each([1, 2, 3])('equals whole-input greedy decoding (seed %i)', (seed) => {
    const T = 50;
    const C = 5;
    const x = randomLogProbs(T, C, seed, 3);
    const whole = greedyDecode({ logProbs: x, dims: [T, C], confidence: true, words: { vocabulary: VOCAB } });
    const s = new StreamingGreedyDecoder({ classes: C, confidence: true, words: { vocabulary: VOCAB } });
    let prev: Int32Array = new Int32Array(0);
    for (const ch of chunks(x, T, C, seed)) {
      const partial = s.push(ch);
      expect(Array.from(partial.subarray(0, prev.length))).toEqual(Array.from(prev)); // only grows
      prev = partial;
    }
    expect(s.frames).toBe(T);
    expect(s.finish()).toEqual(whole);
  });

  it('collapses a repeat across a chunk boundary', () => {
    const x = new Float32Array([-5, 0, -5, 0, -5, 0].map((v) => (v === 0 ? -0.01 : -5)));
    const s = new StreamingGreedyDecoder({ classes: 2 });
    s.push({ logProbs: x.slice(0, 2), dims: [1, 2] });
    s.push({ logProbs: x.slice(2), dims: [2, 2] });
    expect(Array.from(s.finish().tokens)).toEqual([1]);
  });

  it('explains bad chunks', () => {
    const s = new StreamingGreedyDecoder({ classes: 3 });
    expect(() => s.push({ logProbs: new Float32Array(8), dims: [2, 4] })).toThrow(
      'StreamingGreedyDecoder.push: chunk dims [2, 4] do not match classes = 3',
    );
    expect(() => s.push({ logProbs: new Float32Array(5), dims: [2, 3] })).toThrow(
      'StreamingGreedyDecoder.push: logProbs has 5 values but dims [t, C] = [2, 3] need 6',
    );
    s.finish();
    expect(() => s.push({ logProbs: new Float32Array(3), dims: [1, 3] })).toThrow(/push after finish/);
    expect(() => new StreamingGreedyDecoder({ classes: 0 })).toThrow(
      'StreamingGreedyDecoder: classes must be an integer ≥ 1, got 0',
    );
  });
});

describe('StreamingBeamSearch', () => {
  const lm = NgramLm.fromArpa(LM);
  const settings = [
    { beamWidth: 8 },
    { beamWidth: 4, tokenTopK: 3, beamPruneLogProb: -8 },
    {
      beamWidth: 6,
      vocabulary: VOCAB,
      lm: { model: lm, alpha: 0.6, beta: 0.5 },
      hotwords: [{ text: 'cab', boost: 1 }],
    },
  ];
  it.each(settings.map((s, i) => [i, s] as const))(
    'setting %i: finish equals whole-input beam search',
    (i, opts) => {
      const T = 60;
      const C = 5;
      const x = randomLogProbs(T, C, 100 + i, 2);
      const whole = beamSearchSync({ logProbs: x, dims: [T, C], ...opts, confidence: true });
      const s = new StreamingBeamSearch({ classes: C, ...opts, confidence: true });
      let prev: Int32Array = new Int32Array(0);
      let grew = false;
      for (const ch of chunks(x, T, C, 7 + i)) {
        const stable = s.push(ch);
        expect(Array.from(stable.tokens.subarray(0, prev.length))).toEqual(Array.from(prev));
        grew ||= stable.tokens.length > 0;
        prev = stable.tokens;
        const p = s.partial();
        expect(Array.from(p.best!.tokens.subarray(0, stable.tokens.length))).toEqual(
          Array.from(stable.tokens),
        );
      }
      const final = s.finish();
      expect(final).toEqual(whole);
      expect(grew).toBe(true);
      expect(Array.from(final[0].tokens.subarray(0, prev.length))).toEqual(Array.from(prev));
      expect(Array.from(final[0].timesteps.subarray(0, prev.length))).toEqual(
        Array.from(s.partial().stable.timesteps),
      );
    },
  );

  it('explains bad options', () => {
    expect(() => new StreamingBeamSearch({ classes: 3, beamWidth: 0 })).toThrow(
      'StreamingBeamSearch: beamWidth must be an integer ≥ 1, got 0',
    );
    expect(() => new StreamingBeamSearch({ classes: 3, beamWidth: 2, blank: -1 })).toThrow(
      'StreamingBeamSearch: blank = -1 is out of range [0, C = 3)',
    );
  });
});
