import { infer } from '@seqzoo/core';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { FastConformer } from './model.js';
import { FastConformerStreamer } from './streaming.js';
import { f32, loadFixture, worstRatio } from './test-helpers.js';
import { loadNemoFastConformer } from './weights.js';

const { fixture, bytes, config } = loadFixture('streaming');
const model = loadNemoFastConformer(bytes, config);
const features = f32(fixture.input);
const [batch, frames] = features.dims;
const lengths = { data: new Int32Array(batch).fill(frames), dims: [batch] };

describe('FastConformer cache-aware streaming', () => {
  for (const c of fixture.cases) {
    for (const backend of ['tfjs', 'onnx'] as const) {
      it(`[${c.attContextSize}] on ${backend}: chunk-by-chunk equals the full forward with the same context mask`, async () => {
        const offline = await infer(
          model.withAttContext(c.attContextSize),
          { features, lengths },
          { backend },
        );
        const streamer = new FastConformerStreamer(model, { attContextSize: c.attContextSize, backend });
        const { output, steps } = await streamer.streamAll(features);
        expect(steps).toBe(c.steps);
        expect(steps).toBeGreaterThan(3); // the cache fills, wraps, and a short final chunk ends the stream
        expect(
          worstRatio(output, offline.encoded as { dims: number[]; data: Float32Array }, 1e-5, 1e-5),
        ).toBeLessThanOrEqual(1);
        expect(worstRatio(output, c, 1e-4, 1e-4)).toBeLessThanOrEqual(1);
      });
    }
  }

  it('a cache that is too small breaks equality (the test can fail)', async () => {
    const ctx = fixture.cases[0].attContextSize;
    const offline = await infer(model.withAttContext(ctx), { features, lengths });
    const streamer = new FastConformerStreamer(model, { attContextSize: ctx });
    let state = streamer.initState(batch);
    const outputs: number[] = [];
    let start = 0;
    while (start < frames) {
      const size = Math.min(streamer.params.chunkSize[start === 0 ? 0 : 1], frames - start);
      const chunk = { data: new Float32Array(batch * size * 16), dims: [batch, size, 16] };
      for (let b = 0; b < batch; b++)
        chunk.data.set(
          features.data.subarray((b * frames + start) * 16, (b * frames + start + size) * 16),
          b * size * 16,
        );
      // Forget the attention history before every step.
      state = { ...state, cacheLastChannelLen: { data: new Int32Array(batch), dims: [batch] } };
      const r = await streamer.step(chunk, state);
      state = r.state;
      outputs.push(...r.output.data.subarray(0, r.output.dims[1] * r.output.dims[2]));
      start += size;
    }
    const first = offline.encoded.data.subarray(0, outputs.length);
    const maxDiff = outputs.reduce((m, v, i) => Math.max(m, Math.abs(v - first[i])), 0);
    expect(maxDiff).toBeGreaterThan(1e-3);
  });

  it('streams a batch whose items are independent', async () => {
    const ctx = fixture.cases[0].attContextSize;
    const streamer = new FastConformerStreamer(model, { attContextSize: ctx });
    const one = { data: features.data.slice(frames * 16), dims: [1, frames, 16] }; // item 1 alone
    const both = await streamer.streamAll(features);
    const single = await streamer.streamAll(one);
    const n = single.output.data.length;
    expect(
      worstRatio(single.output, { dims: single.output.dims, data: both.output.data.subarray(n) }, 1e-5, 1e-5),
    ).toBeLessThanOrEqual(1);
  });

  it('leaks no tfjs tensors over a stream', async () => {
    const streamer = new FastConformerStreamer(model, { attContextSize: fixture.cases[1].attContextSize });
    await streamer.streamAll(features); // warm-up (backend init, constants)
    const before = tf.memory().numTensors;
    await streamer.streamAll(features);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('initState gives zero caches shaped as NeMo exports them (batch first)', () => {
    const streamer = new FastConformerStreamer(model, { attContextSize: [6, 2] });
    const s = streamer.initState(3);
    expect(s.cacheLastChannel.dims).toEqual([3, 2, 6, 32]);
    expect(s.cacheLastTime.dims).toEqual([3, 2, 32, 4]);
    expect([...s.cacheLastChannelLen.data]).toEqual([0, 0, 0]);
    expect(streamer.params.chunkSize).toEqual([17, 24]);
    expect(streamer.params.validOutLen).toBe(3);
  });

  it('rejects bad chunks, finished streams and non-streamable configs with clear errors', async () => {
    const streamer = new FastConformerStreamer(model, { attContextSize: [6, 2] });
    const s = streamer.initState(2);
    const chunk = (t: number, f = 16, b = 2) => ({ data: new Float32Array(b * t * f), dims: [b, t, f] });
    await expect(streamer.step(chunk(18), s)).rejects.toThrow(
      "FastConformerStreamer.step: argument 'chunk' has 18 frames; this step takes 1…17",
    );
    await expect(streamer.step(chunk(17, 15), s)).rejects.toThrow(
      "argument 'chunk' must be Float32Array [2, T, 16] but has dims [2,17,15]",
    );
    await expect(streamer.step(chunk(17, 16, 3), s)).rejects.toThrow('[2, T, 16] but has dims [3,17,16]');
    const short = await streamer.step(chunk(5), s);
    await expect(streamer.step(chunk(24), short.state)).rejects.toThrow(
      'the stream ended with a short chunk',
    );
    expect(() => streamer.initState(0)).toThrow(
      "initState: argument 'batch' must be a positive integer but is 0",
    );
    const offline = new FastConformer({ ...config, causalDownsampling: false });
    expect(() => new FastConformerStreamer(offline)).toThrow("needs 'causalDownsampling: true'");
    const symmetric = new FastConformer({ ...config, convContextSize: undefined });
    expect(() => new FastConformerStreamer(symmetric)).toThrow(
      "needs a causal convolution ('convContextSize: causal'), not [2,2]",
    );
    expect(() => new FastConformerStreamer(model, { attContextSize: [-1, 2] })).toThrow(
      'the left context must be limited',
    );
    expect(() => new FastConformerStreamer(model, { attContextSize: [7, 2] })).toThrow(
      'chunked_limited needs left (7) divisible by right + 1 (3)',
    );
  });
});
