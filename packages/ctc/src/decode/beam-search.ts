import { BeamDecoder, type BeamDecoderOptions, type BeamHypothesis } from './beam-decoder.js';
import { checkLength, checkLogProbs } from './checks.js';

export interface BeamSearchOptions extends BeamDecoderOptions {
  /** Log-probabilities (log-softmax output), row-major [T, C]. */
  logProbs: Float32Array;
  dims: readonly number[];
  /** Frames to decode (default T). */
  length?: number;
}

/**
 * CTC prefix beam search (synchronous form of {@link beamSearch}): hypotheses best first, each
 * scored by the log-probability of its prefix over all alignments plus LM, bonus and hotword terms.
 */
export function beamSearchSync(options: BeamSearchOptions): BeamHypothesis[] {
  const fn = 'beamSearch';
  const [T, C] = checkLogProbs(fn, options.logProbs, options.dims, 'T, C');
  const len = checkLength(fn, 'length', options.length, T);
  const decoder = new BeamDecoder(fn, C, options);
  for (let t = 0; t < len; t++) decoder.push(options.logProbs, t * C);
  return decoder.hypotheses(true);
}

/** CTC prefix beam search; resolves to hypotheses best first (see {@link beamSearchSync}). */
export async function beamSearch(options: BeamSearchOptions): Promise<BeamHypothesis[]> {
  return beamSearchSync(options);
}

export interface BeamSearchBatchOptions extends BeamDecoderOptions {
  /** Log-probabilities, time-major [T, N, C] (as ctcLoss). */
  logProbs: Float32Array;
  dims: readonly number[];
  /** Frames of each batch item (default T for all). */
  lengths?: ArrayLike<number>;
}

/** Beam search over each item of a time-major batch [T, N, C]: one best-first list per item. */
export function beamSearchBatchSync(options: BeamSearchBatchOptions): BeamHypothesis[][] {
  const fn = 'beamSearchBatch';
  const [T, N, C] = checkLogProbs(fn, options.logProbs, options.dims, 'T, N, C');
  const { lengths } = options;
  if (lengths !== undefined && lengths.length !== N) {
    throw new Error(
      `${fn}: lengths has ${lengths.length} entries but dims [T, N, C] = [${T}, ${N}, ${C}] need N = ${N}`,
    );
  }
  const lens = Array.from({ length: N }, (_, n) => checkLength(fn, `lengths[${n}]`, lengths?.[n], T));
  return lens.map((len, n) => {
    const decoder = new BeamDecoder(fn, C, options);
    for (let t = 0; t < len; t++) decoder.push(options.logProbs, (t * N + n) * C, `batch item ${n}: `);
    return decoder.hypotheses(true);
  });
}

/** Batched beam search; resolves to one best-first list per item (see {@link beamSearchBatchSync}). */
export async function beamSearchBatch(options: BeamSearchBatchOptions): Promise<BeamHypothesis[][]> {
  return beamSearchBatchSync(options);
}
