import { describe, expect, it } from 'vitest';
import {
  BatchNorm,
  Conv1d,
  Conv2d,
  Dropout,
  Embedding,
  FeedForward,
  GELU,
  GLU,
  LayerNorm,
  Linear,
  Module,
  MultiHeadAttention,
  manualSeed,
  ops,
  ReLU,
  Sequential,
  Sigmoid,
  SiLU,
  SinusoidalPositionalEncoding,
  Tanh,
  type Tensor,
  TransformerEncoder,
  TransformerEncoderLayer,
} from '../index.js';
import { checkParity, Rng, randomData, randomInts } from '../testing.js';

const rng = new Rng(11);

/** Attention with every mask kind, as a module with named inputs. */
class MaskedAttention extends Module {
  mha = new MultiHeadAttention(8, 2);
  constructor() {
    super();
    this.inputNames = ['q', 'kv', 'lengths', 'bias'];
  }
  forward(q: Tensor, kv: Tensor, lengths: Tensor, bias: Tensor): Tensor {
    const padding = ops.logicalNot(ops.lengthMask(lengths, kv));
    const t = ops.sizeOf(q, 1);
    const s = ops.sizeOf(kv, 1);
    // Causal-style bool mask [T, S]: key j is hidden from query i when j > i + 1.
    const causal = ops.greater(
      ops.unsqueeze(ops.arange(q, 0, s), 0),
      ops.add(ops.unsqueeze(ops.arange(q, 0, t), 1), 1),
    );
    return this.mha.attend(q, kv, kv, { keyPaddingMask: padding, attnMask: causal, scoreBias: bias });
  }
}

function withBatchStats(bn: BatchNorm): BatchNorm {
  bn.running_mean.set(rng.uniformArray(bn.numFeatures, -1, 1));
  bn.running_var.set(rng.uniformArray(bn.numFeatures, 0.5, 2));
  bn.weight?.set(rng.uniformArray(bn.numFeatures, 0.5, 1.5));
  bn.bias?.set(rng.uniformArray(bn.numFeatures, -1, 1));
  return bn;
}

