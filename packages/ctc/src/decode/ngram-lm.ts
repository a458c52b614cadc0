import { type ArpaModel, parseArpa } from './arpa.js';

/** An n-gram context: the last (order − 1) words, oldest first. */
export type NgramState = readonly string[];

export interface NgramLmOptions {
  /** log10 probability of a word outside the vocabulary when the model has no `<unk>` (default −100). */
  unkLog10Prob?: number;
}

/**
 * A back-off n-gram language model (Katz back-off as in ARPA files):
 * log P(w | h) = log P(h w) when the n-gram exists, else backoff(h) + log P(w | h without its oldest word).
 * Words outside the vocabulary score as `<unk>` (when the model has it) and enter the context as `<unk>`.
 */
export class NgramLm {
  readonly order: number;
  private readonly unk: number;
  private readonly hasUnk: boolean;
  private sorted: string[] | undefined;

  constructor(
    readonly model: ArpaModel,
    options: NgramLmOptions = {},
  ) {
    this.order = model.order;
    this.hasUnk = model.ngrams[0].has('<unk>');
    this.unk = options.unkLog10Prob ?? -100;
  }

  /** Parses ARPA text (see {@link parseArpa}). */
  static fromArpa(text: string, options: NgramLmOptions = {}): NgramLm {
    return new NgramLm(parseArpa(text), options);
  }

  /** An upper bound of any log10 P(w | h) the model returns (the largest probability plus the
   *  positive back-off weights a look-up can add). */
  get maxLog10(): number {
    let p = this.hasUnk ? Number.NEGATIVE_INFINITY : this.unk;
    let bo = 0;
    for (const m of this.model.ngrams) {
      for (const e of m.values()) {
        if (e.prob > p) p = e.prob;
        if (e.backoff > bo) bo = e.backoff;
      }
    }
    return p + (this.order - 1) * bo;
  }

  /** Whether some word of the model (not `<s>`, `</s>`, `<unk>`) starts with `prefix`. */
  hasPrefix(prefix: string): boolean {
    this.sorted ??= [...this.model.ngrams[0].keys()]
      .filter((w) => w !== '<s>' && w !== '</s>' && w !== '<unk>')
      .sort();
    const words = this.sorted;
    let lo = 0;
    let hi = words.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (words[mid] < prefix) lo = mid + 1;
      else hi = mid;
    }
    return lo < words.length && words[lo].startsWith(prefix);
  }

  /** Whether `word` is a unigram of the model. */
  has(word: string): boolean {
    return this.model.ngrams[0].has(word);
  }

  /** The context at the start of a sentence: `<s>`. */
  begin(): NgramState {
    return this.order > 1 ? ['<s>'] : [];
  }

  /** log10 P(word | context) with back-off; also returns the next context. */
  score(context: NgramState, word: string): { log10: number; state: NgramState; oov: boolean } {
    const oov = !this.has(word);
    const w = oov && this.hasUnk ? '<unk>' : word;
    let acc = 0;
    let log10 = Number.NaN;
    for (let n = Math.min(context.length, this.order - 1); n >= 0; n--) {
      const h = context.slice(context.length - n);
      const e = this.model.ngrams[n].get(n === 0 ? w : `${h.join(' ')} ${w}`);
      if (e) {
        log10 = acc + e.prob;
        break;
      }
      if (n > 0) acc += this.model.ngrams[n - 1].get(h.join(' '))?.backoff ?? 0;
    }
    if (Number.isNaN(log10)) log10 = acc + this.unk; // unknown word and no <unk> unigram
    const next = [...context, oov ? '<unk>' : word];
    return { log10, state: next.slice(Math.max(0, next.length - (this.order - 1))), oov };
  }

  /** log10 P(</s> | context). */
  end(context: NgramState): number {
    return this.score(context, '</s>').log10;
  }

  /** log10 probability of a whole sentence, `<s>` and `</s>` included. */
  sentenceLog10Prob(words: readonly string[]): number {
    let state = this.begin();
    let total = 0;
    for (const w of words) {
      const r = this.score(state, w);
      total += r.log10;
      state = r.state;
    }
    return total + this.end(state);
  }
}
