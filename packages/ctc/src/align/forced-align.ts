import { countRepeats, type ViterbiResult, viterbiAlign } from './viterbi.js';

/** Inputs of {@link forcedAlign}. */
export interface ForcedAlignOptions {
  /** Log-probabilities (log-softmax output), row-major [T, C]. */
  logProbs: Float32Array;
  /** [T, C]: frames and classes (blank included). */
  dims: readonly [number, number] | readonly number[];
  /** Target token ids (no blank), length L. */
  targets: Int32Array;
  /** Blank id (default 0). */
  blank?: number;
  /**
   * Precision of the path scores compared during the search. 'float32' (default) rounds as torchaudio
   * does for float32 input, so paths match it exactly, near-ties included; 'float64' keeps more precision
   * for very long inputs. `score` is summed in float64 either way.
   */
  accumulate?: 'float32' | 'float64';
}

/** Checks the `accumulate` option; true for float32. */
export function checkAccumulate(fn: string, accumulate: unknown): boolean {
  if (accumulate === undefined || accumulate === 'float32') return true;
  if (accumulate === 'float64') return false;
  throw new Error(`${fn}: accumulate must be 'float32' or 'float64', got '${String(accumulate)}'`);
}

/**
 * A forced alignment: `path` and `score` as torchaudio's `forced_align`, plus the per-frame scores it
 * returns and the target index of each frame (which keeps repeated tokens apart).
 */
export type ForcedAlignment = ViterbiResult;

/** Checks that `dims` is a list of `n` non-negative integers; returns it as numbers. */
export function checkDims(fn: string, dims: readonly number[], names: string): number[] {
  const n = names.split(', ').length;
  if (!Array.isArray(dims) || dims.length !== n || !dims.every((d) => Number.isInteger(d) && d >= 0)) {
    const got = Array.isArray(dims) ? `[${dims.join(', ')}]` : String(dims);
    throw new Error(`${fn}: dims must be [${names}] of non-negative integers, got ${got}`);
  }
  return [...dims];
}

/** Checks blank and the target ids of one utterance; `where` names the batch item when there is one. */
export function checkTargets(
  fn: string,
  targets: Int32Array,
  off: number,
  L: number,
  C: number,
  blank: number,
  where: string,
): void {
  for (let i = 0; i < L; i++) {
    const id = targets[off + i];
    if (id === blank) {
      throw new Error(
        `${fn}: ${where}targets[${off + i}] = ${id} is the blank id; targets must not contain blank`,
      );
    }
    if (!Number.isInteger(id) || id < 0 || id >= C) {
      throw new Error(`${fn}: ${where}targets[${off + i}] = ${id} is out of range [0, C = ${C})`);
    }
  }
}

/** Throws when the frames cannot hold the transcript: T < L + repeats. */
export function checkFeasible(
  fn: string,
  T: number,
  targets: Int32Array,
  off: number,
  L: number,
  where: string,
): void {
  const R = countRepeats(targets, off, L);
  if (T < L + R) {
    throw new Error(
      `${fn}: ${where}transcript too long for the frames: ${L} tokens + ${R} repeats need ` +
        `${L + R} frames but the input has T = ${T}`,
    );
  }
}

/** Throws on NaN in frames [0, T) of a strided view: NaN would silently poison every comparison. */
export function checkFinite(
  fn: string,
  data: Float32Array,
  offset: number,
  frameStride: number,
  T: number,
  C: number,
  where: string,
): void {
  for (let t = 0; t < T; t++) {
    const row = offset + t * frameStride;
    // A row sum is NaN iff the row holds a NaN (or both infinities, equally invalid): one add per value
    // is several times cheaper than testing each; the slow scan only runs to name the culprit.
    let sum = 0;
    for (let c = 0; c < C; c++) sum += data[row + c];
    if (!Number.isNaN(sum)) continue;
    for (let c = 0; c < C; c++) {
      const v = data[row + c];
      if (Number.isNaN(v)) throw new Error(`${fn}: ${where}logProbs is NaN at frame ${t}, class ${c}`);
      if (v === Number.POSITIVE_INFINITY) {
        throw new Error(
          `${fn}: ${where}logProbs is +Infinity at frame ${t}, class ${c}; expected log-probabilities`,
        );
      }
    }
  }
}

export function checkBlank(fn: string, blank: number, C: number): void {
  if (!Number.isInteger(blank) || blank < 0 || blank >= C) {
    throw new Error(`${fn}: blank ${blank} is out of range [0, C = ${C})`);
  }
}

/**
 * The Viterbi (best-path) CTC alignment of `targets` to `logProbs`: which token (or blank) each frame
 * emits, with torchaudio's `forced_align` semantics and tie-breaking. `score` is the sum of the chosen
 * log-probabilities (-Infinity when every alignment has probability 0).
 *
 * @example
 * const { path, score } = forcedAlign({ logProbs, dims: [T, C], targets: Int32Array.from([3, 5, 5]) });
 */
export function forcedAlign(o: ForcedAlignOptions): ForcedAlignment {
  const fn = 'forcedAlign';
  const blank = o.blank ?? 0;
  if (!(o.logProbs instanceof Float32Array)) throw new Error(`${fn}: logProbs must be a Float32Array`);
  if (!(o.targets instanceof Int32Array)) throw new Error(`${fn}: targets must be an Int32Array`);
  const [T, C] = checkDims(fn, o.dims as number[], 'T, C');
  if (o.logProbs.length !== T * C) {
    throw new Error(`${fn}: logProbs has length ${o.logProbs.length} but dims [${T}, ${C}] need ${T * C}`);
  }
  checkBlank(fn, blank, C);
  const f32 = checkAccumulate(fn, o.accumulate);
  const L = o.targets.length;
  checkTargets(fn, o.targets, 0, L, C, blank, '');
  checkFeasible(fn, T, o.targets, 0, L, '');
  checkFinite(fn, o.logProbs, 0, C, T, C, '');
  return viterbiAlign({ data: o.logProbs, offset: 0, frameStride: C, T, C }, o.targets, 0, L, blank, f32);
}