describe('layers agree on tfjs and onnx', () => {
  manualSeed(5);
  const cases: [string, () => Module, () => Record<string, ReturnType<typeof randomData>>][] = [
    ['Linear', () => new Linear(6, 5), () => ({ input: randomData(rng, [2, 3, 6]) })],
    [
      'Linear without bias on [N, D]',
      () => new Linear(6, 4, { bias: false }),
      () => ({ input: randomData(rng, [5, 6]) }),
    ],
    ['LayerNorm', () => new LayerNorm(6), () => ({ input: randomData(rng, [2, 4, 6], -3, 3) })],
    ['Conv1d', () => new Conv1d(4, 6, 3, { padding: 'same' }), () => ({ input: randomData(rng, [2, 4, 9]) })],
    [
      'Conv1d depthwise causal',
      () => new Conv1d(4, 4, 5, { groups: 4, padding: 'causal' }),
      () => ({ input: randomData(rng, [2, 4, 9]) }),
    ],
    [
      'Conv1d strided dilated grouped',
      () => new Conv1d(4, 6, 3, { stride: 2, dilation: 2, groups: 2 }),
      () => ({ input: randomData(rng, [1, 4, 13]) }),
    ],
    [
      'Conv2d',
      () => new Conv2d(2, 4, 3, { stride: 2, padding: 1 }),
      () => ({ input: randomData(rng, [2, 2, 9, 8]) }),
    ],
    [
      'BatchNorm (inference) on [B, C, T]',
      () => withBatchStats(new BatchNorm(4)),
      () => ({ input: randomData(rng, [2, 4, 7]) }),
    ],
    [
      'BatchNorm (inference) on [B, C, H, W]',
      () => withBatchStats(new BatchNorm(3)),
      () => ({ input: randomData(rng, [2, 3, 5, 4]) }),
    ],
    ['Embedding', () => new Embedding(10, 4), () => ({ input: randomInts(rng, [2, 5], 0, 10) })],
    ['Dropout in eval mode', () => new Dropout(0.5), () => ({ input: randomData(rng, [2, 3, 4]) })],
    ['ReLU', () => new ReLU(), () => ({ input: randomData(rng, [2, 3, 4]) })],
    ['GELU exact', () => new GELU(), () => ({ input: randomData(rng, [2, 3, 4], -3, 3) })],
    ['GELU tanh', () => new GELU('tanh'), () => ({ input: randomData(rng, [2, 3, 4], -3, 3) })],
    ['SiLU', () => new SiLU(), () => ({ input: randomData(rng, [2, 3, 4]) })],
    ['GLU', () => new GLU(-1), () => ({ input: randomData(rng, [2, 3, 4]) })],
    ['Sigmoid', () => new Sigmoid(), () => ({ input: randomData(rng, [2, 3, 4]) })],
    ['Tanh', () => new Tanh(), () => ({ input: randomData(rng, [2, 3, 4]) })],
    [
      'MultiHeadAttention (self)',
      () => new MultiHeadAttention(8, 2),
      () => ({ input: randomData(rng, [2, 5, 8]) }),
    ],
    [
      'MultiHeadAttention with padding, bool mask and score bias',
      () => new MaskedAttention(),
      () => ({
        q: randomData(rng, [2, 4, 8]),
        kv: randomData(rng, [2, 6, 8]),
        lengths: { data: new Int32Array([6, 3]), dims: [2] },
        bias: randomData(rng, [1, 2, 4, 6]),
      }),
    ],
    [
      'Sinusoidal positions (interleaved, scaled)',
      () => new SinusoidalPositionalEncoding(8, { scaleInput: true }),
      () => ({ input: randomData(rng, [2, 50, 8]) }),
    ],
    [
      'Sinusoidal positions (Whisper concat)',
      () => new SinusoidalPositionalEncoding(8, { layout: 'concat' }),
      () => ({ input: randomData(rng, [1, 30, 8]) }),
    ],
    [
      'FeedForward',
      () => new FeedForward(6, 12, { activation: 'silu' }),
      () => ({ input: randomData(rng, [2, 3, 6]) }),
    ],
    [
      'Sequential',
      () => new Sequential(new Linear(6, 8), new GELU(), new Linear(8, 3)),
      () => ({ input: randomData(rng, [2, 3, 6]) }),
    ],
    [
      'TransformerEncoderLayer (post-LN)',
      () => new TransformerEncoderLayer({ dModel: 8, numHeads: 2, ffnDim: 16 }),
      () => ({ input: randomData(rng, [2, 5, 8]) }),
    ],
    [
      'TransformerEncoder (pre-LN, final norm, padded batch)',
      () =>
        new TransformerEncoder({
          dModel: 8,
          numHeads: 2,
          numLayers: 2,
          ffnDim: 16,
          normFirst: true,
          finalNorm: true,
          activation: 'gelu',
        }),
      () => ({
        x: randomData(rng, [3, 6, 8]),
        lengths: { data: new Int32Array([6, 1, 4]), dims: [3] },
      }),
    ],
  ];

  it.each(cases)('%s', async (_name, make, inputs) => {
    const module = make();
    if (module instanceof TransformerEncoderLayer) module.inputNames = ['input'];
    const { worst } = await checkParity(module, inputs());
    expect(worst).toBeLessThanOrEqual(1);
  });

  it('one ONNX session serves every sequence length (dynamic batch and time axes)', async () => {
    const enc = new TransformerEncoder({ dModel: 8, numHeads: 2, numLayers: 1, ffnDim: 16 });
    for (const [b, t] of [
      [1, 3],
      [2, 9],
      [4, 17],
    ]) {
      const lengths = { data: Int32Array.from({ length: b }, (_, i) => t - i), dims: [b] };
      const { worst } = await checkParity(enc, { x: randomData(rng, [b, t, 8]), lengths });
      expect(worst).toBeLessThanOrEqual(1);
    }
  });

  it('sinusoidal table matches the closed form', async () => {
    const pe = new SinusoidalPositionalEncoding(4);
    const { tfjs } = await checkParity(pe, { input: { data: new Float32Array(3 * 4), dims: [1, 3, 4] } });
    const expected = [
      0,
      1,
      0,
      1,
      Math.sin(1),
      Math.cos(1),
      Math.sin(0.01),
      Math.cos(0.01),
      Math.sin(2),
      Math.cos(2),
      Math.sin(0.02),
      Math.cos(0.02),
    ];
    expected.forEach((v, i) => expect(tfjs.output.data[i]).toBeCloseTo(v, 5));
  });
});
