import type { PrefixScorer } from './prefix-scorer.js';

/** One biasing phrase: token ids, vocabulary pieces, or text (tokenized or split into characters). */
export interface HotwordPhrase {
  tokens?: ArrayLike<number>;
  pieces?: readonly string[];
  text?: string;
  /** Bonus per matched token (natural log units; default `defaultBoost`). */
  boost?: number;
}

export interface HotwordOptions {
  /** Class count C (blank included): ids must be in [0, C) and not the blank. */
  C: number;
  blank: number;
  /** Token strings by id, for `pieces` and untokenized `text`. */
  vocabulary?: readonly string[];
  /** Turns `text` into token ids (e.g. a SentencePiece tokenizer's encode). */
  tokenize?: (text: string) => ArrayLike<number>;
  /** Default bonus per matched token (default 2). */
  defaultBoost?: number;
  /** Function name for error messages. */
  fn?: string;
}

/**
 * Context biasing over token sequences (an Aho–Corasick trie, like icefall's ContextGraph and NeMo's
 * boosting tree): each token that extends a partial match earns its phrase's boost at once, so a
 * hypothesis climbs the beam while it spells a hotword; when the match breaks off the partial bonus
 * is taken back (and at the end of decoding any unfinished match is), while a completed phrase keeps
 * boost × its length. The score of a prefix is therefore completed bonuses + the partial bonus of the
 * longest phrase prefix it ends with; matches may overlap.
 */
export class Hotwords implements PrefixScorer<number> {
  private readonly next: Array<Map<number, number>> = [new Map()];
  /** Σ of per-token boosts from the root (the partial bonus). */
  private readonly acc: number[] = [0];
  /** Complete-phrase bonus earned on entering a node (own phrase + those ending at its suffixes). */
  private readonly out: number[] = [0];
  private readonly fail: number[] = [0];
  readonly phrases: Int32Array[] = [];
  /** Upper bound of one extension's score: out + partial(new) − partial(old). */
  readonly maxGain: number;
  private readonly maxEnter: number;

  constructor(phrases: readonly HotwordPhrase[], options: HotwordOptions) {
    const fn = options.fn ?? 'Hotwords';
    const { C, blank } = options;
    const def = options.defaultBoost ?? 2;
    const index = new Map<string, number>();
    options.vocabulary?.forEach((p, i) => {
      if (i !== blank && !index.has(p)) index.set(p, i);
    });
    const terminal: number[] = [0];
    phrases.forEach((ph, k) => {
      const where = `${fn}: hotwords[${k}]`;
      const boost = ph.boost ?? def;
      if (!Number.isFinite(boost)) throw new Error(`${where}.boost = ${boost} must be a finite number`);
      const ids = this.resolve(ph, index, options, where);
      if (ids.length === 0) throw new Error(`${where} is empty`);
      ids.forEach((id, j) => {
        if (!Number.isInteger(id) || id < 0 || id >= C) {
          throw new Error(`${where} token ${j} = ${id} is out of range [0, C = ${C})`);
        }
        if (id === blank) throw new Error(`${where} token ${j} = ${id} is the blank id`);
      });
      this.phrases.push(ids);
      let node = 0;
      for (const id of ids) {
        let child = this.next[node].get(id);
        if (child === undefined) {
          child = this.next.length;
          this.next.push(new Map());
          this.acc.push(this.acc[node] + boost);
          this.out.push(0);
          this.fail.push(0);
          terminal.push(0);
          this.next[node].set(id, child);
        } else if (this.acc[node] + boost > this.acc[child]) {
          this.acc[child] = this.acc[node] + boost; // shared prefix: the strongest phrase's boost
        }
        node = child;
      }
      terminal[node] = 1;
    });
    // Breadth-first: fail links and outputs (a node also completes the phrases ending at its suffixes).
    const queue = [...this.next[0].values()];
    for (let q = 0; q < queue.length; q++) {
      const u = queue[q];
      this.out[u] = (terminal[u] ? this.acc[u] : 0) + this.out[this.fail[u]];
      for (const [id, v] of this.next[u]) {
        let f = this.fail[u];
        while (f !== 0 && !this.next[f].has(id)) f = this.fail[f];
        const g = this.next[f].get(id);
        this.fail[v] = g !== undefined && g !== v ? g : 0;
        queue.push(v);
      }
    }
    // Entering v earns out[v] + partial(v) and gives up the old state's partial.
    let enter = 0;
    let lo = 0;
    for (let v = 0; v < this.acc.length; v++) {
      enter = Math.max(enter, this.out[v] + this.partial(v));
      lo = Math.min(lo, this.partial(v));
    }
    this.maxEnter = enter;
    this.maxGain = enter - lo;
  }

  private resolve(
    ph: HotwordPhrase,
    index: Map<string, number>,
    o: HotwordOptions,
    where: string,
  ): Int32Array {
    if (ph.tokens) return Int32Array.from(ph.tokens);
    const lookup = (piece: string, what: string) => {
      const id = index.get(piece);
      if (id === undefined) throw new Error(`${where}: ${what} '${piece}' is not in the vocabulary`);
      return id;
    };
    if (ph.pieces) {
      if (!o.vocabulary) throw new Error(`${where}: pieces need a vocabulary`);
      return Int32Array.from(ph.pieces, (p) => lookup(p, 'piece'));
    }
    if (ph.text !== undefined) {
      if (o.tokenize) return Int32Array.from(o.tokenize(ph.text));
      if (!o.vocabulary) throw new Error(`${where}: text needs a vocabulary or a tokenize function`);
      const space = index.has(' ') ? ' ' : '|';
      return Int32Array.from([...ph.text], (ch) => lookup(ch === ' ' ? space : ch, 'character'));
    }
    throw new Error(`${where} needs tokens, pieces or text`);
  }

  /** Number of trie nodes (root included). */
  get size(): number {
    return this.next.length;
  }

  /** Partial bonus held by a state: only while the match can still grow into a longer phrase. */
  private partial(node: number): number {
    return this.next[node].size > 0 ? this.acc[node] : 0;
  }

  /** The state after `token`: the longest phrase prefix that the extended prefix ends with. */
  step(node: number, token: number): number {
    for (;;) {
      const v = this.next[node].get(token);
      if (v !== undefined) return v;
      if (node === 0) return 0;
      node = this.fail[node];
    }
  }

  maxGainFrom(node: number): number {
    return this.maxEnter - this.partial(node);
  }

  initial(): number {
    return 0;
  }

  extend(node: number, token: number): { state: number; score: number } {
    const v = this.step(node, token);
    return { state: v, score: this.out[v] + this.partial(v) - this.partial(node) };
  }

  finish(node: number): number {
    return -this.partial(node);
  }
}
