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
