/**
 * CTC loss + gradient: @seqzoo/ctc vs torch.nn.functional.ctc_loss (CPU), same inputs, same run.
 *
 *   npx tsx --conditions=@seqzoo/source bench/ctc-loss.ts [--reps 15] [--rounds 2]
 *
 * Inputs are regenerated on both sides from the shared seeded hash (hash-random.ts and
 * tools/ctc_loss_fixtures.py), targets have S labels, every item uses all T frames, reduction
 * 'mean', torch-convention gradient. torch runs with 2 threads (`torch.set_num_threads(2)`),
 * ours either on the calling thread (`ctcLoss`) or on 2 threads (`ctcLossAsync`). Timings
 * alternate between the two sides for `rounds` rounds; the table reports the minimum (robust to
 * other load on a shared machine) and the median of all repetitions. Torch is skipped when
 * /usr/bin/python3 cannot import it.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
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

const arg = (name: string, dflt: number): number => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : dflt;
};
const reps = arg('reps', 15);
const rounds = arg('rounds', 2);
const THREADS = 2;

const cases: Case[] = [
  { name: 'T500-N16-C128-S100', T: 500, N: 16, C: 128, S: 100, seed: 1 },
  { name: 'T250-N16-C1024-S60', T: 250, N: 16, C: 1024, S: 60, seed: 2 },
];

const python = '/usr/bin/python3';
const torchScript = new URL('../tools/ctc_loss_bench_torch.py', import.meta.url).pathname;

interface TorchRun {
  torch: string;
  results: { name: string; ms: number[]; loss: number }[];
}
function runTorch(): TorchRun | null {
  if (!existsSync(python)) return null;
  const r = spawnSync(python, [torchScript, JSON.stringify(cases), String(THREADS), String(reps)], {
    encoding: 'utf8',
  });
  if (r.status !== 0) {
    console.error(`torch timing skipped: ${(r.stderr || r.error?.message || '').trim().split('\n').pop()}`);
    return null;
  }
  return JSON.parse(r.stdout.trim().split('\n').pop() as string) as TorchRun;
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
  return { ...x, logProbs };
});

const times = cases.map(() => ({ sync: [] as number[], async: [] as number[], torch: [] as number[] }));
const losses = cases.map(() => ({ ours: Number.NaN, torch: Number.NaN }));
let torchVersion: string | null = null;

async function oursRound(): Promise<void> {
  for (let i = 0; i < cases.length; i++) {
    for (let r = 0; r < reps; r++) {
      let t0 = performance.now();
      losses[i].ours = ctcLoss(inputs[i]).loss[0];
      times[i].sync.push(performance.now() - t0);
      t0 = performance.now();
      await ctcLossAsync({ ...shared[i], threads: THREADS });
      times[i].async.push(performance.now() - t0);
    }
  }
}

// warm-up (JIT, worker start-up, WASM compile)
for (let i = 0; i < cases.length; i++) {
  for (let r = 0; r < 3; r++) {
    ctcLoss(inputs[i]);
    await ctcLossAsync({ ...shared[i], threads: THREADS });
  }
}
for (let round = 0; round < rounds; round++) {
  await oursRound();
  const t = runTorch();
  if (t !== null) {
    torchVersion = t.torch;
    t.results.forEach((res, i) => {
      times[i].torch.push(...res.ms);
      losses[i].torch = res.loss;
    });
  }
}
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
    syncMs: min(t.sync),
    asyncMs: min(t.async),
    torchMedianMs: median(t.torch),
    syncMedianMs: median(t.sync),
    asyncMedianMs: median(t.async),
    speedupSync: min(t.torch) / min(t.sync),
    speedupAsync: min(t.torch) / min(t.async),
    lossRelDiff: Math.abs(losses[i].ours - losses[i].torch) / Math.abs(losses[i].torch),
  };
});

const f = (x: number, d = 1) => (Number.isFinite(x) ? x.toFixed(d) : '—');
console.log(
  `CTC loss + gradient, reduction 'mean', ${THREADS} threads for torch ${torchVersion ?? '(not available)'} and ctcLossAsync; min (median) of ${reps * rounds} runs`,
);
console.log(
  '| case | torch ms | ctcLoss ms (1 thread) | ctcLossAsync ms (2 threads) | speed-up 1 thr | speed-up 2 thr |',
);
console.log('|---|---|---|---|---|---|');
for (const r of rows) {
  console.log(
    `| ${r.case} | ${f(r.torchMs)} (${f(r.torchMedianMs)}) | ${f(r.syncMs)} (${f(r.syncMedianMs)}) | ${f(r.asyncMs)} (${f(r.asyncMedianMs)}) | ${f(r.speedupSync, 2)}x | ${f(r.speedupAsync, 2)}x |`,
  );
}
console.log(
  JSON.stringify({ bench: 'ctc-loss', torch: torchVersion, threads: THREADS, reps: reps * rounds, rows }),
);
