import FFT from 'fft.js';
import type { FloatData } from '../scan/selective-scan-data.js';

/**
 * Causal long convolution by FFT (host-side, float64): y[b,h,l] = Σ_{s≤l} K[h, l−s]·u[b,h,s] + D[h]·u[b,h,l],
 * zero-padding to a power of two ≥ 2L so the circular convolution is linear — O(L log L) per channel.
 * u: [batch, H, L]; kernel: [H, Lk] with Lk ≥ L (only the first L taps are used); D: [H] (optional).
 */
export function fftCausalConv(u: FloatData, kernel: FloatData, D?: ArrayLike<number>): FloatData {
  if (u.dims.length !== 3)
    throw new Error(`fftCausalConv: 'u' must be [batch, H, L] but has dims [${u.dims}]`);
  const [batch, h, len] = u.dims;
  if (kernel.dims.length !== 2 || kernel.dims[0] !== h || kernel.dims[1] < len) {
    throw new Error(
      `fftCausalConv: 'kernel' must be [${h}, >= ${len}] for u [${u.dims}] but has dims [${kernel.dims}]`,
    );
  }
  if (D && D.length !== h) throw new Error(`fftCausalConv: 'D' must have ${h} values but has ${D.length}`);
  const lk = kernel.dims[1];
  let size = 2;
  while (size < 2 * len) size *= 2;
  const fft = new FFT(size);
  const input = fft.createComplexArray() as number[];
  const kSpec = fft.createComplexArray() as number[];
  const uSpec = fft.createComplexArray() as number[];
  const prod = fft.createComplexArray() as number[];
  const out = fft.createComplexArray() as number[];
  const y = new Float32Array(batch * h * len);
  for (let c = 0; c < h; c++) {
    input.fill(0);
    for (let l = 0; l < len; l++) input[2 * l] = kernel.data[c * lk + l];
    fft.transform(kSpec, input);
    for (let b = 0; b < batch; b++) {
      const base = (b * h + c) * len;
      input.fill(0);
      for (let l = 0; l < len; l++) input[2 * l] = u.data[base + l];
      fft.transform(uSpec, input);
      for (let i = 0; i < size; i++) {
        const [ar, ai, br, bi] = [kSpec[2 * i], kSpec[2 * i + 1], uSpec[2 * i], uSpec[2 * i + 1]];
        prod[2 * i] = ar * br - ai * bi;
        prod[2 * i + 1] = ar * bi + ai * br;
      }
      fft.inverseTransform(out, prod);
      const d = D ? D[c] : 0;
      for (let l = 0; l < len; l++) y[base + l] = out[2 * l] + d * u.data[base + l];
    }
  }
  return { data: y, dims: [batch, h, len] };
}
