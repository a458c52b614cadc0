/**
 * CTC decoding speed on synthetic peaky posteriors, against pyctcdecode (the anchor, pure Python,
 * timed in the same run on the same posteriors with the same pruning: token_min_logp −5,
 * beam_prune_logp −10; CPU time of both) when $PYCTCDECODE_SRC points at a directory holding the `pyctcdecode` package.
 * Also reports greedy decoding and beam search without token pruning (exact prefix sums).
 *
 *   PYCTCDECODE_SRC=/path/to/src npx tsx --conditions=@seqzoo/source bench/ctc-decode.ts
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { beamSearchSync, CtcPrefixScorer, greedyDecode, NgramLm } from '../packages/ctc/src/decode/index.js';
import { ctcForward, rng } from '../packages/ctc/src/decode/test-support.js';

/** Speech-like posteriors: tokens at random positions separated by blanks, with a close competitor. */
function posteriors(T: number, C: number, seed: number): Float32Array {
  const r = rng(seed);
  const out = new Float32Array(T * C);
  const z = new Float64Array(C);
  let token = 0;
  for (let t = 0; t < T; t++) {
    if (r() < 0.3) token = 1 + Math.floor(r() * (C - 1));
    else if (r() < 0.5) token = 0;
    for (let c = 0; c < C; c++) z[c] = 1.5 * (r() * 2 - 1);
    z[token] += 7;
    if (r() < 0.25) z[1 + Math.floor(r() * (C - 1))] += 6.5;
    let m = Number.NEGATIVE_INFINITY;
    for (let c = 0; c < C; c++) m = Math.max(m, z[c]);
    let s = 0;
    for (let c = 0; c < C; c++) s += Math.exp(z[c] - m);
    for (let c = 0; c < C; c++) out[t * C + c] = z[c] - m - Math.log(s);
  }
  return out;
}

/**
 * Best CPU time (user + system, ms) of `repeats` runs after a warm-up. CPU time rather than wall time:
 * the machine's 2 cores are shared, and waiting for a core would count in wall time; the anchor is
 * timed the same way (time.process_time).
 */
function best(fn: () => void, repeats: number): number {
  fn();
  let b = Number.POSITIVE_INFINITY;
  for (let i = 0; i < repeats; i++) {
    const t0 = process.cpuUsage();
    fn();
    const d = process.cpuUsage(t0);
    b = Math.min(b, (d.user + d.system) / 1000);
  }
  return b;
}

const text = (labels: string[], tokens: Int32Array) =>
  Array.from(tokens, (k) => labels[k])
    .join('')
    .replace(/\s+/g, ' ')
    .trim();

const chars = ['', ' ', ...'abcdefghijklmnopqrstuvwxyz', "'", '.', ',', '?'];
const cjk = ['', ' ', ...Array.from({ length: 1022 }, (_, i) => String.fromCharCode(0x4e00 + i))];
const cases = [
  { name: 'chars', T: 500, C: 32, labels: chars, beams: [16, 64] },
  { name: 'bpe-1024', T: 250, C: 1024, labels: cjk, beams: [16, 64] },
];
const prune = { tokenMinLogProb: -5, beamPruneLogProb: -10 };
const outDir = join('bench', 'out');
mkdirSync(outDir, { recursive: true });

/** Exact log P(text | x) over all alignments, to judge which decoder found the likelier text. */
const logP = (lp: Float32Array, T: number, C: number, labels: string[], s: string) =>
  ctcForward(
    lp,
    T,
    C,
    Array.from(s, (ch) => labels.indexOf(ch)),
    0,
  );

const inputs: Float32Array[] = [];
const rows: Array<Record<string, string | number>> = [];
const spec = { cases: [] as unknown[] };
const ours: Array<Record<string, { ms: number; text: string }>> = [];
for (const [i, c] of cases.entries()) {
  const lp = posteriors(c.T, c.C, 11 + i);
  inputs.push(lp);
  const file = join(outDir, `ctc-decode-${c.name}.f32`);
  writeFileSync(file, Buffer.from(lp.buffer));
  spec.cases.push({
    file,
    T: c.T,
    C: c.C,
    labels: c.labels,
    beams: c.beams,
    beam_prune_logp: -10,
    token_min_logp: -5,
    repeats: 3,
  });
  const dims = [c.T, c.C];
  rows.push({
    case: c.name,
    decoder: 'greedyDecode',
    beam: 1,
    ms: best(() => greedyDecode({ logProbs: lp, dims }), 20),
  });
  const res: Record<string, { ms: number; text: string }> = {};
  for (const beamWidth of c.beams) {
    let hyp = new Int32Array(0);
    const ms = best(() => {
      hyp = beamSearchSync({ logProbs: lp, dims, beamWidth, ...prune })[0].tokens;
    }, 5);
    res[beamWidth] = { ms, text: text(c.labels, hyp) };
    rows.push({ case: c.name, decoder: 'beamSearch (pruned)', beam: beamWidth, ms });
    if (c.C <= 32) {
      const exact = best(() => beamSearchSync({ logProbs: lp, dims, beamWidth }), 3);
      rows.push({ case: c.name, decoder: 'beamSearch (no token pruning)', beam: beamWidth, ms: exact });
    }
  }
  ours.push(res);
  // Hybrid decoding cost: one CtcPrefixScorer call scoring 10 candidates after a 20-token prefix.
  const scorer = new CtcPrefixScorer({ logProbs: lp, dims, eos: c.C });
  const cands = Array.from({ length: 10 }, (_, k) => 1 + k);
  rows.push({
    case: c.name,
    decoder: 'CtcPrefixScorer.score (10 candidates)',
    beam: 0,
    ms: best(() => scorer.score(cands.slice(0, 1).concat(cands), cands, scorer.initialState()), 10),
  });
}

