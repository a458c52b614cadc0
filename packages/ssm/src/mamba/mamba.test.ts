import { readFileSync } from 'node:fs';
import { exportOnnx, fromTf, infer, Rng, readSafetensors, tfjsBackend, toFloat32, toTf } from '@seqzoo/core';
import { checkParity, compareOutputs, randomData } from '@seqzoo/core/testing';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import type { FloatData } from '../scan/selective-scan-data.js';
import { Mamba, type MambaState } from './mamba.js';
import { importMamba, mambaConfigFromWeights, type WeightEntry } from './weights.js';

/** The checkpoint through core's safetensors reader, as the README shows. */
function readWeights(bytes: Uint8Array): Map<string, WeightEntry> {
  const { tensors } = readSafetensors(bytes);
  return new Map([...tensors].map(([k, t]) => [k, { data: toFloat32(t), shape: t.shape }]));
}

interface Rec {
  dims: number[];
  data: number[];
}
const fixture: { x: Rec; y: Rec; convState: Rec; ssmState: Rec } = JSON.parse(
  readFileSync(new URL('./fixtures/mamba-block.json', import.meta.url), 'utf8'),
);
const weights = readWeights(
  new Uint8Array(readFileSync(new URL('./fixtures/mamba-block.safetensors', import.meta.url))),
);
const f32 = (r: Rec): FloatData => ({ data: Float32Array.from(r.data), dims: r.dims });
const PREFIX = 'backbone.layers.0.mixer.';

function close(a: FloatData, b: FloatData, tol = 1e-5): void {
  const { worst, where } = compareOutputs({ v: a }, { v: b }, tol, tol);
  expect(worst, where).toBeLessThanOrEqual(1);
}

/** Token-by-token streaming through `Mamba.step` on one backend; returns outputs [B, L, d] and the last state. */
async function stream(
  m: Mamba,
  x: FloatData,
  backend: 'tfjs' | 'onnx',
): Promise<{ y: FloatData; state: MambaState }> {
  const [b, len, d] = x.dims;
  let state = m.initState(b);
  const y = new Float32Array(b * len * d);
  for (let t = 0; t < len; t++) {
    const xt = new Float32Array(b * d);
    for (let i = 0; i < b; i++) xt.set(x.data.subarray((i * len + t) * d, (i * len + t + 1) * d), i * d);
    const r = await m.step({ data: xt, dims: [b, d] }, state, { backend });
    state = r.state;
    for (let i = 0; i < b; i++) y.set(r.output.data.subarray(i * d, (i + 1) * d), (i * len + t) * d);
  }
  return { y: { data: y, dims: x.dims }, state };
}

