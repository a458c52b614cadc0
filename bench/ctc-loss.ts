/**
 * CTC loss + gradient: @seqzoo/ctc vs torch.nn.functional.ctc_loss (CPU), same inputs, same run.
 *
 *   npx tsx --conditions=@seqzoo/source bench/ctc-loss.ts [--reps 30]
 *
 * Inputs are regenerated on both sides from the shared seeded hash (hash-random.ts and
 * tools/ctc_loss_fixtures.py); targets have S labels, every item uses all T frames, reduction
 * 'mean', torch-convention gradient. torch runs with 2 threads (`torch.set_num_threads(2)`) in a
 * child process that serves single timed runs. Ours runs on the calling thread (`ctcLoss`), once
 * allocating a fresh gradient array per call and once reusing one (`gradOut`, as a training loop
 * would; torch's allocator reuses its memory too), and on 2 threads (`ctcLossAsync`, logProbs and
 * gradOut on SharedArrayBuffers so the workers use them in place). All alternate run by run, so
 * they see the same machine load; the table gives the minimum and the median over `reps` runs, and
 * speed-ups are ratios of minima (medians of per-round ratios are in the JSON). Torch is skipped
 * when /usr/bin/python3 cannot import it.
 */
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { randomLabels, randomLogProbs } from '../packages/ctc/src/loss/hash-random.js';
import { ctcLoss, ctcLossAsync, disposeCtcLossWorkers } from '../packages/ctc/src/loss/index.js';

interface Case {
  name: string;
  T: number;
  N: number;
  C: number;
  S: number;
  seed: number;
}

const argIndex = process.argv.indexOf('--reps');
const reps = argIndex >= 0 ? Number(process.argv[argIndex + 1]) : 30;
const THREADS = 2;

const cases: Case[] = [
  { name: 'T500-N16-C128-S100', T: 500, N: 16, C: 128, S: 100, seed: 1 },
  { name: 'T250-N16-C1024-S60', T: 250, N: 16, C: 1024, S: 60, seed: 2 },
];

/** A torch child process answering one timed run per request, or null without torch. */
async function startTorch(): Promise<{
  version: string;
  run: (i: number) => Promise<{ ms: number; loss: number }>;
  stop: () => void;
} | null> {
  const python = '/usr/bin/python3';
  const script = new URL('../tools/ctc_loss_bench_torch.py', import.meta.url).pathname;
  if (!existsSync(python)) return null;
  const child: ChildProcessWithoutNullStreams = spawn(python, [
    script,
    JSON.stringify(cases),
    String(THREADS),
  ]);
  let stderr = '';
  child.stderr.on('data', (d) => {
    stderr += d;
  });
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  const next = async () => {
    const r = await lines.next();
    if (r.done) throw new Error(stderr.trim().split('\n').pop() ?? 'torch process ended');
    return JSON.parse(r.value);
  };
  try {
    const ready = (await next()) as { ready: string };
    return {
      version: ready.ready,
      run: async (i) => {
        child.stdin.write(`${i}\n`);
        return (await next()) as { ms: number; loss: number };
      },
      stop: () => child.stdin.end(),
    };
  } catch (e) {
    console.error(`torch timing skipped: ${(e as Error).message}`);
    return null;
  }
}

const inputs = cases.map((c) => ({
  logProbs: randomLogProbs(c.seed, c.T, c.N, c.C, 3),
  dims: [c.T, c.N, c.C],
  targets: randomLabels(c.seed + 1, c.N * c.S, c.C, 0),
  inputLengths: new Int32Array(c.N).fill(c.T),
  targetLengths: new Int32Array(c.N).fill(c.S),
}));
// ctcLossAsync hands logProbs to its workers without a copy when they already live on a
// SharedArrayBuffer (as a framework tensor lives in its own memory); otherwise it copies them once.
const shared = inputs.map((x) => {
  const logProbs = new Float32Array(new SharedArrayBuffer(x.logProbs.byteLength));
  logProbs.set(x.logProbs);
  return { ...x, logProbs, gradOut: new Float32Array(new SharedArrayBuffer(x.logProbs.byteLength)) };
});
const reused = inputs.map((x) => ({ ...x, gradOut: new Float32Array(x.logProbs.length) }));

