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

export type DiagonalInit = 'lin' | 'inv' | 'real' | 'legs';

/**
 * Diagonal A for N real states as N/2 complex modes (conjugate pairs are implied):
 * S4D-Lin A_n = −½ + iπn; S4D-Inv A_n = −½ + i·N/π·(N/(2n+1) − 1); S4D-Real A_n = −(n+1);
 * S4D-LegS (see `legsDiagonal`) also returns its projected input vector B (the others use B = 1).
 */
export function diagonalInit(
  kind: DiagonalInit,
  stateSize: number,
): { re: Float64Array; im: Float64Array; B?: { re: Float64Array; im: Float64Array } } {
  if (!Number.isInteger(stateSize) || stateSize < 2 || stateSize % 2) {
    throw new Error(
      `diagonalInit: 'stateSize' must be an even integer >= 2 (N/2 complex modes) but is ${stateSize}`,
    );
  }
  if (kind === 'legs') return legsDiagonal(stateSize);
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
      throw new Error(`diagonalInit: unknown init '${kind}' (use 'lin', 'inv', 'real' or 'legs')`);
    }
  }
  return { re, im };
}

/** Eigen-decomposition of a real symmetric matrix by cyclic Jacobi rotations (values, column vectors). */
export function symmetricEigen(M: Float64Array, n: number): { values: Float64Array; vectors: Float64Array } {
  const a = Float64Array.from(M);
  const v = Float64Array.from({ length: n * n }, (_, i) => (i % (n + 1) === 0 ? 1 : 0));
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    for (let p = 0; p < n; p++) for (let q = p + 1; q < n; q++) off += a[p * n + q] ** 2;
    if (off < 1e-26) break;
    for (let p = 0; p < n; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = a[p * n + q];
        if (Math.abs(apq) < 1e-300) continue;
        const theta = (a[q * n + q] - a[p * n + p]) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < n; k++) {
          const akp = a[k * n + p];
          const akq = a[k * n + q];
          a[k * n + p] = c * akp - s * akq;
          a[k * n + q] = s * akp + c * akq;
        }
        for (let k = 0; k < n; k++) {
          const apk = a[p * n + k];
          const aqk = a[q * n + k];
          a[p * n + k] = c * apk - s * aqk;
          a[q * n + k] = s * apk + c * aqk;
        }
        for (let k = 0; k < n; k++) {
          const vkp = v[k * n + p];
          const vkq = v[k * n + q];
          v[k * n + p] = c * vkp - s * vkq;
          v[k * n + q] = s * vkp + c * vkq;
        }
      }
    }
  }
  return { values: Float64Array.from({ length: n }, (_, i) => a[i * n + i]), vectors: v };
}

/**
 * S4D-LegS: the diagonal part of HiPPO-LegS's normal-plus-low-rank form. With P_n = √(n+½),
 * A + PPᵀ = −½I + Z (Z skew-symmetric), whose eigenvalues are −½ ± iω. Returns the N/2 modes with
 * +iω, the projected input vector B̃ = v̄ᴴB (complex) and the eigenvectors v̄ = (x − iy)/√2 as columns
 * (re, im, row-major [N, N/2]) — from a real Jacobi solve of −Z² = ZᵀZ, whose eigenvalues ω² come in
 * pairs: x is one eigenvector of each pair and y = Zx/ω.
 */
export function legsDiagonal(stateSize: number): {
  re: Float64Array;
  im: Float64Array;
  B: { re: Float64Array; im: Float64Array };
  V: { re: Float64Array; im: Float64Array };
} {
  const n = stateSize;
  if (!Number.isInteger(n) || n < 2 || n % 2)
    throw new Error(`legsDiagonal: 'stateSize' must be an even integer >= 2 but is ${n}`);
  const half = n / 2;
  const Z = new Float64Array(n * n);
  for (let i = 0; i < n; i++)
    for (let k = 0; k < n; k++)
      if (i !== k) Z[i * n + k] = -0.5 * Math.sqrt((2 * i + 1) * (2 * k + 1)) * Math.sign(i - k);
  const ZtZ = new Float64Array(n * n);
  for (let i = 0; i < n; i++)
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let k = 0; k < n; k++) s += Z[k * n + i] * Z[k * n + j];
      ZtZ[i * n + j] = s;
    }
  const { values, vectors } = symmetricEigen(ZtZ, n);
  const order = [...values.keys()].sort((p, q) => values[p] - values[q]);
  const { B: hB } = hippoLegS(n);
  const out = {
    re: new Float64Array(half).fill(-0.5),
    im: new Float64Array(half),
    B: { re: new Float64Array(half), im: new Float64Array(half) },
    V: { re: new Float64Array(n * half), im: new Float64Array(n * half) },
  };
  for (let m = 0; m < half; m++) {
    const col = order[2 * m]; // one vector of each degenerate pair
    const omega = Math.sqrt(Math.max(values[col], 0));
    const x = Float64Array.from({ length: n }, (_, i) => vectors[i * n + col]);
    const y = new Float64Array(n);
    for (let i = 0; i < n; i++) for (let k = 0; k < n; k++) y[i] += (Z[i * n + k] * x[k]) / omega;
    out.im[m] = omega;
    let br = 0;
    let bi = 0;
    for (let i = 0; i < n; i++) {
      out.V.re[i * half + m] = x[i] / Math.SQRT2;
      out.V.im[i * half + m] = -y[i] / Math.SQRT2;
      br += (x[i] * hB[i]) / Math.SQRT2; // v̄ᴴB = ((x + iy)/√2)ᵀB
      bi += (y[i] * hB[i]) / Math.SQRT2;
    }
    out.B.re[m] = br;
    out.B.im[m] = bi;
  }
  return out;
}
