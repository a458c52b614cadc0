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
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { exportOnnx } from '../packages/core/src/index.js';
import { loadTorchaudioConformer } from '../packages/encoders/src/index.js';
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

ensureTorchAnchor({
  script: 'conformer_fixtures.py',
  outDir: OUT.pathname,
  needed: [outFile('conformer-torch.onnx')],
  announce: 'exporting the torchaudio anchor with torch.onnx (Debian torch; takes minutes)…',
  bench: 'conformer-onnx',
});

const meta = JSON.parse(readFileSync(outFile('conformer-bench.json'), 'utf8')) as {
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
  new Uint8Array(readFileSync(outFile('conformer-bench.safetensors'))),
  meta.config,
);
const seqzooBytes = exportOnnx(model, {
  features: { shape: ['batch', 'time', D] },
  lengths: { dtype: 'int32', shape: ['batch'] },
});
const torchBytes = new Uint8Array(readFileSync(outFile('conformer-torch.onnx')));

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

// Both sessions are created up front and their runs interleaved (see interleavedOrtPair).
const pair = await interleavedOrtPair(
  torchBytes,
  seqzooBytes,
  { features, lengths },
  { threads: THREADS, runs: RUNS },
);
const torch = {
  median: median(pair.torch.times),
  min: Math.min(...pair.torch.times),
  encoded: pair.torch.encoded,
};
const seqzoo = {
  median: median(pair.seqzoo.times),
  min: Math.min(...pair.seqzoo.times),
  encoded: pair.seqzoo.encoded,
};
const pairRatio = pair.ratio;

const maxDiff = maxAbsDiff(torch.encoded, seqzoo.encoded);
const headDiff = maxAbsDiff(meta.encodedHead, seqzoo.encoded, meta.encodedHead.length);

// --tfjs-runs 0 skips tfjs (no warm-up either).
const tfjsTimes = TFJS_RUNS > 0 ? await tfjsWasmTimes(model, { features, lengths }, TFJS_RUNS) : [];
tfjsTimes.sort((a, b) => a - b);
const tfjsMedian = TFJS_RUNS > 0 ? tfjsTimes[Math.floor(tfjsTimes.length / 2)] : Number.NaN;

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