describe('Mamba mixer', () => {
  it('imports state-spaces/mamba weights (prefixed keys) and reads the config off their shapes', () => {
    expect(mambaConfigFromWeights(weights, PREFIX)).toEqual({
      dModel: 8,
      dState: 4,
      dConv: 4,
      expand: 2,
      dtRank: 1,
      convBias: true,
      bias: false,
    });
    const m = importMamba(weights, { prefix: PREFIX });
    expect(m.namedParameters().map(([n]) => n)).toEqual([
      'in_proj.weight',
      'conv1d.weight',
      'conv1d.bias',
      'x_proj.weight',
      'dt_proj.weight',
      'dt_proj.bias',
      'A_log',
      'D',
      'out_proj.weight',
    ]);
  });

  it('full forward matches the PyTorch reference on tfjs and onnx', async () => {
    const m = importMamba(weights, { prefix: PREFIX, chunk: 4 });
    const x = f32(fixture.x);
    const { tfjs, onnx } = await checkParity(m, { x }, { rtol: 1e-5, atol: 1e-5 });
    close(tfjs.y as FloatData, f32(fixture.y));
    close(onnx.y as FloatData, f32(fixture.y));
  });

  it("scanMode 'recurrent' (one ONNX Scan node / a tfjs JS loop) matches the reference too", async () => {
    const m = importMamba(weights, { prefix: PREFIX, scanMode: 'recurrent' });
    const { tfjs, onnx } = await checkParity(m, { x: f32(fixture.x) }, { rtol: 1e-5, atol: 1e-5 });
    close(tfjs.y as FloatData, f32(fixture.y));
    close(onnx.y as FloatData, f32(fixture.y));
    const text = new TextDecoder('latin1').decode(exportOnnx(m, { x: { shape: ['batch', 'time', 8] } }));
    expect(text).toContain('Scan');
  });

  it('exports to a standard ONNX graph with dynamic batch/time and no Loop or Scan node', () => {
    const m = importMamba(weights, { prefix: PREFIX });
    const bytes = exportOnnx(m, { x: { shape: ['batch', 'time', 8] } });
    const text = new TextDecoder('latin1').decode(bytes);
    expect(text).toContain('in_proj.weight');
    expect(text).not.toMatch(/Loop|Scan/);
  });

  it('token-by-token step equals the full forward on tfjs and on onnx, and ends in the reference state', async () => {
    const m = importMamba(weights, { prefix: PREFIX });
    const x = f32(fixture.x);
    for (const backend of ['tfjs', 'onnx'] as const) {
      const { y, state } = await stream(m, x, backend);
      close(y, f32(fixture.y));
      close(state.conv, f32(fixture.convState));
      close(state.ssm, f32(fixture.ssmState));
    }
  });

  it('continues from a parallel prefill: forwardState(prompt) then forwardState(rest, state) equals one call', async () => {
    const m = new Mamba({ dModel: 6, dState: 3, chunk: 4, rng: new Rng(5) });
    const be = await tfjsBackend();
    const x = randomData(new Rng(6), [2, 11, 6]);
    const diff = tf.tidy(() => {
      const xt = tf.tensor(x.data, x.dims);
      const full = m.forwardState(fromTf(be, xt));
      const a = m.forwardState(fromTf(be, tf.slice(xt, [0, 0, 0], [2, 5, 6])));
      const b = m.forwardState(fromTf(be, tf.slice(xt, [0, 5, 0], [2, 6, 6])), a.conv, a.ssm);
      const joined = tf.concat([toTf(a.y), toTf(b.y)], 1);
      return [
        tf.max(tf.abs(tf.sub(joined, toTf(full.y)))).dataSync()[0],
        tf.max(tf.abs(tf.sub(toTf(b.ssm), toTf(full.ssm)))).dataSync()[0],
      ];
    });
    expect(diff[0]).toBeLessThan(1e-5);
    expect(diff[1]).toBeLessThan(1e-5);
  });

  it('leaks no tfjs tensors when inferring', async () => {
    const m = new Mamba({ dModel: 4, dState: 2, rng: new Rng(7) });
    const x = randomData(new Rng(8), [1, 9, 4]);
    await infer(m, { x });
    const before = tf.memory().numTensors;
    await infer(m, { x });
    expect(tf.memory().numTensors).toBe(before);
  });

  it('reports bad inputs and mismatched checkpoints', async () => {
    const m = new Mamba({ dModel: 4, dState: 2, rng: new Rng(9) });
    await expect(infer(m, { x: randomData(new Rng(1), [1, 3, 5]) })).rejects.toThrow(
      "Mamba: argument 'x' expected shape [batch, time, 4] but received [1,3,5]",
    );
    await expect(m.step({ data: new Float32Array(4), dims: [1, 4] }, m.initState(2))).rejects.toThrow(
      "Mamba.step: argument 'x' expected dims [2, 4] but received [1,4]",
    );
    expect(() => importMamba(weights, { prefix: 'nope.' })).toThrow(
      "importMamba: no tensor name starts with prefix 'nope.'",
    );
    const broken = new Map(weights);
    broken.delete(`${PREFIX}A_log`);
    expect(() => importMamba(broken, { prefix: PREFIX })).toThrow(
      `importMamba: missing tensor '${PREFIX}A_log'`,
    );
    expect(() => new Mamba({ dModel: 0 })).toThrow("Mamba: 'dModel' must be a positive integer but is 0");
  });
});
