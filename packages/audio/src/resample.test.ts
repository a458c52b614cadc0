import { describe, expect, it } from 'vitest';
import { loadFixture, maxAbsDiff } from './fixtures/load-fixture.js';
import { resample, resampleTo16k } from './resample.js';
import { syntheticChirp } from './synthetic.js';

type ResampleCase = { signal: [number, number, number]; to: number; data: number[]; float32: number[] };

describe('resample', () => {
  const { cases } = loadFixture<ResampleCase[]>('resample');
  for (const c of cases) {
    it(`matches torchaudio 0.13 functional.resample ${c.signal[1]} → ${c.to}`, () => {
      const x = syntheticChirp(...c.signal);
      const y = resample(x, c.signal[1], c.to);
      expect(y.length).toBe(c.data.length);
      expect(maxAbsDiff(y, c.data)).toBeLessThan(1e-6); // float64 torchaudio (our arithmetic is float64)
      expect(maxAbsDiff(y, c.float32)).toBeLessThan(1e-4); // float32 torchaudio, as users run it
    });
  }

  it('keeps a low tone and removes one above the new Nyquist', () => {
    const sr = 48000;
    const tone = (f: number) =>
      Float32Array.from({ length: sr }, (_, i) => Math.sin((2 * Math.PI * f * i) / sr));
    const rms = (a: Float32Array) =>
      Math.sqrt(a.subarray(1000, -1000).reduce((s, v) => s + v * v, 0) / (a.length - 2000));
    expect(rms(resampleTo16k(tone(1000), sr))).toBeCloseTo(Math.SQRT1_2, 2);
    // a naive decimator would alias 12 kHz to 4 kHz at full amplitude (0.707); the filter leaves < -40 dB
    expect(rms(resampleTo16k(tone(12000), sr))).toBeLessThan(5e-3);
  });

  it('returns a copy for equal rates and the input itself for resampleTo16k at 16 kHz', () => {
    const x = syntheticChirp(100, 16000);
    const y = resample(x, 16000, 16000);
    expect(y).not.toBe(x);
    expect(y).toEqual(x);
    expect(resampleTo16k(x, 16000)).toBe(x);
  });

  it('names the argument in errors', () => {
    const x = new Float32Array(10);
    expect(() => resample(x, 44100.5, 16000)).toThrow(
      'resample: fromRate must be a positive integer (Hz), got 44100.5',
    );
    expect(() => resample(x, 44100, 0)).toThrow('resample: toRate must be a positive integer (Hz), got 0');
    expect(() => resample(x, 44100, 16000, { rolloff: 1.5 })).toThrow(
      'resample: rolloff must be in (0, 1], got 1.5',
    );
    expect(() => resample(x, 44101, 16003)).toThrow('resample: rates reduce to 44101 → 16003');
  });
});
