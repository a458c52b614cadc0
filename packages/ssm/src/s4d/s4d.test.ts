import { readFileSync } from 'node:fs';
import { infer, Rng } from '@seqzoo/core';
import { checkParity, compareOutputs, randomData } from '@seqzoo/core/testing';
import { describe, expect, it } from 'vitest';
import type { FloatData } from '../scan/selective-scan-data.js';
import { denseKernel, diagonalKernel, discretizeDense, discretizeDiagonal, expm } from './discretize.js';
import { fftCausalConv } from './fft-conv.js';
import { diagonalInit, hippoLegS, legsDiagonal } from './hippo.js';
import { LSSL } from './lssl.js';
import { S4D } from './s4d.js';
import { s4dKernel } from './s4d-host.js';

interface Rec {
  dims: number[];
  data: number[];
}
interface Case {
  init: 'lin' | 'inv';
  disc: 'zoh' | 'bilinear';
  logDt: number[];
  Cre: number[];
  Cim: number[];
  Are: number[];
  Aim: number[];
  D: number[];
  u: Rec;
  K: Rec;
  y: Rec;
}
const cases: Case[] = JSON.parse(readFileSync(new URL('./fixtures/s4d.json', import.meta.url), 'utf8'));
const f32 = (r: Rec): FloatData => ({ data: Float32Array.from(r.data), dims: r.dims });

function close(a: FloatData, b: FloatData, tol = 1e-5, what = ''): void {
  expect(a.dims).toEqual(b.dims);
  const { worst, where } = compareOutputs({ v: a }, { v: b }, tol, tol);
  expect(worst, `${what} ${where}`).toBeLessThanOrEqual(1);
}

/** Drives `step` over u [B, H, L] token by token; returns [B, H, L]. */
async function stepAll<S>(
  layer: {
    initState(b: number): S;
    step(u: FloatData, s: S, o: { backend: 'tfjs' | 'onnx' }): Promise<{ output: FloatData; state: S }>;
  },
  u: FloatData,
  backend: 'tfjs' | 'onnx',
): Promise<FloatData> {
  const [b, h, len] = u.dims;
  let state = layer.initState(b);
  const y = new Float32Array(b * h * len);
  for (let t = 0; t < len; t++) {
    const ut = Float32Array.from({ length: b * h }, (_, i) => u.data[i * len + t]);
    const r = await layer.step({ data: ut, dims: [b, h] }, state, { backend });
    state = r.state;
    r.output.data.forEach((v, i) => {
      y[i * len + t] = v;
    });
  }
  return { data: y, dims: u.dims };
}

function s4dFromFixture(c: Case): S4D {
  const h = c.logDt.length;
  const half = c.Cre.length / h;
  const layer = new S4D({
    dModel: h,
    dState: 2 * half,
    init: c.init,
    disc: c.disc,
    activation: false,
    outputLinear: false,
    rng: new Rng(1),
  });
  layer.kernel.log_dt.set(Float32Array.from(c.logDt));
  layer.kernel.log_A_real.set(Float32Array.from(c.Are, (v) => Math.log(-v)));
  layer.kernel.A_imag.set(Float32Array.from(c.Aim));
  layer.kernel.C.set(Float32Array.from({ length: 2 * h * half }, (_, i) => (i % 2 ? c.Cim : c.Cre)[i >> 1]));
  layer.D.set(Float32Array.from(c.D));
  return layer;
}

