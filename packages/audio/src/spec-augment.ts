import { Rng } from './rng.js';

/**
 * SpecAugment (Park et al. 2019) frequency and time masking with the draws of NeMo's SpecAugment
 * module (training-time augmentation of (Fast)Conformer models), per mask:
 *   frequency: start ~ U{0 … nMels − freqWidth}, width ~ U{0 … freqWidth};
 *   time:      start ~ U{0 … max(1, validFrames − W)}, width ~ U{0 … W}, clipped to validFrames,
 * where W = timeWidth frames, or ⌊timeWidth · validFrames⌋ (at least 1) when timeWidth < 1 (NeMo's
 * adaptive float time_width). Our seeded {@link Rng} replaces Python's `random`, so the masks are
 * reproducible but not the ones NeMo would draw. Padding frames (beyond validFrames) are never touched.
 */
export interface SpecAugmentOptions {
  /** Number of frequency masks. Default 2. */
  freqMasks?: number;
  /** Maximum frequency-mask width in mel bins. Default 27. */
  freqWidth?: number;
  /** Number of time masks. Default 10. */
  timeMasks?: number;
  /** Maximum time-mask width: frames if >= 1, else a fraction of validFrames. Default 0.05. */
  timeWidth?: number;
  /** Value written into masked cells: a number, or 'mean' for the mean over valid frames. Default 0. */
  maskValue?: number | 'mean';
  /**
   * Memory layout of `data`: 'mels-frames' = [nMels, frames] (what whisperLogMel/nemoLogMel return,
   * dims[0] = nMels) or 'frames-mels' = [frames, nMels]. Default 'mels-frames'.
   */
  layout?: 'mels-frames' | 'frames-mels';
  /** Frames that hold real audio (the rest is padding and is never masked). Default: all. */
  validFrames?: number;
  /** Seed for a fresh {@link Rng}; or pass `rng` to continue a stream. Default 0. */
  seed?: number;
  rng?: Rng;
}

export interface MaskSpan {
  start: number;
  width: number;
}

export interface SpecAugmentResult {
  data: Float32Array;
  dims: [number, number];
  freqMasks: MaskSpan[];
  timeMasks: MaskSpan[];
}

function checkCount(name: string, v: number): void {
  if (!Number.isInteger(v) || v < 0)
    throw new Error(`specAugment: ${name} must be an integer >= 0, got ${v}`);
}

/** Returns a masked copy; the input is left untouched. */
export function specAugment(
  features: { data: Float32Array; dims: readonly number[] },
  options: SpecAugmentOptions = {},
): SpecAugmentResult {
  const { data, dims } = features;
  const layout = options.layout ?? 'mels-frames';
  if (layout !== 'mels-frames' && layout !== 'frames-mels') {
    throw new Error(`specAugment: layout must be 'mels-frames' or 'frames-mels', got '${String(layout)}'`);
  }
  if (dims.length !== 2 || dims[0] * dims[1] !== data.length) {
    throw new Error(
      `specAugment: features.dims must be [${layout === 'mels-frames' ? 'nMels, frames' : 'frames, nMels'}] ` +
        `matching data.length ${data.length}, got [${dims.join(', ')}]`,
    );
  }
  const [nMels, frames] = layout === 'mels-frames' ? [dims[0], dims[1]] : [dims[1], dims[0]];
  const freqMasks = options.freqMasks ?? 2;
  const freqWidth = options.freqWidth ?? 27;
  const timeMasks = options.timeMasks ?? 10;
  const timeWidth = options.timeWidth ?? 0.05;
  const validFrames = options.validFrames ?? frames;
  checkCount('freqMasks', freqMasks);
  checkCount('freqWidth', freqWidth);
  checkCount('timeMasks', timeMasks);
  if (!(timeWidth >= 0) || (timeWidth >= 1 && !Number.isInteger(timeWidth))) {
    throw new Error(
      `specAugment: timeWidth must be a fraction in [0, 1) or an integer number of frames, got ${timeWidth}`,
    );
  }
  if (!Number.isInteger(validFrames) || validFrames < 0 || validFrames > frames) {
    throw new Error(`specAugment: validFrames must be an integer in [0, ${frames}], got ${validFrames}`);
  }
  const maskValue = options.maskValue ?? 0;
  if (maskValue !== 'mean' && typeof maskValue !== 'number') {
    throw new Error(`specAugment: maskValue must be a number or 'mean', got ${String(maskValue)}`);
  }
  const rng = options.rng ?? new Rng(options.seed ?? 0);
  // Strides for (mel, frame) in either layout.
  const [melStride, frameStride] = layout === 'mels-frames' ? [frames, 1] : [1, nMels];

  let fill = 0;
  if (maskValue === 'mean') {
    let sum = 0;
    for (let m = 0; m < nMels; m++) {
      for (let t = 0; t < validFrames; t++) sum += data[m * melStride + t * frameStride];
    }
    fill = validFrames > 0 ? sum / (nMels * validFrames) : 0;
  } else {
    fill = maskValue;
  }

  if (freqMasks > 0 && freqWidth > nMels) {
    throw new Error(`specAugment: freqWidth ${freqWidth} exceeds the ${nMels} mel bins`);
  }
  const out = data.slice();
  const freq: MaskSpan[] = [];
  for (let i = 0; i < freqMasks; i++) {
    const start = rng.int(0, nMels - freqWidth);
    const span = { start, width: rng.int(0, freqWidth) };
    freq.push(span);
    for (let m = span.start; m < span.start + span.width; m++) {
      for (let t = 0; t < validFrames; t++) out[m * melStride + t * frameStride] = fill;
    }
  }
  const maxTime = timeWidth < 1 ? Math.max(1, Math.floor(timeWidth * validFrames)) : timeWidth;
  const time: MaskSpan[] = [];
  for (let i = 0; i < timeMasks && validFrames > 0; i++) {
    const start = rng.int(0, Math.max(1, validFrames - maxTime));
    const span = { start, width: Math.max(0, Math.min(rng.int(0, maxTime), validFrames - start)) };
    time.push(span);
    for (let t = span.start; t < span.start + span.width; t++) {
      for (let m = 0; m < nMels; m++) out[m * melStride + t * frameStride] = fill;
    }
  }
  return { data: out, dims: [dims[0], dims[1]], freqMasks: freq, timeMasks: time };
}
