import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CharVocab } from '../text/char-vocab.js';
import { SentencePieceTokenizer } from '../text/sentencepiece.js';
import { markerBoundary } from '../text/word-boundary.js';
import { alignTranscript } from './align-transcript.js';
import { forcedAlign } from './forced-align.js';
import { mergeTokens, type TokenSpan } from './token-spans.js';
import { secondsPerFrame, tokenTimes, wordSpans } from './word-spans.js';

const vocab = CharVocab.fromString("-|abcdefghijklmnopqrstuvwxyz'", { blank: '-', separator: '|' });

/** Log-softmax posteriors peaked on the given frame labels (probability ≈ 0.9 on the label). */
function peaked(labels: string, C: number): Float32Array {
  const T = labels.length;
  const lp = new Float32Array(T * C);
  const other = Math.log(0.1 / (C - 1));
  for (let t = 0; t < T; t++) {
    const id = vocab.tokenToId(labels[t])!;
    for (let c = 0; c < C; c++) lp[t * C + c] = c === id ? Math.log(0.9) : other;
  }
  return lp;
}

describe('token and word spans from a forced alignment', () => {
  it('recovers the frames, words and times of a transcript', () => {
    const frames = '-hhi-|t-heer-e--';
    const C = vocab.size;
    const targets = vocab.encode('hi there');
    const al = forcedAlign({ logProbs: peaked(frames, C), dims: [frames.length, C], targets });
    expect(vocab.decode(al.path).replaceAll(' ', '|')).toBe(frames.replaceAll('-', ''));
    const spans = mergeTokens(al);
    expect(spans.map((s) => [vocab.idToToken(s.token), s.start, s.end])).toEqual([
      ['h', 1, 3],
      ['i', 3, 4],
      ['|', 5, 6],
      ['t', 6, 7],
      ['h', 8, 9],
      ['e', 9, 11],
      ['r', 11, 12],
      ['e', 13, 14],
    ]);
    for (const s of spans) {
      expect(s.score).toBeCloseTo(0.9, 6);
      expect(s.logScore).toBeCloseTo(Math.log(0.9), 6);
    }
    const words = wordSpans({
      tokenSpans: spans,
      boundary: vocab.wordBoundary,
      timing: { frameShift: 0.01, subsampling: 2 },
      decode: (ids) => vocab.decode(ids),
    });
    expect(words.map((w) => [w.text, w.start, w.end])).toEqual([
      ['hi', 1, 4],
      ['there', 6, 14],
    ]);
    expect(words[0].startTime).toBeCloseTo(0.02, 12);
    expect(words[0].endTime).toBeCloseTo(0.08, 12);
    expect(words[1].startTime).toBeCloseTo(0.12, 12);
    expect(words[1].endTime).toBeCloseTo(0.28, 12);
    expect(words[1].tokens.length).toBe(5);
    // The tokenizer supplies the word rule and the text.
    const same = wordSpans({ tokenSpans: spans, tokenizer: vocab, timing: { frameShift: 0.02 } });
    expect(same.map((w) => [w.text, w.startTime, w.endTime])).toEqual(
      words.map((w) => [w.text, w.startTime, w.endTime]),
    );
    expect(() => wordSpans({ tokenSpans: spans, timing: { frameRate: 50 } })).toThrow(
      'wordSpans: give a word rule: options.boundary or options.tokenizer',
    );
    expect(words[1].score).toBeCloseTo(0.9, 6);
  });
});

describe('mergeTokens', () => {
  it('averages probabilities over each run, as torchaudio merge_tokens', () => {
    const path = Int32Array.from([0, 3, 3, 0, 0, 4, 4, 4, 3]);
    const p = [0.5, 0.6, 0.8, 0.9, 0.7, 0.2, 0.4, 0.6, 1];
    const spans = mergeTokens({ path, frameScores: Float32Array.from(p, Math.log) });
    expect(spans.map(({ token, start, end }) => [token, start, end])).toEqual([
      [3, 1, 3],
      [4, 5, 8],
      [3, 8, 9],
    ]);
    expect(spans[0].score).toBeCloseTo(0.7, 6);
    expect(spans[1].score).toBeCloseTo(0.4, 6);
    expect(spans[1].logScore).toBeCloseTo((Math.log(0.2) + Math.log(0.4) + Math.log(0.6)) / 3, 6);
  });

  it('throws on mismatched lengths', () => {
    expect(() => mergeTokens({ path: new Int32Array(3), frameScores: new Float32Array(2) })).toThrow(
      'mergeTokens: path has length 3 but frameScores has length 2; they must match',
    );
  });
});

