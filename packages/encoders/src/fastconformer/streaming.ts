import { infer, Module, ops, type Tensor, type TensorData } from '@seqzoo/core';
import { type AttContextSize, type StreamingParams, streamingParams } from './config.js';
import type { FastConformer } from './model.js';

/**
 * One cache-aware streaming step as a module (so it exports to ONNX with the caches as graph inputs
 * and outputs): mel chunk → causal dw_striding → drop the `dropExtra` frames the previous step already
 * produced → layers with attention/conv caches. NeMo `forward_internal` with `cache_last_*`.
 */
export class FastConformerStep extends Module {
  constructor(
    readonly encoder: FastConformer,
    readonly attContextSize: AttContextSize,
    readonly dropExtra: number,
  ) {
    super();
    this.inputNames = ['chunk', 'chunkLengths', 'cacheLastChannel', 'cacheLastTime', 'cacheLastChannelLen'];
    this.outputNames = [
      'encoded',
      'encodedLengths',
      'cacheLastChannelNext',
      'cacheLastTimeNext',
      'cacheLastChannelLenNext',
    ];
  }

  /**
   * Every axis static when `infer()` traces a step: a stream has a fixed batch and (at most three)
   * chunk sizes, each traced once, and static sizes remove the Shape/Cast/Reshape arithmetic that
   * dynamic axes add to every layer (~6× fewer nodes, the step's cost in onnxruntime). `exportOnnx`
   * with named dims still gives a dynamic graph.
   */
  override dynamicAxes(): Record<number, string> {
    return {};
  }

  forward(
    chunk: Tensor,
    chunkLengths: Tensor,
    cacheLastChannel: Tensor,
    cacheLastTime: Tensor,
    cacheLastChannelLen: Tensor,
  ): Record<string, Tensor> {
    this.encoder.checkInputs('FastConformerStep', chunk, chunkLengths);
    let [x, len] = this.encoder.pre_encode.forward(chunk, chunkLengths);
    if (this.dropExtra > 0) {
      x = ops.slice(x, 1, this.dropExtra);
      len = ops.maximum(ops.sub(len, this.dropExtra), 0);
    }
    const { encoded, cache } = this.encoder.encodeSubsampled(x, len, this.attContextSize, {
      lastChannel: cacheLastChannel,
      lastTime: cacheLastTime,
      lastChannelLen: cacheLastChannelLen,
    });
    if (!cache) throw new Error('FastConformerStep: the encoder returned no cache');
    return {
      encoded,
      encodedLengths: len,
      cacheLastChannelNext: cache.lastChannel,
      cacheLastTimeNext: cache.lastTime,
      cacheLastChannelLenNext: cache.lastChannelLen,
    };
  }
}

/** Everything a stream carries between steps, as plain data. */
export interface StreamState {
  /** [B, nLayers, C, d] */
  cacheLastChannel: TensorData;
  /** [B, nLayers, d, K−1] */
  cacheLastTime: TensorData;
  /** int32 [B] */
  cacheLastChannelLen: TensorData;
  /** The last ≤ factor + 1 mel frames seen, [B, p, featIn] (NeMo's pre-encode cache). */
  melHistory: TensorData;
  /** Mel frames consumed so far. */
  framesSeen: number;
  /** Set after a short (final) chunk; no step may follow. */
  finished: boolean;
}

export interface StreamerOptions {
  attContextSize?: AttContextSize;
  backend?: 'tfjs' | 'onnx';
}

/** Frames [from, to) of a [B, T, F] array. */
function timeSlice(x: TensorData, from: number, to: number): TensorData {
  const [b, t, f] = x.dims;
  const out = new Float32Array(b * (to - from) * f);
  for (let i = 0; i < b; i++)
    out.set(x.data.subarray((i * t + from) * f, (i * t + to) * f), i * (to - from) * f);
  return { data: out, dims: [b, to - from, f] };
}

function timeConcat(a: TensorData, c: TensorData): TensorData {
  const [b, ta, f] = a.dims;
  const tc = c.dims[1];
  const out = new Float32Array(b * (ta + tc) * f);
  for (let i = 0; i < b; i++) {
    out.set(a.data.subarray(i * ta * f, (i + 1) * ta * f), i * (ta + tc) * f);
    out.set(c.data.subarray(i * tc * f, (i + 1) * tc * f), (i * (ta + tc) + ta) * f);
  }
  return { data: out, dims: [b, ta + tc, f] };
}

/**
 * Drives cache-aware streaming from JS on either backend: `initState(batch)`, then
 * `step(chunk, state) → { output, state }` with chunks of `params.chunkSize[0]` mel frames first and
 * `params.chunkSize[1]` afterwards (a shorter chunk ends the stream). Each step prepends the previous
 * ≤ factor + 1 mel frames (NeMo's audio buffer) and drops the ⌈p / factor⌉ outputs already emitted,
 * so the concatenated outputs equal the offline forward with the same attention context.
 */
