import { readFileSync } from 'node:fs';
import { infer, type TensorData } from '@seqzoo/core';
import { checkParity, compareOutputs } from '@seqzoo/core/testing';
import { describe, expect, it } from 'vitest';
import type { ConformerConfig } from './config.js';
import { Conformer } from './model.js';
import { loadTorchaudioConformer } from './weights.js';

interface Fixture {
  config: ConformerConfig;
  features: { dims: number[]; data: number[] };
  lengths: number[];
  encoded: { dims: number[]; data: number[] };
  encodedLengths: number[];
}

const fixtureUrl = (file: string) => new URL(`./fixtures/${file}`, import.meta.url);
const readFixture = (name: string) => ({
  record: JSON.parse(readFileSync(fixtureUrl(`${name}.json`), 'utf8')) as Fixture,
  weights: new Uint8Array(readFileSync(fixtureUrl(`${name}.safetensors`))),
});

function inputsOf(f: Fixture): Record<string, TensorData> {
  return {
    features: { data: Float32Array.from(f.features.data), dims: f.features.dims },
    lengths: { data: Int32Array.from(f.lengths), dims: [f.lengths.length] },
  };
}

// Fixtures come from tools/conformer_fixtures.py (torchaudio 0.13, eval mode). torchaudio only masks
// padded frames as attention keys, so padded frames hold deterministic values too: all frames compare.
describe.each(['batchnorm-k7', 'groupnorm-k31-convfirst'])('torchaudio Conformer fixture %s', (name) => {
  const { record, weights } = readFixture(name);
  const model = loadTorchaudioConformer(weights, record.config);
  const expected = {
    encoded: { data: Float32Array.from(record.encoded.data), dims: record.encoded.dims },
    encodedLengths: { data: Int32Array.from(record.encodedLengths), dims: [record.encodedLengths.length] },
  };

  it.each(['tfjs', 'onnx'] as const)('matches torchaudio to rel 1e-4 on %s', async (backend) => {
    const out = await infer(model, inputsOf(record), { backend });
    const { worst, where } = compareOutputs(out, expected, 1e-4, 1e-5);
    expect(worst, where).toBeLessThanOrEqual(1);
  });

  it('agrees between tfjs and onnx', async () => {
    const { worst } = await checkParity(model, inputsOf(record), { rtol: 1e-4, atol: 1e-5 });
    expect(worst).toBeLessThanOrEqual(1);
  });
});

describe('Conformer errors', () => {
  const config: ConformerConfig = {
    inputDim: 8,
    numHeads: 2,
    ffnDim: 16,
    numLayers: 1,
    depthwiseConvKernelSize: 3,
  };

  it('rejects bad configs', () => {
    expect(() => new Conformer({ ...config, depthwiseConvKernelSize: 4 })).toThrow(
      'Conformer: config.depthwiseConvKernelSize must be odd',
    );
    expect(() => new Conformer({ ...config, numHeads: 3 })).toThrow(
      'Conformer: config.inputDim (8) must be divisible by config.numHeads (3)',
    );
  });

  it('names the argument and shapes of bad inputs', async () => {
    const model = new Conformer(config);
    const features = { data: new Float32Array(2 * 5 * 6), dims: [2, 5, 6] };
    const lengths = { data: Int32Array.from([5, 3]), dims: [2] };
    await expect(infer(model, { features, lengths })).rejects.toThrow(
      "Conformer: argument 'features' expected shape [B, T, 8] but received [2, 5, 6]",
    );
    const good = { data: new Float32Array(2 * 5 * 8), dims: [2, 5, 8] };
    await expect(
      infer(model, { features: good, lengths: { data: Int32Array.from([5, 3, 1]), dims: [3] } }),
    ).rejects.toThrow(
      "Conformer: argument 'lengths' expected shape [2] (one per batch item of 'features' [2, 5, 8]) but received [3]",
    );
    await expect(
      infer(model, { features: good, lengths: { data: Float32Array.from([5, 3]), dims: [2] } }),
    ).rejects.toThrow("Conformer: argument 'lengths' must be int32 but is float32");
  });

  it('reports checkpoint keys that do not fit the config', () => {
    const { record, weights } = readFixture('groupnorm-k31-convfirst');
    const wrong = { ...record.config, useGroupNorm: false };
    expect(() => loadTorchaudioConformer(weights, wrong)).toThrow(
      /Missing 6 parameters: conformer_layers\.0\.conv_module\.sequential\.3\.running_mean/,
    );
    expect(() => loadTorchaudioConformer(weights, { ...record.config, depthwiseConvKernelSize: 15 })).toThrow(
      'Expected shape [32, 1, 15] but received [32, 1, 31] for conformer_layers.0.conv_module.sequential.2.weight',
    );
    expect(() => loadTorchaudioConformer(new Uint8Array(3), record.config)).toThrow(
      'loadTorchaudioConformer: readSafetensors: file is 3 bytes, shorter than the 8-byte header length prefix',
    );
    expect(() => loadTorchaudioConformer([1, 2] as unknown as Uint8Array, record.config)).toThrow(
      "loadTorchaudioConformer: 'safetensorsBytes' must be a Uint8Array",
    );
  });
});
