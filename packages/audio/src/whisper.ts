import { applyMel, type MelFilterbank, melFilterbank } from './mel.js';
import { powerSpectrogram } from './stft.js';
import { hannWindow } from './window.js';

/** Whisper's fixed front-end constants (whisper/audio.py). */
export const WHISPER_SAMPLE_RATE = 16000;
export const WHISPER_N_FFT = 400;
export const WHISPER_HOP_LENGTH = 160;
export const WHISPER_N_SAMPLES = 480000; // 30 s
export const WHISPER_N_FRAMES = 3000;

export interface WhisperLogMelOptions {
  /** 80 (tiny … large-v2) or 128 (large-v3, large-v3-turbo). */
  nMels?: number;
  /** Pad with zeros / trim to 30 s first (whisper.pad_or_trim), giving exactly 3000 frames. */
  padTo30s?: boolean;
  /** Extra zeros appended after padTo30s, as log_mel_spectrogram(padding=...) (transcribe uses 480000). */
  padding?: number;
}

const banks = new Map<number, MelFilterbank>();
function whisperBank(nMels: number): MelFilterbank {
  let bank = banks.get(nMels);
  if (!bank) {
    bank = melFilterbank({ sampleRate: WHISPER_SAMPLE_RATE, nFft: WHISPER_N_FFT, nMels });
    banks.set(nMels, bank);
  }
  return bank;
}

/** whisper.audio.pad_or_trim for one 1-D signal: zero-pad or cut at the end to `length` samples. */
export function padOrTrim(samples: Float32Array, length = WHISPER_N_SAMPLES): Float32Array {
  if (samples.length === length) return samples;
  const out = new Float32Array(length);
  out.set(samples.length > length ? samples.subarray(0, length) : samples);
  return out;
}

/**
 * Whisper's log_mel_spectrogram on 16 kHz mono audio → [nMels, frames] with frames = ⌊len/160⌋
 * (3000 with padTo30s): power STFT (n_fft 400, hop 160, periodic Hann, reflect-centred, last frame
 * dropped), Slaney mel bank, log10(max(x, 1e-10)), floor at (global max − 8), then (x + 4) / 4.
 */
export function whisperLogMel(
  samples: Float32Array,
  options: WhisperLogMelOptions = {},
): { data: Float32Array; dims: [number, number] } {
  const nMels = options.nMels ?? 80;
  if (!(samples instanceof Float32Array)) {
    throw new Error('whisperLogMel: samples must be a Float32Array of 16 kHz mono audio');
  }
  if (!Number.isInteger(nMels) || nMels < 1) {
    throw new Error(
      `whisperLogMel: nMels must be a positive integer (80 or 128 for released models), got ${nMels}`,
    );
  }
  const padding = options.padding ?? 0;
  if (!Number.isInteger(padding) || padding < 0) {
    throw new Error(`whisperLogMel: padding must be a non-negative integer, got ${padding}`);
  }
  let audio = options.padTo30s ? padOrTrim(samples) : samples;
  if (padding > 0) {
    const padded = new Float32Array(audio.length + padding);
    padded.set(audio);
    audio = padded;
  }
  if (audio.length <= WHISPER_N_FFT / 2) {
    throw new Error(
      `whisperLogMel: samples has ${audio.length} samples; reflect padding needs more than ${WHISPER_N_FFT / 2} ` +
        '(use padTo30s or a longer signal)',
    );
  }
  const spec = powerSpectrogram(audio, {
    nFft: WHISPER_N_FFT,
    hopLength: WHISPER_HOP_LENGTH,
    window: hannWindow(WHISPER_N_FFT, true),
    center: true,
    padMode: 'reflect',
  });
  const [nFreq, allFrames] = spec.dims;
  const frames = allFrames - 1; // Whisper drops the last STFT frame
  // Keep the first `frames` columns of every frequency row.
  const power = new Float64Array(nFreq * frames);
  for (let k = 0; k < nFreq; k++)
    power.set(spec.data.subarray(k * allFrames, k * allFrames + frames), k * frames);
  const mel = applyMel(whisperBank(nMels), power, frames);

  let max = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < mel.length; i++) {
    const v = Math.log10(Math.max(mel[i], 1e-10));
    mel[i] = v;
    if (v > max) max = v;
  }
  const floor = max - 8;
  const data = new Float32Array(mel.length);
  for (let i = 0; i < mel.length; i++) data[i] = (Math.max(mel[i], floor) + 4) / 4;
  return { data, dims: [nMels, frames] };
}
