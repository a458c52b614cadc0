import { describe, expect, it } from 'vitest';
import { Rng } from './rng.js';
import { type SpecAugmentOptions, specAugment } from './spec-augment.js';

function features(nMels: number, frames: number): { data: Float32Array; dims: [number, number] } {
  // Distinct non-zero values so a masked cell (0 or the mean) is detectable.
  return {
    data: Float32Array.from({ length: nMels * frames }, (_, i) => 1 + (i % 97)),
    dims: [nMels, frames],
  };
}

/** Which (mel, frame) cells changed, as a Set of `${m},${t}`. */
function changed(
  before: Float32Array,
  after: Float32Array,
  nMels: number,
  frames: number,
  layout = 'mels-frames',
) {
  const set = new Set<string>();
  for (let m = 0; m < nMels; m++) {
    for (let t = 0; t < frames; t++) {
      const i = layout === 'mels-frames' ? m * frames + t : t * nMels + m;
      if (before[i] !== after[i]) set.add(`${m},${t}`);
    }
  }
  return set;
}

describe('specAugment', () => {
  const opts: SpecAugmentOptions = { freqMasks: 2, freqWidth: 10, timeMasks: 3, timeWidth: 20, seed: 5 };

  it('is deterministic per seed and differs across seeds', () => {
    const f = features(80, 200);
    const a = specAugment(f, opts);
    const b = specAugment(f, opts);
    const c = specAugment(f, { ...opts, seed: 6 });
    expect(a.data).toEqual(b.data);
    expect(a.freqMasks).toEqual(b.freqMasks);
    expect(a.data).not.toEqual(c.data);
    expect(f.data[0]).toBe(1); // input untouched
  });

  it('masks exactly the reported spans, within bounds, over many seeds', () => {
    const nMels = 40;
    const frames = 120;
    const f = features(nMels, frames);
    for (let seed = 0; seed < 50; seed++) {
      const out = specAugment(f, { ...opts, seed, validFrames: 100 });
      const expected = new Set<string>();
      for (const { start, width } of out.freqMasks) {
        expect(width).toBeLessThanOrEqual(10);
        expect(start >= 0 && start + width <= nMels).toBe(true);
        for (let m = start; m < start + width; m++) for (let t = 0; t < 100; t++) expected.add(`${m},${t}`);
      }
      for (const { start, width } of out.timeMasks) {
        expect(width).toBeLessThanOrEqual(20);
        expect(start >= 0 && start + width <= 100).toBe(true); // never into padding frames
        for (let t = start; t < start + width; t++) for (let m = 0; m < nMels; m++) expected.add(`${m},${t}`);
      }
      expect(out.freqMasks).toHaveLength(2);
      expect(out.timeMasks).toHaveLength(3);
      expect(changed(f.data, out.data, nMels, frames)).toEqual(expected);
    }
  });

  it('adapts the time-mask width to the valid length when timeWidth < 1', () => {
    const f = features(10, 400);
    let widest = 0;
    for (let seed = 0; seed < 200; seed++) {
      const out = specAugment(f, { freqMasks: 0, timeMasks: 1, timeWidth: 0.05, validFrames: 200, seed });
      widest = Math.max(widest, out.timeMasks[0].width);
    }
    expect(widest).toBe(10); // ⌊0.05 · 200⌋, reached over 200 draws
  });

  it('supports the [frames, nMels] layout and a mean mask value', () => {
    const nMels = 8;
    const frames = 30;
    const base = features(nMels, frames);
    // transpose into [frames, nMels]
    const tData = new Float32Array(base.data.length);
    for (let m = 0; m < nMels; m++)
      for (let t = 0; t < frames; t++) tData[t * nMels + m] = base.data[m * frames + t];
    const o = { freqMasks: 1, freqWidth: 3, timeMasks: 1, timeWidth: 5, seed: 11 };
    const a = specAugment(base, o);
    const b = specAugment({ data: tData, dims: [frames, nMels] }, { ...o, layout: 'frames-mels' });
    expect(b.freqMasks).toEqual(a.freqMasks);
    expect(changed(tData, b.data, nMels, frames, 'frames-mels')).toEqual(
      changed(base.data, a.data, nMels, frames),
    );
    const mean = base.data.reduce((s, v) => s + v, 0) / base.data.length;
    const m = specAugment(base, { ...o, maskValue: 'mean' });
    const span = m.timeMasks[0];
    if (span.width > 0) expect(m.data[span.start]).toBeCloseTo(mean, 4);
  });

  it('clips time masks to short utterances (validFrames below the mask width)', () => {
    const f = features(6, 10);
    for (let seed = 0; seed < 30; seed++) {
      const out = specAugment(f, { freqMasks: 0, timeMasks: 2, timeWidth: 8, validFrames: 3, seed });
      for (const { start, width } of out.timeMasks) expect(start + width).toBeLessThanOrEqual(3);
      expect(changed(f.data, out.data, 6, 10).size).toBeLessThanOrEqual(18);
    }
  });

  it('continues a shared Rng stream', () => {
    const f = features(20, 50);
    const rng = new Rng(3);
    const first = specAugment(f, { ...opts, rng });
    const second = specAugment(f, { ...opts, rng });
    expect(first.data).not.toEqual(second.data);
  });

  it('names the argument in errors', () => {
    const f = features(4, 5);
    expect(() => specAugment({ data: f.data, dims: [5, 5] })).toThrow(
      'specAugment: features.dims must be [nMels, frames] matching data.length 20, got [5, 5]',
    );
    expect(() => specAugment(f, { timeWidth: 2.5 })).toThrow(
      'specAugment: timeWidth must be a fraction in [0, 1) or an integer number of frames, got 2.5',
    );
    expect(() => specAugment(f, { validFrames: 6 })).toThrow(
      'specAugment: validFrames must be an integer in [0, 5], got 6',
    );
    expect(() => specAugment(f, { freqMasks: -1 })).toThrow(
      'specAugment: freqMasks must be an integer >= 0, got -1',
    );
  });
});
