import { exportOnnx, Rng } from '@seqzoo/core';
import { checkParity, Lambda, randomData } from '@seqzoo/core/testing';
import { describe, expect, it } from 'vitest';
import { FastConformer } from './model.js';
import { relPositionalEmbedding, relShift } from './rel-attention.js';
import { FastConformerStreamer } from './streaming.js';
import { ConvSubsampling } from './subsampling.js';

const rng = new Rng(7);
const streamingConfig = {
  featIn: 20,
  nLayers: 2,
  dModel: 24,
  nHeads: 3,
  subsamplingConvChannels: 6,
  causalDownsampling: true,
  convKernelSize: 4,
  convNormType: 'batch_norm' as const,
  convContextSize: 'causal' as const,
  attContextSize: [[8, 3]] as [number, number][],
  attContextStyle: 'chunked_limited' as const,
};

describe('FastConformer tfjs/ONNX parity (checkParity)', () => {
  it('rel_shift puts relative distance (query + cache) − key in column key, with and without a cache', async () => {
    for (const [tq, tk] of [
      [5, 5],
      [3, 7],
    ]) {
      // Row r of the descending table holds position tk − 1 − r; scores = that position for every query.
      const positions = {
        data: Float32Array.from({ length: tq * (2 * tk - 1) }, (_, k) => tk - 1 - (k % (2 * tk - 1))),
        dims: [1, 1, tq, 2 * tk - 1],
      };
      const shift = new Lambda(
        (x) => relShift(x, tk),
        ['x'],
        ['y'],
        () => ({}),
      );
      const { tfjs } = await checkParity(shift, { x: positions });
      const cache = tk - tq;
      for (let i = 0; i < tq; i++)
        for (let j = 0; j < tk; j++) expect(tfjs.y.data[i * tk + j]).toBe(i + cache - j);
    }
  });

  it("the relative position table is NeMo's interleaved sin/cos over positions L−1 … −(L−1)", async () => {
    const table = new Lambda(
      (x) => relPositionalEmbedding(x, 4, 6),
      ['x'],
      ['pe'],
      () => ({}),
    );
    const { tfjs } = await checkParity(table, { x: randomData(rng, [1, 4, 6]) });
    expect(tfjs.pe.dims).toEqual([1, 7, 6]);
    for (let r = 0; r < 7; r++) {
      for (let m = 0; m < 3; m++) {
        const angle = (3 - r) * Math.exp((-2 * m * Math.log(10000)) / 6);
        expect(tfjs.pe.data[r * 6 + 2 * m]).toBeCloseTo(Math.sin(angle), 5);
        expect(tfjs.pe.data[r * 6 + 2 * m + 1]).toBeCloseTo(Math.cos(angle), 5);
      }
    }
  });

  for (const causal of [false, true]) {
    it(`dw_striding subsampling (${causal ? 'causal' : 'symmetric'}) with padded items`, async () => {
      const sub = new ConvSubsampling(20, 24, 6, 8, causal, rng);
      const features = randomData(rng, [3, 45, 20]);
      const lengths = { data: Int32Array.from([45, 30, 9]), dims: [3] };
      const { tfjs } = await checkParity(sub, { features, lengths }, { rtol: 1e-4, atol: 1e-5 });
      // NeMo calc_length, stage by stage.
      const expected = [45, 30, 9].map((n) => sub.outputLength(n));
      expect([...tfjs.encodedLengths.data]).toEqual(expected);
      expect(tfjs.encoded.dims).toEqual([3, sub.outputLength(45), 24]);
    });
  }

  it('offline model with a regular band mask, padding and an output projection', async () => {
    const model = new FastConformer(
      {
        ...streamingConfig,
        causalDownsampling: false,
        convKernelSize: 5,
        convContextSize: undefined,
        attContextSize: [4, 1],
        attContextStyle: 'regular',
        featOut: 10,
        convNormType: 'layer_norm',
      },
      { rng },
    );
    const features = randomData(rng, [2, 70, 20]);
    const { tfjs } = await checkParity(
      model,
      { features, lengths: { data: Int32Array.from([70, 41]), dims: [2] } },
      { rtol: 1e-4, atol: 1e-5 },
    );
    expect(tfjs.encoded.dims).toEqual([2, 9, 10]);
    expect([...tfjs.encodedLengths.data]).toEqual([9, 6]);
  });

  it('one streaming step with partly filled caches (the exported step graph)', async () => {
    const model = new FastConformer(streamingConfig, { rng });
    const streamer = new FastConformerStreamer(model);
    const step = streamer.stepModule(2);
    const inputs = {
      chunk: randomData(rng, [2, 9 + 32, 20]),
      chunkLengths: { data: Int32Array.from([41, 41]), dims: [2] },
      cacheLastChannel: randomData(rng, [2, 2, 8, 24]),
      cacheLastTime: randomData(rng, [2, 2, 24, 3]),
      cacheLastChannelLen: { data: Int32Array.from([4, 8]), dims: [2] },
    };
    const { tfjs } = await checkParity(step, inputs, { rtol: 1e-4, atol: 1e-5 });
    expect(tfjs.encoded.dims).toEqual([2, 4, 24]);
    expect(tfjs.cacheLastChannelNext.dims).toEqual([2, 2, 8, 24]);
    expect(tfjs.cacheLastTimeNext.dims).toEqual([2, 2, 24, 3]);
    expect([...tfjs.cacheLastChannelLenNext.data]).toEqual([8, 8]);
  });

  it('exports the step as a standalone ONNX graph with the caches as inputs and outputs', () => {
    const model = new FastConformer(streamingConfig, { rng });
    const step = new FastConformerStreamer(model).stepModule(2);
    const bytes = exportOnnx(step, {
      chunk: { dtype: 'float32', shape: ['batch', 'time', 20] },
      chunkLengths: { dtype: 'int32', shape: ['batch'] },
      cacheLastChannel: { dtype: 'float32', shape: ['batch', 2, 8, 24] },
      cacheLastTime: { dtype: 'float32', shape: ['batch', 2, 24, 3] },
      cacheLastChannelLen: { dtype: 'int32', shape: ['batch'] },
    });
    const text = new TextDecoder('latin1').decode(bytes);
    for (const name of [...step.inputNames, ...step.outputNames]) expect(text).toContain(name);
    expect(bytes.length).toBeGreaterThan(4 * model.parameterCount());
  });
});
