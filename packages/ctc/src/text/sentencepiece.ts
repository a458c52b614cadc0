import { bpeSegment } from './bpe.js';
import { PrecompiledCharsMap } from './charsmap.js';
import { buildPieceVocab, type PieceVocab, type Segment, splitUnits } from './piece-vocab.js';
import { PieceType, parseSentencePieceModel, type SentencePieceModelData } from './sentencepiece-proto.js';
import { checkId, type Tokenizer } from './tokenizer.js';
import { unigramSegment } from './unigram.js';
import { markerBoundary, type WordBoundary } from './word-boundary.js';

const SPACE = '\u2581';
const BYTE_PIECE = /^<0x([0-9A-Fa-f]{2})>$/;

/** Options of {@link SentencePieceTokenizer}. */
export interface SentencePieceOptions {
  /**
   * Id of the CTC blank, skipped by decode: a piece id when the CTC head reuses a piece for it (e.g.
   * `<pad>`), or `size` when the head appends the blank after the last piece (NeMo's convention).
   */
  blankId?: number;
}

/**
 * A SentencePiece model (`.model` protobuf) for encoding transcripts and decoding CTC outputs.
 * Supports unigram (Viterbi over piece scores) and BPE (score-ordered merges) models, byte-fallback
 * pieces, and the "▁" word-boundary rule.
 *
 * Normalisation applies the model's precompiled character map (e.g. nmt_nfkc) as SentencePiece does;
 * a model that names an nfkc rule without carrying its map gets Unicode NFKC instead. Encodings equal
 * the SentencePiece library's on the parity fixtures (tools/ctc_spm_fixtures.py).
 */
export class SentencePieceTokenizer implements Tokenizer {
  readonly model: SentencePieceModelData;
  readonly pieces: readonly string[];
  readonly blankId: number | undefined;
  readonly wordBoundary: WordBoundary;
  private readonly vocab: PieceVocab;
  private readonly byteIds: Int32Array;
  private readonly pieceIndex = new Map<string, number>();
  private readonly charsMap: PrecompiledCharsMap | undefined;

  constructor(model: SentencePieceModelData, options: SentencePieceOptions = {}) {
    this.model = model;
    this.pieces = model.pieces.map((p) => p.piece);
    this.pieces.forEach((p, i) => {
      if (!this.pieceIndex.has(p)) this.pieceIndex.set(p, i);
    });
    this.vocab = buildPieceVocab(model);
    const blob = model.normalizer.precompiledCharsmap;
    this.charsMap = blob.length > 0 ? new PrecompiledCharsMap(blob) : undefined;
    if (model.modelType !== 'unigram' && model.modelType !== 'bpe') {
      throw new Error(
        `SentencePieceTokenizer: model_type '${model.modelType}' is not supported (only unigram and bpe)`,
      );
    }
    this.byteIds = new Int32Array(256).fill(-1);
    model.pieces.forEach((p, i) => {
      const m = p.type === PieceType.BYTE ? BYTE_PIECE.exec(p.piece) : null;
      if (m) this.byteIds[Number.parseInt(m[1], 16)] = i;
    });
    const b = options.blankId;
    if (b !== undefined && !(Number.isInteger(b) && b >= 0 && b <= this.size)) {
      throw new Error(
        `SentencePieceTokenizer: options.blankId ${b} is out of range [0, ${this.size}] (size = blank after the pieces)`,
      );
    }
    this.blankId = options.blankId;
    this.wordBoundary = markerBoundary(this.pieces, { suffix: model.treatWhitespaceAsSuffix });
  }

  /** From the bytes of a `.model` file. */
  static fromBytes(bytes: Uint8Array, options: SentencePieceOptions = {}): SentencePieceTokenizer {
    return new SentencePieceTokenizer(parseSentencePieceModel(bytes), options);
  }

  /** From a `.model` file path (Node only). */
  static async fromFile(path: string, options: SentencePieceOptions = {}): Promise<SentencePieceTokenizer> {
    const { readFile } = await import('node:fs/promises');
    return SentencePieceTokenizer.fromBytes(new Uint8Array(await readFile(path)), options);
  }

  get size(): number {
    return this.pieces.length;
  }

  tokenToId(token: string): number | undefined {
    return this.pieceIndex.get(token);
  }

