import { describe, expect, it } from 'vitest';
import { markerBoundary, separatorBoundary, splitWords } from '../text/word-boundary.js';
import { makeWordRule, tokensToWords, wordConfidence, wordRanges, wordTimesteps } from './word-rule.js';

describe('word rules', () => {
  it('delimiter tokens separate words; repeated and edge delimiters make no empty words', () => {
    const rule = makeWordRule({ vocabulary: ['-', 'a', 'b', '|', ' '] });
    const toks = [3, 1, 2, 3, 3, 2, 4, 1, 3];
    expect(wordRanges(toks, rule)).toEqual([
      [1, 3],
      [5, 6],
      [7, 8],
    ]);
    expect(tokensToWords(toks, rule)).toEqual(['ab', 'b', 'a']);
    expect(Array.from(wordTimesteps(toks, [0, 1, 2, 3, 4, 5, 6, 7, 8], rule))).toEqual([1, 5, 7]);
  });

  it('SentencePiece "▁" starts words (detected automatically); a lone "▁" separates', () => {
    const rule = makeWordRule({ vocabulary: ['<b>', '\u2581he', 'llo', '\u2581', 'x', '\u2581w'] });
    expect(tokensToWords([1, 2, 5, 4, 3, 4, 1], rule)).toEqual(['hello', 'wx', 'x', 'he']);
    expect(tokensToWords([2, 1], rule)).toEqual(['llo', 'he']);
  });

  it('explicit rule and delimiters override detection', () => {
    const rule = makeWordRule({
      vocabulary: ['-', '\u2581a', '#'],
      wordBoundary: 'delimiter',
      wordDelimiters: ['#'],
    });
    expect(tokensToWords([1, 1, 2, 1], rule)).toEqual(['\u2581a\u2581a', '\u2581a']);
  });

  it('aggregates token confidence per word', () => {
    const rule = makeWordRule({ vocabulary: ['-', 'a', '|'] });
    expect(Array.from(wordConfidence([1, 1, 2, 1], [0.5, 0.25, 1, 0.75], rule, 'mean'))).toEqual([
      0.375, 0.75,
    ]);
  });

  it("splits words exactly as the aligners' boundaries do", () => {
    const pieces = ['<b>', '\u2581he', 'llo', '\u2581', 'x', '\u2581w', '|'];
    const sp = makeWordRule({ vocabulary: pieces });
    const delim = makeWordRule({ vocabulary: pieces, wordBoundary: 'delimiter', wordDelimiters: ['|'] });
    let seed = 7;
    for (let n = 0; n < 200; n++) {
      const toks = Array.from({ length: n % 12 }, () => {
        seed = (seed * 1103515245 + 12345) % 2147483648;
        return seed % pieces.length;
      });
      expect(wordRanges(toks, sp)).toEqual(splitWords(toks, markerBoundary(pieces)));
      expect(wordRanges(toks, delim)).toEqual(splitWords(toks, separatorBoundary([6])));
    }
  });
});
