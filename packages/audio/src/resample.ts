/**
 * Band-limited resampling with a Hann-windowed sinc polyphase filter, numerically as torchaudio's
 * functional.resample (sinc_interp_hann, the default). For rates reduced by their gcd to
 * orig → new, output sample i·new + j is the dot product of the input (zero-padded by `width` on the
 * left and width + orig on the right) starting at i·orig with phase kernel j, where
 *   t = clamp((−j/new + (k − width)/orig)·base, ±lowpassFilterWidth),  base = min(orig, new)·rolloff,
 *   kernel_j[k] = sinc(π t) · cos²(π t / (2·lowpassFilterWidth)) · base / orig,
 * and the output has ⌈new·len/orig⌉ samples. Arithmetic is float64.
 */
export interface ResampleOptions {
  /** Zero crossings of the sinc on each side (sharper but longer filter when larger). Default 6. */
  lowpassFilterWidth?: number;
  /** Cutoff as a fraction of the lower Nyquist rate; < 1 leaves room for the transition band. Default 0.99. */
  rolloff?: number;
}

const MAX_KERNEL_TAPS = 1 << 25;

function gcd(a: number, b: number): number {
  while (b) [a, b] = [b, a % b];
  return a;
}

interface Kernel {
  orig: number;
  next: number;
  width: number;
  taps: number; // per phase: 2·width + orig
  weights: Float64Array; // [next, taps]
  // Per phase, the taps [lo, hi) where |t| < lowpassFilterWidth. Outside them torchaudio clamps t to
  // ±lowpassFilterWidth, where cos²(π/2)·sinc(±wπ) leaves weights below 1e-40: skipping those taps
  // changes nothing measurable and cuts the work ~14x for 44.1k → 16k (34 of 475 taps per phase).
  lo: Int32Array;
  hi: Int32Array;
}

const kernels = new Map<string, Kernel>();

function sincKernel(orig: number, next: number, lowpassFilterWidth: number, rolloff: number): Kernel {
  const key = `${orig}/${next}/${lowpassFilterWidth}/${rolloff}`;
  const cached = kernels.get(key);
  if (cached) return cached;
  const base = Math.min(orig, next) * rolloff;
  const width = Math.ceil((lowpassFilterWidth * orig) / base);
  const taps = 2 * width + orig;
  if (taps * next > MAX_KERNEL_TAPS) {
    throw new Error(
      `resample: rates reduce to ${orig} → ${next} (after dividing by their gcd), which needs a ` +
        `${next}×${taps} filter; pick rates with a larger common divisor`,
    );
  }
  const weights = new Float64Array(next * taps);
  const lo = new Int32Array(next).fill(taps);
  const hi = new Int32Array(next);
  const scale = base / orig;
  for (let j = 0; j < next; j++) {
    for (let k = 0; k < taps; k++) {
      let t = (-j / next + (k - width) / orig) * base;
      if (Math.abs(t) < lowpassFilterWidth) {
        if (k < lo[j]) lo[j] = k;
        hi[j] = k + 1;
      }
      t = Math.max(-lowpassFilterWidth, Math.min(lowpassFilterWidth, t));
      const window = Math.cos((t * Math.PI) / lowpassFilterWidth / 2) ** 2;
      const x = t * Math.PI;
      weights[j * taps + k] = (x === 0 ? 1 : Math.sin(x) / x) * window * scale;
    }
  }
  const kernel = { orig, next, width, taps, weights, lo, hi };
  kernels.set(key, kernel);
  return kernel;
}

export function resample(
  samples: Float32Array,
  fromRate: number,
  toRate: number,
  options: ResampleOptions = {},
): Float32Array {
  const lowpassFilterWidth = options.lowpassFilterWidth ?? 6;
  const rolloff = options.rolloff ?? 0.99;
  for (const [name, rate] of [
    ['fromRate', fromRate],
    ['toRate', toRate],
  ] as const) {
    if (!Number.isInteger(rate) || rate <= 0) {
      throw new Error(`resample: ${name} must be a positive integer (Hz), got ${rate}`);
    }
  }
  if (!(lowpassFilterWidth > 0)) {
    throw new Error(`resample: lowpassFilterWidth must be > 0, got ${lowpassFilterWidth}`);
  }
  if (!(rolloff > 0 && rolloff <= 1)) throw new Error(`resample: rolloff must be in (0, 1], got ${rolloff}`);
  if (fromRate === toRate) return samples.slice();

  const g = gcd(fromRate, toRate);
  const { orig, next, width, taps, weights, lo, hi } = sincKernel(
    fromRate / g,
    toRate / g,
    lowpassFilterWidth,
    rolloff,
  );
  const len = samples.length;
  const outLength = Math.ceil((next * len) / orig);
  const out = new Float32Array(outLength);
  // Padded input: `width` zeros, the signal, then width + orig zeros. Reading through an offset
  // avoids materialising it: padded[p] = samples[p − width] when in range, else 0.
  for (let n = 0; n < outLength; n++) {
    const block = Math.floor(n / next);
    const phase = n - block * next;
    const start = block * orig - width; // index into samples of tap 0
    const kLo = Math.max(lo[phase], -start);
    const kHi = Math.min(hi[phase], len - start);
    const row = phase * taps;
    let acc = 0;
    for (let k = kLo; k < kHi; k++) acc += samples[start + k] * weights[row + k];
    out[n] = acc;
  }
  return out;
}

/** Convenience: resample to the 16 kHz that Whisper and NeMo checkpoints expect. */
export function resampleTo16k(
  samples: Float32Array,
  sampleRate: number,
  options?: ResampleOptions,
): Float32Array {
  return sampleRate === 16000 ? samples : resample(samples, sampleRate, 16000, options);
}
