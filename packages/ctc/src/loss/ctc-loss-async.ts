import { ctcKernelRange } from './ctc-kernel.js';
import { clearGradOut, kernelArgs, prepareCtcLoss, reduceCtcLosses } from './ctc-loss-prepare.js';
import type { CtcLossOptions, CtcLossResult } from './ctc-loss-types.js';
import { createWasmExp, type ExpRow } from './wasm-exp.js';

export interface CtcLossAsyncOptions extends CtcLossOptions {
  /**
   * Threads that share the batch, the calling thread included (default 2). Items are split into
   * contiguous ranges of similar cost; the caller computes the first range while worker threads
   * (Node `worker_threads`, kept in a small pool) compute the others.
   */
  threads?: number;
}

interface WorkerLike {
  postMessage(message: unknown): void;
  once(event: 'message', listener: (message: { error?: string }) => void): void;
  once(event: 'error', listener: (error: Error) => void): void;
  removeAllListeners(event: string): void;
  ref(): void;
  unref(): void;
  terminate(): Promise<number>;
}

// The worker rebuilds the kernel and the SIMD exp from their source text: both are written to be
// self-contained, so this works from the TypeScript sources (tests, tsx) and from the built files.
const workerSource = (): string => `
const { parentPort } = require('node:worker_threads');
// transpilers with keepNames (esbuild, as used by tsx and vitest) wrap closures in __name(...)
const __name = (f) => f;
const ctcKernelRange = ${ctcKernelRange.toString()};
const createWasmExp = ${createWasmExp.toString()};
const expRow = createWasmExp();
const scratch = {};
parentPort.on('message', (m) => {
  try {
    const args = m.args;
    args.logProbs = new Float32Array(m.logProbs);
    args.grad = m.grad === null ? null : new Float32Array(m.grad);
    args.losses = new Float64Array(m.losses);
    args.expRow = expRow;
    args.scratch = scratch;
    ctcKernelRange(args);
    parentPort.postMessage({});
  } catch (e) {
    parentPort.postMessage({ error: e instanceof Error ? e.message : String(e) });
  }
});
`;

const pool: WorkerLike[] = [];
let expRow: ExpRow | null | undefined;
const scratch = {};
// calls run one at a time: a worker answers one job at a time, and listeners are per job
let queue: Promise<unknown> = Promise.resolve();

async function getWorkers(count: number): Promise<WorkerLike[]> {
  if (pool.length < count) {
    const { Worker } = await import('node:worker_threads');
    const src = workerSource();
    while (pool.length < count) {
      const w = new Worker(src, { eval: true }) as unknown as WorkerLike;
      w.unref();
      pool.push(w);
    }
  }
  return pool.slice(0, count);
}

/** Stops the pooled worker threads (they are unref'd, so this is only needed to free them early). */
export async function disposeCtcLossWorkers(): Promise<void> {
  const ws = pool.splice(0, pool.length);
  await Promise.all(ws.map((w) => w.terminate()));
}

const toShared = <A extends Float32Array | Float64Array>(x: A, make: (b: SharedArrayBuffer) => A): A => {
  if (x.buffer instanceof SharedArrayBuffer) return x;
  const y = make(new SharedArrayBuffer(x.byteLength));
  y.set(x);
  return y;
};

/**
 * `ctcLoss` with the batch split across threads (Node only). Same inputs, outputs and errors;
 * the gradient is returned on a SharedArrayBuffer. Pass `logProbs` on a SharedArrayBuffer to
 * spare the one copy that hands it to the workers.
 */
export function ctcLossAsync(options: CtcLossAsyncOptions): Promise<CtcLossResult> {
  const run = queue.then(() => runCtcLossAsync(options));
  queue = run.catch(() => undefined);
  return run;
}

async function runCtcLossAsync(options: CtcLossAsyncOptions): Promise<CtcLossResult> {
  const threads = options.threads ?? 2;
  if (!Number.isInteger(threads) || threads < 1) {
    throw new Error(`ctcLossAsync: threads must be a positive integer, got ${threads}`);
  }
  if (expRow === undefined) expRow = createWasmExp();
  const p = prepareCtcLoss('ctcLossAsync', options);
  const { T, N, C, inputLengths, targetLengths } = p.args;
  const losses = new Float64Array(new SharedArrayBuffer(8 * N));
  let grad: Float32Array | null = null;
  if (p.wantGrad && options.gradOut !== undefined) {
    if (!(options.gradOut.buffer instanceof SharedArrayBuffer)) {
      throw new Error(
        'ctcLossAsync: gradOut must live on a SharedArrayBuffer (the worker threads write into it)',
      );
    }
    grad = clearGradOut(options.gradOut, p);
  } else if (p.wantGrad) {
    grad = new Float32Array(new SharedArrayBuffer(4 * T * N * C));
  }

  // Contiguous item ranges of similar cost (recursion ∝ T·S, dense softmax rows ∝ T·C).
  const dense = p.wantGrad && p.args.gradMode === 0 ? C / 4 : 0;
  const cost = (n: number) => inputLengths[n] * (6 * targetLengths[n] + 4 + dense);
  let total = 0;
  for (let n = 0; n < N; n++) total += cost(n);
  const parts = Math.max(1, Math.min(threads, N));
  const bounds = [0];
  let acc = 0;
  for (let n = 0; n < N && bounds.length < parts; n++) {
    acc += cost(n);
    if (acc >= (total * bounds.length) / parts) bounds.push(n + 1);
  }
  while (bounds.length < parts) bounds.push(N);
  bounds.push(N);

  if (parts > 1) {
    const workers = await getWorkers(parts - 1);
    const shared = toShared(p.args.logProbs, (b) => new Float32Array(b));
    const jobs = workers.map((w, i) => {
      const n0 = bounds[i + 1];
      const n1 = bounds[i + 2];
      return new Promise<void>((resolve, reject) => {
        w.ref();
        const done = (err?: Error) => {
          w.removeAllListeners('message');
          w.removeAllListeners('error');
          w.unref();
          if (err) reject(err);
          else resolve();
        };
        w.once('message', (m) => done(m.error === undefined ? undefined : new Error(m.error)));
        w.once('error', (e) => done(e));
        // buffers travel separately (shared, not copied); expRow and scratch live in the worker
        const args = kernelArgs(p, losses, null, null, n0, n1, undefined);
        const { logProbs: _lp, grad: _g, losses: _l, expRow: _e, scratch: _s, ...rest } = args;
        w.postMessage({
          args: rest,
          logProbs: shared.buffer,
          grad: grad === null ? null : grad.buffer,
          losses: losses.buffer,
        });
      });
    });
    let mainError: unknown = null;
    try {
      ctcKernelRange(kernelArgs(p, losses, grad, expRow, bounds[0], bounds[1], scratch));
    } catch (e) {
      mainError = e;
    }
    const results = await Promise.allSettled(jobs);
    if (mainError !== null) throw mainError;
    for (const r of results) if (r.status === 'rejected') throw r.reason;
  } else {
    ctcKernelRange(kernelArgs(p, losses, grad, expRow, 0, N, scratch));
  }
  const loss = reduceCtcLosses(losses, targetLengths, p.reduction);
  return grad === null ? { loss } : { loss, grad };
}
