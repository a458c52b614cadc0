import FFT from 'fft.js';

/** How a real DFT of length n is computed (see {@link createRealDft}). */
export type RealDftMethod = 'auto' | 'radix' | 'bluestein' | 'direct';

/**
 * Real-input DFT of a fixed length n: `forward(x, re, im)` writes bins 0..⌊n/2⌋ (the rest of the
 * spectrum is the complex conjugate mirror). All arithmetic is float64.
 */
export interface RealDft {
  readonly size: number;
  readonly method: Exclude<RealDftMethod, 'auto'>;
  forward(input: ArrayLike<number>, re: Float64Array, im: Float64Array): void;
}

const isPowerOfTwo = (n: number): boolean => n >= 2 && (n & (n - 1)) === 0;

/**
 * Picks an algorithm for length n. fft.js only does powers of two, so for other lengths (Whisper's
 * n_fft = 400) we use Bluestein's chirp-z: an n-point DFT becomes a circular convolution done with
 * power-of-two fft.js transforms. For even n, the real input is first packed into an n/2-point complex
 * signal (even samples real, odd samples imaginary), halving the work. `bench/audio-frontends.ts`
 * measured this 5-8x faster than the direct O(n²) DFT at n = 400 (~30 µs vs ~300 µs per frame here),
 * which stays available as a readable reference ('direct').
 */
export function createRealDft(n: number, method: RealDftMethod = 'auto'): RealDft {
  if (!Number.isInteger(n) || n < 1) throw new Error(`createRealDft: n must be a positive integer, got ${n}`);
  const chosen = method === 'auto' ? (isPowerOfTwo(n) ? 'radix' : n < 16 ? 'direct' : 'bluestein') : method;
  if (chosen === 'radix') {
    if (!isPowerOfTwo(n)) {
      throw new Error(`createRealDft: method 'radix' needs a power-of-two size >= 2, got n = ${n}`);
    }
    return radixRealDft(n);
  }
  if (chosen === 'direct') return directRealDft(n);
  if (chosen === 'bluestein') return n % 2 === 0 && n >= 4 ? packedRealDft(n) : complexAsRealDft(n);
  throw new Error(`createRealDft: unknown method '${String(method)}'`);
}

function radixRealDft(n: number): RealDft {
  const fft = new FFT(n);
  const out = new Float64Array(2 * n);
  return {
    size: n,
    method: 'radix',
    forward(input, re, im) {
      fft.realTransform(out, input);
      for (let k = 0; k <= n >> 1; k++) {
        re[k] = out[2 * k];
        im[k] = out[2 * k + 1];
      }
    },
  };
}

function directRealDft(n: number): RealDft {
  const cos = new Float64Array(n);
  const sin = new Float64Array(n);
  for (let j = 0; j < n; j++) {
    cos[j] = Math.cos((2 * Math.PI * j) / n);
    sin[j] = Math.sin((2 * Math.PI * j) / n);
  }
  return {
    size: n,
    method: 'direct',
    forward(input, re, im) {
      for (let k = 0; k <= n >> 1; k++) {
        let sr = 0;
        let si = 0;
        let idx = 0; // (k·t) mod n, kept exact by integer stepping
        for (let t = 0; t < n; t++) {
          const x = input[t];
          sr += x * cos[idx];
          si -= x * sin[idx];
          idx += k;
          if (idx >= n) idx -= n;
        }
        re[k] = sr;
        im[k] = si;
      }
    },
  };
}

/** Complex DFT of arbitrary length L by Bluestein's algorithm on power-of-two fft.js transforms. */
export interface ComplexDft {
  readonly size: number;
  /** In: interleaved [re, im] of length 2L; out: interleaved spectrum of length 2L. */
  forward(input: Float64Array, output: Float64Array): void;
}

