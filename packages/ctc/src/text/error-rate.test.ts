import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { editAlign } from './edit-distance.js';
import { charErrorRate, corpusErrorRate, normalizeText, wordErrorRate } from './error-rate.js';

/** Plain recursive Levenshtein distance (memoised), independent of editAlign's table and traceback. */
function distance(a: string[], b: string[]): number {
  const memo = new Map<string, number>();
  const go = (i: number, j: number): number => {
    if (i === a.length) return b.length - j;
    if (j === b.length) return a.length - i;
    const k = `${i},${j}`;
    const m = memo.get(k);
    if (m !== undefined) return m;
    const v = Math.min(go(i + 1, j + 1) + (a[i] === b[j] ? 0 : 1), go(i + 1, j) + 1, go(i, j + 1) + 1);
    memo.set(k, v);
    return v;
  };
  return go(0, 0);
}

describe('editAlign', () => {
  it('gives the minimal distance and ops that rebuild both sequences', () => {
    let seed = 7;
    const rnd = () => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return seed / 2 ** 32;
    };
    for (let n = 0; n < 200; n++) {
      const a = Array.from({ length: Math.floor(rnd() * 7) }, () => 'abc'[Math.floor(rnd() * 3)]);
      const b = Array.from({ length: Math.floor(rnd() * 7) }, () => 'abc'[Math.floor(rnd() * 3)]);
      const r = editAlign(a, b);
      expect(r.distance).toBe(distance(a, b));
      expect(r.substitutions + r.deletions + r.insertions).toBe(r.distance);
      expect(r.ops.filter((o) => o.ref !== null).map((o) => o.ref)).toEqual(a);
      expect(r.ops.filter((o) => o.hyp !== null).map((o) => o.hyp)).toEqual(b);
      for (const o of r.ops) {
        if (o.op === 'hit') expect(o.ref).toBe(o.hyp);
        if (o.op === 'sub') expect(o.ref).not.toBe(o.hyp);
      }
      expect(r.hits + r.substitutions + r.deletions).toBe(a.length);
    }
  });

  it('prefers substitutions over a deletion plus an insertion on equal cost', () => {
    const r = editAlign(['a', 'b'], ['b', 'c']);
    expect(r.ops.map((o) => o.op)).toEqual(['sub', 'sub']);
  });
});

const torchaudioCases = JSON.parse(
  readFileSync(new URL('./fixtures/edit-distance.json', import.meta.url), 'utf8'),
) as Array<{ ref: string; hyp: string; words: number; chars: number }>;

describe('wordErrorRate / charErrorRate', () => {
  it('agrees with torchaudio.functional.edit_distance on words and characters', () => {
    expect(torchaudioCases.length).toBeGreaterThan(40);
    for (const c of torchaudioCases) {
      const w = wordErrorRate(c.ref, c.hyp);
      expect(w.distance).toBe(c.words);
      expect(w.substitutions + w.deletions + w.insertions).toBe(c.words);
      expect(charErrorRate(c.ref, c.hyp).distance).toBe(c.chars);
    }
  });

  it('counts substitutions, deletions, insertions and hits (hand-computed)', () => {
    const r = wordErrorRate('the cat sat on the mat', 'the cat sit on mat');
    expect([r.hits, r.substitutions, r.deletions, r.insertions]).toEqual([4, 1, 1, 0]);
    expect(r.rate).toBeCloseTo(2 / 6, 12);
    expect(r.ops).toEqual([
      { op: 'hit', ref: 'the', hyp: 'the' },
      { op: 'hit', ref: 'cat', hyp: 'cat' },
      { op: 'sub', ref: 'sat', hyp: 'sit' },
      { op: 'hit', ref: 'on', hyp: 'on' },
      { op: 'del', ref: 'the', hyp: null },
      { op: 'hit', ref: 'mat', hyp: 'mat' },
    ]);
    const ins = wordErrorRate('hello world', 'hello big world');
    expect([ins.hits, ins.substitutions, ins.deletions, ins.insertions, ins.rate]).toEqual([2, 0, 0, 1, 0.5]);
    // jiwer's README example: one substitution in two words.
    expect(wordErrorRate('hello world', 'hello duck').rate).toBe(0.5);
    // More insertions than reference words: the rate exceeds 1.
    expect(wordErrorRate('a', 'b c d').rate).toBe(3);
  });

  it('counts characters including the spaces between words', () => {
    const r = charErrorRate('abc d', 'abd d');
    expect([r.hits, r.substitutions, r.refLength]).toEqual([4, 1, 5]);
    expect(r.rate).toBeCloseTo(0.2, 12);
    expect(charErrorRate('ab', 'a b').insertions).toBe(1);
  });

  it('normalises case and punctuation on request', () => {
    expect(wordErrorRate('Hello, World!', 'hello world').rate).toBe(1);
    expect(
      wordErrorRate('Hello, World!', 'hello world', { lowercase: true, removePunctuation: true }).rate,
    ).toBe(0);
    expect(normalizeText("  Don't   STOP. ", { lowercase: true, removePunctuation: true })).toBe('dont stop');
    expect(normalizeText('a-b', { normalize: (s) => s.replace('-', ' ') })).toBe('a b');
  });

  it('handles empty texts', () => {
    expect(wordErrorRate('', '').rate).toBe(0);
    const r = wordErrorRate('', 'x y');
    expect(r.rate).toBe(Number.POSITIVE_INFINITY);
    expect(r.insertions).toBe(2);
    expect(wordErrorRate('a b', '').deletions).toBe(2);
  });
});

describe('corpusErrorRate', () => {
  it('sums errors and reference lengths before dividing', () => {
    const refs = ['the cat sat on the mat', 'hello world', ''];
    const hyps = ['the cat sit on mat', 'hello big world', ''];
    const c = corpusErrorRate(refs, hyps);
    expect([c.substitutions, c.deletions, c.insertions, c.hits, c.refLength]).toEqual([1, 1, 1, 6, 8]);
    expect(c.rate).toBeCloseTo(3 / 8, 12);
    expect(c.utterances.length).toBe(3);
    const cer = corpusErrorRate(['ab', 'cd'], ['ab', 'ce'], { unit: 'char' });
    expect(cer.rate).toBeCloseTo(1 / 4, 12);
  });

  it('throws on mismatched lists and bad units', () => {
    expect(() => corpusErrorRate(['a'], [])).toThrow(
      'corpusErrorRate: refs has 1 texts but hyps has 0; they must match',
    );
    expect(() => corpusErrorRate(['a'], ['a'], { unit: 'phone' as 'word' })).toThrow(
      "corpusErrorRate: options.unit must be 'word' or 'char', got 'phone'",
    );
  });
});
