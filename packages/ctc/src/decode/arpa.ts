/**
 * ARPA back-off n-gram files (the text format SRILM and KenLM write):
 *
 *     \data\
 *     ngram 1=3
 *     \1-grams:
 *     -1.2  word  -0.3        log10 P, the words, optional log10 back-off weight
 *     \end\
 */

/** One n-gram: log10 probability and log10 back-off weight (0 when the file gives none). */
export interface ArpaEntry {
  prob: number;
  backoff: number;
}

export interface ArpaModel {
  /** Highest n-gram order. */
  order: number;
  /** Declared (and checked) count of each order, index 0 = unigrams. */
  counts: number[];
  /** N-grams of each order keyed by their words joined with a single space; index 0 = unigrams. */
  ngrams: Array<Map<string, ArpaEntry>>;
}

function fail(line: number, message: string): never {
  throw new Error(`parseArpa: line ${line}: ${message}`);
}

function parseNumber(token: string, line: number, what: string): number {
  const v = token === '-inf' || token === '-Infinity' ? Number.NEGATIVE_INFINITY : Number(token);
  if (token === '' || Number.isNaN(v) || v === Number.POSITIVE_INFINITY) {
    fail(line, `${what} '${token}' is not a number`);
  }
  return v;
}

/** Parses ARPA text; malformed input throws an Error naming the line. */
export function parseArpa(text: string): ArpaModel {
  const lines = text.split(/\r?\n/);
  let i = 0;
  while (i < lines.length && lines[i].trim() !== '\\data\\') i++;
  if (i === lines.length) throw new Error('parseArpa: no \\data\\ header found');
  i++;
  const counts: number[] = [];
  for (; i < lines.length; i++) {
    const line = lines[i].trim();
    if (line === '') continue;
    if (line.startsWith('\\')) break;
    const m = /^ngram\s+(\d+)\s*=\s*(\d+)$/.exec(line);
    if (!m) fail(i + 1, `expected 'ngram N=count' in the \\data\\ section, got '${line}'`);
    const n = Number(m[1]);
    if (n !== counts.length + 1) fail(i + 1, `expected 'ngram ${counts.length + 1}=…', got '${line}'`);
    counts.push(Number(m[2]));
  }
  if (counts.length === 0) fail(i + 1, 'the \\data\\ section declares no n-gram counts');
  const order = counts.length;
  const ngrams: Array<Map<string, ArpaEntry>> = counts.map(() => new Map());
  let n = 0; // order of the current section; 0 = none yet
  let sectionLine = 0;
  const closeSection = (line: number) => {
    if (n > 0 && ngrams[n - 1].size !== counts[n - 1]) {
      fail(
        line,
        `the ${n}-grams section (line ${sectionLine}) has ${ngrams[n - 1].size} entries ` +
          `but \\data\\ declares ngram ${n}=${counts[n - 1]}`,
      );
    }
  };
  let ended = false;
  for (; i < lines.length; i++) {
    const line = lines[i].trim();
    if (line === '') continue;
    if (line === '\\end\\') {
      closeSection(i + 1);
      ended = true;
      break;
    }
    const header = /^\\(\d+)-grams:$/.exec(line);
    if (header) {
      closeSection(i + 1);
      const next = Number(header[1]);
      if (next !== n + 1 || next > order) {
        fail(i + 1, `unexpected section '${line}' (expected \\${n + 1}-grams: of ${order} orders)`);
      }
      n = next;
      sectionLine = i + 1;
      continue;
    }
    if (line.startsWith('\\')) fail(i + 1, `unknown section '${line}'`);
    if (n === 0) fail(i + 1, `n-gram line outside any \\N-grams: section: '${line}'`);
    const f = line.split(/\s+/);
    if (f.length !== n + 1 && f.length !== n + 2) {
      fail(
        i + 1,
        `a ${n}-gram line needs a log10 prob, ${n} words and an optional back-off, got ${f.length} fields: '${line}'`,
      );
    }
    const prob = parseNumber(f[0], i + 1, 'log10 probability');
    if (prob > 0) fail(i + 1, `log10 probability ${prob} is positive`);
    const backoff = f.length === n + 2 ? parseNumber(f[n + 1], i + 1, 'back-off weight') : 0;
    const key = f.slice(1, n + 1).join(' ');
    if (ngrams[n - 1].has(key)) fail(i + 1, `duplicate ${n}-gram '${key}'`);
    ngrams[n - 1].set(key, { prob, backoff });
  }
  if (!ended) fail(lines.length, 'missing \\end\\ marker');
  if (n !== order) fail(i + 1, `\\data\\ declares ${order} orders but only ${n} sections were found`);
  return { order, counts, ngrams };
}
