/**
 * Host-side (float64) discretisation of continuous SSMs x' = Ax + Bu, y = Cx, and their convolution
 * kernels K_l = C Ā^l B̄. Zero-order hold: Ā = exp(ΔA), B̄ = A⁻¹(Ā − I)B. Bilinear (Tustin):
 * Ā = (I − Δ/2·A)⁻¹(I + Δ/2·A), B̄ = (I − Δ/2·A)⁻¹ΔB.
 */
export type Discretization = 'zoh' | 'bilinear';

/** One diagonal system: N/2 complex modes (re/im arrays). */
export interface DiagonalModes {
  re: Float64Array;
  im: Float64Array;
}

function checkDisc(disc: string, where: string): void {
  if (disc !== 'zoh' && disc !== 'bilinear')
    throw new Error(`${where}: unknown discretization '${disc}' (use 'zoh' or 'bilinear')`);
}

/** Ā and B̄ (with B folded in) of diagonal complex modes A (re, im) and B for step size dt. */
export function discretizeDiagonal(
  A: DiagonalModes,
  B: DiagonalModes,
  dt: number,
  disc: Discretization,
): { dA: DiagonalModes; dB: DiagonalModes } {
  checkDisc(disc, 'discretizeDiagonal');
  const n = A.re.length;
  const dA = { re: new Float64Array(n), im: new Float64Array(n) };
  const dB = { re: new Float64Array(n), im: new Float64Array(n) };
  for (let i = 0; i < n; i++) {
    const ar = dt * A.re[i];
    const ai = dt * A.im[i];
    let fr: number; // factor multiplying B
    let fi: number;
    if (disc === 'zoh') {
      const e = Math.exp(ar);
      dA.re[i] = e * Math.cos(ai);
      dA.im[i] = e * Math.sin(ai);
      // (exp(ΔA) − 1) / A
      const nr = dA.re[i] - 1;
      const ni = dA.im[i];
      const den = A.re[i] ** 2 + A.im[i] ** 2;
      fr = (nr * A.re[i] + ni * A.im[i]) / den;
      fi = (ni * A.re[i] - nr * A.im[i]) / den;
    } else {
      // 1/(1 − ΔA/2), then Ā = (1 + ΔA/2)·that, B̄ = Δ·that·B
      const dr = 1 - ar / 2;
      const di = -ai / 2;
      const den = dr * dr + di * di;
      const ir = dr / den;
      const ii = -di / den;
      const pr = 1 + ar / 2;
      const pi = ai / 2;
      dA.re[i] = pr * ir - pi * ii;
      dA.im[i] = pr * ii + pi * ir;
      fr = dt * ir;
      fi = dt * ii;
    }
    dB.re[i] = fr * B.re[i] - fi * B.im[i];
    dB.im[i] = fr * B.im[i] + fi * B.re[i];
  }
  return { dA, dB };
}

/** K_l = 2·Re Σ_n C_n B̄_n Ā_n^l for l < length (conjugate pairs give the factor 2). */
export function diagonalKernel(
  dA: DiagonalModes,
  dB: DiagonalModes,
  C: DiagonalModes,
  length: number,
): Float64Array {
  const n = dA.re.length;
  const k = new Float64Array(length);
  for (let i = 0; i < n; i++) {
    // w = C·B̄, then multiplied by Ā once per lag.
    let wr = C.re[i] * dB.re[i] - C.im[i] * dB.im[i];
    let wi = C.re[i] * dB.im[i] + C.im[i] * dB.re[i];
    for (let l = 0; l < length; l++) {
      k[l] += 2 * wr;
      const nr = wr * dA.re[i] - wi * dA.im[i];
      wi = wr * dA.im[i] + wi * dA.re[i];
      wr = nr;
    }
  }
  return k;
}

