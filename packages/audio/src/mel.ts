/**
 * Mel filterbanks as librosa.filters.mel (the matrices Whisper ships in mel_filters.npz and NeMo
 * builds at start-up): triangular filters on the Slaney (default) or HTK mel scale, optionally with
 * Slaney area normalisation (2 / bandwidth in Hz). Computed in float64.
 */
export interface MelFilterOptions {
  sampleRate: number;
  nFft: number;
  nMels: number;
  fMin?: number;
  /** Default sampleRate / 2. */
  fMax?: number;
  /** Mel scale: Slaney's (linear below 1 kHz, log above; librosa htk=False) or HTK's 2595·log10(1+f/700). */
  scale?: 'slaney' | 'htk';
  /** 'slaney' divides each triangle by half its bandwidth so filters have equal area; null leaves peaks at 1. */
  norm?: 'slaney' | null;
}

export interface MelFilterbank {
  /** Row-major [nMels, nFreq] with nFreq = nFft/2 + 1. */
  data: Float64Array;
  dims: [number, number];
  /** Per filter, the first and one-past-last non-zero frequency bin (lets mel products skip zeros). */
  ranges: Array<[number, number]>;
}

const F_SP = 200 / 3; // Slaney: 66.67 Hz per mel below 1 kHz
const MIN_LOG_HZ = 1000;
const MIN_LOG_MEL = MIN_LOG_HZ / F_SP;
const LOG_STEP = Math.log(6.4) / 27;

export function hzToMel(hz: number, scale: 'slaney' | 'htk' = 'slaney'): number {
  if (scale === 'htk') return 2595 * Math.log10(1 + hz / 700);
  return hz >= MIN_LOG_HZ ? MIN_LOG_MEL + Math.log(hz / MIN_LOG_HZ) / LOG_STEP : hz / F_SP;
}

export function melToHz(mel: number, scale: 'slaney' | 'htk' = 'slaney'): number {
  if (scale === 'htk') return 700 * (10 ** (mel / 2595) - 1);
  return mel >= MIN_LOG_MEL ? MIN_LOG_HZ * Math.exp(LOG_STEP * (mel - MIN_LOG_MEL)) : F_SP * mel;
}

export function melFilterbank(options: MelFilterOptions): MelFilterbank {
  const { sampleRate, nFft, nMels } = options;
  const fMin = options.fMin ?? 0;
  const fMax = options.fMax ?? sampleRate / 2;
  const scale = options.scale ?? 'slaney';
  const norm = options.norm === undefined ? 'slaney' : options.norm;
  if (!(sampleRate > 0)) throw new Error(`melFilterbank: sampleRate must be > 0, got ${sampleRate}`);
  if (!Number.isInteger(nFft) || nFft < 2)
    throw new Error(`melFilterbank: nFft must be an integer >= 2, got ${nFft}`);
  if (!Number.isInteger(nMels) || nMels < 1)
    throw new Error(`melFilterbank: nMels must be a positive integer, got ${nMels}`);
  if (!(fMin >= 0 && fMin < fMax)) {
    throw new Error(`melFilterbank: need 0 <= fMin < fMax, got fMin=${fMin}, fMax=${fMax}`);
  }
  const nFreq = (nFft >> 1) + 1;
  // FFT bin centre frequencies: linspace(0, sr/2, nFreq)
  const fftFreqs = Float64Array.from({ length: nFreq }, (_, k) => (k * sampleRate) / nFft);
  // nMels + 2 edge frequencies evenly spaced in mel
  const melMin = hzToMel(fMin, scale);
  const melMax = hzToMel(fMax, scale);
  const edges = Float64Array.from({ length: nMels + 2 }, (_, i) =>
    melToHz(melMin + ((melMax - melMin) * i) / (nMels + 1), scale),
  );
  const data = new Float64Array(nMels * nFreq);
  const ranges: Array<[number, number]> = [];
  for (let m = 0; m < nMels; m++) {
    const lowWidth = edges[m + 1] - edges[m];
    const highWidth = edges[m + 2] - edges[m + 1];
    const enorm = norm === 'slaney' ? 2 / (edges[m + 2] - edges[m]) : 1;
    let first = nFreq;
    let last = 0;
    for (let k = 0; k < nFreq; k++) {
      const rising = (fftFreqs[k] - edges[m]) / lowWidth;
      const falling = (edges[m + 2] - fftFreqs[k]) / highWidth;
      const w = Math.max(0, Math.min(rising, falling));
      if (w > 0) {
        data[m * nFreq + k] = w * enorm;
        if (k < first) first = k;
        last = k + 1;
      }
    }
    ranges.push(first < last ? [first, last] : [0, 0]);
  }
  return { data, dims: [nMels, nFreq], ranges };
}

/** mel [nMels, frames] = filterbank [nMels, nFreq] × spectrogram [nFreq, frames], skipping zero weights. */
export function applyMel(bank: MelFilterbank, spec: Float64Array, frames: number): Float64Array {
  const [nMels, nFreq] = bank.dims;
  if (spec.length !== nFreq * frames) {
    throw new Error(`applyMel: spectrogram has ${spec.length} values, expected [${nFreq}, ${frames}]`);
  }
  const out = new Float64Array(nMels * frames);
  for (let m = 0; m < nMels; m++) {
    const [lo, hi] = bank.ranges[m];
    const row = m * frames;
    for (let k = lo; k < hi; k++) {
      const w = bank.data[m * nFreq + k];
      const src = k * frames;
      for (let t = 0; t < frames; t++) out[row + t] += w * spec[src + t];
    }
  }
  return out;
}
