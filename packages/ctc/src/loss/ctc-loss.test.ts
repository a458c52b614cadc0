import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ctcLoss } from './ctc-loss.js';
import type { CtcLossOptions, CtcReduction } from './ctc-loss-types.js';
import { hashUniform, randomLogProbs } from './hash-random.js';

type Enc = (number | string)[];
/** Fields every fixture case carries: the inputs (regenerated from `seed`) and the per-item losses. */
interface FixtureCase {
  name: string;
  seed: number;
  scale: number;
  dims: [number, number, number];
  blank: number;
  targets: number[];
  inputLengths: number[];
  targetLengths: number[];
  lossNone: Enc;
}
interface SmallCase extends FixtureCase {
  lossNoneZeroInf: Enc;
  lossSum: Enc;
  lossMean: Enc;
  lossMeanZeroInf: Enc;
  gradTorchUnit: Enc;
  gradTorchUnitZeroInf: Enc;
  gradTrueUnit: Enc;
}
interface LongCase extends FixtureCase {
  lossNoneTorch32: Enc;
  checksumSeed: number;
  gradChecksum: Enc;
  gradChecksumTorch32: Enc;
  gradSlices: { t: number; n: number; cols: number[]; torch64: Enc; torch32: Enc }[];
}

const load = <T>(file: string): T[] =>
  (JSON.parse(readFileSync(new URL(`./fixtures/${file}`, import.meta.url), 'utf8')) as { cases: T[] }).cases;
const dec = (xs: Enc): Float64Array => Float64Array.from(xs, (v) => (typeof v === 'string' ? Number(v) : v));

function inputs(c: FixtureCase): CtcLossOptions {
  const [T, N, C] = c.dims;
  return {
    logProbs: randomLogProbs(c.seed, T, N, C, c.scale),
    dims: c.dims,
    targets: Int32Array.from(c.targets),
    inputLengths: Int32Array.from(c.inputLengths),
    targetLengths: Int32Array.from(c.targetLengths),
    blank: c.blank,
  };
}

/** |got − want| ≤ atol + rtol·|want|, with NaN/Infinity required to match exactly. */
function expectClose(
  got: ArrayLike<number>,
  want: ArrayLike<number>,
  rtol: number,
  atol: number,
  what: string,
) {
  expect(got.length, `${what}: length`).toBe(want.length);
  let worst = 0;
  let at = -1;
  for (let i = 0; i < want.length; i++) {
    const g = got[i];
    const w = want[i];
    if (!Number.isFinite(w)) {
      if (!Object.is(g, w) && !(Number.isNaN(g) && Number.isNaN(w))) {
        throw new Error(`${what}[${i}]: got ${g}, want ${w}`);
      }
      continue;
    }
    const err = Math.abs(g - w) / (atol + rtol * Math.abs(w));
    if (!(err <= worst)) {
      worst = err;
      at = i;
    }
  }
  if (worst > 1) throw new Error(`${what}[${at}]: got ${got[at]}, want ${want[at]}`);
}

/** Unit per-item gradients scaled as the reduction does (NaN stays NaN). */
function scaled(unit: Float64Array, c: SmallCase, reduction: CtcReduction): Float64Array {
  const [T, N, C] = c.dims;
  const out = new Float64Array(unit.length);
  for (let t = 0; t < T; t++) {
    for (let n = 0; n < N; n++) {
      const w = reduction === 'mean' ? 1 / (N * Math.max(c.targetLengths[n], 1)) : 1;
      for (let k = 0; k < C; k++) out[(t * N + n) * C + k] = unit[(t * N + n) * C + k] * w;
    }
  }
  return out;
}

const small = load<SmallCase>('ctc-loss-small.json');

describe('ctcLoss against torch float64 fixtures', () => {
  for (const c of small) {
    it(`${c.name}: losses for every reduction`, () => {
      const base = inputs(c);
      expectClose(
        ctcLoss({ ...base, reduction: 'none', grad: false }).loss,
        dec(c.lossNone),
        1e-6,
        1e-6,
        'none',
      );
      expectClose(
        ctcLoss({ ...base, reduction: 'sum', grad: false }).loss,
        dec(c.lossSum),
        1e-6,
        1e-6,
        'sum',
      );
      expectClose(ctcLoss({ ...base, grad: false }).loss, dec(c.lossMean), 1e-6, 1e-6, 'mean');
      const zi = { ...base, zeroInfinity: true, grad: false };
      expectClose(
        ctcLoss({ ...zi, reduction: 'none' }).loss,
        dec(c.lossNoneZeroInf),
        1e-6,
        1e-6,
        'none/zeroInf',
      );
      expectClose(ctcLoss(zi).loss, dec(c.lossMeanZeroInf), 1e-6, 1e-6, 'mean/zeroInf');
    });

    it(`${c.name}: gradients in both conventions`, () => {
      const base = inputs(c);
      for (const reduction of ['none', 'mean', 'sum'] as const) {
        const r = ctcLoss({ ...base, reduction });
        expectClose(
          r.grad as Float32Array,
          scaled(dec(c.gradTorchUnit), c, reduction),
          1e-5,
          1e-6,
          `${reduction} torch grad`,
        );
        const t = ctcLoss({ ...base, reduction, gradMode: 'logProbs' });
        expectClose(
          t.grad as Float32Array,
          scaled(dec(c.gradTrueUnit), c, reduction),
          1e-5,
          1e-6,
          `${reduction} true grad`,
        );
      }
      const zi = ctcLoss({ ...base, reduction: 'none', zeroInfinity: true });
      expectClose(zi.grad as Float32Array, dec(c.gradTorchUnitZeroInf), 1e-5, 1e-6, 'zeroInf torch grad');
    });
  }
});

