import type { TensorData } from '@seqzoo/core';

/**
 * Best-path CTC decoding of log-posteriors [B, T, V]: argmax per frame over each item's first
 * `lengths[b]` frames, repeats collapsed, blanks dropped. (A minimal local decoder: @seqzoo/ctc's
 * decoding module does not export one yet.)
 */
export function greedyCtcDecode(logProbs: TensorData, lengths: ArrayLike<number>, blank = 0): Int32Array[] {
  const [B, T, V] = logProbs.dims;
  if (logProbs.dims.length !== 3)
    throw new Error(`greedyCtcDecode: 'logProbs' must be [B, T, V] but is [${logProbs.dims.join(', ')}]`);
  if (lengths.length !== B)
    throw new Error(
      `greedyCtcDecode: 'lengths' has ${lengths.length} entries but 'logProbs' [${logProbs.dims.join(', ')}] has batch ${B}`,
    );
  if (!Number.isInteger(blank) || blank < 0 || blank >= V)
    throw new Error(`greedyCtcDecode: blank ${blank} is outside the ${V} classes`);
  const out: Int32Array[] = [];
  for (let b = 0; b < B; b++) {
    const n = lengths[b];
    if (!Number.isInteger(n) || n < 0 || n > T)
      throw new Error(`greedyCtcDecode: lengths[${b}] = ${n} is outside [0, ${T}]`);
    const tokens: number[] = [];
    let prev = -1;
    for (let t = 0; t < n; t++) {
      const row = (b * T + t) * V;
      let best = 0;
      for (let v = 1; v < V; v++) if (logProbs.data[row + v] > logProbs.data[row + best]) best = v;
      if (best !== prev && best !== blank) tokens.push(best);
      prev = best;
    }
    out.push(Int32Array.from(tokens));
  }
  return out;
}