describe('S4D against the PyTorch reference (S4D-Lin/Inv × ZOH/bilinear)', () => {
  for (const c of cases) {
    it(`${c.init}/${c.disc}: host kernel, FFT convolution and recurrent step (tfjs, onnx) agree with the fixture`, async () => {
      const layer = s4dFromFixture(c);
      expect(Array.from(layer.kernel.A_imag.data.slice(0, 4))).toEqual(
        Array.from(diagonalInit(c.init, 8).im, Math.fround),
      );
      const K = s4dKernel(layer, c.K.dims[1]);
      close(K, f32(c.K), 1e-4, 'kernel');
      const u = f32(c.u);
      close(fftCausalConv(u, K, layer.D.data), f32(c.y), 1e-4, 'fft');
      for (const backend of ['tfjs', 'onnx'] as const)
        close(await stepAll(layer, u, backend), f32(c.y), 1e-4, `step ${backend}`);
      if (c.disc === 'zoh') {
        const { tfjs, onnx } = await checkParity(layer, { u }, { rtol: 1e-4, atol: 1e-5 });
        close(tfjs.y as FloatData, f32(c.y), 1e-4, 'conv tfjs');
        close(onnx.y as FloatData, f32(c.y), 1e-4, 'conv onnx');
      }
    });
  }

  it('full layer (GELU, Conv1d+GLU output map): convolution mode equals the recurrent mode', async () => {
    const layer = new S4D({ dModel: 4, dState: 16, rng: new Rng(3) });
    expect(layer.namedParameters().map(([n]) => n)).toEqual([
      'kernel.log_dt',
      'kernel.C',
      'kernel.log_A_real',
      'kernel.A_imag',
      'D',
      'output_linear.0.weight',
      'output_linear.0.bias',
    ]);
    const u = randomData(new Rng(4), [2, 4, 23]) as FloatData;
    close((await infer(layer, { u })).y as FloatData, await stepAll(layer, u, 'tfjs'), 1e-4, 'layer');
  });

  it('reports bad inputs', async () => {
    const layer = new S4D({ dModel: 2, dState: 4, disc: 'bilinear' });
    await expect(infer(layer, { u: randomData(new Rng(1), [1, 2, 5]) })).rejects.toThrow(
      "S4D: the in-graph convolution mode computes ZOH kernels; for 'bilinear'",
    );
    await expect(
      infer(new S4D({ dModel: 2, dState: 4 }), { u: randomData(new Rng(1), [1, 3, 5]) }),
    ).rejects.toThrow("S4D: argument 'u' expected shape [batch, 2, time] but received [1,3,5]");
    expect(() => new S4D({ dModel: 2, disc: 'euler' as never })).toThrow("S4D: unknown disc 'euler'");
    expect(() => diagonalInit('lin', 5)).toThrow("diagonalInit: 'stateSize' must be an even integer >= 2");
    expect(() =>
      fftCausalConv(
        { data: new Float32Array(6), dims: [1, 2, 3] },
        { data: new Float32Array(4), dims: [2, 2] },
      ),
    ).toThrow("fftCausalConv: 'kernel' must be [2, >= 3]");
  });
});

describe('S4D-LegS (diagonal part of HiPPO-LegS)', () => {
  it('its modes reproduce the dense normal part of HiPPO-LegS (ZOH kernels agree)', () => {
    const n = 8;
    const legs = legsDiagonal(n);
    const { A, B } = hippoLegS(n);
    // Normal part S = A + PPᵀ with P_i = √(i + ½).
    const S = A.map((v, idx) => v + Math.sqrt((Math.floor(idx / n) + 0.5) * ((idx % n) + 0.5)));
    const C = Float64Array.from({ length: n }, (_, i) => Math.cos(3 * i + 1));
    const half = n / 2;
    const Ct = { re: new Float64Array(half), im: new Float64Array(half) };
    for (let k = 0; k < half; k++) {
      for (let i = 0; i < n; i++) {
        Ct.re[k] += C[i] * legs.V.re[i * half + k];
        Ct.im[k] += C[i] * legs.V.im[i * half + k];
      }
    }
    for (const dt of [0.01, 0.1]) {
      const dense = discretizeDense(S, B, n, dt, 'zoh');
      const want = denseKernel(dense.dA, dense.dB, C, n, 40);
      const diag = discretizeDiagonal({ re: legs.re, im: legs.im }, legs.B, dt, 'zoh');
      const got = diagonalKernel(diag.dA, diag.dB, Ct, 40);
      const scale = Math.max(...want.map(Math.abs));
      expect(Math.max(...got.map((v, i) => Math.abs(v - want[i]))) / scale).toBeLessThan(1e-9);
    }
    expect(Array.from(legs.re)).toEqual([-0.5, -0.5, -0.5, -0.5]);
    expect(Array.from(legs.im).every((w, i) => w > 0 && (i === 0 || w > legs.im[i - 1]))).toBe(true);
  });

  it('initialises an S4D layer whose convolution and recurrent modes agree', async () => {
    const layer = new S4D({
      dModel: 2,
      dState: 8,
      init: 'legs',
      activation: false,
      outputLinear: false,
      rng: new Rng(8),
    });
    const u = randomData(new Rng(9), [1, 2, 16]) as FloatData;
    close((await infer(layer, { u })).y as FloatData, await stepAll(layer, u, 'tfjs'), 1e-4, 'legs');
    close(
      fftCausalConv(u, s4dKernel(layer, 16), layer.D.data),
      await stepAll(layer, u, 'tfjs'),
      1e-4,
      'legs fft',
    );
  });
});

