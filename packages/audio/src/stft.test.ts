import { describe, expect, it } from 'vitest';
import { maxAbsDiff } from './fixtures/load-fixture.js';
import { powerSpectrogram, stft } from './stft.js';
import { syntheticChirp } from './synthetic.js';
import { hannWindow } from './window.js';

/** Straight from the definition: frame t covers padded[t·hop, t·hop + nFft) times the centred window. */
function referenceStft(x: Float32Array, nFft: number, hop: number, win: Float64Array, reflect: boolean) {
  const pad = nFft / 2;
  const padded = new Float64Array(x.length + nFft);
  for (let i = 0; i < padded.length; i++) {
    let j = i - pad;
    if (j < 0) j = reflect ? -j : Number.NaN;
    else if (j >= x.length) j = reflect ? 2 * (x.length - 1) - j : Number.NaN;
    padded[i] = Number.isNaN(j) ? 0 : x[j];
  }
  const off = (nFft - win.length) >> 1;
  const frames = 1 + Math.floor(x.length / hop);
  const nFreq = nFft / 2 + 1;
  const re = new Float64Array(nFreq * frames);
  const im = new Float64Array(nFreq * frames);
  for (let t = 0; t < frames; t++) {
    for (let k = 0; k < nFreq; k++) {
      let sr = 0;
      let si = 0;
      for (let i = 0; i < win.length; i++) {
        const v = padded[t * hop + off + i] * win[i];
        const a = (-2 * Math.PI * k * (off + i)) / nFft;
        sr += v * Math.cos(a);
        si += v * Math.sin(a);
      }
      re[k * frames + t] = sr;
      im[k * frames + t] = si;
    }
  }
  return { re, im, frames, nFreq };
}

describe('stft', () => {
  it('matches the definition with reflect padding and a periodic Hann (n_fft 400)', () => {
    const x = syntheticChirp(1000, 16000, 5);
    const win = hannWindow(400, true);
    const ref = referenceStft(x, 400, 160, win, true);
    const out = stft(x, { nFft: 400, hopLength: 160, window: win });
    expect(out.dims).toEqual([ref.nFreq, ref.frames]);
    expect(maxAbsDiff(out.real, ref.re)).toBeLessThan(1e-9);
    expect(maxAbsDiff(out.imag, ref.im)).toBeLessThan(1e-9);
  });

  it('centres a short symmetric window in n_fft 512 with zero padding (NeMo)', () => {
    const x = syntheticChirp(1200, 16000, 6);
    const win = hannWindow(400, false);
    const ref = referenceStft(x, 512, 160, win, false);
    const out = powerSpectrogram(x, {
      nFft: 512,
      hopLength: 160,
      winLength: 400,
      window: win,
      padMode: 'constant',
    });
    const refPower = ref.re.map((r, i) => r * r + ref.im[i] * ref.im[i]);
    expect(out.dims).toEqual([257, ref.frames]);
    expect(maxAbsDiff(out.data, refPower)).toBeLessThan(1e-8);
  });

  it('gives the same result with every DFT method', () => {
    const x = syntheticChirp(900, 16000, 7);
    const a = powerSpectrogram(x, { nFft: 400, hopLength: 160, dftMethod: 'direct' });
    const b = powerSpectrogram(x, { nFft: 400, hopLength: 160, dftMethod: 'bluestein' });
    expect(maxAbsDiff(a.data, b.data)).toBeLessThan(1e-9);
  });

  it('supports center=false and magnitude (power 1)', () => {
    const x = syntheticChirp(1000, 16000, 8);
    const p2 = powerSpectrogram(x, { nFft: 256, hopLength: 100, center: false });
    const p1 = powerSpectrogram(x, { nFft: 256, hopLength: 100, center: false, power: 1 });
    expect(p2.dims).toEqual([129, 1 + Math.floor((1000 - 256) / 100)]);
    expect(
      maxAbsDiff(
        p1.data.map((v) => v * v),
        p2.data,
      ),
    ).toBeLessThan(1e-9);
  });

  it('names the argument in errors', () => {
    const x = new Float32Array(100);
    expect(() => stft(x, { nFft: 400, hopLength: 160 })).toThrow(
      'stft: reflect padding of 200 samples needs more than 200 input samples, got 100',
    );
    expect(() => stft(x, { nFft: 400, hopLength: 0 })).toThrow(
      'stft: hopLength must be a positive integer, got 0',
    );
    expect(() => stft(x, { nFft: 64, hopLength: 16, winLength: 65 })).toThrow(
      'stft: winLength must be an integer in [1, nFft=64], got 65',
    );
    expect(() =>
      powerSpectrogram(x, { nFft: 64, hopLength: 16, winLength: 32, window: new Float64Array(30) }),
    ).toThrow('powerSpectrogram: window has length 30 but winLength is 32');
    expect(() => stft(x, { nFft: 256, hopLength: 16, center: false })).toThrow(
      'stft: input of 100 samples (100 after padding) is shorter than nFft=256',
    );
  });
});

describe('hannWindow', () => {
  it('is periodic or symmetric like torch.hann_window', () => {
    const p = hannWindow(4, true);
    const s = hannWindow(5, false);
    expect(p[0]).toBe(0);
    expect(p[1]).toBeCloseTo(0.5, 12);
    expect(p[2]).toBe(1);
    expect(p[3]).toBeCloseTo(0.5, 12);
    expect(s[0]).toBe(0);
    expect(s[4]).toBeCloseTo(0, 15);
    expect(s[2]).toBe(1);
    expect(() => hannWindow(0)).toThrow('hannWindow: length must be a positive integer, got 0');
  });
});
