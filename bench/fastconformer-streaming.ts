/**
 * Cache-aware streaming FastConformer: per-chunk latency of one `step` through the exported ONNX
 * graph (onnxruntime-node) and through tfjs (wasm), for NeMo's three look-aheads — attention context
 * [70, 1], [70, 6], [70, 13] = 80 / 480 / 1040 ms (look-ahead · 8 · 10 ms) — on 10 s of 80-mel
 * features, plus the real-time factor (step time / new audio per step).
 *
 * Model: FastConformer "S"-like (d=176, 4 heads, FFN 704, conv kernel 9 causal, LayerNorm conv norm,
 * causal dw_striding ×8 with 256 channels), 16 layers (`--layers N` to shrink), random weights.
 * Anchor: the offline ONNX forward of the same 10 s with the same context mask, in the same run
 * (`stream/offline` = total streaming time / offline time; one-shot cost of streaming).
 *
 *   npx tsx --conditions=@seqzoo/source bench/fastconformer-streaming.ts [--layers 16] [--tfjs-steps 4] [--quick]
 */
import { infer, Rng } from '@seqzoo/core';
import { randomData } from '@seqzoo/core/testing';
import { FastConformer, FastConformerStreamer } from '../packages/encoders/src/fastconformer/index.js';

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
};
const quick = process.argv.includes('--quick');
const layers = arg('--layers', 16);
const seconds = quick ? 4 : 10;
/** tfjs steps are slow (see the closing note): time only this many after the warm-up. */
const tfjsSteps = arg('--tfjs-steps', quick ? 2 : 4);

interface Row {
  latencyMs: number;
  attContextSize: [number, number];
  chunkFrames: number;
  backend: 'onnx' | 'tfjs';
  stepMsMedian: number;
  stepMsP90: number;
  rtf: number;
  /** Whole 10 s stream (ONNX only: tfjs times `tfjsSteps` steps). */
  streamMs: number | null;
  offlineOnnxMs: number;
  streamToOffline: number | null;
  stepToOnnxStep: number;
}

const quantile = (xs: number[], q: number) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(q * xs.length))];

async function main() {
  const model = new FastConformer(
    {
      featIn: 80,
      nLayers: layers,
      dModel: 176,
      nHeads: 4,
      subsamplingConvChannels: 256,
      causalDownsampling: true,
      convKernelSize: 9,
      convNormType: 'layer_norm',
      convContextSize: 'causal',
      attContextStyle: 'chunked_limited',
      attContextSize: [
        [70, 13],
        [70, 6],
        [70, 1],
      ],
    },
    { rng: new Rng(0) },
  );
  const rng = new Rng(1);
  const frames = seconds * 100 + 1;
  const features = randomData(rng, [1, frames, 80]);
  const lengths = { data: Int32Array.from([frames]), dims: [1] };
  const rows: Row[] = [];
  for (const ctx of [
    [70, 1],
    [70, 6],
    [70, 13],
  ] as [number, number][]) {
    const offline = model.withAttContext(ctx);
    await infer(offline, { features, lengths }, { backend: 'onnx' }); // warm-up (trace + session)
    const t0 = performance.now();
    await infer(offline, { features, lengths }, { backend: 'onnx' });
    const offlineMs = performance.now() - t0;
    for (const backend of ['onnx', 'tfjs'] as const) {
      const streamer = new FastConformerStreamer(model, { attContextSize: ctx, backend });
      const chunk = streamer.params.chunkSize[1];
      // Warm-up: traces both step graphs (first chunk and later chunks) or uploads tfjs weights.
      let state = streamer.initState(1);
      for (let s = 0, start = 0; s < (backend === 'onnx' ? 3 : 2); s++) {
        const size = streamer.params.chunkSize[s === 0 ? 0 : 1];
        state = (await streamer.step(slice(features, start, start + size), state)).state;
        start += size;
      }
      state = streamer.initState(1);
      const times: number[] = [];
      let start = 0;
      const tStream = performance.now();
      while (start < frames) {
        const size = Math.min(streamer.params.chunkSize[start === 0 ? 0 : 1], frames - start);
        const ts = performance.now();
        state = (await streamer.step(slice(features, start, start + size), state)).state;
        if (start > 0 && size === chunk) times.push(performance.now() - ts);
        start += size;
        if ((backend === 'tfjs' && times.length >= tfjsSteps) || (quick && times.length >= 20)) break;
      }
      const streamMs = start >= frames ? performance.now() - tStream : null;
      const median = quantile(times, 0.5);
      const onnxMedian = backend === 'onnx' ? median : (rows[rows.length - 1]?.stepMsMedian ?? median);
      rows.push({
        latencyMs: ctx[1] * 80,
        attContextSize: ctx,
        chunkFrames: chunk,
        backend,
        stepMsMedian: +median.toFixed(2),
        stepMsP90: +quantile(times, 0.9).toFixed(2),
        rtf: +(median / (chunk * 10)).toFixed(4),
        streamMs: streamMs === null ? null : +streamMs.toFixed(1),
        offlineOnnxMs: +offlineMs.toFixed(1),
        streamToOffline: streamMs === null ? null : +(streamMs / offlineMs).toFixed(2),
        stepToOnnxStep: +(median / onnxMedian).toFixed(2),
      });
    }
  }
  const header = [
    'look-ahead',
    'context',
    'chunk (frames)',
    'backend',
    'step ms (p50)',
    'step ms (p90)',
    'RTF',
    'stream ms',
    'offline ONNX ms',
    'stream/offline',
    'step / ONNX step',
  ];
  console.log(`FastConformer streaming, d=176 h=4 L=${layers} K=9, ${seconds} s of audio, ${frames} frames`);
  console.log(header.join(' | '));
  for (const r of rows) {
    console.log(
      [
        `${r.latencyMs} ms`,
        `[${r.attContextSize}]`,
        r.chunkFrames,
        r.backend,
        r.stepMsMedian,
        r.stepMsP90,
        r.rtf,
        r.streamMs,
        r.offlineOnnxMs,
        r.streamToOffline ?? '-',
        r.stepToOnnxStep,
      ].join(' | '),
    );
  }
  console.log(JSON.stringify({ bench: 'fastconformer-streaming', layers, dModel: 176, seconds, rows }));
}

function slice(
  x: { data: Float32Array | Int32Array | Uint8Array; dims: number[] },
  from: number,
  to: number,
) {
  const f = x.dims[2];
  return { data: (x.data as Float32Array).slice(from * f, to * f), dims: [1, to - from, f] };
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