/** A random bigram ARPA over `V` words of 2–6 letters (unigrams and 4·V bigrams, with back-offs). */
function randomArpa(V: number, seed: number): string {
  const r = rng(seed);
  const words = new Set<string>();
  while (words.size < V) {
    const n = 2 + Math.floor(r() * 5);
    words.add(Array.from({ length: n }, () => String.fromCharCode(97 + Math.floor(r() * 26))).join(''));
  }
  const list = [...words];
  const bigrams = new Map<string, number>();
  while (bigrams.size < 4 * V) {
    const a = list[Math.floor(r() * V)];
    const b = list[Math.floor(r() * V)];
    bigrams.set(`${a} ${b}`, -(0.2 + r() * 1.5));
  }
  const uni = [['<s>', -99], ['</s>', -1.5], ['<unk>', -5], ...list.map((w) => [w, -(1 + r() * 3)])];
  return [
    '\\data\\',
    `ngram 1=${uni.length}`,
    `ngram 2=${bigrams.size}`,
    '',
    '\\1-grams:',
    ...uni.map(([w, p]) => `${(p as number).toFixed(4)}\t${w}\t${(-(r() * 0.5)).toFixed(4)}`),
    '',
    '\\2-grams:',
    ...[...bigrams].map(([k, p]) => `${p.toFixed(4)}\t${k}`),
    '',
    '\\end\\',
    '',
  ].join('\n');
}

// Fusion costs (ours only: the pyctcdecode anchor needs kenlm for an LM).
{
  const c = cases[0];
  const lp = inputs[0];
  const dims = [c.T, c.C];
  const arpa = randomArpa(2000, 3);
  let lm: NgramLm | undefined;
  rows.push({
    case: 'arpa 2000 words',
    decoder: 'NgramLm.fromArpa',
    beam: 0,
    ms: best(() => (lm = NgramLm.fromArpa(arpa)), 3),
  });
  const vocabulary = c.labels.map((l, i) => (i === 0 ? '<blank>' : l));
  for (const beamWidth of [16, 64]) {
    const ms = best(
      () =>
        beamSearchSync({
          logProbs: lp,
          dims,
          beamWidth,
          ...prune,
          vocabulary,
          lm: { model: lm!, alpha: 0.5, beta: 1, unkScoreOffset: -10, scorePartialWords: true },
        }),
      3,
    );
    rows.push({ case: c.name, decoder: 'beamSearch + word 2-gram LM', beam: beamWidth, ms });
  }
  // 100 phrases of 2–6 letters (random words of their own generator).
  const r = rng(99);
  const hotwords = Array.from({ length: 100 }, () => ({
    text: Array.from({ length: 2 + Math.floor(r() * 5) }, () =>
      String.fromCharCode(97 + Math.floor(r() * 26)),
    ).join(''),
  }));
  const ms = best(
    () => beamSearchSync({ logProbs: lp, dims, beamWidth: 16, ...prune, vocabulary, hotwords }),
    3,
  );
  rows.push({ case: c.name, decoder: 'beamSearch + 100 hotwords', beam: 16, ms });
}

let anchor: Array<Record<string, { ms: number; text: string }>> | undefined;
if (process.env.PYCTCDECODE_SRC) {
  const specFile = join(outDir, 'ctc-decode-spec.json');
  writeFileSync(specFile, JSON.stringify(spec));
  const stdout = execFileSync('/usr/bin/python3', ['tools/ctc_decode_bench_pyctcdecode.py', specFile], {
    encoding: 'utf8',
  });
  anchor = JSON.parse(stdout.trim().split('\n').at(-1)!);
} else {
  console.log('PYCTCDECODE_SRC not set: the pyctcdecode anchor is skipped');
}

for (const [i, c] of cases.entries()) {
  for (const beamWidth of c.beams) {
    const a = anchor?.[i][beamWidth];
    if (!a) continue;
    const o = ours[i][beamWidth];
    rows.push({
      case: c.name,
      decoder: 'pyctcdecode decode_beams (anchor)',
      beam: beamWidth,
      ms: a.ms,
      speedup: a.ms / o.ms,
      sameBest: a.text === o.text ? 'yes' : 'no',
      // log P of the best text of each decoder (higher is better).
      oursLogP: Number(logP(inputs[i], c.T, c.C, c.labels, o.text).toFixed(4)),
      anchorLogP: Number(logP(inputs[i], c.T, c.C, c.labels, a.text).toFixed(4)),
    });
  }
}
console.log(
  `load average ${os.loadavg()[0].toFixed(1)} on ${os.cpus().length} cores (CPU times: a shared core's wait does not count)`,
);
console.table(rows.map(({ ms, ...r }) => ({ ...r, cpuMs: Number((ms as number).toFixed(3)) })));
console.log(JSON.stringify({ bench: 'ctc-decode', unit: 'cpu ms', rows }));
