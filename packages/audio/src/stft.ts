import { createRealDft, type RealDftMethod } from './fft.js';
import { hannWindow } from './window.js';

export type PadMode = 'reflect' | 'constant';

/** torch.stft semantics (onesided, normalized=False); `window` defaults to a periodic Hann of winLength. */
export interface StftOptions {
  nFft: number;
  hopLength: number;
  /** Window length, <= nFft; the window is zero-padded to nFft centred as torch does. Default nFft. */
  winLength?: number;
  window?: ArrayLike<number>;
  /** Pad nFft/2 samples each side so frame t is centred on sample t·hop (torch default true). */
  center?: boolean;
  /** Padding when centring: 'reflect' (torch default, Whisper) or 'constant' zeros (NeMo). */
  padMode?: PadMode;
  /** FFT algorithm; see {@link createRealDft}. */
  dftMethod?: RealDftMethod;
}

export interface Spectrogram {
  /** Row-major [nFreq, frames], float64 so downstream log/mel steps keep full precision. */
  data: Float64Array;
  dims: [number, number];
}

interface Framing {
  nFft: number;
  hop: number;
  nFreq: number;
  frames: number;
  window: Float64Array; // length nFft (padded)
  padded: Float64Array;
  method: RealDftMethod;
}

function prepare(fn: string, samples: ArrayLike<number>, o: StftOptions): Framing {
  const { nFft, hopLength: hop } = o;
  if (!Number.isInteger(nFft) || nFft < 1)
    throw new Error(`${fn}: nFft must be a positive integer, got ${nFft}`);
  if (!Number.isInteger(hop) || hop < 1)
    throw new Error(`${fn}: hopLength must be a positive integer, got ${hop}`);
  const winLength = o.winLength ?? o.window?.length ?? nFft;
  if (!Number.isInteger(winLength) || winLength < 1 || winLength > nFft) {
    throw new Error(`${fn}: winLength must be an integer in [1, nFft=${nFft}], got ${winLength}`);
  }
  const win = o.window ?? hannWindow(winLength, true);
  if (win.length !== winLength) {
    throw new Error(`${fn}: window has length ${win.length} but winLength is ${winLength}`);
  }
  const window = new Float64Array(nFft);
  const offset = Math.floor((nFft - winLength) / 2); // torch centres a short window inside n_fft
  for (let i = 0; i < winLength; i++) window[offset + i] = win[i];

  const center = o.center ?? true;
  const padMode = o.padMode ?? 'reflect';
  const len = samples.length;
  const pad = center ? Math.floor(nFft / 2) : 0;
  if (center && padMode === 'reflect' && pad >= len) {
    throw new Error(
      `${fn}: reflect padding of ${pad} samples needs more than ${pad} input samples, got ${len} ` +
        `(pad the audio or use padMode 'constant')`,
    );
  }
  if (padMode !== 'reflect' && padMode !== 'constant') {
    throw new Error(`${fn}: padMode must be 'reflect' or 'constant', got '${String(padMode)}'`);
  }
  const padded = new Float64Array(len + 2 * pad);
  for (let i = 0; i < len; i++) padded[pad + i] = samples[i];
  if (pad > 0 && padMode === 'reflect') {
    // reflect excludes the edge sample: [x2, x1, | x0, x1, x2, ...]
    for (let i = 1; i <= pad; i++) {
      padded[pad - i] = samples[i];
      padded[pad + len - 1 + i] = samples[len - 1 - i];
    }
  }
  if (padded.length < nFft) {
    throw new Error(
      `${fn}: input of ${len} samples (${padded.length} after padding) is shorter than nFft=${nFft}`,
    );
  }
  const frames = 1 + Math.floor((padded.length - nFft) / hop);
  return { nFft, hop, nFreq: (nFft >> 1) + 1, frames, window, padded, method: o.dftMethod ?? 'auto' };
}

function forEachFrame(f: Framing, visit: (t: number, re: Float64Array, im: Float64Array) => void): void {
  const dft = createRealDft(f.nFft, f.method);
  const frame = new Float64Array(f.nFft);
  const re = new Float64Array(f.nFreq);
  const im = new Float64Array(f.nFreq);
  for (let t = 0; t < f.frames; t++) {
    const start = t * f.hop;
    for (let i = 0; i < f.nFft; i++) frame[i] = f.padded[start + i] * f.window[i];
    dft.forward(frame, re, im);
    visit(t, re, im);
  }
}

/** Complex STFT as torch.stft(..., return_complex=True): real and imaginary parts, each [nFreq, frames]. */
export function stft(
  samples: ArrayLike<number>,
  options: StftOptions,
): { real: Float64Array; imag: Float64Array; dims: [number, number] } {
  const f = prepare('stft', samples, options);
  const real = new Float64Array(f.nFreq * f.frames);
  const imag = new Float64Array(f.nFreq * f.frames);
  forEachFrame(f, (t, re, im) => {
    for (let k = 0; k < f.nFreq; k++) {
      real[k * f.frames + t] = re[k];
      imag[k * f.frames + t] = im[k];
    }
  });
  return { real, imag, dims: [f.nFreq, f.frames] };
}

/** |STFT|^power, [nFreq, frames]; power 2 is what both Whisper and NeMo feed to their mel banks. */
export function powerSpectrogram(
  samples: ArrayLike<number>,
  options: StftOptions & { power?: number },
): Spectrogram {
  const f = prepare('powerSpectrogram', samples, options);
  const power = options.power ?? 2;
  if (!(power > 0)) throw new Error(`powerSpectrogram: power must be > 0, got ${power}`);
  const data = new Float64Array(f.nFreq * f.frames);
  forEachFrame(f, (t, re, im) => {
    for (let k = 0; k < f.nFreq; k++) {
      const p = re[k] * re[k] + im[k] * im[k];
      data[k * f.frames + t] = power === 2 ? p : p ** (power / 2);
    }
  });
  return { data, dims: [f.nFreq, f.frames] };
}