describe('ctcLoss on long inputs', () => {
  for (const c of load<LongCase>('ctc-loss-long.json')) {
    it(`${c.name}: matches torch float64 more closely than torch float32 does`, () => {
      const [T, N, C] = c.dims;
      const r = ctcLoss({ ...inputs(c), reduction: 'none' });
      const want = dec(c.lossNone);
      expectClose(r.loss, want, 2e-7, 0, 'loss');
      const grad = r.grad as Float32Array;
      let checksum = 0;
      for (let i = 0; i < T * N * C; i++) checksum += grad[i] * hashUniform(c.checksumSeed, i);
      const wantSum = dec(c.gradChecksum)[0];
      const ours = Math.abs(checksum - wantSum);
      const torch32 = Math.abs(dec(c.gradChecksumTorch32)[0] - wantSum);
      expect(ours).toBeLessThan(Math.max(torch32 / 10, 1e-6 * Math.abs(wantSum)));
      let ourWorst = 0;
      let torchWorst = 0;
      for (const s of c.gradSlices) {
        const w64 = dec(s.torch64);
        const w32 = dec(s.torch32);
        const got = s.cols.map((k) => grad[(s.t * N + s.n) * C + k]);
        expectClose(got, w64, 1e-5, 1e-9, `grad[${s.t}, ${s.n}]`);
        for (let i = 0; i < got.length; i++) {
          ourWorst = Math.max(ourWorst, Math.abs(got[i] - w64[i]));
          torchWorst = Math.max(torchWorst, Math.abs(w32[i] - w64[i]));
        }
      }
      expect(ourWorst).toBeLessThan(torchWorst);
    });
  }
});

describe('ctcLoss behaviour', () => {
  const c = small[0];
  it('accepts padded [N, S] targets', () => {
    const base = inputs(c);
    const S = Math.max(...c.targetLengths);
    const padded = new Int32Array(c.dims[1] * S).fill(-7);
    let off = 0;
    c.targetLengths.forEach((l, n) => {
      padded.set(c.targets.slice(off, off + l), n * S);
      off += l;
    });
    const a = ctcLoss({ ...base, reduction: 'none' });
    const b = ctcLoss({ ...base, reduction: 'none', targets: padded, targetsDims: [c.dims[1], S] });
    expect(b.loss).toEqual(a.loss);
    expect(b.grad).toEqual(a.grad);
  });

  it('writes into a reused gradOut exactly what it would allocate', () => {
    // variable lengths and an impossible item: every kind of row must be overwritten
    const v = small.find((x) => x.name === 'variable-lengths') as SmallCase;
    const imp = small.find((x) => x.name === 'impossible') as SmallCase;
    for (const cc of [v, imp]) {
      for (const gradMode of ['logits', 'logProbs'] as const) {
        const base = { ...inputs(cc), gradMode };
        const fresh = ctcLoss(base).grad as Float32Array;
        const out = new Float32Array(fresh.length).fill(123.5);
        const r = ctcLoss({ ...base, gradOut: out });
        expect(r.grad).toBe(out);
        expect(Array.from(out)).toEqual(Array.from(fresh));
      }
    }
    expect(() => ctcLoss({ ...inputs(c), gradOut: new Float32Array(5) })).toThrow(
      'ctcLoss: gradOut must be a Float32Array of T·N·C = 216 values for dims [12, 3, 6], got length 5',
    );
  });

  it('omits the gradient when grad is false', () => {
    expect(ctcLoss({ ...inputs(c), grad: false }).grad).toBeUndefined();
  });

  it('recovers a loss beyond float64 range through the log-domain fallback', () => {
    // One frame, target [1]: the only path emits class 1 at log-prob −900, 890 nats below the
    // blank, so exp(lp − max) underflows and the exact recursion must take over.
    const logProbs = Float32Array.of(-10, -900, -1e30);
    const r = ctcLoss({
      logProbs,
      dims: [1, 1, 3],
      targets: Int32Array.of(1),
      inputLengths: Int32Array.of(1),
      targetLengths: Int32Array.of(1),
      reduction: 'none',
      gradMode: 'logProbs',
    });
    expect(r.loss[0]).toBe(900);
    expect(Array.from(r.grad as Float32Array, (v) => v + 0)).toEqual([0, -1, 0]);
  });

  it('handles a batch of zero items and T = 0', () => {
    const empty = {
      logProbs: new Float32Array(0),
      targets: new Int32Array(0),
      inputLengths: new Int32Array(0),
      targetLengths: new Int32Array(0),
    };
    expect(ctcLoss({ ...empty, dims: [4, 0, 3], reduction: 'sum' }).loss[0]).toBe(0);
    const t0 = ctcLoss({
      ...empty,
      dims: [0, 2, 3],
      targets: Int32Array.of(1),
      inputLengths: Int32Array.of(0, 0),
      targetLengths: Int32Array.of(0, 1),
      reduction: 'none',
    });
    expect(Array.from(t0.loss)).toEqual([0, Number.POSITIVE_INFINITY]);
    expect(t0.grad?.length).toBe(0);
  });
});

