import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { PrecompiledCharsMap } from './charsmap.js';
import { SentencePieceTokenizer } from './sentencepiece.js';
import { PieceType, parseSentencePieceModel } from './sentencepiece-proto.js';
import { splitWords } from './word-boundary.js';

const fixture = (name: string) => new URL(`./fixtures/${name}`, import.meta.url);
const load = (name: string) => SentencePieceTokenizer.fromBytes(new Uint8Array(readFileSync(fixture(name))));

/** Best total score over every split of `text` into matchable pieces (exhaustive; short texts only). */
function bestSplitScore(sp: SentencePieceTokenizer, text: string): number {
  const units = Array.from(text);
  const memo = new Map<number, number>();
  const go = (i: number): number => {
    if (i === units.length) return 0;
    const cached = memo.get(i);
    if (cached !== undefined) return cached;
    let best = Number.NEGATIVE_INFINITY;
    for (let e = i + 1; e <= units.length; e++) {
      const id = sp.tokenToId(units.slice(i, e).join(''));
      if (id === undefined || sp.model.pieces[id].type !== PieceType.NORMAL) continue;
      best = Math.max(best, sp.model.pieces[id].score + go(e));
    }
    memo.set(i, best);
    return best;
  };
  return go(0);
}

describe('parseSentencePieceModel', () => {
  it('reads pieces, types, trainer and normalizer specs', () => {
    const m = parseSentencePieceModel(new Uint8Array(readFileSync(fixture('tiny-bytes.model'))));
    expect(m.modelType).toBe('unigram');
    expect(m.byteFallback).toBe(true);
    expect(m.pieces.length).toBe(3 + 256 + 4);
    expect(m.pieces[0]).toEqual({ piece: '<unk>', score: 0, type: PieceType.UNKNOWN });
    expect(m.pieces[3 + 0x41]).toEqual({ piece: '<0x41>', score: 0, type: PieceType.BYTE });
    expect(m.normalizer).toEqual({
      name: 'identity',
      precompiledCharsmap: new Uint8Array(0),
      addDummyPrefix: true,
      removeExtraWhitespaces: true,
      escapeWhitespaces: true,
    });
    expect([m.unkId, m.bosId, m.eosId, m.padId]).toEqual([0, 1, 2, -1]);
    expect(m.unkSurface).toBe(' \u2047 ');
  });

  it('applies proto2 defaults when the specs are absent', () => {
    // ModelProto { pieces { piece: "a" } } and nothing else.
    const m = parseSentencePieceModel(Uint8Array.from([0x0a, 0x03, 0x0a, 0x01, 0x61]));
    expect(m.pieces).toEqual([{ piece: 'a', score: 0, type: PieceType.NORMAL }]);
    expect([m.modelType, m.unkId, m.bosId, m.eosId, m.padId, m.byteFallback]).toEqual([
      'unigram',
      0,
      1,
      2,
      -1,
      false,
    ]);
    expect(m.normalizer).toMatchObject({
      addDummyPrefix: true,
      removeExtraWhitespaces: true,
      escapeWhitespaces: true,
    });
  });

  it('rejects bytes that are not a model', () => {
    expect(() => parseSentencePieceModel(Uint8Array.from([10, 5, 10, 1]))).toThrow(
      'parseSentencePieceModel: bytes (length 4) are not a SentencePiece model protobuf',
    );
    expect(() => parseSentencePieceModel(new Uint8Array(0))).toThrow(
      'parseSentencePieceModel: the model has no pieces',
    );
  });
});