export function createBluesteinDft(size: number): ComplexDft {
  let m = 2;
  while (m < 2 * size - 1) m *= 2;
  const fft = new FFT(m);
  // Chirp w[n] = exp(-iπ n²/L); n² is reduced mod 2L first so the angle stays exact for large n.
  const wRe = new Float64Array(size);
  const wIm = new Float64Array(size);
  for (let j = 0; j < size; j++) {
    const angle = (Math.PI * ((j * j) % (2 * size))) / size;
    wRe[j] = Math.cos(angle);
    wIm[j] = -Math.sin(angle);
  }
  // Spectrum of the conjugate chirp laid out circularly (b[j] = b[m - j] = conj w[j]).
  const b = new Float64Array(2 * m);
  for (let j = 0; j < size; j++) {
    b[2 * j] = wRe[j];
    b[2 * j + 1] = -wIm[j];
    if (j > 0) {
      b[2 * (m - j)] = wRe[j];
      b[2 * (m - j) + 1] = -wIm[j];
    }
  }
  const bHat = new Float64Array(2 * m);
  fft.transform(bHat, b);
  const a = new Float64Array(2 * m);
  const aHat = new Float64Array(2 * m);
  const conv = new Float64Array(2 * m);
  return {
    size,
    forward(input, output) {
      a.fill(0);
      for (let j = 0; j < size; j++) {
        const xr = input[2 * j];
        const xi = input[2 * j + 1];
        a[2 * j] = xr * wRe[j] - xi * wIm[j];
        a[2 * j + 1] = xr * wIm[j] + xi * wRe[j];
      }
      fft.transform(aHat, a);
      for (let j = 0; j < m; j++) {
        const ar = aHat[2 * j];
        const ai = aHat[2 * j + 1];
        const br = bHat[2 * j];
        const bi = bHat[2 * j + 1];
        aHat[2 * j] = ar * br - ai * bi;
        aHat[2 * j + 1] = ar * bi + ai * br;
      }
      fft.inverseTransform(conv, aHat); // fft.js divides by m here
      for (let k = 0; k < size; k++) {
        const cr = conv[2 * k];
        const ci = conv[2 * k + 1];
        output[2 * k] = cr * wRe[k] - ci * wIm[k];
        output[2 * k + 1] = cr * wIm[k] + ci * wRe[k];
      }
    },
  };
}

function complexAsRealDft(n: number): RealDft {
  const dft = createBluesteinDft(n);
  const buf = new Float64Array(2 * n);
  const out = new Float64Array(2 * n);
  return {
    size: n,
    method: 'bluestein',
    forward(input, re, im) {
      for (let j = 0; j < n; j++) {
        buf[2 * j] = input[j];
        buf[2 * j + 1] = 0;
      }
      dft.forward(buf, out);
      for (let k = 0; k <= n >> 1; k++) {
        re[k] = out[2 * k];
        im[k] = out[2 * k + 1];
      }
    },
  };
}

/**
 * Even n: z[j] = x[2j] + i·x[2j+1] (n/2 points), Z = DFT(z), then
 * X[k] = (Z[k] + conj Z[h-k])/2 − i·e^{−2πik/n}·(Z[k] − conj Z[h-k])/2 with h = n/2, Z[h] ≡ Z[0].
 */
function packedRealDft(n: number): RealDft {
  const h = n / 2;
  const dft = createBluesteinDft(h);
  const z = new Float64Array(2 * h);
  const spec = new Float64Array(2 * h);
  const twRe = new Float64Array(h + 1);
  const twIm = new Float64Array(h + 1);
  for (let k = 0; k <= h; k++) {
    twRe[k] = Math.cos((2 * Math.PI * k) / n);
    twIm[k] = -Math.sin((2 * Math.PI * k) / n);
  }
  return {
    size: n,
    method: 'bluestein',
    forward(input, re, im) {
      for (let j = 0; j < h; j++) {
        z[2 * j] = input[2 * j];
        z[2 * j + 1] = input[2 * j + 1];
      }
      dft.forward(z, spec);
      for (let k = 0; k <= h; k++) {
        const k1 = k === h ? 0 : k;
        const k2 = k === 0 ? 0 : h - k;
        const zr = spec[2 * k1];
        const zi = spec[2 * k1 + 1];
        const cr = spec[2 * k2]; // conj Z[h-k] = (cr, -ci)
        const ci = -spec[2 * k2 + 1];
        const er = 0.5 * (zr + cr); // even part
        const ei = 0.5 * (zi + ci);
        const or = 0.5 * (zr - cr); // (Z − conj)/2, to be multiplied by −i·tw
        const oi = 0.5 * (zi - ci);
        // −i·(or + i·oi) = oi − i·or
        const pr = oi;
        const pi = -or;
        re[k] = er + pr * twRe[k] - pi * twIm[k];
        im[k] = ei + pr * twIm[k] + pi * twRe[k];
      }
    },
  };
}