describe('ctcLoss validation', () => {
  const ok = (): CtcLossOptions => ({
    logProbs: new Float32Array(4 * 2 * 3).fill(Math.log(1 / 3)),
    dims: [4, 2, 3],
    targets: Int32Array.of(1, 2, 1),
    inputLengths: Int32Array.of(4, 3),
    targetLengths: Int32Array.of(2, 1),
  });
  const cases: [string, Partial<CtcLossOptions>, string][] = [
    ['wrong rank', { dims: [8, 3] }, 'ctcLoss: dims must be [T, N, C] of non-negative integers, got [8, 3]'],
    ['size mismatch', { dims: [4, 2, 4] }, 'ctcLoss: logProbs has length 24 but dims [4, 2, 4] need 32'],
    [
      'input length > T',
      { inputLengths: Int32Array.of(4, 5) },
      'inputLengths[1] = 5 is out of range [0, T = 4] (batch item 1)',
    ],
    ['negative input length', { inputLengths: Int32Array.of(-1, 3) }, 'inputLengths[0] = -1 is out of range'],
    [
      'negative target length',
      { targetLengths: Int32Array.of(2, -1), targets: Int32Array.of(1, 2) },
      'targetLengths[1] = -1 is negative (batch item 1)',
    ],
    [
      'lengths array size',
      { inputLengths: Int32Array.of(4) },
      'ctcLoss: inputLengths has length 1 but the batch size N is 2',
    ],
    [
      'target count',
      { targets: Int32Array.of(1, 2) },
      'concatenated targets have length 2 but targetLengths sum to 3',
    ],
    [
      'blank in target',
      { targets: Int32Array.of(1, 2, 0) },
      'ctcLoss: targets of batch item 1 contain the blank 0 at position 0',
    ],
    [
      'id >= C',
      { targets: Int32Array.of(1, 3, 1) },
      'ctcLoss: targets of batch item 0 contain 3 at position 1, out of range [0, 3)',
    ],
    ['blank out of range', { blank: 3 }, 'ctcLoss: blank 3 is out of range [0, 3) for C = 3'],
    [
      'lengths not Int32Array',
      { inputLengths: [4, 3] as unknown as Int32Array },
      'ctcLoss: inputLengths must be an Int32Array',
    ],
    [
      'padded too narrow',
      { targetsDims: [2, 1], targets: Int32Array.of(1, 2) },
      'targetLengths[0] = 2 exceeds the padded target width S = 1 (batch item 0)',
    ],
    [
      'bad reduction',
      { reduction: 'avg' as CtcReduction },
      "reduction must be 'none', 'sum' or 'mean', got 'avg'",
    ],
  ];
  for (const [name, patch, message] of cases) {
    it(`rejects ${name}`, () => {
      expect(() => ctcLoss({ ...ok(), ...patch })).toThrow(message);
    });
  }
  it('rejects NaN inside an input length, naming the item and frame', () => {
    const o = ok();
    o.logProbs[(2 * 2 + 1) * 3 + 2] = Number.NaN;
    expect(() => ctcLoss(o)).toThrow('ctcLoss: logProbs[2, 1, 2] is NaN (batch item 1, frame 2, class 2)');
    // Frames past the input length are ignored, as torch ignores them.
    const p = ok();
    p.logProbs[(3 * 2 + 1) * 3] = Number.NaN;
    expect(Number.isFinite(ctcLoss(p).loss[0])).toBe(true);
  });
  it('treats a target too long for its input as impossible, not as an error', () => {
    const r = ctcLoss({
      ...ok(),
      targets: Int32Array.of(1, 2, 1, 2, 1),
      targetLengths: Int32Array.of(2, 3),
      inputLengths: Int32Array.of(4, 2),
      reduction: 'none',
    });
    expect(r.loss[1]).toBe(Number.POSITIVE_INFINITY);
  });
});
