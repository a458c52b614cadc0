import onnxProto from 'onnx-proto';
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { exportOnnx, infer, manualSeed, TransformerEncoder } from '../../index.js';
import { Rng, randomData } from '../../testing.js';

describe('exportOnnx', () => {
  manualSeed(8);
  const enc = new TransformerEncoder({
    dModel: 16,
    numHeads: 4,
    numLayers: 2,
    ffnDim: 32,
    normFirst: true,
    finalNorm: true,
  });
  const bytes = exportOnnx(enc, {
    x: { shape: ['batch', 'time', 16] },
    lengths: { dtype: 'int32', shape: ['batch'] },
  });

  it('writes a standard opset-17 model with named initializers and dynamic axes', () => {
    const model = onnxProto.onnx.ModelProto.decode(bytes);
    expect(Number(model.opsetImport[0].version)).toBe(17);
    const graph = model.graph!;
    expect(graph.input!.map((i) => i.name)).toEqual(['x', 'lengths']);
    expect(graph.output!.map((o) => o.name)).toEqual(['y']);
    const dims = graph.input![0].type!.tensorType!.shape!.dim!.map((d) => d.dimParam || Number(d.dimValue));
    expect(dims).toEqual(['batch', 'time', 16]);
    const names = graph.initializer!.map((t) => t.name);
    expect(names).toContain('layers.1.self_attn.in_proj_weight');
    expect(names).toContain('norm.bias');
    const ops = new Set(graph.node!.map((n) => n.opType));
    expect(ops.has('LayerNormalization') && ops.has('Softmax') && ops.has('MatMul')).toBe(true);
  });

  it('loads in a plain onnxruntime session and matches tfjs for several shapes', async () => {
    const session = await ort.InferenceSession.create(bytes);
    const rng = new Rng(5);
    for (const [b, t] of [
      [1, 4],
      [3, 11],
    ]) {
      const x = randomData(rng, [b, t, 16]);
      const lengths = Int32Array.from({ length: b }, (_, i) => Math.max(1, t - 3 * i));
      const out = await session.run({
        x: new ort.Tensor('float32', x.data, x.dims),
        lengths: new ort.Tensor('int32', lengths, [b]),
      });
      const ref = await infer(enc, { x, lengths: { data: lengths, dims: [b] } }, { backend: 'tfjs' });
      expect(out.y.dims).toEqual([b, t, 16]);
      const y = out.y.data as Float32Array;
      let worst = 0;
      for (let i = 0; i < y.length; i++)
        worst = Math.max(worst, Math.abs(y[i] - ref.y.data[i]) / (1e-5 + 1e-4 * Math.abs(ref.y.data[i])));
      expect(worst).toBeLessThanOrEqual(1);
    }
  });

  it('requires a spec for every input', () => {
    expect(() => exportOnnx(enc, { x: { shape: ['batch', 'time', 16] } })).toThrowError(
      "exportOnnx: missing input 'lengths'",
    );
  });
});
