import { readFileSync } from 'node:fs';
import { infer, stateDict, type TensorData, writeSafetensors } from '@seqzoo/core';
import { checkParity, compareOutputs } from '@seqzoo/core/testing';
import { describe, expect, it } from 'vitest';
import type { WhisperEncoderConfig } from './config.js';
import { WhisperEncoder } from './model.js';
import { loadHfWhisperEncoder } from './weights.js';

interface Case {
  features: { dims: number[]; data: number[] };
  lengths: number[];
  encoded: { dims: number[]; data: number[] };
  encodedLengths: number[];
}

// From tools/whisper_fixtures.py: a plain-torch encoder with HF WhisperEncoder names, saved under the
// `model.encoder.` prefix next to one decoder tensor.
const record = JSON.parse(readFileSync(new URL('./fixtures/tiny.json', import.meta.url), 'utf8')) as {
  config: WhisperEncoderConfig;
  cases: Case[];
};
const weights = new Uint8Array(readFileSync(new URL('./fixtures/tiny.safetensors', import.meta.url)));
const inputsOf = (c: Case): Record<string, TensorData> => ({
  features: { data: Float32Array.from(c.features.data), dims: c.features.dims },
  lengths: { data: Int32Array.from(c.lengths), dims: [c.lengths.length] },
});

describe('Whisper encoder (HF names)', () => {
  const model = loadHfWhisperEncoder(weights, record.config);

  describe.each(record.cases.map((c) => [c.features.dims[2], c] as const))('%i mel frames', (_frames, c) => {
    it.each(['tfjs', 'onnx'] as const)('matches the torch reference to rel 1e-4 on %s', async (backend) => {
      const out = await infer(model, inputsOf(c), { backend });
      const expected = {
        encoded: { data: Float32Array.from(c.encoded.data), dims: c.encoded.dims },
        encodedLengths: { data: Int32Array.from(c.encodedLengths), dims: [c.encodedLengths.length] },
      };
      const { worst, where } = compareOutputs(out, expected, 1e-4, 1e-5);
      expect(worst, where).toBeLessThanOrEqual(1);
    });

    it('agrees between tfjs and onnx', async () => {
      expect((await checkParity(model, inputsOf(c), { rtol: 1e-4, atol: 1e-5 })).worst).toBeLessThanOrEqual(
        1,
      );
    });
  });

  it('initialises embed_positions with the same sinusoids HF checkpoints store', () => {
    const fresh = new WhisperEncoder(record.config);
    const stored = model.embed_positions.weight.data;
    const mine = fresh.embed_positions.weight.data;
    let worst = 0;
    for (let i = 0; i < stored.length; i++) worst = Math.max(worst, Math.abs(stored[i] - mine[i]));
    expect(worst).toBeLessThan(1e-6);
    expect(fresh.embed_positions.weight.trainable).toBe(false);
  });

  it('loads bare encoder keys and WhisperModel keys too', async () => {
    const bare = stateDict(model);
    for (const prefix of ['', 'encoder.']) {
      const bytes = writeSafetensors(
        [...bare].map(
          ([k, v]) => [`${prefix}${k}`, { dtype: 'F32' as const, shape: v.shape, data: v.data }] as const,
        ),
      );
      const again = loadHfWhisperEncoder(bytes, record.config);
      expect(again.layers[1].fc2.weight.data).toEqual(model.layers[1].fc2.weight.data);
    }
  });

  it('explains bad inputs and mismatched checkpoints', async () => {
    const c = record.config;
    const features = { data: new Float32Array(2 * 7 * 10), dims: [2, 7, 10] };
    const lengths = { data: Int32Array.from([10, 10]), dims: [2] };
    await expect(infer(model, { features, lengths })).rejects.toThrow(
      "WhisperEncoder: argument 'features' expected shape [B, 8, T] but received [2, 7, 10]",
    );
    const long = { data: new Float32Array(1 * 8 * 26), dims: [1, 8, 26] };
    await expect(
      infer(model, { features: long, lengths: { data: Int32Array.from([26]), dims: [1] } }),
    ).rejects.toThrow(
      "WhisperEncoder: argument 'features' has 26 frames but at most 24 (2 × maxSourcePositions) fit the position table (received [1, 8, 26])",
    );
    expect(() => loadHfWhisperEncoder(weights, { ...c, numLayers: 1 })).toThrow(
      /prefix 'model\.encoder\.'.*Unexpected 15 parameters: layers\.1\./,
    );
    expect(() => new WhisperEncoder({ ...c, numHeads: 5 })).toThrow(
      'WhisperEncoder: config.dModel (16) must be divisible by config.numHeads (5)',
    );
  });
});