export class FastConformerStreamer {
  readonly params: StreamingParams;
  readonly backend: 'tfjs' | 'onnx';
  private readonly steps = new Map<number, FastConformerStep>();

  constructor(
    readonly encoder: FastConformer,
    options: StreamerOptions = {},
  ) {
    const ctx = options.attContextSize ?? encoder.attContextSize;
    this.params = streamingParams(encoder.config, ctx);
    if (ctx[0] < 1)
      throw new Error(
        `FastConformerStreamer: attContextSize [${ctx}] needs a left context ≥ 1 (it sizes the cache)`,
      );
    this.backend = options.backend ?? 'tfjs';
  }

  /** The step module for a given number of dropped frames (one ONNX graph each). */
  stepModule(dropExtra: number): FastConformerStep {
    let m = this.steps.get(dropExtra);
    if (!m) {
      m = new FastConformerStep(this.encoder, this.params.attContextSize, dropExtra);
      this.steps.set(dropExtra, m);
    }
    return m;
  }

  initState(batch: number): StreamState {
    if (!Number.isInteger(batch) || batch < 1)
      throw new Error(
        `FastConformerStreamer.initState: argument 'batch' must be a positive integer but is ${batch}`,
      );
    const { nLayers, dModel, convKernelSize, featIn } = this.encoder.config;
    const c = this.params.lastChannelCacheSize;
    return {
      cacheLastChannel: {
        data: new Float32Array(batch * nLayers * c * dModel),
        dims: [batch, nLayers, c, dModel],
      },
      cacheLastTime: {
        data: new Float32Array(batch * nLayers * dModel * (convKernelSize - 1)),
        dims: [batch, nLayers, dModel, convKernelSize - 1],
      },
      cacheLastChannelLen: { data: new Int32Array(batch), dims: [batch] },
      melHistory: { data: new Float32Array(0), dims: [batch, 0, featIn] },
      framesSeen: 0,
      finished: false,
    };
  }

  async step(chunk: TensorData, state: StreamState): Promise<{ output: TensorData; state: StreamState }> {
    const where = 'FastConformerStreamer.step';
    const batch = state.cacheLastChannelLen.dims[0];
    const featIn = this.encoder.config.featIn;
    const expected = this.params.chunkSize[state.framesSeen === 0 ? 0 : 1];
    if (state.finished)
      throw new Error(`${where}: the stream ended with a short chunk; call initState() for a new one`);
    if (
      !(chunk.data instanceof Float32Array) ||
      chunk.dims.length !== 3 ||
      chunk.dims[0] !== batch ||
      chunk.dims[2] !== featIn
    ) {
      throw new Error(
        `${where}: argument 'chunk' must be Float32Array [${batch}, T, ${featIn}] but has dims [${chunk.dims}]`,
      );
    }
    const t = chunk.dims[1];
    if (t < 1 || t > expected)
      throw new Error(
        `${where}: argument 'chunk' has ${t} frames; this step takes 1…${expected} (${expected} except for the last chunk)`,
      );
    const p = state.melHistory.dims[1];
    const input = p > 0 ? timeConcat(state.melHistory, chunk) : chunk;
    const factor = this.encoder.config.subsamplingFactor;
    const module = this.stepModule(Math.ceil(p / factor));
    const total = p + t;
    const out = await infer(
      module,
      {
        chunk: input,
        chunkLengths: { data: new Int32Array(batch).fill(total), dims: [batch] },
        cacheLastChannel: state.cacheLastChannel,
        cacheLastTime: state.cacheLastTime,
        cacheLastChannelLen: state.cacheLastChannelLen,
      },
      { backend: this.backend },
    );
    const keep = Math.min(this.params.preEncodeCacheSize, total);
    return {
      output: out.encoded,
      state: {
        cacheLastChannel: out.cacheLastChannelNext,
        cacheLastTime: out.cacheLastTimeNext,
        cacheLastChannelLen: out.cacheLastChannelLenNext,
        melHistory: timeSlice(input, total - keep, total),
        framesSeen: state.framesSeen + t,
        finished: t < expected,
      },
    };
  }

  /** Streams a whole [B, T, featIn] feature array chunk by chunk; returns the concatenated outputs. */
  async streamAll(features: TensorData): Promise<{ output: TensorData; steps: number }> {
    let state = this.initState(features.dims[0]);
    const outputs: TensorData[] = [];
    let start = 0;
    while (start < features.dims[1]) {
      const size = Math.min(this.params.chunkSize[start === 0 ? 0 : 1], features.dims[1] - start);
      const r = await this.step(timeSlice(features, start, start + size), state);
      outputs.push(r.output);
      state = r.state;
      start += size;
    }
    return { output: outputs.reduce((a, b) => timeConcat(a, b)), steps: outputs.length };
  }
}