const torch = await startTorch();
const times = cases.map(() => ({
  torch: [] as number[],
  fresh: [] as number[],
  sync: [] as number[],
  async: [] as number[],
}));
const losses = cases.map(() => ({ ours: Number.NaN, torch: Number.NaN }));

for (let i = 0; i < cases.length; i++) {
  // warm-up: JIT, WASM compile, worker start-up, torch's allocator
  for (let r = 0; r < 3; r++) {
    ctcLoss(inputs[i]);
    ctcLoss(reused[i]);
    await ctcLossAsync({ ...shared[i], threads: THREADS });
    await torch?.run(i);
  }
  for (let r = 0; r < reps; r++) {
    let t0 = performance.now();
    losses[i].ours = ctcLoss(inputs[i]).loss[0];
    times[i].fresh.push(performance.now() - t0);
    t0 = performance.now();
    ctcLoss(reused[i]);
    times[i].sync.push(performance.now() - t0);
    t0 = performance.now();
    await ctcLossAsync({ ...shared[i], threads: THREADS });
    times[i].async.push(performance.now() - t0);
    if (torch !== null) {
      const t = await torch.run(i);
      times[i].torch.push(t.ms);
      losses[i].torch = t.loss;
    }
  }
}
torch?.stop();
await disposeCtcLossWorkers();

const min = (xs: number[]) => (xs.length ? Math.min(...xs) : Number.NaN);
const median = (xs: number[]) => {
  if (!xs.length) return Number.NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[s.length >> 1];
};
const rows = cases.map((c, i) => {
  const t = times[i];
  return {
    case: c.name,
    torchMs: min(t.torch),
    freshMs: min(t.fresh),
    syncMs: min(t.sync),
    asyncMs: min(t.async),
    torchMedianMs: median(t.torch),
    freshMedianMs: median(t.fresh),
    syncMedianMs: median(t.sync),
    asyncMedianMs: median(t.async),
    speedupFresh: min(t.torch) / min(t.fresh),
    speedupSync: min(t.torch) / min(t.sync),
    speedupAsync: min(t.torch) / min(t.async),
    medianRoundSpeedupFresh: median(t.torch.map((x, r) => x / t.fresh[r])),
    medianRoundSpeedupSync: median(t.torch.map((x, r) => x / t.sync[r])),
    medianRoundSpeedupAsync: median(t.torch.map((x, r) => x / t.async[r])),
    lossRelDiff: Math.abs(losses[i].ours - losses[i].torch) / Math.abs(losses[i].torch),
  };
});

const f = (x: number, d = 1) => (Number.isFinite(x) ? x.toFixed(d) : '—');
console.log(
  `CTC loss + gradient, reduction 'mean'; torch ${torch?.version ?? '(not available)'} with ${THREADS} threads; min (median) of ${reps} alternating runs`,
);
console.log(
  '| case | torch 2 thr ms | ctcLoss fresh grad ms | ctcLoss gradOut ms | ctcLossAsync 2 thr ms | speed-up fresh | speed-up gradOut | speed-up 2 thr |',
);
console.log('|---|---|---|---|---|---|---|---|');
for (const r of rows) {
  console.log(
    `| ${r.case} | ${f(r.torchMs)} (${f(r.torchMedianMs)}) | ${f(r.freshMs)} (${f(r.freshMedianMs)}) | ${f(r.syncMs)} (${f(r.syncMedianMs)}) | ${f(r.asyncMs)} (${f(r.asyncMedianMs)}) | ${f(r.speedupFresh, 2)}x | ${f(r.speedupSync, 2)}x | ${f(r.speedupAsync, 2)}x |`,
  );
}
console.log(
  JSON.stringify({ bench: 'ctc-loss', torch: torch?.version ?? null, threads: THREADS, reps, rows }),
);
