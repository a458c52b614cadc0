import { infer, Rng } from '@seqzoo/core';
import { checkParity, randomData } from '@seqzoo/core/testing';
import { describe, expect, it } from 'vitest';
import { MambaLayer, RMSNorm } from './block.js';
import { GatedCnnBlock } from './gated-cnn.js';

/** Largest |Δy| at time steps < t0 after changing the input from t0 on. */
async function pastChange(m: GatedCnnBlock | MambaLayer, t0: number): Promise<number> {
  const x = randomData(new Rng(3), [1, 12, 6]);
  const x2 = { data: Float32Array.from(x.data as Float32Array), dims: x.dims };
  for (let i = t0 * 6; i < x2.data.length; i++) x2.data[i] += 0.5 * (i % 6) - 1; // not constant across features (LayerNorm would hide that)
  const a = (await infer(m, { x })).y.data;
  const b = (await infer(m, { x: x2 })).y.data;
  let worst = 0;
  for (let i = 0; i < t0 * 6; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]));
  return worst;
}

describe('MambaOut Gated CNN block', () => {
  it('has MambaOut parameter names and shapes (8/3 expansion, depthwise conv)', () => {
    const m = new GatedCnnBlock({ dModel: 6, rng: new Rng(1) });
    expect(m.namedParameters().map(([n, p]) => `${n}:${p.shape}`)).toEqual([
      'norm.weight:6',
      'norm.bias:6',
      'fc1.weight:32,6',
      'fc1.bias:32',
      'conv.weight:16,1,7',
      'conv.bias:16',
      'fc2.weight:6,16',
      'fc2.bias:6',
    ]);
  });

  it('runs the same on tfjs and onnx, with partial conv channels too', async () => {
    for (const cfg of [{ convRatio: 1 }, { convRatio: 0.5, causal: true, kernelSize: 4 }]) {
      const m = new GatedCnnBlock({ dModel: 6, rng: new Rng(2), ...cfg });
      await checkParity(m, { x: randomData(new Rng(4), [2, 10, 6]) }, { rtol: 1e-4, atol: 1e-5 });
    }
  });

  it('is causal when asked (like the Mamba layer it replaces), and looks ahead otherwise', async () => {
    expect(
      await pastChange(new GatedCnnBlock({ dModel: 6, causal: true, kernelSize: 4, rng: new Rng(5) }), 6),
    ).toBe(0);
    expect(await pastChange(new GatedCnnBlock({ dModel: 6, rng: new Rng(5) }), 6)).toBeGreaterThan(1e-4);
    expect(await pastChange(new MambaLayer({ dModel: 6, dState: 4, rng: new Rng(6) }), 6)).toBe(0);
  });

  it('rejects bad sizes', async () => {
    expect(() => new GatedCnnBlock({ dModel: 6, convRatio: 2 })).toThrow(
      'GatedCnnBlock: expansion and convRatio give hidden 16 and conv channels 32',
    );
    await expect(
      infer(new GatedCnnBlock({ dModel: 6 }), { x: randomData(new Rng(1), [1, 4, 5]) }),
    ).rejects.toThrow("GatedCnnBlock: argument 'x' expected shape [batch, time, 6] but received [1,4,5]");
  });
});

describe('Mamba residual layer', () => {
  it('keeps state-spaces/mamba Block names and runs on both backends', async () => {
    const layer = new MambaLayer({ dModel: 4, dState: 2, rng: new Rng(7) });
    expect(layer.namedParameters()[0][0]).toBe('norm.weight');
    expect(layer.namedParameters()[1][0]).toBe('mixer.in_proj.weight');
    await checkParity(layer, { x: randomData(new Rng(8), [2, 7, 4]) }, { rtol: 1e-4, atol: 1e-5 });
  });

  it('RMSNorm divides by the root mean square (eps 1e-5) and scales by its weight', async () => {
    const n = new RMSNorm(2);
    n.weight.set(Float32Array.from([1, 2]));
    const { Lambda } = await import('@seqzoo/core/testing');
    const out = await infer(new Lambda((x) => n.forward(x), ['x'], ['y']), {
      x: { data: Float32Array.from([3, 4]), dims: [1, 2] },
    });
    const rms = Math.sqrt(12.5 + 1e-5);
    expect(out.y.data[0]).toBeCloseTo(3 / rms, 6);
    expect(out.y.data[1]).toBeCloseTo(8 / rms, 6);
  });
});
