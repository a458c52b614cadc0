import { describe, expect, it } from 'vitest';
import { CharVocab } from './char-vocab.js';
import { splitWords } from './word-boundary.js';

describe('CharVocab', () => {
  const vocab = CharVocab.fromString("-|abcdefghijklmnopqrstuvwxyz'", { blank: '-', separator: '|' });

  it('encodes characters and turns whitespace runs into one separator', () => {
    expect(Array.from(vocab.encode('hi  there'))).toEqual([9, 10, 1, 21, 9, 6, 19, 6]);
    expect(Array.from(vocab.encode('  hi '))).toEqual([9, 10]);
    // A literal separator character is a word break too.
    expect(Array.from(vocab.encode('hi|there'))).toEqual(Array.from(vocab.encode('hi there')));
    expect(vocab.decode(vocab.encode("don't stop"))).toBe("don't stop");
  });

  it('skips blanks when decoding', () => {
    expect(vocab.decode([0, 9, 0, 10, 1, 0])).toBe('hi ');
  });

  it('groups tokens into words at the separator', () => {
    const ids = vocab.encode('a bc def');
    expect(splitWords(ids, vocab.wordBoundary)).toEqual([
      [0, 1],
      [2, 4],
      [5, 8],
    ]);
  });

  it('maps unknown characters to unk when set, and folds case', () => {
    const w2v = CharVocab.fromList(['<pad>', '<s>', '</s>', '<unk>', '|', 'E', 'T', 'A'], {
      blank: '<pad>',
      unk: '<unk>',
      separator: '|',
      caseFold: 'upper',
    });
    expect(Array.from(w2v.encode('eat tea!'))).toEqual([5, 7, 6, 4, 6, 5, 7, 3]);
    expect(w2v.decode(w2v.encode('eat tea!'))).toBe('EAT TEA<unk>');
    expect(w2v.size).toBe(8);
    expect(w2v.idToToken(4)).toBe('|');
    expect(w2v.tokenToId('A')).toBe(7);
  });

  it('uses a space token as the separator by default', () => {
    const v = CharVocab.fromString('_ ab');
    expect(v.blankId).toBe(0);
    expect(v.separatorId).toBe(1);
    expect(Array.from(v.encode('ab ba'))).toEqual([2, 3, 1, 3, 2]);
  });

  it('throws clear errors', () => {
    expect(() => vocab.encode('héllo')).toThrow(
      "CharVocab.encode: character 'é' (U+00E9) at index 1 of the text is not in the vocabulary and no unk token is set",
    );
    expect(() => vocab.encode('well-known')).toThrow(
      "CharVocab.encode: character '-' (U+002D) at index 4 of the text is the blank token and no unk token is set",
    );
    expect(() => CharVocab.fromString('-ab', { blank: '-' }).encode('a b')).toThrow(
      'CharVocab.encode: text has a space at index 1 but the vocabulary has no separator token (set options.separator)',
    );
    expect(() => CharVocab.fromString('-aba')).toThrow('CharVocab: token "a" appears twice (ids 1 and 3)');
    expect(() => CharVocab.fromString('-ab', { separator: '|' })).toThrow(
      'CharVocab: separator token "|" is not in the vocabulary',
    );
    expect(() => vocab.decode([1, 99])).toThrow('CharVocab.decode: ids[1] = 99 is out of range [0, 29)');
  });
});
