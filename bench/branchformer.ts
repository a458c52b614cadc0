/**
 * ESPnet E-Branchformer (LibriSpeech-100 recipe size: d=256, 12 blocks, 4 heads, cgMLP 1024, FFN 1024,
 * macaron, merge kernel 31) and Branchformer (AISHELL recipe size: d=256, 24 blocks, cgMLP 2048,
 * concat merge) on 1000 frames of 80-bin features (10 s at 10 ms), conv2d ×4 subsampling:
 * torch's own ONNX export of the PyTorch reference (the anchor) vs seqzoo's `exportOnnx` of the same
 * weights imported with `loadEspnet(E)Branchformer`, both in onnxruntime-node with the same session
 * options and interleaved runs; plus seqzoo on tfjs-wasm. Prints a table and one JSON line.
 *
 *   npx tsx --conditions=@seqzoo/source bench/branchformer.ts [--runs N] [--threads N] [--tfjs-runs N] [--refresh]
 *
 * The torch side comes from `/usr/bin/python3 tools/branchformer_fixtures.py bench bench/out` (run
 * automatically when bench/out lacks it, or with --refresh).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { onnxRuntime } from '../packages/core/src/backends/onnx/runtime.js';
import { exportOnnx, infer } from '../packages/core/src/index.js';
import {
  type BranchformerConfig,
  type EBranchformerConfig,
  loadEspnetBranchformer,
  loadEspnetEBranchformer,
} from '../packages/encoders/src/index.js';

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const RUNS = arg('--runs', 5);
const THREADS = arg('--threads', 2);
const TFJS_RUNS = arg('--tfjs-runs', 1);
const OUT = new URL('./out/', import.meta.url);
const file = (name: string) => new URL(name, OUT).pathname;
const NAMES = ['e-branchformer', 'branchformer'] as const;

if (process.argv.includes('--refresh') || NAMES.some((n) => !existsSync(file(`${n}-torch.onnx`)))) {
  console.error('exporting the PyTorch anchors with torch.onnx (Debian torch; takes minutes)…');
  const script = new URL('../tools/branchformer_fixtures.py', import.meta.url).pathname;
  const r = spawnSync('/usr/bin/python3', [script, 'bench', OUT.pathname], { stdio: 'inherit' });
  if (r.status !== 0) throw new Error(`branchformer bench: torch export failed with status ${r.status}`);
}

type OrtSession = {
  run(f: object): Promise<Record<string, { data: Float32Array }>>;
  release(): Promise<void>;
};
const ort = (await onnxRuntime()) as unknown as {
  InferenceSession: { create(b: Uint8Array, o: object): Promise<OrtSession> };
  Tensor: new (t: string, d: Float32Array | Int32Array, dims: number[]) => object;
};
const options = { intraOpNumThreads: THREADS, interOpNumThreads: 1, graphOptimizationLevel: 'all' };
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const maxAbsDiff = (a: ArrayLike<number>, b: ArrayLike<number>, n = a.length) => {
  let m = 0;
  for (let i = 0; i < n; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
};

const results: Record<string, unknown>[] = [];
const rows: string[] = [];
for (const name of NAMES) {
  const meta = JSON.parse(readFileSync(file(`${name}-bench.json`), 'utf8')) as {
    kind: string;
    config: BranchformerConfig & EBranchformerConfig;
    features: number[];
    frames: number;
    encodedHead: number[];
  };
  const T = meta.frames;
  const D = meta.config.inputSize;
  const features = { data: Float32Array.from(meta.features), dims: [1, T, D] };
  const lengths = { data: Int32Array.from([T]), dims: [1] };
  const weights = new Uint8Array(readFileSync(file(`${name}-bench.safetensors`)));
  const model =
    meta.kind === 'branchformer'
      ? loadEspnetBranchformer(weights, meta.config)
      : loadEspnetEBranchformer(weights, meta.config);
  const seqzooBytes = exportOnnx(model, {
    features: { shape: ['batch', 'time', D] },
    lengths: { dtype: 'int32', shape: ['batch'] },
  });
  const torchBytes = new Uint8Array(readFileSync(file(`${name}-torch.onnx`)));

  // Both sessions are created up front and their runs interleaved, so load from other processes on a
  // shared machine hits both alike; the ratio is the median of the per-pair ratios.
  const session = async (bytes: Uint8Array) => {
    const s = await ort.InferenceSession.create(bytes, options);
    const feeds = {
      features: new ort.Tensor('float32', features.data, features.dims),
      lengths: new ort.Tensor('int32', lengths.data, [1]),
    };
    const first = await s.run(feeds); // warm-up
    const times: number[] = [];
    const run = async () => {
      const t0 = performance.now();
      await s.run(feeds);
      times.push(performance.now() - t0);
    };
    return { s, run, times, encoded: first.encoded.data };
  };
  const torchS = await session(torchBytes);
  const seqzooS = await session(seqzooBytes);
  for (let i = 0; i < RUNS; i++) {
    const pair = i % 2 ? [seqzooS, torchS] : [torchS, seqzooS];
    for (const s of pair) await s.run();
  }
  await torchS.s.release();
  await seqzooS.s.release();
  const ratio = median(seqzooS.times.map((t, i) => t / torchS.times[i]));
  const diffTorchOnnx = maxAbsDiff(torchS.encoded, seqzooS.encoded);
  const diffEager = maxAbsDiff(meta.encodedHead, seqzooS.encoded, meta.encodedHead.length);

  const tfjsTimes: number[] = [];
  await infer(model, { features, lengths }, { backend: 'tfjs', device: 'wasm' }); // warm-up
  for (let i = 0; i < TFJS_RUNS; i++) {
    const t0 = performance.now();
    await infer(model, { features, lengths }, { backend: 'tfjs', device: 'wasm' });
    tfjsTimes.push(performance.now() - t0);
  }
  const audioMs = T * 10;
  const label = `${meta.kind} d=${meta.config.outputSize} L=${meta.config.numBlocks} (${model.parameterCount()} params)`;
  const entries = [
    ['torch.onnx export (anchor)', median(torchS.times), Math.min(...torchS.times)],
    ['seqzoo exportOnnx', median(seqzooS.times), Math.min(...seqzooS.times)],
    ['seqzoo tfjs-wasm', median(tfjsTimes), Math.min(...tfjsTimes)],
  ] as const;
  for (const [runtime, med, min] of entries)
    rows.push(
      `| ${label} | ${runtime} | ${med.toFixed(1)} | ${min.toFixed(1)} | ${(med / audioMs).toFixed(4)} |`,
    );
  rows.push(`| ${label} | seqzoo/torch ORT ratio | ${ratio.toFixed(3)} | | |`);
  console.error(rows.slice(-4).join('\n')); // progress: this model's rows as soon as they exist
  results.push({
    model: meta.kind,
    params: model.parameterCount(),
    frames: T,
    torchOrtMs: median(torchS.times),
    seqzooOrtMs: median(seqzooS.times),
    tfjsWasmMs: median(tfjsTimes),
    ratioSeqzooOverTorch: ratio,
    rtfSeqzooOrt: median(seqzooS.times) / audioMs,
    rtfTfjsWasm: median(tfjsTimes) / audioMs,
    maxAbsDiffVsTorchOnnx: diffTorchOnnx,
    maxAbsDiffVsTorchEagerHead: diffEager,
  });
}

console.log(
  `\nESPnet branch encoders, 1000 frames (10 s audio), onnxruntime-node ${THREADS} threads, ${RUNS} runs`,
);
console.log('| model | runtime | median ms | min ms | RTF |\n|---|---|---|---|---|');
for (const r of rows) console.log(r);
console.log(JSON.stringify({ bench: 'branchformer', threads: THREADS, runs: RUNS, results }));
