import type { FloatData } from '../scan/selective-scan-data.js';
import { type Discretization, diagonalKernel, discretizeDiagonal } from './discretize.js';
import type { S4D } from './s4d.js';

/**
 * The S4D layer's SSM kernel K [H, L] computed host-side in float64 from its current parameters,
 * for either discretisation — pair it with `fftCausalConv` for O(L log L) long-sequence inference.
 */
export function s4dKernel(layer: S4D, length: number, disc: Discretization = layer.disc): FloatData {
  if (!Number.isInteger(length) || length < 1)
    throw new Error(`s4dKernel: 'length' must be a positive integer but is ${length}`);
  const h = layer.config.dModel;
  const half = layer.dState / 2;
  const { log_dt, C, log_A_real, A_imag } = layer.kernel;
  const [dts, cs, lar, ai] = [log_dt.data, C.data, log_A_real.data, A_imag.data];
  const out = new Float32Array(h * length);
  for (let c = 0; c < h; c++) {
    const pick = (f: (n: number) => number) => Float64Array.from({ length: half }, (_, n) => f(n));
    const A = { re: pick((n) => -Math.exp(lar[c * half + n])), im: pick((n) => ai[c * half + n]) };
    const B = { re: pick(() => 1), im: pick(() => 0) };
    const Cc = { re: pick((n) => cs[(c * half + n) * 2]), im: pick((n) => cs[(c * half + n) * 2 + 1]) };
    const { dA, dB } = discretizeDiagonal(A, B, Math.exp(dts[c]), disc);
    out.set(diagonalKernel(dA, dB, Cc, length), c * length);
  }
  return { data: out, dims: [h, length] };
}
