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
import { readFileSync } from 'node:fs';
import { exportOnnx } from '../packages/core/src/index.js';
import {
  type BranchformerConfig,
  type EBranchformerConfig,
  loadEspnetBranchformer,
  loadEspnetEBranchformer,
} from '../packages/encoders/src/index.js';
import {
  anchorFlags,
  ensureTorchAnchor,
  interleavedOrtPair,
  maxAbsDiff,
  median,
  OUT,
  outFile,
  tfjsWasmTimes,
} from './lib/ort-anchor.js';

const { runs: RUNS, threads: THREADS, tfjsRuns: TFJS_RUNS } = anchorFlags();
const NAMES = ['e-branchformer', 'branchformer'] as const;

ensureTorchAnchor({
  script: 'branchformer_fixtures.py',
  outDir: OUT.pathname,
  needed: NAMES.map((n) => outFile(`${n}-torch.onnx`)),
  announce: 'exporting the PyTorch anchors with torch.onnx (Debian torch; takes minutes)…',
  bench: 'branchformer',
});

const results: Record<string, unknown>[] = [];
const rows: string[] = [];
for (const name of NAMES) {
  const meta = JSON.parse(readFileSync(outFile(`${name}-bench.json`), 'utf8')) as {
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
  const weights = new Uint8Array(readFileSync(outFile(`${name}-bench.safetensors`)));
  const model =
    meta.kind === 'branchformer'
      ? loadEspnetBranchformer(weights, meta.config)
      : loadEspnetEBranchformer(weights, meta.config);
  const seqzooBytes = exportOnnx(model, {
    features: { shape: ['batch', 'time', D] },
    lengths: { dtype: 'int32', shape: ['batch'] },
  });
  const torchBytes = new Uint8Array(readFileSync(outFile(`${name}-torch.onnx`)));

  // Both sessions are created up front and their runs interleaved (see interleavedOrtPair).
  const {
    torch: torchS,
    seqzoo: seqzooS,
    ratio,
  } = await interleavedOrtPair(
    torchBytes,
    seqzooBytes,
    { features, lengths },
    { threads: THREADS, runs: RUNS },
  );
  const diffTorchOnnx = maxAbsDiff(torchS.encoded, seqzooS.encoded);
  const diffEager = maxAbsDiff(meta.encodedHead, seqzooS.encoded, meta.encodedHead.length);

  const tfjsTimes = await tfjsWasmTimes(model, { features, lengths }, TFJS_RUNS);
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
