import {
  checkAccumulate,
  checkBlank,
  checkDims,
  checkFeasible,
  checkFinite,
  checkTargets,
  type ForcedAlignment,
} from './forced-align.js';
import { viterbiAlign } from './viterbi.js';

/** Inputs of {@link forcedAlignBatch}. */
export interface ForcedAlignBatchOptions {
  /** Log-probabilities, batch-major [N, T, C] (torchaudio's layout) unless `layout` is 'TNC'. */
  logProbs: Float32Array;
  /** [N, T, C] for layout 'NTC' (default), or [T, N, C] for layout 'TNC' (the `ctcLoss` layout). */
  dims: readonly [number, number, number] | readonly number[];
  /** Targets of all items concatenated (length = sum of targetLengths), as `ctcLoss`. */
  targets: Int32Array;
  /** Valid frames of each item (≤ T), length N. */
  inputLengths: Int32Array;
  /** Number of target tokens of each item, length N. */
  targetLengths: Int32Array;
  blank?: number;
  layout?: 'NTC' | 'TNC';
  /** As {@link forcedAlign}: 'float32' (default, torchaudio's rounding) or 'float64'. */
  accumulate?: 'float32' | 'float64';
}

/**
 * Forced alignment of a whole batch (torchaudio's `forced_align` takes one utterance only). Item b is
 * aligned over its first `inputLengths[b]` frames exactly as {@link forcedAlign} would align it alone;
 * its `path` has length `inputLengths[b]`.
 */
export function forcedAlignBatch(o: ForcedAlignBatchOptions): ForcedAlignment[] {
  const fn = 'forcedAlignBatch';
  const blank = o.blank ?? 0;
  const layout = o.layout ?? 'NTC';
  if (layout !== 'NTC' && layout !== 'TNC') {
    throw new Error(`${fn}: layout must be 'NTC' or 'TNC', got '${String(layout)}'`);
  }
  if (!(o.logProbs instanceof Float32Array)) throw new Error(`${fn}: logProbs must be a Float32Array`);
  for (const k of ['targets', 'inputLengths', 'targetLengths'] as const) {
    if (!(o[k] instanceof Int32Array)) throw new Error(`${fn}: ${k} must be an Int32Array`);
  }
  const names = layout === 'NTC' ? 'N, T, C' : 'T, N, C';
  const d = checkDims(fn, o.dims as number[], names);
  const [N, T, C] = layout === 'NTC' ? d : [d[1], d[0], d[2]];
  if (o.logProbs.length !== N * T * C) {
    throw new Error(
      `${fn}: logProbs has length ${o.logProbs.length} but dims [${d.join(', ')}] need ${N * T * C}`,
    );
  }
  checkBlank(fn, blank, C);
  const f32 = checkAccumulate(fn, o.accumulate);
  const { inputLengths, targetLengths, targets } = o;
  if (inputLengths.length !== N) {
    throw new Error(`${fn}: inputLengths has length ${inputLengths.length} but the batch size N is ${N}`);
  }
  if (targetLengths.length !== N) {
    throw new Error(`${fn}: targetLengths has length ${targetLengths.length} but the batch size N is ${N}`);
  }
  let total = 0;
  for (let b = 0; b < N; b++) {
    if (inputLengths[b] < 0 || inputLengths[b] > T) {
      throw new Error(
        `${fn}: batch item ${b}: inputLengths[${b}] = ${inputLengths[b]} is out of range [0, T = ${T}]`,
      );
    }
    if (targetLengths[b] < 0) {
      throw new Error(`${fn}: batch item ${b}: targetLengths[${b}] = ${targetLengths[b]} is negative`);
    }
    total += targetLengths[b];
  }
  if (targets.length !== total) {
    throw new Error(`${fn}: targets has length ${targets.length} but targetLengths sum to ${total}`);
  }

  // Frame t of item b starts at b*T*C + t*C (NTC) or t*N*C + b*C (TNC).
  const frameStride = layout === 'NTC' ? C : N * C;
  const results: ForcedAlignment[] = [];
  let off = 0;
  for (let b = 0; b < N; b++) {
    const where = `batch item ${b}: `;
    const Tb = inputLengths[b];
    const L = targetLengths[b];
    const offset = layout === 'NTC' ? b * T * C : b * C;
    checkTargets(fn, targets, off, L, C, blank, where);
    checkFeasible(fn, Tb, targets, off, L, where);
    checkFinite(fn, o.logProbs, offset, frameStride, Tb, C, where);
    results.push(
      viterbiAlign({ data: o.logProbs, offset, frameStride, T: Tb, C }, targets, off, L, blank, f32),
    );
    off += L;
  }
  return results;
}
