/**
 * @seqzoo/audio front-ends on 30 s of 16 kHz audio, against two anchors measured in the same run:
 *   - torch (Debian torch 1.13 / torchaudio 0.13, float32, 2 threads) running the same reference recipe
 *     (torch.stft + matmul + log; torchaudio.functional.resample) — the implementation our fixtures
 *     come from;
 *   - for the n_fft = 400 STFT, our own direct O(n²) real DFT, which justifies the Bluestein path.
 *
 *   npx tsx --conditions=@seqzoo/source bench/audio-frontends.ts [--reps 5] [--rounds 2]
 *
 * Ours and torch alternate for `rounds` rounds (a shared machine's load drifts); the table reports the
 * minimum and the median over all repetitions, in milliseconds per call, the ratio to the anchor (< 1 = faster) and
 * the real-time factor (compute time / audio duration). Torch is skipped when /usr/bin/python3
 * cannot import it. A JSON line with every figure follows the table.
 */
import { spawnSync } from 'node:child_process';
import {
  nemoLogMel,
  powerSpectrogram,
  resample,
  specAugment,
  syntheticChirp,
  whisperLogMel,
} from '../packages/audio/src/index.js';

const arg = (name: string, dflt: number): number => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : dflt;
};
const reps = arg('reps', 5);
const rounds = arg('rounds', 2);
const SECONDS = 30;

type Stat = { min: number; med: number };
const samples = new Map<string, number[]>();

/** Times `fn` for `reps` calls (after one warm-up) and adds them to the samples of `name`. */
function time(name: string, fn: () => unknown): void {
  fn(); // warm-up (JIT, cached kernels and filterbanks)
  const t = samples.get(name) ?? [];
  for (let r = 0; r < reps; r++) {
    const t0 = performance.now();
    fn();
    t.push(performance.now() - t0);
  }
  samples.set(name, t);
}

function stat(t: number[]): Stat {
  const s = [...t].sort((a, b) => a - b);
  return { min: s[0], med: s[s.length >> 1] };
}

// The torch side regenerates nothing: it times the same recipes on its own random signal of the
// same length (timings do not depend on the values).
const TORCH = `
import json, sys, time, math, torch, torchaudio
torch.set_num_threads(2)
reps = int(sys.argv[1]); S = int(sys.argv[2])
x16 = torch.rand(16000 * S) - 0.5; x44 = torch.rand(44100 * S) - 0.5
fb400 = torchaudio.functional.melscale_fbanks(201, 0., 8000., 80, 16000, 'slaney', 'slaney').T.contiguous()
fb512 = torchaudio.functional.melscale_fbanks(257, 0., 8000., 80, 16000, 'slaney', 'slaney').T.contiguous()
hp = torch.hann_window(400); hs = torch.hann_window(400, periodic=False)
def stft400(): return torch.stft(x16, 400, 160, window=hp, return_complex=True).abs() ** 2
def whisper():
    m = fb400 @ stft400()[:, :-1]
    l = torch.clamp(m, min=1e-10).log10(); l = torch.maximum(l, l.max() - 8.0); return (l + 4) / 4
def nemo():
    x = torch.cat((x16[:1], x16[1:] - 0.97 * x16[:-1]))
    s = torch.stft(x, 512, 160, 400, window=hs, center=True, pad_mode='constant', return_complex=True)
    m = torch.log(fb512 @ (s.abs() ** 2) + 2 ** -24)
    v = m[:, : x16.shape[0] // 160]; return (m - v.mean(1, keepdim=True)) / (v.std(1, keepdim=True) + 1e-5)
def res(): return torchaudio.functional.resample(x44, 44100, 16000)
out = {}
for name, fn in [('stft400', stft400), ('whisper', whisper), ('nemo', nemo), ('resample', res)]:
    fn(); t = []
    for _ in range(reps):
        t0 = time.perf_counter(); fn(); t.append((time.perf_counter() - t0) * 1000)
    out[name] = t
print(json.dumps(out))
`;

