import { describe, expect, it } from 'vitest';
import { loadFixture } from './fixtures/load-fixture.js';
import { Rng } from './rng.js';
import { syntheticChirp } from './synthetic.js';

describe('Rng', () => {
  it('is deterministic per seed and differs across seeds', () => {
    const a = new Rng(42);
    const b = new Rng(42);
    const c = new Rng(43);
    const sa = Array.from({ length: 8 }, () => a.uniform());
    expect(Array.from({ length: 8 }, () => b.uniform())).toEqual(sa);
    expect(Array.from({ length: 8 }, () => c.uniform())).not.toEqual(sa);
  });

  it('produces uniform values in [0, 1) with a plausible mean, ints in range, normals with unit variance', () => {
    const rng = new Rng(7);
    let sum = 0;
    let outside = 0;
    for (let i = 0; i < 20000; i++) {
      const u = rng.uniform();
      if (!(u >= 0 && u < 1)) outside++;
      sum += u;
    }
    expect(outside).toBe(0);
    expect(sum / 20000).toBeCloseTo(0.5, 1);
    const seen = new Set<number>();
    for (let i = 0; i < 500; i++) seen.add(rng.int(3, 6));
    expect([...seen].sort()).toEqual([3, 4, 5, 6]);
    let sq = 0;
    for (let i = 0; i < 20000; i++) sq += rng.normal() ** 2;
    expect(sq / 20000).toBeGreaterThan(0.95);
    expect(sq / 20000).toBeLessThan(1.05);
  });

  it('rejects bad seeds and empty ranges', () => {
    expect(() => new Rng(Number.NaN)).toThrow('Rng: seed must be a finite number, got NaN');
    expect(() => new Rng(1).int(5, 4)).toThrow('Rng.int: empty range [5, 4]');
  });
});

describe('syntheticChirp', () => {
  type SignalCase = { head: number[]; sum: number; sumSq: number };
  const { cases } = loadFixture<Record<string, SignalCase>>('signals');
  for (const [key, ref] of Object.entries(cases)) {
    it(`reproduces the Python generator for ${key}`, () => {
      const [length, sampleRate, seed] = key.split('/').map(Number);
      const s = syntheticChirp(length, sampleRate, seed);
      for (let i = 0; i < ref.head.length; i++) expect(s[i]).toBeCloseTo(ref.head[i], 8);
      let sum = 0;
      let sumSq = 0;
      for (const v of s) {
        sum += v;
        sumSq += v * v;
      }
      expect(Math.abs(sum - ref.sum)).toBeLessThan(1e-6);
      expect(Math.abs(sumSq - ref.sumSq)).toBeLessThan(1e-6);
    });
  }

  it('rejects a bad length', () => {
    expect(() => syntheticChirp(-1, 16000)).toThrow(
      'syntheticChirp: length must be a non-negative integer, got -1',
    );
  });
});
