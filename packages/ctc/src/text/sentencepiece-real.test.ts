import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SentencePieceTokenizer } from './sentencepiece.js';

/**
 * Models trained and encodings produced by the real SentencePiece library (tools/ctc_spm_fixtures.py):
 * unigram with the default nmt_nfkc normaliser, BPE with byte fallback, unigram with whitespace-as-suffix.
 */
for (const name of ['unigram-nfkc', 'bpe-bytes', 'unigram-suffix']) {
  const file = (ext: string) => new URL(`./fixtures/spm-${name}.${ext}`, import.meta.url);
  const ref = JSON.parse(readFileSync(file('json'), 'utf8')) as {
    vocabSize: number;
    cases: Array<{ text: string; ids: number[]; pieces: string[]; decoded: string }>;
  };
  const sp = SentencePieceTokenizer.fromBytes(new Uint8Array(readFileSync(file('model'))));

  describe(`SentencePiece parity: ${name}`, () => {
    it('has the same vocabulary size', () => {
      expect(sp.size).toBe(ref.vocabSize);
    });
    for (const c of ref.cases) {
      it(`encodes and decodes ${JSON.stringify(c.text)} as the SentencePiece library`, () => {
        expect(sp.encodeAsPieces(c.text)).toEqual(c.pieces);
        expect(Array.from(sp.encode(c.text))).toEqual(c.ids);
        expect(sp.decode(c.ids)).toBe(c.decoded);
      });
    }
  });
}
