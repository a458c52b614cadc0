import { describe, expect, it } from 'vitest';
import { loadFixture, maxAbsDiff } from './fixtures/load-fixture.js';
import { nemoLogMel, nemoValidFrames } from './nemo.js';
import { syntheticChirp } from './synthetic.js';

type NemoCase = {
  signal: [number, number, number];
  length: number;
  nMels: number;
  normalize: 'per_feature' | 'none';
  validFrames: number;
  dims: [number, number];
  float32MaxDiff: number;
  data: number[];
};

describe('nemoLogMel', () => {
  const { cases } = loadFixture<NemoCase[]>('nemo');
  for (const c of cases) {
    it(`matches FilterbankFeatures (len ${c.length} of ${c.signal[0]}, ${c.nMels} mels, ${c.normalize})`, () => {
      const x = syntheticChirp(...c.signal);
      x.fill(0, c.length);
      const out = nemoLogMel(x, { nMels: c.nMels, normalize: c.normalize, length: c.length });
      expect(out.dims).toEqual(c.dims);
      expect(out.validFrames).toBe(c.validFrames);
      // Target 1e-4; float64 vs float64 agrees to ~5e-7 (float32 output rounding), so hold 1e-5.
      expect(maxAbsDiff(out.data, c.data)).toBeLessThan(1e-5);
    });
  }

  it('computes valid frames as current NeMo (⌊len/hop⌋) or NeMo 1.x (+1)', () => {
    expect(nemoValidFrames(7999)).toBe(49);
    expect(nemoValidFrames(8000)).toBe(50);
    expect(nemoValidFrames(8000, 160, 'floor-plus-one')).toBe(51);
    const x = syntheticChirp(8000, 16000, 2);
    const legacy = nemoLogMel(x, { lengthFormula: 'floor-plus-one' });
    expect(legacy.validFrames).toBe(51);
    expect(legacy.dims).toEqual([80, 51]);
  });

  it('zeroes frames beyond the valid length and pads the frame axis to padTo', () => {
    const x = syntheticChirp(8000, 16000, 2);
    const out = nemoLogMel(x, { padTo: 16 });
    expect(out.dims).toEqual([80, 64]);
    let nonZeroPad = 0;
    for (let m = 0; m < 80; m++) for (let t = 50; t < 64; t++) if (out.data[m * 64 + t] !== 0) nonZeroPad++;
    expect(nonZeroPad).toBe(0);
    // per-feature normalised rows have mean 0 and unbiased std ≈ 1 over valid frames
    const row = out.data.subarray(0, 50);
    const mean = row.reduce((a, b) => a + b, 0) / 50;
    const std = Math.sqrt(row.reduce((a, b) => a + (b - mean) ** 2, 0) / 49);
    expect(Math.abs(mean)).toBeLessThan(1e-5);
    expect(std).toBeCloseTo(1, 3);
  });

  it('dithers deterministically per seed', () => {
    const x = syntheticChirp(4000, 16000, 9);
    const a = nemoLogMel(x, { dither: 1e-5, seed: 1 });
    const b = nemoLogMel(x, { dither: 1e-5, seed: 1 });
    const c = nemoLogMel(x, { dither: 1e-5, seed: 2 });
    const plain = nemoLogMel(x);
    expect(maxAbsDiff(a.data, b.data)).toBe(0);
    expect(maxAbsDiff(a.data, c.data)).toBeGreaterThan(0);
    expect(maxAbsDiff(a.data, plain.data)).toBeGreaterThan(0);
    expect(maxAbsDiff(a.data, plain.data)).toBeLessThan(0.05);
  });

  it('handles a single valid frame (NaN std becomes 0) and empty input', () => {
    const one = nemoLogMel(syntheticChirp(200, 16000));
    expect(one.validFrames).toBe(1);
    expect(Array.from(one.data).every(Number.isFinite)).toBe(true);
    const empty = nemoLogMel(new Float32Array(0));
    expect(empty.validFrames).toBe(0);
    expect(empty.dims).toEqual([80, 1]);
    expect(Array.from(empty.data).every((v) => v === 0)).toBe(true);
  });

  it('names the argument in errors', () => {
    const x = new Float32Array(100);
    expect(() => nemoLogMel(x, { length: 101 })).toThrow(
      'nemoLogMel: length must be an integer in [0, 100] (samples.length), got 101',
    );
    expect(() => nemoLogMel(x, { normalize: 'all_features' as 'none' })).toThrow(
      "nemoLogMel: normalize must be 'per_feature' or 'none', got 'all_features'",
    );
    expect(() => nemoLogMel(x, { padTo: -1 })).toThrow('nemoLogMel: padTo must be an integer >= 0, got -1');
    expect(() => nemoLogMel(x, { dither: -1 })).toThrow('nemoLogMel: dither must be >= 0, got -1');
  });
});