  idToToken(id: number): string {
    checkId('SentencePieceTokenizer.idToToken', id, this.size, 0);
    return this.pieces[id];
  }

  /** The text as the model sees it: normalised, whitespace handled, spaces escaped as "▁". */
  normalize(text: string): string {
    const n = this.model.normalizer;
    const name = n.name.toLowerCase();
    let s = text;
    if (this.charsMap) {
      s = this.charsMap.normalize(s);
    } else if (name.startsWith('nmt_nfkc') || name.startsWith('nfkc')) {
      // A rule name without its map: approximate it. NFKC turns Unicode spaces into U+0020; the nmt rules
      // also map tabs and newlines to it.
      s = s.normalize('NFKC').replace(/\s/gu, ' ');
      if (name.endsWith('_cf')) s = s.toLowerCase();
    }
    // SentencePiece's whitespace handling only ever looks at U+0020 (after the character map).
    if (n.removeExtraWhitespaces) s = s.replace(/^ +| +$/gu, '').replace(/ {2,}/gu, ' ');
    if (s.length === 0) return '';
    if (n.addDummyPrefix) s = this.model.treatWhitespaceAsSuffix ? `${s} ` : ` ${s}`;
    return n.escapeWhitespaces ? s.replaceAll(' ', SPACE) : s;
  }

  /** Text → pieces with ids, byte fallback applied to unknown text when the model has byte pieces. */
  encodeSegments(text: string): Segment[] {
    const units = splitUnits(this.normalize(text), this.vocab);
    const segs =
      this.model.modelType === 'bpe' ? bpeSegment(units, this.vocab) : unigramSegment(units, this.vocab);
    if (!this.model.byteFallback) return segs;
    const out: Segment[] = [];
    for (const seg of segs) {
      if (seg.id !== this.model.unkId) {
        out.push(seg);
        continue;
      }
      for (const b of new TextEncoder().encode(seg.surface)) {
        const id = this.byteIds[b];
        if (id < 0) {
          throw new Error(
            `SentencePieceTokenizer.encode: byte_fallback is set but the model has no piece <0x${b.toString(16).toUpperCase().padStart(2, '0')}>`,
          );
        }
        out.push({ id, surface: this.pieces[id] });
      }
    }
    return out;
  }

  encode(text: string): Int32Array {
    return Int32Array.from(this.encodeSegments(text), (s) => s.id);
  }

  /** Piece strings of the encoding, e.g. ["▁the", "▁cat", "s"]. */
  encodeAsPieces(text: string): string[] {
    return this.encodeSegments(text).map((s) => this.pieces[s.id]);
  }

  /**
   * Ids → text: control pieces and the blank are dropped, unknowns become the model's unk surface
   * (" ⁇ "), runs of byte pieces are decoded as UTF-8, "▁" becomes a space and the dummy prefix is removed
   * (with whitespace-as-suffix the trailing space stays, as the SentencePiece library).
   */
  decode(ids: ArrayLike<number>): string {
    let out = '';
    const bytes: number[] = [];
    const flush = () => {
      // ignoreBOM keeps a U+FEFF that the text really contains (the default would drop a leading one).
      if (bytes.length > 0)
        out += new TextDecoder('utf-8', { ignoreBOM: true }).decode(Uint8Array.from(bytes));
      bytes.length = 0;
    };
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i];
      if (id === this.blankId) continue;
      checkId('SentencePieceTokenizer.decode', id, this.size, i);
      const type = this.model.pieces[id].type;
      if (type === PieceType.BYTE) {
        const m = BYTE_PIECE.exec(this.pieces[id]);
        if (m) {
          bytes.push(Number.parseInt(m[1], 16));
          continue;
        }
      }
      flush();
      if (type === PieceType.CONTROL || type === PieceType.UNUSED) continue;
      out += type === PieceType.UNKNOWN ? this.model.unkSurface : this.pieces[id];
    }
    flush();
    out = out.replaceAll(SPACE, ' ');
    // SentencePiece removes the dummy prefix space; with whitespace-as-suffix it keeps the trailing one.
    if (this.model.normalizer.addDummyPrefix && !this.model.treatWhitespaceAsSuffix)
      out = out.replace(/^ /u, '');
    return out;
  }
}
