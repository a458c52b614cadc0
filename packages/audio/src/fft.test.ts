import { describe, expect, it } from 'vitest';
import { createBluesteinDft, createRealDft } from './fft.js';
import { Rng } from './rng.js';

function naiveDft(x: Float64Array): { re: Float64Array; im: Float64Array } {
  const n = x.length;
  const re = new Float64Array(n);
  const im = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    for (let t = 0; t < n; t++) {
      const a = (-2 * Math.PI * ((k * t) % n)) / n;
      re[k] += x[t] * Math.cos(a);
      im[k] += x[t] * Math.sin(a);
    }
  }
  return { re, im };
}

function randomSignal(n: number, seed: number): Float64Array {
  const rng = new Rng(seed);
  return Float64Array.from({ length: n }, () => rng.uniform() * 2 - 1);
}

describe('createRealDft', () => {
  const cases: Array<[number, 'radix' | 'bluestein' | 'direct']> = [
    [512, 'radix'],
    [16, 'radix'],
    [400, 'bluestein'],
    [400, 'direct'],
    [6, 'bluestein'],
    [17, 'bluestein'],
    [25, 'direct'],
  ];
  for (const [n, method] of cases) {
    it(`matches a naive DFT for n=${n} (${method})`, () => {
      const x = randomSignal(n, n);
      const ref = naiveDft(x);
      const dft = createRealDft(n, method);
      expect(dft.method).toBe(method);
      const re = new Float64Array((n >> 1) + 1);
      const im = new Float64Array((n >> 1) + 1);
      dft.forward(x, re, im);
      for (let k = 0; k <= n >> 1; k++) {
        expect(Math.abs(re[k] - ref.re[k])).toBeLessThan(1e-10 * n);
        expect(Math.abs(im[k] - ref.im[k])).toBeLessThan(1e-10 * n);
      }
    });
  }

  it('auto picks radix for powers of two and bluestein otherwise', () => {
    expect(createRealDft(512).method).toBe('radix');
    expect(createRealDft(400).method).toBe('bluestein');
  });

  it('rejects bad sizes and methods', () => {
    expect(() => createRealDft(0)).toThrow('createRealDft: n must be a positive integer, got 0');
    expect(() => createRealDft(400, 'radix')).toThrow(
      "method 'radix' needs a power-of-two size >= 2, got n = 400",
    );
  });
});

describe('createBluesteinDft', () => {
  it('transforms complex input of prime length', () => {
    const n = 13;
    const rng = new Rng(3);
    const input = Float64Array.from({ length: 2 * n }, () => rng.uniform() - 0.5);
    const out = new Float64Array(2 * n);
    createBluesteinDft(n).forward(input, out);
    for (let k = 0; k < n; k++) {
      let sr = 0;
      let si = 0;
      for (let t = 0; t < n; t++) {
        const a = (-2 * Math.PI * k * t) / n;
        sr += input[2 * t] * Math.cos(a) - input[2 * t + 1] * Math.sin(a);
        si += input[2 * t] * Math.sin(a) + input[2 * t + 1] * Math.cos(a);
      }
      expect(out[2 * k]).toBeCloseTo(sr, 10);
      expect(out[2 * k + 1]).toBeCloseTo(si, 10);
    }
  });
});