// Hand-built models (tools/ctc_align_fixtures.py) with hand-derived expectations, which the SentencePiece
// library also gives on these files; sentencepiece-real.test.ts covers library-trained models.
describe('SentencePieceTokenizer (unigram)', () => {
  const sp = load('tiny-unigram.model');

  it('segments by Viterbi over piece scores', () => {
    expect(sp.encodeAsPieces('the cats')).toEqual(['▁the', '▁cat', 's']);
    expect(Array.from(sp.encode('the cats'))).toEqual([4, 9, 12]);
    // Extra whitespace is removed, as remove_extra_whitespaces.
    expect(sp.encodeAsPieces('  the   cats ')).toEqual(['▁the', '▁cat', 's']);
    expect(sp.encodeAsPieces('hat')).toEqual(['▁', 'h', 'at']);
  });

  it('finds the best-scoring segmentation (exhaustive check)', () => {
    for (const text of ['the cats', 'cat that', 'a hat cast', 'the', 'scat']) {
      const norm = sp.normalize(text);
      const ids = sp.encode(text);
      const total = Array.from(ids).reduce((a, id) => a + sp.model.pieces[id].score, 0);
      expect(total).toBeCloseTo(bestSplitScore(sp, norm), 5);
      expect(sp.decode(ids)).toBe(text);
    }
  });

  it('keeps user-defined symbols whole and merges unknown runs into one <unk>', () => {
    expect(sp.encodeAsPieces('a<sep>cat')).toEqual(['▁a', '<sep>', 'c', 'at']);
    expect(sp.encodeAsPieces('the dog')).toEqual(['▁the', '▁', '<unk>']);
    expect(sp.decode(sp.encode('the dog'))).toBe('the  \u2047 ');
  });

  it('groups pieces into words by the ▁ prefix rule', () => {
    const ids = sp.encode('the cats a hat');
    const words = splitWords(ids, sp.wordBoundary).map(([a, b]) => sp.decode(ids.subarray(a, b)).trim());
    expect(words).toEqual(['the', 'cats', 'a', 'hat']);
  });

  it('decodes with the blank skipped and rejects out-of-range ids', () => {
    const withBlank = SentencePieceTokenizer.fromBytes(
      new Uint8Array(readFileSync(fixture('tiny-unigram.model'))),
      {
        blankId: 0,
      },
    );
    expect(withBlank.decode([0, 4, 0, 9, 12])).toBe('the cats');
    // NeMo's convention: the blank is the id after the last piece.
    const nemo = SentencePieceTokenizer.fromBytes(
      new Uint8Array(readFileSync(fixture('tiny-unigram.model'))),
      {
        blankId: 18,
      },
    );
    expect(nemo.decode([18, 4, 18, 9, 12, 18])).toBe('the cats');
    expect(() =>
      SentencePieceTokenizer.fromBytes(new Uint8Array(readFileSync(fixture('tiny-unigram.model'))), {
        blankId: 19,
      }),
    ).toThrow('SentencePieceTokenizer: options.blankId 19 is out of range [0, 18]');
    expect(() => sp.decode([4, 18])).toThrow(
      'SentencePieceTokenizer.decode: ids[1] = 18 is out of range [0, 18)',
    );
  });
});

describe('SentencePieceTokenizer (BPE)', () => {
  const sp = load('tiny-bpe.model');

  it('merges the highest-scoring pair first', () => {
    // ▁t(-1), he(-2), ▁the(-3), at(-4), ▁c(-5), ▁cat(-6): "▁cats" never becomes "▁c"+"ats".
    expect(sp.encodeAsPieces('the cats')).toEqual(['▁the', '▁cat', 's']);
    expect(Array.from(sp.encode('the cats'))).toEqual([5, 8, 9]);
    expect(sp.encodeAsPieces('hat')).toEqual(['▁', 'h', 'at']);
    // "▁t" + "he" (score -1 first) blocks "t"+"h"; 'x' is unknown.
    expect(sp.encodeAsPieces('the x')).toEqual(['▁the', '▁', '<unk>']);
    expect(sp.decode(sp.encode('the cats'))).toBe('the cats');
  });
});

describe('SentencePieceTokenizer (byte fallback)', () => {
  const sp = load('tiny-bytes.model');

  it('encodes unknown characters as UTF-8 byte pieces and decodes them back', () => {
    expect(sp.encodeAsPieces('ab é')).toEqual(['▁ab', '▁', '<0xC3>', '<0xA9>']);
    expect(Array.from(sp.encode('ab é'))).toEqual([262, 259, 3 + 0xc3, 3 + 0xa9]);
    expect(sp.decode(sp.encode('ab é'))).toBe('ab é');
    expect(sp.decode(sp.encode('ba 😀 ab'))).toBe('ba 😀 ab');
  });

  it('loads from a file path', async () => {
    const fromFile = await SentencePieceTokenizer.fromFile(fileURLToPath(fixture('tiny-bytes.model')));
    expect(fromFile.size).toBe(sp.size);
  });
});

describe('PrecompiledCharsMap', () => {
  it('applies the nmt_nfkc map of a real model where it differs from plain NFKC', () => {
    const m = parseSentencePieceModel(new Uint8Array(readFileSync(fixture('spm-unigram-nfkc.model'))));
    expect(m.normalizer.name).toBe('nmt_nfkc');
    const map = new PrecompiledCharsMap(m.normalizer.precompiledCharsmap);
    // Full-width letters fold as NFKC; a control character is dropped and a zero-width space becomes a
    // space, which NFKC alone leaves untouched.
    expect(map.normalize('ｃａｔ')).toBe('cat');
    expect(map.normalize('a\x01b')).toBe('ab');
    expect(map.normalize('a\u200bb')).toBe('a b');
    expect('a\u200bb'.normalize('NFKC')).toBe('a\u200bb');
  });

  it('rejects malformed maps', () => {
    expect(() => new PrecompiledCharsMap(Uint8Array.from([1, 0]))).toThrow(
      'PrecompiledCharsMap: charsmap has 2 bytes, fewer than its 4-byte header',
    );
    expect(() => new PrecompiledCharsMap(Uint8Array.from([64, 0, 0, 0, 1, 2]))).toThrow(
      'PrecompiledCharsMap: trie size 64 does not fit the 6-byte charsmap',
    );
  });
});
