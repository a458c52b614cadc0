/**
 * Scaling benchmark for @seqzoo/ssm: time and peak memory vs sequence length for
 *   - the selective scan (loop-free chunked form; D=8 channels, N=4 states, chunk 16), and its
 *     recurrent form (core's scanLoop: one ONNX Scan node, a JS loop on tfjs),
 *   - an Aaren layer (prefix scan; d=32, 1 head),
 *   - causal softmax attention of the same width (the same Aaren module in 'attention' mode: learned
 *     query, explicit [L, L] masked softmax) — the anchor the other two are compared with,
 * on tfjs-wasm and onnxruntime-node, for L = 1k … 64k (attention stops at 8k: its [L, L] scores
 * would not fit). Each (backend, case) runs in its own child process so its peak RSS (VmHWM) is
 * its own; a series stops once one run passes the time cap. Prints a table, the log-log slope
 * (scaling exponent) of each series, and one JSON line.
 *
 * A second section answers "ONNX Scan or a chunked parallel graph?": the same recurrence core
 * (h_t = a_t ⊙ h_{t−1} + b_t over [D, N] states, y_t = Σ_n C_t h_t) as an ONNX `Scan` node whose body
 * is traced from core ops, against seqzoo's loop-free chunked graph, both in onnxruntime-node.
 *
 *   npx tsx --conditions=@seqzoo/source bench/ssm-scaling.ts [--quick]
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { infer, type Module, ops, traceModule } from '@seqzoo/core';
import { Lambda, Rng, randomData } from '@seqzoo/core/testing';
import { Aaren, linearScan, selectiveScanChunked, selectiveScanRecurrent } from '@seqzoo/ssm';

type Backend = 'tfjs-wasm' | 'onnxruntime-node';
type CaseName = 'selective-scan' | 'selective-scan-recurrent' | 'aaren-scan' | 'softmax-attention';
const quick = process.argv.includes('--quick');
const CAP_MS = quick ? 4000 : 20000;
const LENGTHS = quick ? [1024, 2048, 4096, 8192] : [1024, 2048, 4096, 8192, 16384, 32768, 65536];
const MAX_LEN: Record<CaseName, number> = {
  'selective-scan': 65536,
  'selective-scan-recurrent': 65536,
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
  if (name === 'selective-scan' || name === 'selective-scan-recurrent') {
    const [d, n] = [8, 4];
    const module = new Lambda(
      (u, delta, A, B, C) =>
        name === 'selective-scan'
          ? selectiveScanChunked({ u, delta, A, B, C, deltaSoftplus: true }, { chunk: 16 })
          : selectiveScanRecurrent({ u, delta, A, B, C, deltaSoftplus: true }).y,
      ['u', 'delta', 'A', 'B', 'C'],
      ['y'],
      (input): Record<number, string> => (input === 'A' ? {} : { 0: 'batch', 2: 'time' }),
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
  const cases: CaseName[] = ['softmax-attention', 'aaren-scan', 'selective-scan', 'selective-scan-recurrent'];
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
  const scan = await scanVsChunked();
  console.log(
    '\n| ONNX formulation (onnxruntime-node) | D×N | L | Scan node min ms | chunked graph min ms | Scan / chunked |',
  );
  console.log('|---|---|---:|---:|---:|---:|');
  for (const r of scan)
    console.log(
      `| recurrence core | ${r.D}×${r.N} | ${r.L} | ${r.scanMs} | ${r.chunkedMs} | ${(r.scanMs / r.chunkedMs).toFixed(1)} |`,
    );
  console.log(
    `\n${JSON.stringify({ bench: 'ssm-scaling', quick, capMs: CAP_MS, exponents, points, scanVsChunked: scan })}`,
  );
}

/** The recurrence core as an ONNX Scan over time (body traced from core ops) vs the chunked graph. */
async function scanVsChunked(): Promise<
  { D: number; N: number; L: number; scanMs: number; chunkedMs: number }[]
