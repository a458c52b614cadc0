import { describe, expect, it } from 'vitest';
import { Hotwords } from './hotwords.js';

/** Context score of a whole sequence: Σ extend deltas (+ finish when `final`). */
function run(h: Hotwords, seq: number[], final = true): number {
  let s = h.initial();
  let total = 0;
  for (const t of seq) {
    const r = h.extend(s, t);
    s = r.state;
    total += r.score;
  }
  return final ? total + h.finish(s) : total;
}

describe('Hotwords', () => {
  const opts = { C: 6, blank: 0 };

  it('gives partial bonuses while a phrase grows and keeps boost × length when it completes', () => {
    const h = new Hotwords([{ tokens: [1, 2, 3], boost: 1.5 }], opts);
    expect(run(h, [1], false)).toBeCloseTo(1.5, 12);
    expect(run(h, [1, 2], false)).toBeCloseTo(3, 12);
    expect(run(h, [1, 2, 3], false)).toBeCloseTo(4.5, 12);
    expect(run(h, [1, 2, 3])).toBeCloseTo(4.5, 12);
    expect(run(h, [5, 1, 2, 3, 4])).toBeCloseTo(4.5, 12);
    expect(run(h, [1, 2, 3, 1, 2, 3])).toBeCloseTo(9, 12);
  });

  it('revokes the partial bonus when the match breaks off or the hypothesis ends', () => {
    const h = new Hotwords([{ tokens: [1, 2, 3], boost: 1.5 }], opts);
    expect(run(h, [1, 2, 4], false)).toBeCloseTo(0, 12);
    expect(run(h, [1, 2])).toBeCloseTo(0, 12);
    // Breaking off into a new start of the phrase keeps only the new partial.
    expect(run(h, [1, 2, 1], false)).toBeCloseTo(1.5, 12);
    expect(run(h, [1, 1, 2, 3])).toBeCloseTo(4.5, 12);
  });

  it('follows failure links: overlapping phrases and per-phrase boosts', () => {
    const h = new Hotwords(
      [
        { tokens: [1, 2, 3], boost: 1 },
        { tokens: [2, 3, 4], boost: 2 },
      ],
      opts,
    );
    expect(run(h, [1, 2, 3, 4])).toBeCloseTo(3 + 6, 12);
    expect(run(h, [1, 2, 3, 5])).toBeCloseTo(3, 12);
    expect(run(h, [2, 3, 4])).toBeCloseTo(6, 12);
    // The state is the longest phrase prefix the sequence ends with: after "1 2 3" that is the
    // finished "1 2 3" (no partial), and "4" then completes "2 3 4" through the failure link.
    expect(run(h, [1, 2, 3], false)).toBeCloseTo(3, 12);
    expect(run(h, [1, 2, 3])).toBeCloseTo(3, 12);
    expect(run(h, [5, 2, 3], false)).toBeCloseTo(4, 12);
    expect(run(h, [5, 2, 3])).toBeCloseTo(0, 12);
  });

  it('a phrase inside a longer phrase completes on its own', () => {
    const h = new Hotwords(
      [
        { tokens: [1, 2], boost: 1 },
        { tokens: [1, 2, 3], boost: 1 },
      ],
      opts,
    );
    expect(run(h, [1, 2])).toBeCloseTo(2, 12);
    expect(run(h, [1, 2, 3])).toBeCloseTo(2 + 3, 12);
    expect(run(h, [1, 2, 4])).toBeCloseTo(2, 12);
  });

  it('resolves pieces, characters and tokenized text', () => {
    const vocabulary = ['<b>', 'h', 'i', ' ', '\u2581hi', 'x'];
    const h = new Hotwords([{ pieces: ['\u2581hi', 'x'] }, { text: 'hi h' }, { text: 'zz', boost: 3 }], {
      ...opts,
      vocabulary,
      tokenize: (t) => (t === 'zz' ? [5, 5] : Array.from(t, (c) => vocabulary.indexOf(c))),
    });
    expect(Array.from(h.phrases[0])).toEqual([4, 5]);
    expect(Array.from(h.phrases[1])).toEqual([1, 2, 3, 1]);
    expect(Array.from(h.phrases[2])).toEqual([5, 5]);
    expect(run(h, [4, 5])).toBeCloseTo(4, 12); // default boost 2 per token
  });

  it('explains bad phrases', () => {
    const vocabulary = ['-', 'a', 'b', '|', 'c', 'd'];
    expect(() => new Hotwords([{ tokens: [1, 6] }], opts)).toThrow(
      'Hotwords: hotwords[0] token 1 = 6 is out of range [0, C = 6)',
    );
    expect(() => new Hotwords([{ tokens: [] }], opts)).toThrow('Hotwords: hotwords[0] is empty');
    expect(() => new Hotwords([{ tokens: [1], boost: Number.NaN }], opts)).toThrow(
      'Hotwords: hotwords[0].boost = NaN must be a finite number',
    );
    expect(() => new Hotwords([{ pieces: ['q'] }], { ...opts, vocabulary })).toThrow(
      "Hotwords: hotwords[0]: piece 'q' is not in the vocabulary",
    );
    expect(() => new Hotwords([{ pieces: ['a'] }], opts)).toThrow(
      'Hotwords: hotwords[0]: pieces need a vocabulary',
    );
    expect(() => new Hotwords([{}], opts)).toThrow('Hotwords: hotwords[0] needs tokens, pieces or text');
    expect(() => new Hotwords([{ pieces: ['-'] }], { ...opts, vocabulary })).toThrow(
      /piece '-' is not in the vocabulary/,
    );
  });
});
