import { applyMel, type MelFilterbank, melFilterbank } from './mel.js';
import { Rng } from './rng.js';
import { powerSpectrogram } from './stft.js';
import { hannWindow } from './window.js';

/**
 * Options of NeMo's AudioToMelSpectrogramPreprocessor / FilterbankFeatures (eval mode). Defaults are
 * the (Fast)Conformer configs: 16 kHz, 25 ms window, 10 ms hop, n_fft 512, 80 mels.
 */
export interface NemoLogMelOptions {
  sampleRate?: number;
  nMels?: number;
  nFft?: number;
  /** Samples (window_size·sr). Default 400. */
  winLength?: number;
  /** Samples (window_stride·sr). Default 160. */
  hopLength?: number;
  /** Pre-emphasis coefficient; null disables it. Default 0.97. */
  preemph?: number | null;
  /** Gaussian dither amplitude added before pre-emphasis (NeMo does this only in training). Default 0. */
  dither?: number;
  /** Seed of the dither noise (deterministic; NeMo's torch.randn is not reproduced). */
  seed?: number;
  /** 'per_feature': per-mel mean / unbiased std over valid frames, std + 1e-5. 'none' for streaming models. */
  normalize?: 'per_feature' | 'none';
  logZeroGuard?: number;
  magPower?: number;
  fMin?: number;
  fMax?: number;
  /** Pad the frame axis with zeros to a multiple of padTo (configs use 0; the class default is 16). */
  padTo?: number;
  /** Valid samples when `samples` is zero-padded (a batch item): masks pre-emphasis and lengths. */
  length?: number;
  /**
   * Valid-frame formula. 'floor' (current NeMo get_seq_len): ⌊len/hop⌋. 'floor-plus-one' (NeMo ≤ 1.x):
   * ⌊len/hop⌋ + 1, every centred STFT frame.
   */
  lengthFormula?: 'floor' | 'floor-plus-one';
}

export interface NemoLogMel {
  /** Row-major [nMels, frames]; frames beyond validFrames hold 0 (NeMo's pad_value). */
  data: Float32Array;
  dims: [number, number];
  validFrames: number;
}

const NORM_EPS = 1e-5; // NeMo's CONSTANT added to the std
const banks = new Map<string, MelFilterbank>();

/** The valid output length NeMo reports for `length` samples (centred STFT, even n_fft). */
export function nemoValidFrames(
  length: number,
  hopLength = 160,
  formula: NemoLogMelOptions['lengthFormula'] = 'floor',
): number {
  return Math.floor(length / hopLength) + (formula === 'floor-plus-one' ? 1 : 0);
}

export function nemoLogMel(samples: Float32Array, options: NemoLogMelOptions = {}): NemoLogMel {
  const sampleRate = options.sampleRate ?? 16000;
  const nMels = options.nMels ?? 80;
  const nFft = options.nFft ?? 512;
  const winLength = options.winLength ?? 400;
  const hop = options.hopLength ?? 160;
  const preemph = options.preemph === undefined ? 0.97 : options.preemph;
  const dither = options.dither ?? 0;
  const normalize = options.normalize ?? 'per_feature';
  const guard = options.logZeroGuard ?? 2 ** -24;
  const magPower = options.magPower ?? 2;
  const padTo = options.padTo ?? 0;
  const length = options.length ?? samples.length;
  if (!(samples instanceof Float32Array)) throw new Error('nemoLogMel: samples must be a Float32Array');
  if (!Number.isInteger(length) || length < 0 || length > samples.length) {
    throw new Error(
      `nemoLogMel: length must be an integer in [0, ${samples.length}] (samples.length), got ${length}`,
    );
  }
  if (normalize !== 'per_feature' && normalize !== 'none') {
    throw new Error(`nemoLogMel: normalize must be 'per_feature' or 'none', got '${String(normalize)}'`);
  }
  if (!Number.isInteger(padTo) || padTo < 0)
    throw new Error(`nemoLogMel: padTo must be an integer >= 0, got ${padTo}`);
  if (!(dither >= 0)) throw new Error(`nemoLogMel: dither must be >= 0, got ${dither}`);

  const x = new Float64Array(samples.length);
  for (let i = 0; i < samples.length; i++) x[i] = samples[i];
  if (dither > 0) {
    const rng = new Rng(options.seed ?? 0);
    for (let i = 0; i < x.length; i++) x[i] += dither * rng.normal();
  }
  if (preemph !== null) {
    // x'_0 = x_0, x'_t = x_t − a·x_{t−1}; backwards so x_{t−1} is still the raw sample.
    for (let i = x.length - 1; i >= 1; i--) x[i] -= preemph * x[i - 1];
    x.fill(0, length); // NeMo masks samples beyond the valid length after pre-emphasis
  }
  const spec = powerSpectrogram(x, {
    nFft,
    hopLength: hop,
    winLength,
    window: hannWindow(winLength, false),
    center: true,
    padMode: 'constant',
    power: magPower,
  });
  const frames = spec.dims[1];
  const key = `${sampleRate}/${nFft}/${nMels}/${options.fMin ?? 0}/${options.fMax ?? sampleRate / 2}`;
  let bank = banks.get(key);
  if (!bank) {
    bank = melFilterbank({ sampleRate, nFft, nMels, fMin: options.fMin ?? 0, fMax: options.fMax });
    banks.set(key, bank);
  }
  const mel = applyMel(bank, spec.data, frames);
  for (let i = 0; i < mel.length; i++) mel[i] = Math.log(mel[i] + guard);

  const validFrames = Math.min(frames, nemoValidFrames(length, hop, options.lengthFormula));
  if (normalize === 'per_feature' && validFrames > 0) normalizePerFeature(mel, nMels, frames, validFrames);

  const outFrames = padTo > 0 ? Math.ceil(frames / padTo) * padTo : frames;
  const data = new Float32Array(nMels * outFrames); // zeros = pad_value beyond validFrames
  for (let m = 0; m < nMels; m++) {
    for (let t = 0; t < validFrames; t++) data[m * outFrames + t] = mel[m * frames + t];
  }
  return { data, dims: [nMels, outFrames], validFrames };
}

/** In place over the first `valid` frames of each row; NeMo maps a NaN std (one frame) to 0 before + 1e-5. */
function normalizePerFeature(mel: Float64Array, nMels: number, frames: number, valid: number): void {
  for (let m = 0; m < nMels; m++) {
    const row = m * frames;
    let sum = 0;
    for (let t = 0; t < valid; t++) sum += mel[row + t];
    const mean = sum / valid;
    let sq = 0;
    for (let t = 0; t < valid; t++) sq += (mel[row + t] - mean) ** 2;
    const std = (valid > 1 ? Math.sqrt(sq / (valid - 1)) : 0) + NORM_EPS;
    for (let t = 0; t < frames; t++) mel[row + t] = (mel[row + t] - mean) / std;
  }
}
