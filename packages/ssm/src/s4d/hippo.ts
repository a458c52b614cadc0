/**
 * State-matrix initialisations (host-side, float64), after state-spaces/s4 `transition('legs')` and
 * `dplr` (notes in shared/specs/architectures.md §10).
 */

/** HiPPO-LegS: A[n,k] = −√(2n+1)√(2k+1) (n > k), −(n+1) (n = k), 0 (n < k); B[n] = √(2n+1). Row-major A. */
export function hippoLegS(n: number): { A: Float64Array; B: Float64Array } {
  if (!Number.isInteger(n) || n < 1) throw new Error(`hippoLegS: 'n' must be a positive integer but is ${n}`);
  const A = new Float64Array(n * n);
  const B = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    B[i] = Math.sqrt(2 * i + 1);
    for (let k = 0; k <= i; k++)
      A[i * n + k] = i === k ? -(i + 1) : -Math.sqrt(2 * i + 1) * Math.sqrt(2 * k + 1);
  }
  return { A, B };
}

export type DiagonalInit = 'lin' | 'inv' | 'real';

/**
 * Diagonal A for N real states as N/2 complex modes (conjugate pairs are implied):
 * S4D-Lin A_n = −½ + iπn; S4D-Inv A_n = −½ + i·N/π·(N/(2n+1) − 1); S4D-Real A_n = −(n+1).
 */
export function diagonalInit(kind: DiagonalInit, stateSize: number): { re: Float64Array; im: Float64Array } {
  if (!Number.isInteger(stateSize) || stateSize < 2 || stateSize % 2) {
    throw new Error(
      `diagonalInit: 'stateSize' must be an even integer >= 2 (N/2 complex modes) but is ${stateSize}`,
    );
  }
  const half = stateSize / 2;
  const re = new Float64Array(half);
  const im = new Float64Array(half);
  for (let n = 0; n < half; n++) {
    if (kind === 'lin') {
      re[n] = -0.5;
      im[n] = Math.PI * n;
    } else if (kind === 'inv') {
      re[n] = -0.5;
      im[n] = (stateSize / Math.PI) * (stateSize / (2 * n + 1) - 1);
    } else if (kind === 'real') {
      re[n] = -(n + 1);
    } else {
      throw new Error(`diagonalInit: unknown init '${kind}' (use 'lin', 'inv' or 'real')`);
    }
  }
  return { re, im };
}
