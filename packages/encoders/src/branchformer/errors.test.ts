import { infer } from '@seqzoo/core';
import { describe, expect, it } from 'vitest';
import type { BranchformerConfig, EBranchformerConfig } from './config.js';
import { BranchformerEncoder, EBranchformerEncoder } from './model.js';
import { readFixture } from './test-helpers.js';
import { loadEspnetBranchformer, loadEspnetEBranchformer } from './weights.js';

const config: BranchformerConfig = {
  inputSize: 12,
  outputSize: 8,
  attentionHeads: 2,
  cgmlpLinearUnits: 16,
  cgmlpConvKernel: 3,
  numBlocks: 2,
};

describe('Branchformer / E-Branchformer config errors', () => {
  it.each([
    [
      { cgmlpConvKernel: 4 },
      "BranchformerEncoder: config.cgmlpConvKernel must be odd ('same' padding (K − 1)/2) but is 4",
    ],
    [
      { attentionHeads: 3 },
      'BranchformerEncoder: config.outputSize (8) must be divisible by config.attentionHeads (3)',
    ],
    [
      { cgmlpLinearUnits: 15 },
      'BranchformerEncoder: config.cgmlpLinearUnits must be even (the gate splits it in half) but is 15',
    ],
    [
      { attentionLayerType: 'selfattn' },
      "BranchformerEncoder: config.attentionLayerType 'selfattn' needs posEncLayerType 'abs_pos' but is 'rel_pos'",
    ],
    [
      { mergeMethod: 'sum' },
      "BranchformerEncoder: config.mergeMethod must be one of 'concat', 'learned_ave', 'fixed_ave' but is \"sum\"",
    ],
    [
      { relPosType: 'old' },
      "BranchformerEncoder: config.relPosType must be one of 'latest', 'legacy' but is \"old\"",
    ],
    [{ inputLayer: 'conv1d2' }, 'BranchformerEncoder: config.inputLayer must be one of'],
    [
      { cgmlpWeight: [0.5] },
      'BranchformerEncoder: config.cgmlpWeight has 1 values but config.numBlocks is 2',
    ],
    [{ cgmlpWeight: [0.5, 1.5] }, 'BranchformerEncoder: config.cgmlpWeight[1] must be in [0, 1] but is 1.5'],
    [
      { stochasticDepthRate: 1 },
      'BranchformerEncoder: config.stochasticDepthRate[0] must be in [0, 1) but is 1',
    ],
    [
      { useAttn: false, useCgmlp: false },
      'BranchformerEncoder: config.useAttn and config.useCgmlp cannot both be false',
    ],
    [{ dropoutRate: 1 }, 'BranchformerEncoder: config.dropoutRate must be in [0, 1) but is 1'],
    [{ numBlocks: 0 }, 'BranchformerEncoder: config.numBlocks must be a positive integer but is 0'],
  ] as [Partial<BranchformerConfig>, string][])('rejects %j', (patch, message) => {
    expect(() => new BranchformerEncoder({ ...config, ...patch })).toThrow(message);
  });

  it('rejects bad E-Branchformer options', () => {
    const e: EBranchformerConfig = { ...config, useFfn: true };
    expect(() => new EBranchformerEncoder({ ...e, mergeConvKernel: 2 })).toThrow(
      "EBranchformerEncoder: config.mergeConvKernel must be an odd integer ('same' padding (K − 1)/2) but is 2",
    );
    expect(() => new EBranchformerEncoder({ ...e, linearUnits: -1 })).toThrow(
      'EBranchformerEncoder: config.linearUnits must be a positive integer but is -1',
    );
    expect(() => new EBranchformerEncoder({ ...e, inputSize: 5, inputLayer: 'conv2d8' })).toThrow(
      "Conv2dSubsampling: inputSize 5 is too small for 'conv2d8' (needs at least 15 feature bins)",
    );
  });
});

describe('Branchformer input errors', () => {
  const model = new BranchformerEncoder(config);
  const good = { data: new Float32Array(2 * 9 * 12), dims: [2, 9, 12] };
  const lengths = { data: Int32Array.from([9, 7]), dims: [2] };

  it('names the argument and shapes', async () => {
    await expect(
      infer(model, { features: { data: new Float32Array(2 * 9 * 10), dims: [2, 9, 10] }, lengths }),
    ).rejects.toThrow(
      "BranchformerEncoder: argument 'features' expected shape [B, T, 12] but received [2, 9, 10]",
    );
    await expect(
      infer(model, { features: good, lengths: { data: Int32Array.from([9, 7, 1]), dims: [3] } }),
    ).rejects.toThrow(
      "BranchformerEncoder: argument 'lengths' expected shape [2] (one per batch item of 'features' [2, 9, 12]) but received [3]",
    );
    await expect(
      infer(model, { features: good, lengths: { data: Float32Array.from([9, 7]), dims: [2] } }),
    ).rejects.toThrow("BranchformerEncoder: argument 'lengths' must be int32 but is float32");
  });

  it('reports utterances too short for the subsampling, as ESPnet TooShortUttError', async () => {
    const short = { data: new Float32Array(2 * 6 * 12), dims: [2, 6, 12] };
    await expect(
      infer(
        model,
        { features: short, lengths: { data: Int32Array.from([6, 6]), dims: [2] } },
        { backend: 'tfjs' },
      ),
    ).rejects.toThrow(
      "BranchformerEncoder: Conv2dSubsampling: argument 'features' [2, 6, 12] has 6 frames, too short for 'conv2d' subsampling (needs at least 7)",
    );
  });
});

describe('ESPnet importer errors', () => {
  const { record, weights } = readFixture('bf-learned-ave-abspos');

  it('reports checkpoint keys that do not fit the config', () => {
    expect(() => loadEspnetBranchformer(weights, { ...record.config, mergeMethod: 'concat' })).toThrow(
      /loadEspnetBranchformer: checkpoint does not match config .*encoders\.0\.pooling_proj1\.weight/,
    );
    expect(() => loadEspnetBranchformer(weights, { ...record.config, cgmlpConvKernel: 9 })).toThrow(
      'Expected shape [16, 1, 9] but received [16, 1, 7] for encoders.0.cgmlp.csgu.conv.weight',
    );
    expect(() => loadEspnetEBranchformer(weights, { ...record.config })).toThrow(
      /loadEspnetEBranchformer: checkpoint does not match config/,
    );
  });

  it('reports unreadable files', () => {
    expect(() => loadEspnetBranchformer(new Uint8Array(3), record.config)).toThrow(
      'loadEspnetBranchformer: readSafetensors: file is 3 bytes, shorter than the 8-byte header length prefix',
    );
    expect(() => loadEspnetEBranchformer([1, 2] as unknown as Uint8Array, record.config)).toThrow(
      "loadEspnetEBranchformer: 'safetensorsBytes' must be a Uint8Array",
    );
  });
});