describe('wordSpans', () => {
  const span = (token: number, start: number, end: number, score = 1): TokenSpan => ({
    token,
    start,
    end,
    score,
    logScore: Math.log(score),
  });
  const pieces = ['<blank>', '▁the', '▁cat', 's', '▁', 'x', 'the▁', 'cat▁'];

  it('starts a word at each ▁-prefixed piece; a lone ▁ separates', () => {
    const spans = [
      span(1, 0, 2, 0.5),
      span(2, 4, 5, 1),
      span(3, 6, 8, 0.25),
      span(4, 9, 10),
      span(5, 12, 13),
    ];
    const words = wordSpans({
      tokenSpans: spans,
      boundary: markerBoundary(pieces),
      timing: { frameRate: 25, offset: 10 },
      decode: (ids) =>
        Array.from(ids, (i) => pieces[i])
          .join('')
          .replaceAll('▁', ' '),
    });
    expect(words.map((w) => [w.text, w.start, w.end])).toEqual([
      ['the', 0, 2],
      ['cats', 4, 8],
      ['x', 12, 13],
    ]);
    expect(words[1].startTime).toBeCloseTo(10.16, 12);
    expect(words[1].endTime).toBeCloseTo(10.32, 12);
    // Frame-weighted: (1 * 1 + 0.25 * 2) / 3.
    expect(words[1].score).toBeCloseTo(0.5, 12);
    expect(words[0].text).toBe('the');
  });

  it('ends a word at each ▁-suffixed piece with whitespace-as-suffix', () => {
    const spans = [span(6, 0, 1), span(5, 2, 3), span(7, 3, 4)];
    const words = wordSpans({
      tokenSpans: spans,
      boundary: markerBoundary(pieces, { suffix: true }),
      timing: { frameRate: 1 },
    });
    expect(words.map((w) => [w.start, w.end])).toEqual([
      [0, 1],
      [2, 4],
    ]);
    expect(words[0].text).toBe('');
  });

  it('gives token-level times', () => {
    const timed = tokenTimes([span(1, 0, 2), span(3, 5, 6)], { frameShift: 0.01, subsampling: 4, offset: 1 });
    expect(timed.map((t) => [t.token, t.startTime, t.endTime])).toEqual([
      [1, 1, 1.08],
      [3, 1.2, 1.24],
    ]);
  });

  it('validates timing', () => {
    expect(secondsPerFrame({ frameShift: 0.01, subsampling: 8 })).toBeCloseTo(0.08, 12);
    expect(() => secondsPerFrame({ frameRate: 0 })).toThrow(
      'secondsPerFrame: timing.frameRate must be > 0, got 0',
    );
    expect(() => secondsPerFrame({ frameShift: 0.01, subsampling: 1.5 })).toThrow(
      'secondsPerFrame: timing.subsampling must be a positive integer, got 1.5',
    );
  });
});

describe('alignTranscript', () => {
  it('aligns SentencePiece text with a NeMo-style blank after the last piece', () => {
    const sp = SentencePieceTokenizer.fromBytes(
      new Uint8Array(readFileSync(new URL('../text/fixtures/tiny-unigram.model', import.meta.url))),
      { blankId: 18 },
    );
    const C = sp.size + 1;
    // Frame labels: blank, ▁the ×2, blank, ▁cat, s ×2, blank.
    const frames = [18, 4, 4, 18, 9, 12, 12, 18];
    const lp = new Float32Array(frames.length * C).fill(Math.log(0.2 / (C - 1)));
    frames.forEach((id, t) => {
      lp[t * C + id] = Math.log(0.8);
    });
    const r = alignTranscript({
      logProbs: lp,
      dims: [frames.length, C],
      text: 'the cats',
      tokenizer: sp,
      timing: { frameRate: 25 },
    });
    expect(Array.from(r.targets)).toEqual([4, 9, 12]);
    expect(Array.from(r.alignment.path)).toEqual(frames);
    expect(r.words.map((w) => [w.text, w.start, w.end, w.startTime, w.endTime])).toEqual([
      ['the', 1, 3, 0.04, 0.12],
      ['cats', 4, 7, 0.16, 0.28],
    ]);
    expect(r.words[1].score).toBeCloseTo(0.8, 6);
  });
});
