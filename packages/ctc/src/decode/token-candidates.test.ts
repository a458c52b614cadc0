import { describe, expect, it } from 'vitest';
import { rng } from './test-support.js';
import { TokenCandidates } from './token-candidates.js';

/** Reference: sort every non-blank token by (log-prob desc, id asc), keep those passing, take k. */
function reference(row: Float32Array, blank: number, k: number, min: number): number[] {
  const ids = Array.from(row.keys()).filter((c) => c !== blank);
  ids.sort((a, b) => row[b] - row[a] || a - b);
  const best = ids[0];
  return ids
    .filter((c) => row[c] >= min || c === best)
    .slice(0, k)
    .sort((a, b) => a - b);
}

describe('TokenCandidates', () => {
  it('selects the top-k tokens above the threshold, the best always included, ties to lower ids', () => {
    const r = rng(5);
    for (let trial = 0; trial < 300; trial++) {
      const C = 2 + Math.floor(r() * 40);
      const blank = Math.floor(r() * C);
      // Coarse values make ties common.
      const row = Float32Array.from({ length: C }, () => -Math.floor(r() * 8));
      const k = 1 + Math.floor(r() * C);
      const min = r() < 0.3 ? Number.NEGATIVE_INFINITY : -Math.floor(r() * 8) - 0.5;
      const sel = new TokenCandidates(C, blank, k, min);
      const n = sel.select(row, 0);
      expect(Array.from(sel.ids.subarray(0, n))).toEqual(reference(row, blank, k, min));
    }
  });

  it('reads a row at an offset', () => {
    const data = Float32Array.of(9, 9, -1, -3, -0.5, -2);
    const sel = new TokenCandidates(4, 0, 2, Number.NEGATIVE_INFINITY);
    const n = sel.select(data, 2); // row [-1, -3, -0.5, -2], blank 0
    expect(Array.from(sel.ids.subarray(0, n))).toEqual([2, 3]);
  });
});
