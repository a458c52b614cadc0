/**
 * torchaudio Conformer (d=144, 4 heads, ffn 576, 16 layers, kernel 31) on 1000 frames (10 s at 10 ms):
 * torch's own ONNX export (the anchor) vs seqzoo's `exportOnnx` of the same weights imported with
 * `loadTorchaudioConformer`, both in onnxruntime-node with the same session options; plus seqzoo on
 * tfjs-wasm. Prints a table and one JSON line with the ratio seqzoo/torch (goal ≤ 1.0).
 *
 *   npx tsx --conditions=@seqzoo/source bench/conformer-onnx.ts [--runs N] [--refresh] [--threads N]
 *
 * The torch side is produced by `/usr/bin/python3 tools/conformer_fixtures.py bench bench/out` when
 * bench/out lacks it (or with --refresh); it takes a couple of minutes with Debian's torch.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { onnxRuntime } from '../packages/core/src/backends/onnx/runtime.js';
import { exportOnnx, infer } from '../packages/core/src/index.js';
import { loadTorchaudioConformer } from '../packages/encoders/src/index.js';

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const RUNS = arg('--runs', 5);
const THREADS = arg('--threads', 2);
const TFJS_RUNS = arg('--tfjs-runs', 1);
const OUT = new URL('./out/', import.meta.url);
const file = (name: string) => new URL(name, OUT).pathname;

if (process.argv.includes('--refresh') || !existsSync(file('conformer-torch.onnx'))) {
  console.error('exporting the torchaudio anchor with torch.onnx (Debian torch; takes minutes)…');
  const r = spawnSync(
    '/usr/bin/python3',
    [new URL('../tools/conformer_fixtures.py', import.meta.url).pathname, 'bench', OUT.pathname],
    { stdio: 'inherit' },
  );
  if (r.status !== 0) throw new Error(`conformer-onnx bench: torch export failed with status ${r.status}`);
}

const meta = JSON.parse(readFileSync(file('conformer-bench.json'), 'utf8')) as {
  config: Parameters<typeof loadTorchaudioConformer>[1];
  features: number[];
  frames: number;
  encodedHead: number[];
};
const T = meta.frames;
const D = meta.config.inputDim;
const features = { data: Float32Array.from(meta.features), dims: [1, T, D] };
const lengths = { data: Int32Array.from([T]), dims: [1] };

const model = loadTorchaudioConformer(
  new Uint8Array(readFileSync(file('conformer-bench.safetensors'))),
  meta.config,
);
const seqzooBytes = exportOnnx(model, {
  features: { shape: ['batch', 'time', D] },
  lengths: { dtype: 'int32', shape: ['batch'] },
});
const torchBytes = new Uint8Array(readFileSync(file('conformer-torch.onnx')));

// Node types of each graph, read with the protobuf library core serialises with.
const requireCore = createRequire(new URL('../packages/core/package.json', import.meta.url));
const { onnx } = requireCore('onnx-proto') as {
  onnx: { ModelProto: { decode(b: Uint8Array): { graph: { node: { opType: string }[] } } } };
};
function nodeTypes(bytes: Uint8Array): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const n of onnx.ModelProto.decode(bytes).graph.node) counts[n.opType] = (counts[n.opType] ?? 0) + 1;
  return Object.fromEntries(Object.entries(counts).sort((a, b) => b[1] - a[1]));
}

const ort = (await onnxRuntime()) as unknown as {
  InferenceSession: {
    create(
      b: Uint8Array,
      o: object,
    ): Promise<{ run(f: object): Promise<Record<string, { data: Float32Array }>>; release(): Promise<void> }>;
  };
  Tensor: new (t: string, d: Float32Array | Int32Array | BigInt64Array, dims: number[]) => object;
};
const options = { intraOpNumThreads: THREADS, interOpNumThreads: 1, graphOptimizationLevel: 'all' };

// Both sessions are created up front and their runs interleaved, so load from other processes on a
// shared machine hits both alike; the ratio is the median of the per-pair ratios.
async function session(bytes: Uint8Array) {
  const s = await ort.InferenceSession.create(bytes, options);
  const feeds = {
    features: new ort.Tensor('float32', features.data, features.dims),
    lengths: new ort.Tensor('int32', lengths.data, [1]),
  };
  const first = await s.run(feeds); // warm-up (allocations, kernel selection)
  const times: number[] = [];
  const run = async () => {
    const t0 = performance.now();
    await s.run(feeds);
    times.push(performance.now() - t0);
  };
  return { s, run, times, encoded: first.encoded.data };
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const torchS = await session(torchBytes);
const seqzooS = await session(seqzooBytes);
for (let i = 0; i < RUNS; i++) {
  if (i % 2) {
    await seqzooS.run();
    await torchS.run();
  } else {
    await torchS.run();
    await seqzooS.run();
  }
}
await torchS.s.release();
await seqzooS.s.release();
const torch = { median: median(torchS.times), min: Math.min(...torchS.times), encoded: torchS.encoded };
const seqzoo = { median: median(seqzooS.times), min: Math.min(...seqzooS.times), encoded: seqzooS.encoded };
const pairRatio = median(seqzooS.times.map((t, i) => t / torchS.times[i]));

let maxDiff = 0;
for (let i = 0; i < torch.encoded.length; i++)
  maxDiff = Math.max(maxDiff, Math.abs(torch.encoded[i] - seqzoo.encoded[i]));
let headDiff = 0;
meta.encodedHead.forEach((v, i) => {
  headDiff = Math.max(headDiff, Math.abs(v - seqzoo.encoded[i]));
});

const tfjsTimes: number[] = [];
if (TFJS_RUNS > 0) await infer(model, { features, lengths }, { backend: 'tfjs', device: 'wasm' }); // warm-up
for (let i = 0; i < TFJS_RUNS; i++) {
  const t0 = performance.now();
  await infer(model, { features, lengths }, { backend: 'tfjs', device: 'wasm' });
  tfjsTimes.push(performance.now() - t0);
}
tfjsTimes.sort((a, b) => a - b);
const tfjsMedian = TFJS_RUNS > 0 ? tfjsTimes[Math.floor(tfjsTimes.length / 2)] : Number.NaN; // --tfjs-runs 0 skips tfjs

const audioMs = T * 10;
const rows = [
  ['torch.onnx export (anchor)', torch.median, torch.min],
  ['seqzoo exportOnnx', seqzoo.median, seqzoo.min],
  ['seqzoo tfjs-wasm', tfjsMedian, tfjsTimes[0] ?? Number.NaN],
] as const;
console.log(
  `\ntorchaudio Conformer d=${D} L=${meta.config.numLayers} K=${meta.config.depthwiseConvKernelSize}, ${T} frames (${audioMs / 1000} s audio), onnxruntime-node ${THREADS} threads, ${RUNS} runs`,
);
console.log('| runtime | median ms | min ms | RTF (10 s audio) |\n|---|---|---|---|');
for (const [name, med, min] of rows)
  console.log(`| ${name} | ${med.toFixed(1)} | ${min.toFixed(1)} | ${(med / audioMs).toFixed(4)} |`);
const ratio = pairRatio;
console.log(
  `\nseqzoo/torch ORT latency ratio (median of interleaved pairs): ${ratio.toFixed(3)} (goal ≤ 1.0); max |seqzoo − torch| = ${maxDiff.toExponential(2)}, vs torch eager (first 64) ${headDiff.toExponential(2)}`,
);
const torchNodes = nodeTypes(torchBytes);
const seqzooNodes = nodeTypes(seqzooBytes);
const total = (c: Record<string, number>) => Object.values(c).reduce((a, b) => a + b, 0);
console.log(`nodes: torch ${total(torchNodes)} ${JSON.stringify(torchNodes)}`);
console.log(`nodes: seqzoo ${total(seqzooNodes)} ${JSON.stringify(seqzooNodes)}`);
console.log(
  JSON.stringify({
    bench: 'conformer-onnx',
    frames: T,
    threads: THREADS,
    runs: RUNS,
    tfjsRuns: TFJS_RUNS,
    torchOrtMs: +torch.median.toFixed(2),
    seqzooOrtMs: +seqzoo.median.toFixed(2),
    ratio: +ratio.toFixed(4),
    tfjsWasmMs: +tfjsMedian.toFixed(1),
    rtf: {
      torchOrt: torch.median / audioMs,
      seqzooOrt: seqzoo.median / audioMs,
      tfjsWasm: tfjsMedian / audioMs,
    },
    maxAbsDiff: maxDiff,
    nodes: { torch: total(torchNodes), seqzoo: total(seqzooNodes) },
  }),
);
