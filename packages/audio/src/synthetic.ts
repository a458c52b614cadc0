import { Rng } from './rng.js';

/**
 * A deterministic test signal: a linear chirp from 100 Hz up to min(7 kHz, 0.45·sampleRate) over the
 * whole signal, with a slow amplitude envelope and uniform noise from {@link Rng}. Fixtures in
 * `src/fixtures/` were computed by `tools/audio_fixtures.py` from the same formula (float64, then
 * rounded to float32), so tests need no stored audio.
 */
export function syntheticChirp(length: number, sampleRate: number, seed = 0): Float32Array {
  if (!Number.isInteger(length) || length < 0) {
    throw new Error(`syntheticChirp: length must be a non-negative integer, got ${length}`);
  }
  if (!(sampleRate > 0)) throw new Error(`syntheticChirp: sampleRate must be > 0, got ${sampleRate}`);
  const rng = new Rng(seed);
  const out = new Float32Array(length);
  const duration = Math.max(length, 1) / sampleRate;
  const f0 = 100;
  const f1 = Math.min(7000, 0.45 * sampleRate);
  for (let i = 0; i < length; i++) {
    const t = i / sampleRate;
    const phase = 2 * Math.PI * (f0 * t + ((f1 - f0) * t * t) / (2 * duration));
    const envelope = 0.6 + 0.4 * Math.sin(2 * Math.PI * 3 * t);
    out[i] = 0.5 * envelope * Math.sin(phase) + 0.05 * (2 * rng.uniform() - 1);
  }
  return out;
}
