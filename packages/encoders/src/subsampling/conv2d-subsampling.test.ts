import { readFileSync } from 'node:fs';
import { infer, loadStateDict, stateDictFromSafetensors, type TensorData } from '@seqzoo/core';
import { checkParity, compareOutputs } from '@seqzoo/core/testing';
import { describe, expect, it } from 'vitest';
import { Conv2dSubsampling, type Conv2dSubsamplingOptions } from './conv2d-subsampling.js';

interface Fixture {
  options: Conv2dSubsamplingOptions;
  features: { dims: number[]; data: number[] };
  lengths: number[];
  encoded: { dims: number[]; data: number[] };
  encodedLengths: number[];
}

// tools/conformer_fixtures.py: torch convs with ESPnet's names, lengths from ESPnet's mask slicing.
describe.each(['conv2d-x4', 'conv2d-x8'])('Conv2dSubsampling fixture %s', (name) => {
  const record = JSON.parse(
    readFileSync(new URL(`./fixtures/${name}.json`, import.meta.url), 'utf8'),
  ) as Fixture;
  const model = new Conv2dSubsampling(record.options);
  loadStateDict(
    model,
    stateDictFromSafetensors(
      new Uint8Array(readFileSync(new URL(`./fixtures/${name}.safetensors`, import.meta.url))),
    ),
  );
  const inputs: Record<string, TensorData> = {
    features: { data: Float32Array.from(record.features.data), dims: record.features.dims },
    lengths: { data: Int32Array.from(record.lengths), dims: [record.lengths.length] },
  };

  it.each(['tfjs', 'onnx'] as const)('matches torch on %s', async (backend) => {
    const out = await infer(model, inputs, { backend });
    const expected = {
      encoded: { data: Float32Array.from(record.encoded.data), dims: record.encoded.dims },
      encodedLengths: { data: Int32Array.from(record.encodedLengths), dims: [record.encodedLengths.length] },
    };
    const { worst, where } = compareOutputs(out, expected, 1e-4, 1e-5);
    expect(worst, where).toBeLessThanOrEqual(1);
  });

  it('agrees between tfjs and onnx', async () => {
    expect((await checkParity(model, inputs, { rtol: 1e-4, atol: 1e-5 })).worst).toBeLessThanOrEqual(1);
  });
});

describe('Conv2dSubsampling errors', () => {
  it('names bad options and inputs', async () => {
    expect(() => new Conv2dSubsampling({ inputDim: 80, outputDim: 8, factor: 6 as 4 })).toThrow(
      'Conv2dSubsampling: factor must be 4 or 8 but is 6',
    );
    expect(() => new Conv2dSubsampling({ inputDim: 6, outputDim: 8, factor: 8 })).toThrow(
      'Conv2dSubsampling: inputDim 6 is too small for 3 stride-2 kernel-3 stages',
    );
    const model = new Conv2dSubsampling({ inputDim: 20, outputDim: 4 });
    const features = { data: new Float32Array(2 * 9 * 10), dims: [2, 9, 10] };
    await expect(
      infer(model, { features, lengths: { data: Int32Array.from([9, 9]), dims: [2] } }),
    ).rejects.toThrow(
      "Conv2dSubsampling: argument 'features' expected shape [B, T, 20] but received [2, 9, 10]",
    );
  });
});
