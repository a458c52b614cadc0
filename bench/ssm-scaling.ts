/**
 * Scaling benchmark for @seqzoo/ssm: time and peak memory vs sequence length for
 *   - the selective scan (loop-free chunked form; D=8 channels, N=4 states, chunk 16),
 *   - an Aaren layer (prefix scan; d=32, 1 head),
 *   - causal softmax attention of the same width (the same Aaren module in 'attention' mode: learned
 *     query, explicit [L, L] masked softmax) — the anchor the other two are compared with,
 * on tfjs-wasm and onnxruntime-node, for L = 1k … 64k (attention stops at 8k: its [L, L] scores
 * would not fit). Each (backend, case) runs in its own child process so its peak RSS (VmHWM) is
 * its own; a series stops once one run passes the time cap. Prints a table, the log-log slope
 * (scaling exponent) of each series, and one JSON line.
 *
 *   npx tsx --conditions=@seqzoo/source bench/ssm-scaling.ts [--quick]
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { infer, type Module, ops } from '@seqzoo/core';
import { Lambda, Rng, randomData } from '@seqzoo/core/testing';
import { Aaren, selectiveScanChunked } from '@seqzoo/ssm';

type Backend = 'tfjs-wasm' | 'onnxruntime-node';
type CaseName = 'selective-scan' | 'aaren-scan' | 'softmax-attention';
const quick = process.argv.includes('--quick');
const CAP_MS = quick ? 4000 : 20000;
const LENGTHS = quick ? [1024, 2048, 4096, 8192] : [1024, 2048, 4096, 8192, 16384, 32768, 65536];
const MAX_LEN: Record<CaseName, number> = {
  'selective-scan': 65536,
  'aaren-scan': 65536,
  'softmax-attention': 8192,
};

interface Point {
  backend: Backend;
  case: CaseName;
  L: number;
  ms: number;
  peakMiB: number;
}

function peakRssMiB(): number {
  const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'));
  return m ? Math.round(Number(m[1]) / 1024) : Math.round(process.memoryUsage().rss / 2 ** 20);
}

function build(name: CaseName, len: number): { module: Module; inputs: Parameters<typeof infer>[1] } {
  const rng = new Rng(1);
  if (name === 'selective-scan') {
    const [d, n] = [8, 4];
    const module = new Lambda(
      (u, delta, A, B, C) => selectiveScanChunked({ u, delta, A, B, C, deltaSoftplus: true }, { chunk: 16 }),
      ['u', 'delta', 'A', 'B', 'C'],
      ['y'],
      (input) => (input === 'A' ? {} : { 0: 'batch', 2: 'time' }),
    );
    const inputs = {
      u: randomData(rng, [1, d, len]),
      delta: randomData(rng, [1, d, len]),
      A: randomData(rng, [d, n], -2, -0.5),
      B: randomData(rng, [1, n, len]),
      C: randomData(rng, [1, n, len]),
    };
    return { module, inputs };
  }
  const module = new Aaren({ dModel: 32, heads: 1, rng, mode: name === 'aaren-scan' ? 'scan' : 'attention' });
  return { module, inputs: { x: randomData(rng, [1, len, 32]) } };
}

/** Child: one (backend, case) series, lengths ascending, one JSON line per point on stdout. */
async function child(backend: Backend, name: CaseName): Promise<void> {
  for (const len of LENGTHS) {
    if (len > MAX_LEN[name]) break;
    const { module, inputs } = build(name, len);
    const run = () =>
      infer(
        module,
        inputs,
        backend === 'tfjs-wasm' ? { backend: 'tfjs', device: 'wasm' } : { backend: 'onnx' },
      );
    const t0 = performance.now();
    await run(); // warm-up: session creation / kernel set-up
    const first = performance.now() - t0;
    const reps = first > 2000 ? 1 : 3;
    const times: number[] = [];
    for (let i = 0; i < reps; i++) {
      const t = performance.now();
      await run();
      times.push(performance.now() - t);
    }
    times.sort((a, b) => a - b);
    const ms = times[Math.floor(times.length / 2)];
    console.log(JSON.stringify({ backend, case: name, L: len, ms: +ms.toFixed(2), peakMiB: peakRssMiB() }));
    if (ms > CAP_MS) break;
  }
}

/** Least-squares slope of log(ms) on log(L). */
function slope(points: Point[]): number {
  const xs = points.map((p) => Math.log(p.L));
  const ys = points.map((p) => Math.log(p.ms));
  const mx = xs.reduce((a, b) => a + b, 0) / xs.length;
  const my = ys.reduce((a, b) => a + b, 0) / ys.length;
  let num = 0;
  let den = 0;
  xs.forEach((x, i) => {
    num += (x - mx) * (ys[i] - my);
    den += (x - mx) ** 2;
  });
  return den ? num / den : Number.NaN;
}

async function main(): Promise<void> {
  const points: Point[] = [];
  const backends: Backend[] = ['onnxruntime-node', 'tfjs-wasm'];
  const cases: CaseName[] = ['softmax-attention', 'aaren-scan', 'selective-scan'];
  for (const backend of backends) {
    for (const name of cases) {
      const args = [
        '--conditions=@seqzoo/source',
        process.argv[1],
        '--child',
        backend,
        name,
        ...(quick ? ['--quick'] : []),
      ];
      let out = '';
      try {
        out = execFileSync(process.execPath, [...process.execArgv, ...args], {
          encoding: 'utf8',
          maxBuffer: 1 << 24,
          timeout: 15 * 60_000,
        });
      } catch (e) {
        out = String((e as { stdout?: string }).stdout ?? '');
        console.error(`${backend} ${name}: child stopped (${(e as Error).message.split('\n')[0]})`);
      }
      for (const line of out.split('\n')) if (line.startsWith('{')) points.push(JSON.parse(line));
    }
  }
  const anchor = (p: Point) =>
    points.find((q) => q.backend === p.backend && q.case === 'softmax-attention' && q.L === p.L);
  console.log('\n| backend | case | L | median ms | peak RSS MiB | × softmax attention |');
  console.log('|---|---|---:|---:|---:|---:|');
  for (const p of points) {
    const a = anchor(p);
    console.log(
      `| ${p.backend} | ${p.case} | ${p.L} | ${p.ms} | ${p.peakMiB} | ${a ? (p.ms / a.ms).toFixed(3) : '—'} |`,
    );
  }
  const exponents: Record<string, number> = {};
  console.log('\n| backend | case | scaling exponent (log-log slope, L ≥ 2k) | points |');
  console.log('|---|---|---:|---:|');
  for (const backend of backends) {
    for (const name of cases) {
      const series = points.filter((p) => p.backend === backend && p.case === name && p.L >= 2048);
      const e = slope(series);
      exponents[`${backend}/${name}`] = +e.toFixed(3);
      console.log(`| ${backend} | ${name} | ${e.toFixed(2)} | ${series.length} |`);
    }
  }
  console.log(`\n${JSON.stringify({ bench: 'ssm-scaling', quick, capMs: CAP_MS, exponents, points })}`);
}

const at = process.argv.indexOf('--child');
if (at >= 0) await child(process.argv[at + 1] as Backend, process.argv[at + 2] as CaseName);
else await main();
void ops;
