import { describe, expect, it } from 'vitest';
import { loadFixture, maxAbsDiff } from './fixtures/load-fixture.js';
import { applyMel, hzToMel, melFilterbank, melToHz } from './mel.js';

type MelCase = { sampleRate: number; nFft: number; nMels: number; entries: Array<[number, number, number]> };

describe('melFilterbank', () => {
  const { cases } = loadFixture<Record<string, MelCase>>('mel-filters');
  for (const [key, ref] of Object.entries(cases)) {
    it(`matches librosa's Slaney filterbank (${key})`, () => {
      const bank = melFilterbank({ sampleRate: ref.sampleRate, nFft: ref.nFft, nMels: ref.nMels });
      const nFreq = ref.nFft / 2 + 1;
      expect(bank.dims).toEqual([ref.nMels, nFreq]);
      const expected = new Float64Array(ref.nMels * nFreq);
      for (const [m, k, v] of ref.entries) expected[m * nFreq + k] = v;
      expect(maxAbsDiff(bank.data, expected)).toBeLessThan(1e-12);
      // ranges cover exactly the non-zero weights
      let mismatches = 0;
      bank.ranges.forEach(([lo, hi], m) => {
        for (let k = 0; k < nFreq; k++)
          if ((bank.data[m * nFreq + k] !== 0) !== (k >= lo && k < hi)) mismatches++;
      });
      expect(mismatches).toBe(0);
    });
  }

  it('has mel/Hz conversions that invert each other on both scales', () => {
    for (const hz of [0, 300, 999, 1000, 4000, 8000]) {
      expect(melToHz(hzToMel(hz))).toBeCloseTo(hz, 8);
      expect(melToHz(hzToMel(hz, 'htk'), 'htk')).toBeCloseTo(hz, 8);
    }
    expect(hzToMel(1000)).toBeCloseTo(15, 12);
  });

  it('peaks at 1 without normalisation', () => {
    const bank = melFilterbank({ sampleRate: 16000, nFft: 2048, nMels: 10, norm: null, scale: 'htk' });
    for (let m = 0; m < 10; m++) {
      const row = bank.data.subarray(m * 1025, (m + 1) * 1025);
      expect(Math.max(...row)).toBeGreaterThan(0.9);
      expect(Math.max(...row)).toBeLessThanOrEqual(1);
    }
  });

  it('rejects bad arguments', () => {
    expect(() => melFilterbank({ sampleRate: 16000, nFft: 400, nMels: 0 })).toThrow(
      'melFilterbank: nMels must be a positive integer, got 0',
    );
    expect(() => melFilterbank({ sampleRate: 16000, nFft: 400, nMels: 80, fMin: 9000 })).toThrow(
      'melFilterbank: need 0 <= fMin < fMax, got fMin=9000, fMax=8000',
    );
    const bank = melFilterbank({ sampleRate: 16000, nFft: 400, nMels: 80 });
    expect(() => applyMel(bank, new Float64Array(10), 3)).toThrow(
      'applyMel: spectrogram has 10 values, expected [201, 3]',
    );
  });
});