/** Solves M X = R for square M [n, n] and R [n, m] (Gaussian elimination with partial pivoting). */
export function solve(M: Float64Array, R: Float64Array, n: number, m: number): Float64Array {
  const a = Float64Array.from(M);
  const x = Float64Array.from(R);
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(a[r * n + c]) > Math.abs(a[p * n + c])) p = r;
    if (Math.abs(a[p * n + c]) < 1e-300) throw new Error(`solve: matrix is singular (column ${c})`);
    if (p !== c) {
      for (let j = 0; j < n; j++) [a[c * n + j], a[p * n + j]] = [a[p * n + j], a[c * n + j]];
      for (let j = 0; j < m; j++) [x[c * m + j], x[p * m + j]] = [x[p * m + j], x[c * m + j]];
    }
    for (let r = 0; r < n; r++) {
      if (r === c) continue;
      const f = a[r * n + c] / a[c * n + c];
      if (f === 0) continue;
      for (let j = c; j < n; j++) a[r * n + j] -= f * a[c * n + j];
      for (let j = 0; j < m; j++) x[r * m + j] -= f * x[c * m + j];
    }
  }
  for (let r = 0; r < n; r++) for (let j = 0; j < m; j++) x[r * m + j] /= a[r * n + r];
  return x;
}

export function matmulHost(
  a: ArrayLike<number>,
  b: ArrayLike<number>,
  n: number,
  k: number,
  m: number,
): Float64Array {
  const out = new Float64Array(n * m);
  for (let i = 0; i < n; i++)
    for (let p = 0; p < k; p++) {
      const v = a[i * k + p];
      if (v !== 0) for (let j = 0; j < m; j++) out[i * m + j] += v * b[p * m + j];
    }
  return out;
}

const eye = (n: number) => Float64Array.from({ length: n * n }, (_, i) => (i % (n + 1) === 0 ? 1 : 0));

/** Matrix exponential by scaling and squaring with a Taylor series (plenty for ‖ΔA‖ of SSMs). */
export function expm(M: Float64Array, n: number): Float64Array {
  let norm = 0;
  for (let i = 0; i < n; i++) {
    let row = 0;
    for (let j = 0; j < n; j++) row += Math.abs(M[i * n + j]);
    norm = Math.max(norm, row);
  }
  const s = Math.max(0, Math.ceil(Math.log2(norm || 1)) + 1);
  const scaled = M.map((v) => v / 2 ** s);
  let term: Float64Array = eye(n);
  let sum: Float64Array = eye(n);
  for (let k = 1; k <= 20; k++) {
    term = matmulHost(term, scaled, n, n, n).map((v) => v / k);
    sum = sum.map((v, i) => v + term[i]);
  }
  for (let i = 0; i < s; i++) sum = matmulHost(sum, sum, n, n, n);
  return sum;
}

/** Dense Ā [n, n] and B̄ [n] (LSSL). */
export function discretizeDense(
  A: Float64Array,
  B: Float64Array,
  n: number,
  dt: number,
  disc: Discretization,
): { dA: Float64Array; dB: Float64Array } {
  checkDisc(disc, 'discretizeDense');
  if (disc === 'bilinear') {
    const left = eye(n).map((v, i) => v - (dt / 2) * A[i]);
    const right = eye(n).map((v, i) => v + (dt / 2) * A[i]);
    return {
      dA: solve(left, right, n, n),
      dB: solve(
        left,
        B.map((v) => dt * v),
        n,
        1,
      ),
    };
  }
  const dA = expm(
    A.map((v) => dt * v),
    n,
  );
  const rhs = matmulHost(
    dA.map((v, i) => v - (i % (n + 1) === 0 ? 1 : 0)),
    B,
    n,
    n,
    1,
  );
  return { dA, dB: solve(A, rhs, n, 1) };
}

/** K_l = C Ā^l B̄ (Krylov sequence) for a dense system. */
export function denseKernel(
  dA: Float64Array,
  dB: Float64Array,
  C: ArrayLike<number>,
  n: number,
  length: number,
): Float64Array {
  const k = new Float64Array(length);
  let v: Float64Array = Float64Array.from(dB);
  for (let l = 0; l < length; l++) {
    let s = 0;
    for (let i = 0; i < n; i++) s += C[i] * v[i];
    k[l] = s;
    v = matmulHost(dA, v, n, n, 1);
  }
  return k;
}