> {
  const req = createRequire(new URL('../packages/core/package.json', import.meta.url));
  const { onnx } = req('onnx-proto').default ?? req('onnx-proto');
  const ort = req('onnxruntime-node');
  const rows = [];
  for (const [d, n] of [
    [8, 4],
    [64, 16],
  ]) {
    const body = new Lambda(
      (h, a, b, c) => {
        const next = ops.add(ops.mul(h, a), b);
        return [next, ops.sum(ops.mul(next, c), -1)];
      },
      ['h', 'a', 'b', 'c'],
      ['hNext', 'y'],
      () => ({}),
    );
    const shapes = { h: { shape: [d, n] }, a: { shape: [d, n] }, b: { shape: [d, n] }, c: { shape: [1, n] } };
    const bodyGraph = onnx.ModelProto.decode(traceModule(body, shapes).bytes).graph;
    const T = onnx.TensorProto.DataType.FLOAT;
    const vi = (name: string, dims: (number | string)[]) => ({
      name,
      type: {
        tensorType: {
          elemType: T,
          shape: { dim: dims.map((x) => (typeof x === 'number' ? { dimValue: x } : { dimParam: x })) },
        },
      },
    });
    const model = onnx.ModelProto.create({
      irVersion: 8,
      producerName: 'seqzoo-bench',
      opsetImport: [{ domain: '', version: 17 }],
      graph: {
        name: 'scan',
        node: [
          {
            opType: 'Scan',
            input: ['h0', 'a', 'b', 'c'],
            output: ['hLast', 'y'],
            attribute: [
              { name: 'num_scan_inputs', type: onnx.AttributeProto.AttributeType.INT, i: 3 },
              { name: 'body', type: onnx.AttributeProto.AttributeType.GRAPH, g: bodyGraph },
            ],
          },
        ],
        input: [vi('h0', [d, n]), vi('a', ['L', d, n]), vi('b', ['L', d, n]), vi('c', ['L', 1, n])],
        output: [vi('hLast', [d, n]), vi('y', ['L', d])],
      },
    });
    const session = await ort.InferenceSession.create(onnx.ModelProto.encode(model).finish());
    const chunked = new Lambda(
      (la, b, c) => ops.sum(ops.mul(linearScan(la, b), c), 1),
      ['logA', 'b', 'c'],
      ['y'],
      () => ({ 2: 'time' }),
    );
    for (const len of quick ? [1024, 4096] : [1024, 4096, 16384, 65536]) {
      if (d * n * len > 2 ** 24) break;
      const rng = new Rng(2);
      const logA = randomData(rng, [d, n, len], -1, 0);
      const b = randomData(rng, [d, n, len]);
      const c = randomData(rng, [1, n, len]);
      // Time-major copies for Scan: a = exp(logA) [L, D, N], b [L, D, N], c [L, 1, N].
      const tm = (x: Float32Array, rows: number, f = (v: number) => v) => {
        const out = new Float32Array(x.length);
        for (let r = 0; r < rows; r++) for (let t = 0; t < len; t++) out[t * rows + r] = f(x[r * len + t]);
        return out;
      };
      const feeds = {
        h0: new ort.Tensor('float32', new Float32Array(d * n), [d, n]),
        a: new ort.Tensor('float32', tm(logA.data as Float32Array, d * n, Math.exp), [len, d, n]),
        b: new ort.Tensor('float32', tm(b.data as Float32Array, d * n), [len, d, n]),
        c: new ort.Tensor('float32', tm(c.data as Float32Array, n), [len, 1, n]),
      };
      // Minimum of 3 runs after a warm-up: the least disturbed by other jobs on a shared machine.
      const time = async (f: () => Promise<unknown>) => {
        await f();
        let best = Number.POSITIVE_INFINITY;
        for (let i = 0; i < 3; i++) {
          const t0 = performance.now();
          await f();
          best = Math.min(best, performance.now() - t0);
        }
        return best;
      };
      const scanMs = await time(() => session.run(feeds));
      const chunkedMs = await time(() => infer(chunked, { logA, b, c }, { backend: 'onnx' }));
      rows.push({ D: d, N: n, L: len, scanMs: +scanMs.toFixed(2), chunkedMs: +chunkedMs.toFixed(2) });
    }
  }
  return rows;
}

const at = process.argv.indexOf('--child');
if (at >= 0) await child(process.argv[at + 1] as Backend, process.argv[at + 2] as CaseName);
else if (process.argv.includes('--scan-only')) console.log(JSON.stringify(await scanVsChunked()));
else await main();
