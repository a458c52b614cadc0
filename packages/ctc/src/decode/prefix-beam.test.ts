import { describe, expect, it } from 'vitest';
import { PrefixBeam } from './prefix-beam.js';
import { randomLogProbs } from './test-support.js';

describe('PrefixBeam memory', () => {
  it.each([
    [4, 8, Number.NEGATIVE_INFINITY],
    [16, 30, -8],
  ])('keeps only beam prefixes and their ancestors (beam %i, C %i)', (beamWidth, C, prune) => {
    const T = 3000;
    const x = randomLogProbs(T, C, beamWidth, 2);
    const beam = new PrefixBeam({
      C,
      blank: 0,
      beamWidth,
      tokenTopK: C,
      tokenMinLogProb: Number.NEGATIVE_INFINITY,
      beamPruneLogProb: prune,
      scorers: [],
    });
    for (let t = 0; t < T; t++) {
      beam.step(x, t * C);
      if (t % 500 === 499) {
        const { reachable, needed } = beam.nodeCounts();
        expect(reachable).toBe(needed);
      }
    }
    // Without releasing, every prefix ever created (about T · beamWidth · C) would stay reachable.
    const { reachable } = beam.nodeCounts();
    const longest = Math.max(...beam.entries(false).map((e) => e.tokens.length));
    expect(longest).toBeGreaterThan(500);
    expect(reachable).toBeLessThanOrEqual(beamWidth * longest + 1);
  });
});
