import { describe, expect, it } from 'vitest';
import { aggregate, type ConfidenceMethod, confidenceMeasure, frameConfidence } from './confidence.js';
import { randomLogProbs } from './test-support.js';

/** Entropies from their textbook definitions (natural log), for a probability vector. */
function entropy(p: number[], type: 'gibbs' | 'tsallis' | 'renyi', a: number): number {
  const s = p.reduce((acc, q) => acc + q ** a, 0);
  if (a === 1 || type === 'gibbs')
    return -p.reduce((acc, q) => acc + (q > 0 ? q ** a * Math.log(q ** a) : 0), 0);
  if (type === 'tsallis') return (1 - s) / (a - 1);
  return Math.log(s) / (1 - a);
}

/** Normalised confidence: 1 − H/Hmax (lin) or (e^−H − e^−Hmax)/(1 − e^−Hmax) (exp), Hmax at uniform. */
function expected(p: number[], m: Required<ConfidenceMethod>): number {
  const V = p.length;
  if (m.name === 'max_prob') {
    const a = m.alpha;
    return (Math.max(...p) ** a * V ** a - 1) / (V ** a - 1);
  }
  const type = m.alpha === 1 ? 'gibbs' : m.entropyType;
  const h = entropy(p, type, m.alpha);
  const hMax = entropy(new Array(V).fill(1 / V), type, m.alpha);
  if (m.entropyNorm === 'lin') return 1 - h / hMax;
  return (Math.exp(-h) - Math.exp(-hMax)) / (1 - Math.exp(-hMax));
}

describe('confidence measures (NeMo ConfidenceMethodConfig)', () => {
  const rows = randomLogProbs(6, 5, 3, 1.5);
  const methods: Array<Required<ConfidenceMethod>> = [];
  for (const entropyType of ['gibbs', 'tsallis', 'renyi'] as const) {
    for (const entropyNorm of ['lin', 'exp'] as const) {
      for (const alpha of [0.33, 0.5, 1]) methods.push({ name: 'entropy', entropyType, entropyNorm, alpha });
    }
  }
  methods.push({ name: 'max_prob', entropyType: 'tsallis', entropyNorm: 'exp', alpha: 1 });
  methods.push({ name: 'max_prob', entropyType: 'tsallis', entropyNorm: 'exp', alpha: 0.33 });

  it.each(methods)('%o matches the normalised-entropy definition', (m) => {
    const f = confidenceMeasure('test', m, 5);
    for (let t = 0; t < 6; t++) {
      const p = Array.from(rows.subarray(t * 5, t * 5 + 5), Math.exp);
      expect(f(rows, t * 5)).toBeCloseTo(expected(p, m), 5);
    }
    // Uniform → 0, one-hot → 1.
    const uniform = new Float32Array(5).fill(Math.log(1 / 5));
    expect(f(uniform, 0)).toBeCloseTo(0, 5);
    const hot = new Float32Array(5).fill(Number.NEGATIVE_INFINITY);
    hot[2] = 0;
    expect(f(hot, 0)).toBeCloseTo(1, 5);
  });

  it('defaults to NeMo (entropy, tsallis, α = 0.33, exp)', () => {
    const d = frameConfidence(rows, 6, 5);
    const m = { name: 'entropy', entropyType: 'tsallis', entropyNorm: 'exp', alpha: 0.33 } as const;
    for (let t = 0; t < 6; t++) {
      expect(d[t]).toBeCloseTo(expected(Array.from(rows.subarray(t * 5, t * 5 + 5), Math.exp), m), 5);
    }
  });

  it('aggregates', () => {
    expect(aggregate([0.5, 0.2, 0.8], 'min')).toBe(0.2);
    expect(aggregate([0.5, 0.2, 0.8], 'max')).toBe(0.8);
    expect(aggregate([0.5, 0.2, 0.8], 'mean')).toBeCloseTo(0.5, 12);
    expect(aggregate([0.5, 0.2, 0.8], 'prod')).toBeCloseTo(0.08, 12);
    expect(aggregate([0.5, 0.2, 0.8], 'min', 2, 3)).toBe(0.8);
  });

  it('rejects bad settings', () => {
    expect(() => confidenceMeasure('f', { name: 'foo' as 'entropy' }, 4)).toThrow(
      "f: confidence.name must be 'max_prob' or 'entropy', got 'foo'",
    );
    expect(() => confidenceMeasure('f', { entropyType: 'x' as 'gibbs' }, 4)).toThrow(/entropyType/);
    expect(() => confidenceMeasure('f', { entropyNorm: 'x' as 'lin' }, 4)).toThrow(/entropyNorm/);
    expect(() => confidenceMeasure('f', { alpha: -1 }, 4)).toThrow('f: confidence.alpha must be > 0, got -1');
    expect(() => confidenceMeasure('f', {}, 1)).toThrow('f: confidence needs at least 2 classes, got C = 1');
  });
});
