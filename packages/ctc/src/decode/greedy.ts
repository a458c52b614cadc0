import { checkBlank, checkFrameFinite, checkLength, checkLogProbs } from './checks.js';
import { type ConfidenceOptions, confidenceMeasure, pathTokenConfidence } from './confidence.js';
import {
  makeWordRule,
  tokensToWords,
  type WordRuleOptions,
  wordConfidence,
  wordTimesteps,
} from './word-rule.js';

/** Options shared by the greedy decoders. */
export interface GreedyCommonOptions {
  /** Blank id (default 0). */
  blank?: number;
  /** Per-token (and, with `words`, per-word) confidence; `true` uses NeMo's defaults. */
  confidence?: ConfidenceOptions | boolean;
  /** Vocabulary and word rule: adds `words` and word confidence to the result. */
  words?: WordRuleOptions;
}

export interface GreedyDecodeOptions extends GreedyCommonOptions {
  /** Log-probabilities, row-major [T, C]. */
  logProbs: Float32Array;
  dims: readonly number[];
  /** Frames to decode (default T). */
  length?: number;
}

export interface GreedyDecodeBatchOptions extends GreedyCommonOptions {
  /** Log-probabilities, time-major [T, N, C] (as ctcLoss). */
  logProbs: Float32Array;
  dims: readonly number[];
  /** Frames of each batch item (default T for all). */
  lengths?: ArrayLike<number>;
}

/** A best-path (argmax) decoding. */
export interface GreedyHypothesis {
  /** Token ids: repeats collapsed, blanks dropped. */
  tokens: Int32Array;
  /** First frame of each token. */
  timesteps: Int32Array;
  /** One past the last frame of each token's run. */
  endFrames: Int32Array;
  /** Log-probability of the best path (sum of the frame maxima). */
  score: number;
  tokenConfidence?: Float32Array;
  words?: string[];
  /** First frame of each word. */
  wordTimesteps?: Int32Array;
  wordConfidence?: Float32Array;
}

/**
 * Incremental best-path decoder: frames go in one at a time, so whole-input and streaming decoding run
 * the same code and agree exactly.
 */
export class GreedyState {
  private readonly tokens: number[] = [];
  private readonly starts: number[] = [];
  private readonly ends: number[] = [];
  private readonly path: number[] = [];
  private readonly conf: number[] = [];
  private readonly measure: ((row: ArrayLike<number>, off: number) => number) | undefined;
  private readonly confOptions: ConfidenceOptions | undefined;
  private score = 0;
  private prev = -1;
  private t = 0;

  constructor(
    private readonly fn: string,
    readonly C: number,
    readonly blank: number,
    confidence: ConfidenceOptions | boolean | undefined,
    private readonly words: WordRuleOptions | undefined,
  ) {
    checkBlank(fn, blank, C);
    if (confidence) {
      this.confOptions = confidence === true ? {} : confidence;
      this.measure = confidenceMeasure(fn, this.confOptions, C);
    }
    if (words && words.vocabulary.length !== C) {
      throw new Error(`${fn}: words.vocabulary has ${words.vocabulary.length} entries but C = ${C}`);
    }
  }

  /** Frames consumed so far. */
  get frames(): number {
    return this.t;
  }

  /** Consumes the frame at `data[off .. off + C)`. */
  push(data: Float32Array, off: number, where = ''): void {
    const { C } = this;
    let best = 0;
    let bestLp = Number.NEGATIVE_INFINITY;
    let nan = false;
    for (let c = 0; c < C; c++) {
      const v = data[off + c];
      if (v > bestLp) {
        bestLp = v;
        best = c;
      } else if (Number.isNaN(v)) nan = true;
    }
    if (nan) checkFrameFinite(this.fn, data.subarray(off, off + C), this.t, where);
    this.score += bestLp;
    if (best !== this.blank) {
      if (best !== this.prev) {
        this.tokens.push(best);
        this.starts.push(this.t);
        this.ends.push(this.t + 1);
      } else {
        this.ends[this.ends.length - 1] = this.t + 1;
      }
    }
    this.prev = best;
    if (this.measure) {
      this.path.push(best);
      this.conf.push(this.measure(data, off));
    }
    this.t++;
  }

  /** Tokens emitted so far; none of them changes when more frames arrive. */
  tokensSoFar(): Int32Array {
    return Int32Array.from(this.tokens);
  }

  result(): GreedyHypothesis {
    const tokens = Int32Array.from(this.tokens);
    const out: GreedyHypothesis = {
      tokens,
      timesteps: Int32Array.from(this.starts),
      endFrames: Int32Array.from(this.ends),
      score: this.score,
    };
    const rule = this.words ? makeWordRule(this.words) : undefined;
    if (rule) {
      out.words = tokensToWords(tokens, rule);
      out.wordTimesteps = wordTimesteps(tokens, out.timesteps, rule);
    }
    if (this.confOptions) {
      out.tokenConfidence = pathTokenConfidence(this.path, this.conf, this.blank, this.confOptions);
      if (rule)
        out.wordConfidence = wordConfidence(tokens, out.tokenConfidence, rule, this.confOptions.aggregation);
    }
    return out;
  }
}

/** Best-path decoding of one utterance [T, C]: argmax per frame, collapse repeats, drop blanks. */
export function greedyDecode(options: GreedyDecodeOptions): GreedyHypothesis {
  const fn = 'greedyDecode';
  const [T, C] = checkLogProbs(fn, options.logProbs, options.dims, 'T, C');
  const len = checkLength(fn, 'length', options.length, T);
  const state = new GreedyState(fn, C, options.blank ?? 0, options.confidence, options.words);
  for (let t = 0; t < len; t++) state.push(options.logProbs, t * C);
  return state.result();
}

/** Best-path decoding of a time-major batch [T, N, C]; frames past each item's length are ignored. */
export function greedyDecodeBatch(options: GreedyDecodeBatchOptions): GreedyHypothesis[] {
  const fn = 'greedyDecodeBatch';
  const [T, N, C] = checkLogProbs(fn, options.logProbs, options.dims, 'T, N, C');
  const { lengths } = options;
  if (lengths !== undefined && lengths.length !== N) {
    throw new Error(
      `${fn}: lengths has ${lengths.length} entries but dims [T, N, C] = [${T}, ${N}, ${C}] need N = ${N}`,
    );
  }
  const out: GreedyHypothesis[] = [];
  for (let n = 0; n < N; n++) {
    const len = checkLength(fn, `lengths[${n}]`, lengths?.[n], T);
    const state = new GreedyState(fn, C, options.blank ?? 0, options.confidence, options.words);
    for (let t = 0; t < len; t++) state.push(options.logProbs, (t * N + n) * C, `batch item ${n}: `);
    out.push(state.result());
  }
  return out;
}
