import { describe, expect, it } from 'vitest';
import { parseArpa } from './arpa.js';
import { NgramLm } from './ngram-lm.js';

const ARPA = [
  'Comments before the header are ignored.',
  '\\data\\',
  'ngram 1=6',
  'ngram 2=4',
  'ngram 3=2',
  '',
  '\\1-grams:',
  '-1.0\t</s>',
  '-99\t<s>\t-0.6',
  '-0.7\tthe\t-0.4',
  '-1.2\tcat\t-0.3',
  '-1.5\tsat\t-0.25',
  '-2.0\t<unk>',
  '',
  '\\2-grams:',
  '-0.3\t<s> the\t-0.2',
  '-0.5\tthe cat\t-0.1',
  '-0.8\tcat sat',
  '-0.4\tsat </s>',
  '',
  '\\3-grams:',
  '-0.1\t<s> the cat',
  '-0.2\tthe cat sat',
  '',
  '\\end\\',
  '',
].join('\n');

describe('parseArpa', () => {
  it('reads counts, probabilities and back-offs', () => {
    const m = parseArpa(ARPA);
    expect(m.order).toBe(3);
    expect(m.counts).toEqual([6, 4, 2]);
    expect(m.ngrams[0].get('<s>')).toEqual({ prob: -99, backoff: -0.6 });
    expect(m.ngrams[0].get('</s>')).toEqual({ prob: -1, backoff: 0 });
    expect(m.ngrams[1].get('the cat')).toEqual({ prob: -0.5, backoff: -0.1 });
    expect(m.ngrams[2].get('the cat sat')).toEqual({ prob: -0.2, backoff: 0 });
  });

  const lines = ARPA.split('\n');
  const edit = (i: number, text: string | null) => {
    const l = [...lines];
    if (text === null) l.splice(i, 1);
    else l[i] = text;
    return l.join('\n');
  };
  it.each([
    ['no header', 'just text\n', 'parseArpa: no \\data\\ header found'],
    [
      'bad count line',
      edit(3, 'ngram 2 4'),
      "parseArpa: line 4: expected 'ngram N=count' in the \\data\\ section, got 'ngram 2 4'",
    ],
    ['skipped order', edit(3, 'ngram 3=4'), "parseArpa: line 4: expected 'ngram 2=…', got 'ngram 3=4'"],
    [
      'bad number',
      edit(9, '-0.x\tthe\t-0.4'),
      "parseArpa: line 10: log10 probability '-0.x' is not a number",
    ],
    ['bad back-off', edit(9, '-0.7\tthe\tfoo'), "parseArpa: line 10: back-off weight 'foo' is not a number"],
    ['positive prob', edit(9, '0.7\tthe'), 'parseArpa: line 10: log10 probability 0.7 is positive'],
    [
      'field count',
      edit(16, '-0.5\tthe cat sat dog'),
      'parseArpa: line 17: a 2-gram line needs a log10 prob, 2 words and an optional back-off, got 5 fields',
    ],
    [
      'count mismatch',
      edit(12, null),
      'parseArpa: line 14: the 1-grams section (line 7) has 5 entries but \\data\\ declares ngram 1=6',
    ],
    ['duplicate', edit(17, '-0.8\tthe cat'), "parseArpa: line 18: duplicate 2-gram 'the cat'"],
    ['section order', edit(14, '\\3-grams:'), 'parseArpa: line 15: unexpected section'],
    ['unknown section', edit(14, '\\foo:'), "parseArpa: line 15: unknown section '\\foo:'"],
    ['missing end', lines.slice(0, 24).join('\n'), 'parseArpa: line 24: missing \\end\\ marker'],
  ])('%s', (_name, text, message) => {
    expect(() => parseArpa(text)).toThrow(message);
  });
});

describe('NgramLm', () => {
  const lm = NgramLm.fromArpa(ARPA);
  const p = (ctx: string[], w: string) => lm.score(ctx, w).log10;

  it('uses the longest n-gram present', () => {
    expect(lm.begin()).toEqual(['<s>']);
    expect(p(['<s>'], 'the')).toBeCloseTo(-0.3, 12);
    expect(p(['<s>', 'the'], 'cat')).toBeCloseTo(-0.1, 12);
    expect(p(['the', 'cat'], 'sat')).toBeCloseTo(-0.2, 12);
  });

  it('backs off, adding the back-off weight of each context that exists', () => {
    // "cat sat </s>" absent; "cat sat" has no back-off (0); P(</s>|sat) = -0.4.
    expect(p(['cat', 'sat'], '</s>')).toBeCloseTo(-0.4, 12);
    // "<s> cat" absent (weight 0); "cat cat" absent → bo(cat) + P(cat).
    expect(p(['<s>', 'cat'], 'cat')).toBeCloseTo(-0.3 + -1.2, 12);
    // bo(the cat) + bo(cat) + P(the).
    expect(p(['the', 'cat'], 'the')).toBeCloseTo(-0.1 + -0.3 + -0.7, 12);
  });

  it('keeps the last (order − 1) words as state', () => {
    const r = lm.score(['<s>', 'the'], 'cat');
    expect(r.state).toEqual(['the', 'cat']);
    expect(lm.score(r.state, 'sat').state).toEqual(['cat', 'sat']);
  });

  it('scores unknown words as <unk> and keeps <unk> in the context', () => {
    const r = lm.score(['<s>', 'the'], 'dog');
    expect(r.oov).toBe(true);
    // "<s> the <unk>" absent: bo(<s> the) = -0.2; "the <unk>" absent: bo(the) = -0.4; P(<unk>) = -2.
    expect(r.log10).toBeCloseTo(-0.2 + -0.4 + -2.0, 12);
    expect(r.state).toEqual(['the', '<unk>']);
    expect(lm.has('dog')).toBe(false);
    // Without an <unk> unigram the fallback log10 probability applies.
    const noUnk = NgramLm.fromArpa(ARPA.replace('ngram 1=6', 'ngram 1=5').replace('-2.0\t<unk>\n', ''), {
      unkLog10Prob: -7,
    });
    expect(noUnk.score(['<s>'], 'dog').log10).toBeCloseTo(-0.6 + -7, 12);
  });

  it('finds words by prefix', () => {
    expect(lm.hasPrefix('ca')).toBe(true);
    expect(lm.hasPrefix('sat')).toBe(true);
    expect(lm.hasPrefix('sate')).toBe(false);
    expect(lm.hasPrefix('<')).toBe(false); // <s>, </s> and <unk> are not words
    expect(lm.hasPrefix('zz')).toBe(false);
    expect(lm.maxLog10).toBeCloseTo(-0.1 + 2 * 0, 12); // no positive back-off weights
  });

  it('scores whole sentences with <s> and </s>', () => {
    expect(lm.sentenceLog10Prob(['the', 'cat', 'sat'])).toBeCloseTo(-0.3 - 0.1 - 0.2 - 0.4, 12);
    expect(lm.sentenceLog10Prob([])).toBeCloseTo(-0.6 + -1.0, 12);
    expect(lm.end(['the', 'cat'])).toBeCloseTo(-0.1 + -0.3 + -1.0, 12);
  });
});
