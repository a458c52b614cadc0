import { checkBlank, checkLength, checkLogProbs } from './checks.js';
import { LOG_ZERO, logAddExp } from './log-math.js';

/**
 * CTC state of a prefix g: r[2t] = log r_t^n(g) and r[2t + 1] = log r_t^b(g), the probabilities that
 * frames 0..t emit g ending in a non-blank / a blank frame; `score` is the prefix probability log ψ(g).
 */
export interface CtcPrefixState {
  r: Float64Array;
  score: number;
}

export interface CtcPrefixScorerOptions {
  /** Log-probabilities, row-major [T, C]. */
  logProbs: Float32Array;
  dims: readonly number[];
  blank?: number;
  /** End-of-sentence id of the attention decoder (any integer but the blank; ESPnet uses C − 1). */
  eos: number;
  /** Frames to use (default T). */
  length?: number;
}

/**
 * CTC prefix scoring for joint CTC/attention (or transducer) beam search, with the semantics of
 * ESPnet's `CTCPrefixScore` (Watanabe et al. 2017, Algorithm 2): `score(g, cs, state)` gives, for each
 * candidate c, log ψ(g·c) = log Σ over label sequences that start with g·c of P(sequence | x) — the
 * probability that the input's label sequence begins with g·c. A candidate equal to `eos` scores
 * log P(g | x) (g is the whole sequence); the blank scores log(0). A beam search adds the increment
 * `scores[k] − state.score`, weighted, to its own scores. Differences from ESPnet: log(0) is −∞
 * (ESPnet uses −1e10), arithmetic is in float64, and `prefix` excludes `<sos>`.
 */
export class CtcPrefixScorer {
  readonly T: number;
  readonly C: number;
  readonly blank: number;
  readonly eos: number;
  private readonly x: Float32Array;

  constructor(options: CtcPrefixScorerOptions) {
    const fn = 'CtcPrefixScorer';
    const [T, C] = checkLogProbs(fn, options.logProbs, options.dims, 'T, C');
    this.T = checkLength(fn, 'length', options.length, T);
    if (this.T < 1) throw new Error(`${fn}: needs at least one frame, got T = ${this.T}`);
    this.C = C;
    this.blank = options.blank ?? 0;
    checkBlank(fn, this.blank, C);
    if (!Number.isInteger(options.eos) || options.eos === this.blank) {
      throw new Error(
        `${fn}: eos = ${options.eos} must be an integer id other than the blank (${this.blank})`,
      );
    }
    this.eos = options.eos;
    this.x = options.logProbs;
  }

  /** State of the empty prefix (`<sos>` only): r^n = log 0, r^b = cumulative blank log-probability. */
  initialState(): CtcPrefixState {
    const { T, C, x, blank } = this;
    const r = new Float64Array(2 * T).fill(LOG_ZERO);
    let b = 0;
    for (let t = 0; t < T; t++) {
      b += x[t * C + blank];
      r[2 * t + 1] = b;
    }
    return { r, score: 0 };
  }

  /**
   * Prefix scores of g·c for each candidate c, and the CTC states of the extended prefixes.
   * `prefix` is g without `<sos>`; `state` is g's state (from {@link initialState} or a previous call).
   */
  score(
    prefix: ArrayLike<number>,
    candidates: ArrayLike<number>,
    state: CtcPrefixState,
  ): { scores: Float64Array; states: CtcPrefixState[] } {
    const fn = 'CtcPrefixScorer.score';
    const { T, C, x, blank, eos } = this;
    if (state.r.length !== 2 * T) {
      throw new Error(`${fn}: state.r has ${state.r.length} values but 2·T = ${2 * T}`);
    }
    for (let i = 0; i < prefix.length; i++) {
      const id = prefix[i];
      if (!Number.isInteger(id) || id < 0 || id >= C || id === blank) {
        throw new Error(`${fn}: prefix[${i}] = ${id} must be a non-blank id in [0, C = ${C})`);
      }
    }
    const L = prefix.length;
    const last = L > 0 ? prefix[L - 1] : -1;
    const rp = state.r;
    // log(r^n(g) + r^b(g)) per frame, used by every candidate but a repeat of g's last label.
    const rSum = new Float64Array(T);
    for (let t = 0; t < T; t++) rSum[t] = logAddExp(rp[2 * t], rp[2 * t + 1]);
    const scores = new Float64Array(candidates.length);
    const states: CtcPrefixState[] = [];
    const start = Math.max(L, 1);
    for (let k = 0; k < candidates.length; k++) {
      const c = candidates[k];
      const r = new Float64Array(2 * T).fill(LOG_ZERO);
      if (c === eos) {
        scores[k] = rSum[T - 1]; // P(g | x): the sequence ends with g
        states.push({ r, score: scores[k] });
        continue;
      }
      if (!Number.isInteger(c) || c < 0 || c >= C) {
        throw new Error(`${fn}: candidates[${k}] = ${c} is out of range [0, C = ${C}) and is not eos`);
      }
      if (c === blank || start > T) {
        scores[k] = LOG_ZERO;
        states.push({ r, score: LOG_ZERO });
        continue;
      }
      if (L === 0) r[0] = x[c]; // r_0^n(c) = x_0(c); r_0^b stays log 0
      const repeat = c === last; // a repeated label needs a blank in between: only r^b(g) precedes it
      let psi = r[2 * (start - 1)];
      for (let t = start; t < T; t++) {
        const phi = repeat ? rp[2 * (t - 1) + 1] : rSum[t - 1];
        const xc = x[t * C + c];
        r[2 * t] = logAddExp(r[2 * (t - 1)], phi) + xc;
        r[2 * t + 1] = logAddExp(r[2 * (t - 1)], r[2 * (t - 1) + 1]) + x[t * C + blank];
        psi = logAddExp(psi, phi + xc);
      }
      scores[k] = psi;
      states.push({ r, score: psi });
    }
    return { scores, states };
  }
}
