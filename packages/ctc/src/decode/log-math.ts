/** log(0): the identity of log-sum-exp. */
export const LOG_ZERO = Number.NEGATIVE_INFINITY;

/** ln(10): turns the log10 probabilities of ARPA files into natural-log scores. */
export const LN10 = Math.LN10;

/** log(exp(a) + exp(b)) without overflow; exact when either side is log(0). */
export function logAddExp(a: number, b: number): number {
  if (a === LOG_ZERO) return b;
  if (b === LOG_ZERO) return a;
  return a > b ? a + Math.log1p(Math.exp(b - a)) : b + Math.log1p(Math.exp(a - b));
}

/** log Σ exp(x[off + i]) for i in [0, n). */
export function logSumExp(x: ArrayLike<number>, off = 0, n = x.length - off): number {
  let m = LOG_ZERO;
  for (let i = 0; i < n; i++) if (x[off + i] > m) m = x[off + i];
  if (m === LOG_ZERO || !Number.isFinite(m)) return m;
  let s = 0;
  for (let i = 0; i < n; i++) s += Math.exp(x[off + i] - m);
  return m + Math.log(s);
}
