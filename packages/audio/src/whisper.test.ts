import { describe, expect, it } from 'vitest';
import { loadFixture, maxAbsDiff } from './fixtures/load-fixture.js';
import { syntheticChirp } from './synthetic.js';
import { padOrTrim, whisperLogMel } from './whisper.js';

type WhisperCase = {
  signal: [number, number, number];
  nMels: number;
  padTo30s: boolean;
  dims: [number, number];
  float32MaxDiff: number;
  data?: number[];
  head?: number[];
  tail?: number[];
};

/** Columns [from, to) of a row-major [rows, cols] matrix. */
function columns(data: Float32Array, rows: number, cols: number, from: number, to: number): Float32Array {
  const out = new Float32Array(rows * (to - from));
  for (let r = 0; r < rows; r++) out.set(data.subarray(r * cols + from, r * cols + to), r * (to - from));
  return out;
}

describe('whisperLogMel', () => {
  const { cases } = loadFixture<WhisperCase[]>('whisper');

  for (const c of cases) {
    it(`matches torch's log_mel_spectrogram recipe (nMels ${c.nMels}, padTo30s ${c.padTo30s})`, () => {
      const x = syntheticChirp(...c.signal);
      const out = whisperLogMel(x, { nMels: c.nMels, padTo30s: c.padTo30s });
      expect(out.dims).toEqual(c.dims);
      expect(out.data.length).toBe(c.dims[0] * c.dims[1]);
      const [rows, cols] = c.dims;
      if (c.data) {
        // Target 1e-4; float64 vs float64 agrees to ~5e-7 (float32 output rounding), so hold 1e-5.
        expect(maxAbsDiff(out.data, c.data)).toBeLessThan(1e-5);
      } else {
        expect(maxAbsDiff(columns(out.data, rows, cols, 0, 120), c.head!)).toBeLessThan(1e-5);
        expect(maxAbsDiff(columns(out.data, rows, cols, cols - 4, cols), c.tail!)).toBeLessThan(1e-5);
      }
      // The float32 reference differs from float64 by less than our tolerance too.
      expect(c.float32MaxDiff).toBeLessThan(1e-4);
    });
  }

  it('gives ⌊len/160⌋ frames, and 3000 with padTo30s (trimming longer audio)', () => {
    expect(whisperLogMel(syntheticChirp(1000, 16000)).dims).toEqual([80, 6]);
    const long = syntheticChirp(480000 + 3000, 16000);
    const trimmed = whisperLogMel(long, { padTo30s: true, nMels: 128 });
    expect(trimmed.dims).toEqual([128, 3000]);
    const manual = whisperLogMel(long.subarray(0, 480000), { nMels: 128 });
    expect(maxAbsDiff(trimmed.data, manual.data)).toBe(0);
  });

  it('floors at the global max − 8 and maps to (x + 4) / 4', () => {
    const x = new Float32Array(16000);
    x[8000] = 1; // an impulse; silence elsewhere hits the floor
    const { data } = whisperLogMel(x);
    const max = Math.max(...data);
    const min = Math.min(...data);
    expect(max - min).toBeCloseTo(2, 5); // 8 decades / 4
  });

  it('pads short audio with padTo30s, appends `padding` zeros, and pads/trims exactly', () => {
    expect(whisperLogMel(new Float32Array(0), { padTo30s: true }).dims).toEqual([80, 3000]);
    expect(whisperLogMel(syntheticChirp(1600, 16000), { padding: 480000 }).dims).toEqual([80, 3010]);
    expect(padOrTrim(new Float32Array([1, 2, 3]), 5)).toEqual(new Float32Array([1, 2, 3, 0, 0]));
    expect(padOrTrim(new Float32Array([1, 2, 3]), 2)).toEqual(new Float32Array([1, 2]));
  });

  it('names the argument in errors', () => {
    expect(() => whisperLogMel(new Float32Array(150))).toThrow(
      'whisperLogMel: samples has 150 samples; reflect padding needs more than 200',
    );
    expect(() => whisperLogMel(new Float32Array(1000), { nMels: 0 })).toThrow(
      'whisperLogMel: nMels must be a positive integer (80 or 128 for released models), got 0',
    );
    expect(() => whisperLogMel([0.1, 0.2] as unknown as Float32Array)).toThrow(
      'whisperLogMel: samples must be a Float32Array of 16 kHz mono audio',
    );
  });
});
