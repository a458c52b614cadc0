import { infer } from '@seqzoo/core';
import { describe, expect, it } from 'vitest';
import { resolveConfig, streamingParams } from './config.js';
import { FastConformer } from './model.js';
import { loadFixture } from './test-helpers.js';
import { loadNemoFastConformer } from './weights.js';

const base = { featIn: 16, nLayers: 1, dModel: 32, nHeads: 4, subsamplingConvChannels: 8, convKernelSize: 5 };

describe('FastConformer config', () => {
  it('fills NeMo defaults and normalises contexts', () => {
    const cfg = resolveConfig(base);
    expect(cfg.dFF).toBe(128);
    expect(cfg.subsamplingFactor).toBe(8);
    expect(cfg.convContextSize).toEqual([2, 2]);
    expect(cfg.attContextSizes).toEqual([[-1, -1]]);
    expect(
      resolveConfig({ ...base, convContextSize: 'causal', attContextSize: [70, 13] }).convContextSize,
    ).toEqual([4, 0]);
  });

  it("reproduces NeMo's streaming table for the paper's [70, 13], [70, 6], [70, 1], [70, 0]", () => {
    const cfg = resolveConfig({
      ...base,
      causalDownsampling: true,
      convContextSize: 'causal',
      attContextStyle: 'chunked_limited',
      attContextSize: [
        [70, 13],
        [70, 6],
        [70, 1],
        [70, 0],
      ],
    });
    const rows = cfg.attContextSizes.map((c) => streamingParams(cfg, c));
    expect(rows.map((r) => r.chunkSize)).toEqual([
      [105, 112],
      [49, 56],
      [9, 16],
      [1, 8],
    ]);
    expect(rows.map((r) => r.validOutLen)).toEqual([14, 7, 2, 1]);
    expect(rows.every((r) => r.preEncodeCacheSize === 9 && r.lastChannelCacheSize === 70)).toBe(true);
  });

  it('names the bad key and value', () => {
    expect(() => resolveConfig({ ...base, nHeads: 5 })).toThrow(
      "FastConformer config: 'dModel' (32) must be divisible by 'nHeads' (5)",
    );
    expect(() => resolveConfig({ ...base, featIn: 0 })).toThrow(
      "'featIn' must be a positive integer but is 0",
    );
    expect(() => resolveConfig({ ...base, subsamplingFactor: 6 })).toThrow(
      "'subsamplingFactor' must be a power of two ≥ 2 but is 6",
    );
    expect(() => resolveConfig({ ...base, convKernelSize: 4 })).toThrow(
      "'convKernelSize' (4) must be odd for a symmetric convolution",
    );
    expect(() => resolveConfig({ ...base, convContextSize: [1, 1] })).toThrow(
      "'convContextSize' [1,1] must be two non-negative numbers summing to convKernelSize − 1 (4)",
    );
    expect(() => resolveConfig({ ...base, attContextSize: [70, -2] })).toThrow(
      "'attContextSize[0]' must be [left, right] integers ≥ −1 but is [70,-2]",
    );
    expect(() =>
      resolveConfig({
        ...base,
        attContextStyle: 'chunked_limited',
        attContextSize: [
          [70, 13],
          [10, 3],
        ],
      }),
    ).toThrow("'attContextSize[1]' [10,3]: chunked_limited needs left (10) divisible by right + 1 (4)");
  });
});

describe('FastConformer input and weight errors', () => {
  const model = new FastConformer(base);

  it('rejects mis-shaped features and lengths', async () => {
    const bad = { data: new Float32Array(2 * 30 * 15), dims: [2, 30, 15] };
    const lengths = { data: Int32Array.from([30, 30]), dims: [2] };
    await expect(infer(model, { features: bad, lengths })).rejects.toThrow(
      "FastConformer: argument 'features' expected shape [*, *, 16] but received [2, 30, 15]",
    );
    const good = { data: new Float32Array(2 * 30 * 16), dims: [2, 30, 16] };
    await expect(
      infer(model, { features: good, lengths: { data: Int32Array.from([30, 30, 30]), dims: [3] } }),
    ).rejects.toThrow("FastConformer: argument 'lengths' expected shape [2] but received [3]");
    await expect(model.encode(good, [30, 31])).rejects.toThrow(
      'FastConformer.encode: lengths[1] = 31 is outside [1, 30] (batch item 1)',
    );
    await expect(model.encode(good, [30])).rejects.toThrow(
      "FastConformer.encode: argument 'lengths' has 1 entries for batch 2",
    );
    await expect(model.encode(bad)).rejects.toThrow(
      "FastConformer.encode: argument 'features' must be Float32Array [B, T, 16] but has dims [2,30,15]",
    );
  });

  it('encode() runs on plain data with default full lengths', async () => {
    const x = { data: new Float32Array(30 * 16).map((_, i) => Math.sin(i)), dims: [1, 30, 16] };
    const out = await model.encode(x);
    expect(out.encoded.dims).toEqual([1, 4, 32]);
    expect([...out.encodedLengths.data]).toEqual([4]);
  });

  it('the importer reports missing, unexpected and mis-shaped NeMo keys', () => {
    const { bytes, config } = loadFixture('offline');
    expect(() => loadNemoFastConformer(bytes, { ...config, nLayers: 3 })).toThrow(
      /loadNemoFastConformer: loadStateDict: Missing \d+ parameters: layers\.2\./,
    );
    expect(() => loadNemoFastConformer(bytes, { ...config, nLayers: 1 })).toThrow(
      /Unexpected \d+ parameters: layers\.1\./,
    );
    expect(() => loadNemoFastConformer(bytes, { ...config, featIn: 20 })).toThrow(
      'Expected shape [32, 24] but received [32, 16] for pre_encode.out.weight',
    );
    expect(() => loadNemoFastConformer(new Uint8Array(4), config)).toThrow(
      'loadNemoFastConformer: readSafetensors: file is 4 bytes',
    );
  });
});
