/**
 * Confidence measures of NeMo's `ConfidenceMethodConfig` (asr_confidence_utils.py): a frame's
 * log-probability row maps to [0, 1] by its (α-scaled) max probability or by a normalised entropy
 * (Gibbs, Tsallis or Rényi; linear or exponential normalisation). V is the class count, blank included.
 * Token confidence aggregates the frames of each emitted token; word confidence aggregates tokens.
 */

export type ConfidenceAggregation = 'mean' | 'min' | 'max' | 'prod';

export interface ConfidenceMethod {
  /** 'max_prob' or 'entropy' (NeMo default 'entropy'). */
  name?: 'max_prob' | 'entropy';
  /** Entropy family (NeMo default 'tsallis'). */
  entropyType?: 'gibbs' | 'tsallis' | 'renyi';
  /** Power scale α > 0 (NeMo default 0.33); α = 1 gives the plain max probability / Shannon entropy. */
  alpha?: number;
  /** Mapping of the entropy to [0, 1] (NeMo default 'exp'). */
  entropyNorm?: 'lin' | 'exp';
}

export interface ConfidenceOptions extends ConfidenceMethod {
  /** Token → word aggregation, and frames → token when a token spans several frames (default 'min'). */
  aggregation?: ConfidenceAggregation;
  /** Leave blank frames out of token confidence (NeMo default true); else a token also owns the
   *  blank frames that follow it. */
  excludeBlank?: boolean;
}

type Measure = (row: ArrayLike<number>, off: number) => number;

/** Validates a method and returns the per-frame measure for rows of V log-probabilities. */
export function confidenceMeasure(fn: string, method: ConfidenceMethod, V: number): Measure {
  const name = method.name ?? 'entropy';
  const type = method.entropyType ?? 'tsallis';
  const norm = method.entropyNorm ?? 'exp';
  const t = method.alpha ?? 0.33;
  if (name !== 'max_prob' && name !== 'entropy') {
    throw new Error(`${fn}: confidence.name must be 'max_prob' or 'entropy', got '${name}'`);
  }
  if (type !== 'gibbs' && type !== 'tsallis' && type !== 'renyi') {
    throw new Error(`${fn}: confidence.entropyType must be 'gibbs', 'tsallis' or 'renyi', got '${type}'`);
  }
  if (norm !== 'lin' && norm !== 'exp') {
    throw new Error(`${fn}: confidence.entropyNorm must be 'lin' or 'exp', got '${norm}'`);
  }
  if (!(t > 0) || !Number.isFinite(t)) throw new Error(`${fn}: confidence.alpha must be > 0, got ${t}`);
  if (V < 2) throw new Error(`${fn}: confidence needs at least 2 classes, got C = ${V}`);
  // Σ exp(t·x) and Σ exp(t·x)·x over the row; log(0) entries contribute 0 to both (x·e^x → 0).
  const sums = (row: ArrayLike<number>, off: number, a: number): [number, number] => {
    let s = 0;
    let sx = 0;
    for (let i = 0; i < V; i++) {
      const x = row[off + i];
      if (x === Number.NEGATIVE_INFINITY) continue;
      const e = Math.exp(a * x);
      s += e;
      sx += e * x;
    }
    return [s, sx];
  };
  const lnV = Math.log(V);
  if (name === 'max_prob') {
    const vt = V ** t;
    return (row, off) => {
      let m = Number.NEGATIVE_INFINITY;
      for (let i = 0; i < V; i++) if (row[off + i] > m) m = row[off + i];
      return (Math.exp(m * t) * vt - 1) / (vt - 1);
    };
  }
  // α = 1: every entropy is Shannon's; NeMo uses the Gibbs baselines.
  if (t === 1) {
    if (norm === 'lin') return (row, off) => 1 + sums(row, off, 1)[1] / lnV;
    return (row, off) => (Math.exp(sums(row, off, 1)[1]) * V - 1) / (V - 1);
  }
  const v1t = V ** (1 - t);
  if (type === 'gibbs') {
    if (norm === 'lin') return (row, off) => 1 + sums(row, off, t)[1] / lnV / v1t;
    const eMax = V ** (-t * v1t);
    return (row, off) => (Math.exp(t * sums(row, off, t)[1]) - eMax) / (1 - eMax);
  }
  if (type === 'tsallis') {
    if (norm === 'lin') return (row, off) => 1 + (1 - sums(row, off, t)[0]) / (v1t - 1);
    const eMax = Math.exp((1 - v1t) / (1 - t));
    return (row, off) => (Math.exp((1 - sums(row, off, t)[0]) / (1 - t)) - eMax) / (1 - eMax);
  }
  if (norm === 'lin') return (row, off) => 1 + Math.log2(sums(row, off, t)[0]) / (t - 1) / Math.log2(V);
  return (row, off) => (sums(row, off, t)[0] ** (1 / (t - 1)) * V - 1) / (V - 1);
}

/** Confidence of each of T frames of a row-major [T, C] (or strided) log-probability array. */
export function frameConfidence(
  logProbs: Float32Array,
  T: number,
  C: number,
  method: ConfidenceMethod = {},
  frameStride = C,
  offset = 0,
): Float32Array {
  const measure = confidenceMeasure('frameConfidence', method, C);
  const out = new Float32Array(T);
  for (let t = 0; t < T; t++) out[t] = measure(logProbs, offset + t * frameStride);
  return out;
}

/** Aggregates values (NeMo's mean/min/max/prod); an empty list gives NaN. */
export function aggregate(
  values: ArrayLike<number>,
  how: ConfidenceAggregation,
  from = 0,
  to = values.length,
) {
  if (to <= from) return Number.NaN;
  let acc = how === 'prod' ? 1 : how === 'mean' ? 0 : values[from];
  for (let i = from; i < to; i++) {
    const v = values[i];
    if (how === 'mean') acc += v;
    else if (how === 'prod') acc *= v;
    else if (how === 'min') acc = Math.min(v, acc);
    else acc = Math.max(v, acc);
  }
  return how === 'mean' ? acc / (to - from) : acc;
}

/**
 * Token confidence from a frame path (label per frame, blank included) as NeMo's CTC decoding: each
 * emitted token aggregates the frames of its run, plus, when `excludeBlank` is false, the blank frames
 * that follow it.
 */
export function pathTokenConfidence(
  path: ArrayLike<number>,
  frameConf: ArrayLike<number>,
  blank: number,
  options: ConfidenceOptions = {},
): Float32Array {
  const how = options.aggregation ?? 'min';
  const excludeBlank = options.excludeBlank ?? true;
  const T = path.length;
  const out: number[] = [];
  let t = 0;
  while (t < T) {
    const k = path[t];
    if (k === blank) {
      t++;
      continue;
    }
    let end = t + 1;
    while (end < T && path[end] === k) end++;
    let stop = end;
    if (!excludeBlank) while (stop < T && path[stop] === blank) stop++;
    out.push(aggregate(frameConf, how, t, stop));
    t = end;
  }
  return Float32Array.from(out);
}