describe('LSSL (dense HiPPO-LegS)', () => {
  it('HiPPO-LegS matrices and the matrix exponential', () => {
    const { A, B } = hippoLegS(3);
    expect(Array.from(A)).toEqual([-1, 0, 0, -Math.sqrt(3), -2, 0, -Math.sqrt(5), -Math.sqrt(15), -3]);
    expect(Array.from(B)).toEqual([1, Math.sqrt(3), Math.sqrt(5)]);
    const e = expm(Float64Array.from([-1, 0, 0, -2]), 2);
    expect(e[0]).toBeCloseTo(Math.exp(-1), 12);
    expect(e[3]).toBeCloseTo(Math.exp(-2), 12);
    // ZOH and bilinear agree to O(Δ³) for a small step.
    const z = discretizeDense(A, B, 3, 1e-3, 'zoh');
    const t = discretizeDense(A, B, 3, 1e-3, 'bilinear');
    expect(Math.max(...z.dA.map((v, i) => Math.abs(v - t.dA[i])))).toBeLessThan(1e-8);
  });

  for (const disc of ['bilinear', 'zoh'] as const) {
    it(`${disc}: convolution mode (tfjs, onnx) = FFT with the host Krylov kernel = recurrent step`, async () => {
      const layer = new LSSL({ dModel: 3, dState: 8, lMax: 64, disc, rng: new Rng(5) });
      const u = randomData(new Rng(6), [2, 3, 30]) as FloatData;
      const { tfjs } = await checkParity(layer, { u }, { rtol: 1e-4, atol: 1e-5 });
      const k = new Float32Array(3 * 30);
      for (let c = 0; c < 3; c++) {
        const dA = Float64Array.from(layer.dA.data.subarray(c * 64, (c + 1) * 64));
        const dB = Float64Array.from(layer.dB.data.subarray(c * 8, (c + 1) * 8));
        k.set(denseKernel(dA, dB, layer.C.data.subarray(c * 8, (c + 1) * 8), 8, 30), c * 30);
      }
      close(fftCausalConv(u, { data: k, dims: [3, 30] }, layer.D.data), tfjs.y as FloatData, 1e-4, 'fft');
      close(await stepAll(layer, u, 'tfjs'), tfjs.y as FloatData, 1e-4, 'step tfjs');
      close(await stepAll(layer, u, 'onnx'), tfjs.y as FloatData, 1e-4, 'step onnx');
    });
  }

  it('refuses sequences beyond lMax', async () => {
    const layer = new LSSL({ dModel: 1, dState: 2, lMax: 4 });
    await expect(infer(layer, { u: randomData(new Rng(1), [1, 1, 5]) })).rejects.toThrow(
      'LSSL: sequence length 5 exceeds lMax 4',
    );
  });
});