function torchTimes(): Record<string, number[]> | null {
  const r = spawnSync('/usr/bin/python3', ['-c', TORCH, String(reps), String(SECONDS)], { encoding: 'utf8' });
  if (r.status !== 0) {
    console.error(`torch anchor skipped: ${r.stderr.trim().split('\n').pop()}`);
    return null;
  }
  return JSON.parse(r.stdout.trim().split('\n').pop()!);
}

const x16 = syntheticChirp(16000 * SECONDS, 16000, 1);
const x44 = syntheticChirp(44100 * SECONDS, 44100, 2);
const stft400 = (dftMethod: 'bluestein' | 'direct') => () =>
  powerSpectrogram(x16, { nFft: 400, hopLength: 160, dftMethod });

const mel = whisperLogMel(x16, { padTo30s: true });
const torchSamples = new Map<string, number[]>();
let torchOk = true;
for (let round = 0; round < rounds; round++) {
  time('stft400', stft400('bluestein'));
  time('stft400Direct', stft400('direct'));
  time('whisper', () => whisperLogMel(x16, { padTo30s: true }));
  time('nemo', () => nemoLogMel(x16));
  time('resample', () => resample(x44, 44100, 16000));
  time('specAugment', () => specAugment(mel, { seed: 1 }));
  const t = torchOk ? torchTimes() : null;
  if (!t) torchOk = false;
  for (const [k, v] of Object.entries(t ?? {})) torchSamples.set(k, [...(torchSamples.get(k) ?? []), ...v]);
}
const ours = Object.fromEntries([...samples].map(([k, v]) => [k, stat(v)])) as Record<string, Stat>;
const torch = torchOk
  ? (Object.fromEntries([...torchSamples].map(([k, v]) => [k, stat(v)])) as Record<string, Stat>)
  : null;

interface Row {
  name: string;
  ms: { min: number; med: number };
  anchor: string;
  anchorMs: { min: number; med: number } | null;
}
const rows: Row[] = [
  {
    name: 'STFT n_fft 400 (Bluestein)',
    ms: ours.stft400,
    anchor: 'direct DFT (ours)',
    anchorMs: ours.stft400Direct,
  },
  {
    name: 'STFT n_fft 400 (Bluestein)',
    ms: ours.stft400,
    anchor: 'torch.stft',
    anchorMs: torch?.stft400 ?? null,
  },
  {
    name: 'whisperLogMel 80 mels',
    ms: ours.whisper,
    anchor: 'torch recipe',
    anchorMs: torch?.whisper ?? null,
  },
  { name: 'nemoLogMel 80 mels', ms: ours.nemo, anchor: 'torch recipe', anchorMs: torch?.nemo ?? null },
  {
    name: 'resample 44.1k→16k',
    ms: ours.resample,
    anchor: 'torchaudio resample',
    anchorMs: torch?.resample ?? null,
  },
  { name: 'specAugment (2F+10T)', ms: ours.specAugment, anchor: '-', anchorMs: null },
];

const f = (v: number) => v.toFixed(1).padStart(8);
console.log(
  `\n30 s of audio, ${rounds} rounds × ${reps} reps (min / median ms); ratio = ours / anchor (min), RTF = ours min / 30 s\n`,
);
console.log(
  `${'case'.padEnd(30)}${'min'.padStart(8)}${'med'.padStart(8)}  ${'anchor'.padEnd(22)}${'min'.padStart(8)}${'med'.padStart(8)}${'ratio'.padStart(8)}${'RTF'.padStart(9)}`,
);
for (const r of rows) {
  const a = r.anchorMs;
  console.log(
    `${r.name.padEnd(30)}${f(r.ms.min)}${f(r.ms.med)}  ${r.anchor.padEnd(22)}${a ? f(a.min) : '       -'}${a ? f(a.med) : '       -'}` +
      `${a ? (r.ms.min / a.min).toFixed(2).padStart(8) : '       -'}${(r.ms.min / 1000 / SECONDS).toFixed(5).padStart(9)}`,
  );
}
console.log(
  JSON.stringify({
    bench: 'audio-frontends',
    seconds: SECONDS,
    reps,
    rounds,
    ours,
    torch,
    ratios: Object.fromEntries(
      rows.filter((r) => r.anchorMs).map((r) => [`${r.name} vs ${r.anchor}`, r.ms.min / r.anchorMs!.min]),
    ),
  }),
);
