/**
 * A counter-based pseudo-random generator shared, bit for bit, with `tools/ctc_loss_fixtures.py`:
 * fixtures store a seed instead of megabytes of inputs, and both sides regenerate the same values.
 * Element i of stream `seed` is `lowbias32(i + seed·0x9e3779b9 mod 2^32)` (Wellons' integer hash),
 * whose top 24 bits give a uniform float in [0, 1) that is exact in float32 and float64.
 */
export function hashUniform(seed: number, i: number): number {
  let x = (i + Math.imul(seed, 0x9e3779b9)) >>> 0;
  x ^= x >>> 16;
  x = Math.imul(x, 0x7feb352d);
  x ^= x >>> 15;
  x = Math.imul(x, 0x846ca68b);
  x ^= x >>> 16;
  return (x >>> 8) / 16777216;
}

/**
 * Random log-probabilities [T, N, C]: logits uniform in [−scale, scale), log-softmax over C in
 * float64, rounded to float32.
 */
export function randomLogProbs(seed: number, T: number, N: number, C: number, scale: number): Float32Array {
  const out = new Float32Array(T * N * C);
  const row = new Float64Array(C);
  for (let r = 0; r < T * N; r++) {
    let m = Number.NEGATIVE_INFINITY;
    for (let k = 0; k < C; k++) {
      const v = (hashUniform(seed, r * C + k) * 2 - 1) * scale;
      row[k] = v;
      if (v > m) m = v;
    }
    let s = 0;
    for (let k = 0; k < C; k++) s += Math.exp(row[k] - m);
    const lse = m + Math.log(s);
    for (let k = 0; k < C; k++) out[r * C + k] = row[k] - lse;
  }
  return out;
}

/** Random labels in [0, C) \ {blank}, `count` of them from stream `seed`. */
export function randomLabels(seed: number, count: number, C: number, blank: number): Int32Array {
  const out = new Int32Array(count);
  for (let i = 0; i < count; i++) {
    const k = Math.floor(hashUniform(seed, i) * (C - 1));
    out[i] = k >= blank ? k + 1 : k;
  }
  return out;
}
