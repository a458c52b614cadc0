import { BeamDecoder, type BeamDecoderOptions, type BeamHypothesis } from './beam-decoder.js';
import { checkLogProbs } from './checks.js';
import { type GreedyCommonOptions, type GreedyHypothesis, GreedyState } from './greedy.js';

/** A chunk of posteriors: log-probabilities, row-major [t, C]. */
export interface PosteriorChunk {
  logProbs: Float32Array;
  dims: readonly number[];
}

/**
 * A partial result: tokens that later chunks cannot change, with their frames. Greedy frames are final
 * too; beam search frames are those of the current best alignment and may still move by a few frames
 * when later input changes which alignment is best.
 */
export interface StablePrefix {
  tokens: Int32Array;
  timesteps: Int32Array;
}

function checkChunk(fn: string, chunk: PosteriorChunk, C: number, finished: boolean): number {
  if (finished) throw new Error(`${fn}: push after finish(); create a new decoder for the next stream`);
  const [t, c] = checkLogProbs(fn, chunk.logProbs, chunk.dims, 't, C');
  if (c !== C) throw new Error(`${fn}: chunk dims [${t}, ${c}] do not match classes = ${C}`);
  return t;
}

function checkClasses(fn: string, C: number): void {
  if (!Number.isInteger(C) || C < 1) throw new Error(`${fn}: classes must be an integer ≥ 1, got ${C}`);
}

/**
 * Streaming best-path decoding: push posterior chunks as they arrive; emitted tokens are final at once
 * (a repeat across a chunk boundary still collapses); `finish` equals {@link greedyDecode} on the
 * concatenated input.
 */
export class StreamingGreedyDecoder {
  private readonly fn = 'StreamingGreedyDecoder.push';
  private readonly state: GreedyState;
  private finished = false;

  constructor(options: GreedyCommonOptions & { classes: number }) {
    checkClasses('StreamingGreedyDecoder', options.classes);
    this.state = new GreedyState(
      'StreamingGreedyDecoder',
      options.classes,
      options.blank ?? 0,
      options.confidence,
      options.words,
    );
  }

  /** Frames consumed so far. */
  get frames(): number {
    return this.state.frames;
  }

  push(chunk: PosteriorChunk): Int32Array {
    const C = this.state.C;
    const t = checkChunk(this.fn, chunk, C, this.finished);
    for (let i = 0; i < t; i++) this.state.push(chunk.logProbs, i * C);
    return this.partial();
  }

  /** Tokens emitted so far (all stable). */
  partial(): Int32Array {
    return this.state.tokensSoFar();
  }

  finish(): GreedyHypothesis {
    this.finished = true;
    return this.state.result();
  }
}

/**
 * Streaming prefix beam search: the beam carries over between chunks, so `finish` gives exactly the
 * hypotheses of {@link beamSearch} on the concatenated input. `partial` reports the prefix shared by
 * every hypothesis in the beam (stable: later frames only extend it) and the current best hypothesis
 * (which may still change).
 */
export class StreamingBeamSearch {
  private readonly fn = 'StreamingBeamSearch.push';
  private readonly decoder: BeamDecoder;
  private finished = false;

  constructor(options: BeamDecoderOptions & { classes: number }) {
    checkClasses('StreamingBeamSearch', options.classes);
    this.decoder = new BeamDecoder('StreamingBeamSearch', options.classes, options);
  }

  get frames(): number {
    return this.decoder.frames;
  }

  push(chunk: PosteriorChunk): StablePrefix {
    const C = this.decoder.C;
    const t = checkChunk(this.fn, chunk, C, this.finished);
    for (let i = 0; i < t; i++) this.decoder.push(chunk.logProbs, i * C);
    return this.decoder.stablePrefix();
  }

  /** The stable prefix and the current best (not final) hypothesis. */
  partial(): { stable: StablePrefix; best: BeamHypothesis | undefined } {
    return { stable: this.decoder.stablePrefix(), best: this.decoder.hypotheses(false)[0] };
  }

  /** Final hypotheses, best first (end-of-sentence LM terms applied). */
  finish(): BeamHypothesis[] {
    this.finished = true;
    return this.decoder.hypotheses(true);
  }
}
