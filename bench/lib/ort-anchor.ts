/**
 * What the ONNX-anchor benches share: numeric CLI flags, producing the PyTorch anchor with a
 * `tools/*_fixtures.py bench` script, timing a torch.onnx export against seqzoo's `exportOnnx` in
 * onnxruntime-node with interleaved runs, timing seqzoo on tfjs-wasm, and the statistics they print.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { onnxRuntime } from '../../packages/core/src/backends/onnx/runtime.js';
import { infer, type TensorData } from '../../packages/core/src/index.js';

/** The number after `--name` on the command line, or `fallback`. */
export const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};

/** The flags both anchor benches take: `--runs` (5), `--threads` (2), `--tfjs-runs` (1). */
export const anchorFlags = () => ({
  runs: arg('--runs', 5),
  threads: arg('--threads', 2),
  tfjsRuns: arg('--tfjs-runs', 1),
});

/** bench/out, where the anchors and their inputs live, and a file in it. */
export const OUT = new URL('../out/', import.meta.url);
export const outFile = (name: string) => new URL(name, OUT).pathname;

export const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** Largest |a[i] − b[i]| over the first `n` values. */
export const maxAbsDiff = (a: ArrayLike<number>, b: ArrayLike<number>, n = a.length) => {
  let m = 0;
  for (let i = 0; i < n; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
};

/**
 * Runs `/usr/bin/python3 tools/<script> bench <outDir>` (Debian's torch) when `--refresh` is given or
 * any of `needed` (paths) is missing; `announce` goes to stderr first, `bench` names a failure.
 */
export function ensureTorchAnchor(opts: {
  script: string;
  outDir: string;
  needed: string[];
  announce: string;
  bench: string;
}): void {
  if (!process.argv.includes('--refresh') && opts.needed.every((p) => existsSync(p))) return;
  console.error(opts.announce);
  const script = new URL(`../../tools/${opts.script}`, import.meta.url).pathname;
  const r = spawnSync('/usr/bin/python3', [script, 'bench', opts.outDir], { stdio: 'inherit' });
  if (r.status !== 0) throw new Error(`${opts.bench} bench: torch export failed with status ${r.status}`);
}

type OrtSession = {
  run(f: object): Promise<Record<string, { data: Float32Array }>>;
  release(): Promise<void>;
};

export interface TimedSession {
  /** Per-run milliseconds, warm-up excluded. */
  times: number[];
  /** The `encoded` output of the warm-up run. */
  encoded: Float32Array;
}

/**
 * Times the torch export (the anchor) and seqzoo's export on the same `features` [1, T, D] / `lengths`
 * [1]. Both sessions are created up front and their runs interleaved, so load from other processes on
 * a shared machine hits both alike; `ratio` is the median of the per-pair ratios seqzoo/torch.
 */
export async function interleavedOrtPair(
  torchBytes: Uint8Array,
  seqzooBytes: Uint8Array,
  inputs: { features: TensorData; lengths: TensorData },
  opts: { threads: number; runs: number },
): Promise<{ torch: TimedSession; seqzoo: TimedSession; ratio: number }> {
  const ort = (await onnxRuntime()) as unknown as {
    InferenceSession: { create(b: Uint8Array, o: object): Promise<OrtSession> };
    Tensor: new (t: string, d: TensorData['data'], dims: number[]) => object;
  };
  const options = { intraOpNumThreads: opts.threads, interOpNumThreads: 1, graphOptimizationLevel: 'all' };
  const { features, lengths } = inputs;
  const session = async (bytes: Uint8Array) => {
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
  };
  const torchS = await session(torchBytes);
  const seqzooS = await session(seqzooBytes);
  for (let i = 0; i < opts.runs; i++) {
    const pair = i % 2 ? [seqzooS, torchS] : [torchS, seqzooS];
    for (const s of pair) await s.run();
  }
  await torchS.s.release();
  await seqzooS.s.release();
  return {
    torch: { times: torchS.times, encoded: torchS.encoded },
    seqzoo: { times: seqzooS.times, encoded: seqzooS.encoded },
    ratio: median(seqzooS.times.map((t, i) => t / torchS.times[i])),
  };
}

/** Milliseconds of `runs` seqzoo inferences on tfjs-wasm, after one warm-up inference. */
export async function tfjsWasmTimes(
  model: Parameters<typeof infer>[0],
  inputs: Record<string, TensorData>,
  runs: number,
): Promise<number[]> {
  const times: number[] = [];
  await infer(model, inputs, { backend: 'tfjs', device: 'wasm' }); // warm-up
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await infer(model, inputs, { backend: 'tfjs', device: 'wasm' });
    times.push(performance.now() - t0);
  }
  return times;
}
