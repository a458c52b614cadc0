import { infer, Rng, type TensorData } from '@seqzoo/core';
import { checkParity, compareOutputs, Lambda, randomData } from '@seqzoo/core/testing';
import { describe, expect, it } from 'vitest';
import { MambaEncoder, reversalIndices, reverseValid } from './model.js';

const encoder = (seed: number, bidirectional = true, subsamplingFactor = 4) =>
  new MambaEncoder(
    {
      inputDim: 10,
      dModel: 8,
      numLayers: 2,
      bidirectional,
      subsamplingFactor,
      subsamplingChannels: 4,
      mixer: { dState: 4, chunk: 4 },
    },
    { rng: new Rng(seed) },
  );

describe('MambaEncoder', () => {
  it('runs identically on tfjs and onnx (bidirectional, conv subsampling ×4)', async () => {
    const m = encoder(1);
    const inputs = {
      features: randomData(new Rng(2), [2, 29, 10]),
      lengths: { data: Int32Array.from([29, 17]), dims: [2] },
    };
    const { tfjs } = await checkParity(m, inputs, { rtol: 1e-4, atol: 1e-5 });
    expect(tfjs.encoded.dims).toEqual([2, 8, 8]); // NeMo lengths: 29 → 15 → 8, 17 → 9 → 5
    expect(Array.from(tfjs.encodedLengths.data)).toEqual([8, 5]);
    expect(m.namedParameters().some(([n]) => n === 'layers.1.mixer_bwd.A_log')).toBe(true);
  });

  it("with scanMode 'recurrent' (ONNX Scan nodes) equals the chunked encoder on tfjs and onnx", async () => {
    const cfg = { inputDim: 10, dModel: 8, numLayers: 1, bidirectional: true, subsamplingFactor: 1 };
    const chunked = new MambaEncoder({ ...cfg, mixer: { dState: 4 } }, { rng: new Rng(6) });
    const scanned = new MambaEncoder(
      { ...cfg, mixer: { dState: 4, scanMode: 'recurrent' } },
      { rng: new Rng(6) },
    );
    const inputs = {
      features: randomData(new Rng(7), [2, 13, 10]),
      lengths: { data: Int32Array.from([13, 9]), dims: [2] },
    };
    const want = await infer(chunked, inputs);
    const { onnx } = await checkParity(scanned, inputs, { rtol: 1e-4, atol: 1e-5 });
    expect(compareOutputs(onnx, want, 1e-4, 1e-5).worst).toBeLessThanOrEqual(1);
  });

  for (const bidirectional of [false, true]) {
    it(`valid frames do not depend on padding (${bidirectional ? 'bidirectional' : 'forward only'})`, async () => {
      const m = encoder(3, bidirectional, 1);
      const alone = randomData(new Rng(4), [1, 9, 10]);
      const padded = new Float32Array(2 * 14 * 10);
      padded.set(randomData(new Rng(5), [14, 10]).data as Float32Array, 14 * 10);
      padded.set(alone.data as Float32Array);
      for (let i = 90; i < 140; i++) padded[i] = 100 * Math.sin(i); // loud garbage in item 0's padding
      const a = await infer(m, { features: alone, lengths: { data: Int32Array.from([9]), dims: [1] } });
      const b = await infer(m, {
        features: { data: padded, dims: [2, 14, 10] },
        lengths: { data: Int32Array.from([9, 14]), dims: [2] },
      });
      const first: TensorData = { data: (b.encoded.data as Float32Array).slice(0, 9 * 8), dims: [1, 9, 8] };
      expect(compareOutputs({ e: first }, { e: a.encoded }, 1e-5, 1e-5).worst).toBeLessThanOrEqual(1);
      expect(Array.from((b.encoded.data as Float32Array).slice(9 * 8, 14 * 8)).every((v) => v === 0)).toBe(
        true,
      );
    });
  }

  it('reverses each item’s valid frames and leaves padding in place (twice = identity)', async () => {
    const probe = new Lambda(
      (x, lengths) => {
        const idx = reversalIndices(lengths, x);
        return [reverseValid(x, idx), reverseValid(reverseValid(x, idx), idx)];
      },
      ['x', 'lengths'],
      ['once', 'twice'],
    );
    const x = { data: Float32Array.from([0, 1, 2, 3, 10, 11, 12, 13]), dims: [2, 4, 1] };
    const lengths = { data: Int32Array.from([4, 2]), dims: [2] };
    for (const backend of ['tfjs', 'onnx'] as const) {
      const out = await infer(probe, { x, lengths }, { backend });
      expect(Array.from(out.once.data)).toEqual([3, 2, 1, 0, 11, 10, 12, 13]);
      expect(Array.from(out.twice.data)).toEqual(Array.from(x.data));
    }
  });

  it('names bad configurations and inputs', async () => {
    expect(() => new MambaEncoder({ inputDim: 4, dModel: 4, numLayers: 1, subsamplingFactor: 3 })).toThrow(
      'MambaEncoder: subsamplingFactor must be a power of two ≥ 1 but is 3',
    );
    expect(() => new MambaEncoder({ inputDim: 4, dModel: 4, numLayers: 0 })).toThrow(
      'MambaEncoder: numLayers must be a positive integer but is 0',
    );
    await expect(
      infer(encoder(1), {
        features: randomData(new Rng(1), [1, 12, 9]),
        lengths: { data: Int32Array.from([12]), dims: [1] },
      }),
    ).rejects.toThrow("MambaEncoder: argument 'features' expected shape [B, T, 10] but received [1, 12, 9]");
  });
});
