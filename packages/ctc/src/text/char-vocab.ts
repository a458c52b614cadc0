import { checkId, describeChar, type Tokenizer } from './tokenizer.js';
import { separatorBoundary, type WordBoundary } from './word-boundary.js';

/** Options of a {@link CharVocab}. Tokens are named by their string. */
export interface CharVocabOptions {
  /** The CTC blank token (default: the first token). Pass `null` for a vocabulary without a blank. */
  blank?: string | null;
  /** Token that stands for a space between words, e.g. '|' (wav2vec2) or ' ' (default: ' ' if present). */
  separator?: string;
  /** Token used for characters not in the vocabulary; without it, unknown characters throw. */
  unk?: string;
  /** Case folding applied to text before encoding (e.g. 'upper' for wav2vec2's uppercase letters). */
  caseFold?: 'none' | 'lower' | 'upper';
}

/**
 * A character vocabulary: one token per character (plus multi-character special tokens such as
 * '<pad>' or '<unk>', which text never encodes to). Whitespace runs encode to the separator token.
 *
 * @example
 * const vocab = CharVocab.fromString("-|abcdefghijklmnopqrstuvwxyz'", { blank: '-', separator: '|' });
 * vocab.encode('hi there'); // ids of h, i, |, t, h, e, r, e
 */
export class CharVocab implements Tokenizer {
  readonly tokens: readonly string[];
  readonly blankId: number | undefined;
  readonly separatorId: number | undefined;
  readonly unkId: number | undefined;
  readonly wordBoundary: WordBoundary;
  private readonly index = new Map<string, number>();
  private readonly caseFold: 'none' | 'lower' | 'upper';

  constructor(tokens: readonly string[], options: CharVocabOptions = {}) {
    const fn = 'CharVocab';
    if (tokens.length === 0) throw new Error(`${fn}: tokens must not be empty`);
    tokens.forEach((tok, i) => {
      if (typeof tok !== 'string' || tok.length === 0) {
        throw new Error(`${fn}: tokens[${i}] must be a non-empty string, got ${JSON.stringify(tok)}`);
      }
      const prev = this.index.get(tok);
      if (prev !== undefined)
        throw new Error(`${fn}: token ${JSON.stringify(tok)} appears twice (ids ${prev} and ${i})`);
      this.index.set(tok, i);
    });
    this.tokens = [...tokens];
    const find = (what: string, tok: string | undefined): number | undefined => {
      if (tok === undefined) return undefined;
      const id = this.index.get(tok);
      if (id === undefined)
        throw new Error(`${fn}: ${what} token ${JSON.stringify(tok)} is not in the vocabulary`);
      return id;
    };
    this.blankId = options.blank === null ? undefined : find('blank', options.blank ?? tokens[0]);
    this.separatorId =
      options.separator !== undefined ? find('separator', options.separator) : this.index.get(' ');
    this.unkId = find('unk', options.unk);
    this.caseFold = options.caseFold ?? 'none';
    if (!['none', 'lower', 'upper'].includes(this.caseFold)) {
      throw new Error(`${fn}: caseFold must be 'none', 'lower' or 'upper', got '${this.caseFold}'`);
    }
    this.wordBoundary = separatorBoundary(this.separatorId === undefined ? [] : [this.separatorId]);
  }

  /** One token per character of `chars` (code points), e.g. "-|abc". */
  static fromString(chars: string, options: CharVocabOptions = {}): CharVocab {
    return new CharVocab(Array.from(chars), options);
  }

  /** A token list, e.g. wav2vec2's vocab.json sorted by id. */
  static fromList(tokens: readonly string[], options: CharVocabOptions = {}): CharVocab {
    return new CharVocab(tokens, options);
  }

  get size(): number {
    return this.tokens.length;
  }

  tokenToId(token: string): number | undefined {
    return this.index.get(token);
  }

  idToToken(id: number): string {
    checkId('CharVocab.idToToken', id, this.size, 0);
    return this.tokens[id];
  }

  /** Text → ids. Leading/trailing whitespace is dropped and inner whitespace runs become one separator. */
  encode(text: string): Int32Array {
    const fn = 'CharVocab.encode';
    const folded =
      this.caseFold === 'lower' ? text.toLowerCase() : this.caseFold === 'upper' ? text.toUpperCase() : text;
    const out: number[] = [];
    let pendingSpace = false;
    let pos = 0;
    for (const ch of folded) {
      const at = pos;
      pos += ch.length;
      // A literal separator character (e.g. '|') in the text is a word break like whitespace.
      if (/\s/u.test(ch) || (this.separatorId !== undefined && this.index.get(ch) === this.separatorId)) {
        pendingSpace = out.length > 0;
        continue;
      }
      if (pendingSpace) {
        if (this.separatorId === undefined) {
          throw new Error(
            `${fn}: text has a space at index ${at - 1} but the vocabulary has no separator token (set options.separator)`,
          );
        }
        out.push(this.separatorId);
        pendingSpace = false;
      }
      let id = this.index.get(ch);
      if (id === undefined || id === this.blankId) {
        if (this.unkId === undefined) {
          const why = id === undefined ? 'is not in the vocabulary' : 'is the blank token';
          throw new Error(
            `${fn}: character ${describeChar(ch)} at index ${at} of the text ${why} and no unk token is set`,
          );
        }
        id = this.unkId;
      }
      out.push(id);
    }
    return Int32Array.from(out);
  }

  /** Ids → text: blanks are skipped, the separator becomes a space. Ids are taken as given (no CTC collapse). */
  decode(ids: ArrayLike<number>): string {
    let s = '';
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i];
      checkId('CharVocab.decode', id, this.size, i);
      if (id === this.blankId) continue;
      s += id === this.separatorId ? ' ' : this.tokens[id];
    }
    return s;
  }
}
