import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readSafetensors, type SafetensorsTensor, toFloat32 } from '../io/index.js';
import type { Module } from '../module/module.js';
import { loadStateDict, type StateDict } from '../module/state-dict.js';
import { sizeOf } from '../ops/index.js';
import type { Tensor, TensorData } from '../tensor.js';
import { checkParity, compareOutputs, Lambda } from '../testing.js';
import { GELU, GLU, SiLU } from './activations.js';
import { MultiHeadAttention } from './attention.js';
import { BatchNorm } from './batch-norm.js';
import { Conv1d, Conv2d } from './conv.js';
import { Embedding } from './embedding.js';
import { LayerNorm } from './layer-norm.js';
import { Linear } from './linear.js';
import { SinusoidalPositionalEncoding } from './positional.js';
import { TransformerEncoderLayer } from './transformer.js';

/**
 * Numerics follow PyTorch: each fixture (tools/core_layer_fixtures.py, torch 1.13, eval mode) holds a
 * torch module's state_dict as `param.*`, its inputs as `input.*` and its outputs as `output.*`. The
 * seqzoo layer loads the state_dict strictly under PyTorch's own key names, runs on tfjs and ONNX
 * (which must agree), and both results must match torch to rel 1e-4 / abs 1e-5.
 *
 * Padded rows are compared too: with a key padding mask torch (reference path and fused fast path
 * alike, checked by the script) still computes padded query rows from the valid keys, as seqzoo does.
 */

const RTOL = 1e-4;
const ATOL = 1e-5;

interface Fixture {
  params: StateDict;
  input(name: string): TensorData;
  outputs: Record<string, TensorData>;
}

function asTensorData(name: string, t: SafetensorsTensor): TensorData {
  if (t.dtype === 'F32') return { data: toFloat32(t), dims: t.shape };
  // PyTorch ids are int64; seqzoo takes int32 (values here are tiny).
  if (t.dtype === 'I64') return { data: Int32Array.from(toFloat32(t)), dims: t.shape };
  if (t.dtype === 'BOOL') return { data: Uint8Array.from(t.data as Uint8Array), dims: t.shape };
  throw new Error(`fixture tensor '${name}' has unexpected dtype ${t.dtype}`);
}

function fixture(name: string): Fixture {
  const bytes = readFileSync(new URL(`./fixtures/${name}.safetensors`, import.meta.url));
  const { tensors } = readSafetensors(new Uint8Array(bytes));
  const params: StateDict = new Map();
  const inputs = new Map<string, TensorData>();
  const outputs: Record<string, TensorData> = {};
  for (const [key, t] of tensors) {
    const dot = key.indexOf('.');
    const [kind, rest] = [key.slice(0, dot), key.slice(dot + 1)];
    if (kind === 'param') params.set(rest, { data: toFloat32(t), shape: t.shape });
    else if (kind === 'input') inputs.set(rest, asTensorData(key, t));
    else if (kind === 'output') outputs[rest] = asTensorData(key, t);
    else throw new Error(`fixture ${name}: unexpected key '${key}'`);
  }
  return {
    params,
    outputs,
    input(n: string): TensorData {
      const t = inputs.get(n);
      if (!t) throw new Error(`fixture ${name}: no input '${n}' (has ${[...inputs.keys()].join(', ')})`);
      return t;
    },
  };
}

/** Loads `layer`'s weights from the fixture, runs `runner` on both backends, compares with torch. */
async function expectTorchParity(
  fx: Fixture,
  layer: Module | undefined,
  runner: Module,
  inputs: Record<string, TensorData>,
  expected: Record<string, TensorData> = fx.outputs,
): Promise<void> {
  if (layer) loadStateDict(layer, fx.params);
  else expect(fx.params.size).toBe(0);
  const { tfjs, onnx } = await checkParity(runner, inputs, { rtol: RTOL, atol: ATOL });
  for (const [backend, got] of [
    ['tfjs', tfjs],
    ['onnx', onnx],
  ] as const) {
    const { worst, where } = compareOutputs(got, expected, RTOL, ATOL);
    expect(worst, `${backend} vs torch at ${where}`).toBeLessThanOrEqual(1);
  }
}

const selfAttention = (mha: MultiHeadAttention) =>
  new Lambda((x, kpm) => mha.attend(x, x, x, { keyPaddingMask: kpm }), ['x', 'key_padding_mask'], ['y']);

describe('core layers match PyTorch', () => {
  it('nn.Linear', async () => {
    const fx = fixture('linear');
    const m = new Linear(6, 5);
    await expectTorchParity(fx, m, m, { input: fx.input('x') }, { output: fx.outputs.y });
  });

  it('nn.LayerNorm (eps 1e-3, affine)', async () => {
    const fx = fixture('layer_norm');
    const m = new LayerNorm(6, 1e-3);
    await expectTorchParity(fx, m, m, { input: fx.input('x') }, { output: fx.outputs.y });
  });

  it('nn.Conv1d grouped, stride 2, dilation 2, padding 1', async () => {
    const fx = fixture('conv1d_grouped');
    const m = new Conv1d(4, 6, 3, { stride: 2, dilation: 2, padding: 1, groups: 2 });
    await expectTorchParity(fx, m, m, { input: fx.input('x') }, { output: fx.outputs.y });
  });

  for (const k of [5, 4]) {
    it(`depthwise nn.Conv1d padding 'same', kernel ${k}`, async () => {
      const fx = fixture(`conv1d_depthwise_same_k${k}`);
      const m = new Conv1d(4, 4, k, { padding: 'same', groups: 4 });
      await expectTorchParity(fx, m, m, { input: fx.input('x') }, { output: fx.outputs.y });
    });
  }

  it('nn.Conv2d stride 2, padding 1', async () => {
    const fx = fixture('conv2d');
    const m = new Conv2d(2, 3, 3, { stride: 2, padding: 1 });
    await expectTorchParity(fx, m, m, { input: fx.input('x') }, { output: fx.outputs.y });
  });

  it('nn.BatchNorm1d in eval with running statistics, [B, C, T] and [N, C]', async () => {
    const fx = fixture('batch_norm1d');
    const m = new BatchNorm(4);
    await expectTorchParity(fx, m, m, { input: fx.input('x3') }, { output: fx.outputs.y3 });
    await expectTorchParity(fx, m, m, { input: fx.input('x2') }, { output: fx.outputs.y2 });
    expect(m.num_batches_tracked.data[0]).toBe(7);
  });

  it('nn.Embedding', async () => {
    const fx = fixture('embedding');
    const m = new Embedding(10, 4);
    await expectTorchParity(fx, m, m, { input: fx.input('ids') }, { output: fx.outputs.y });
  });

  it('F.gelu (exact and tanh), F.silu, F.glu', async () => {
    const fx = fixture('activations');
    const [gelu, geluTanh, silu, glu, glu1] = [
      new GELU(),
      new GELU('tanh'),
      new SiLU(),
      new GLU(-1),
      new GLU(1),
    ];
    const run = new Lambda(
      (x) => [gelu, geluTanh, silu, glu, glu1].map((m) => m.forward(x)),
      ['x'],
      ['gelu', 'gelu_tanh', 'silu', 'glu', 'glu_dim1'],
      // glu over axis 1 halves it, so keep that axis static.
      () => ({ 0: 'batch' }),
    );
    await expectTorchParity(fx, undefined, run, { x: fx.input('x') });
  });

  it('nn.MultiheadAttention self-attention with key_padding_mask', async () => {
    const fx = fixture('mha_key_padding');
    const mha = new MultiHeadAttention(8, 2);
    await expectTorchParity(fx, mha, selfAttention(mha), {
      x: fx.input('x'),
      key_padding_mask: fx.input('key_padding_mask'),
    });
  });

  it('nn.MultiheadAttention self-attention with bool and float attn_mask [T, T]', async () => {
    const fx = fixture('mha_attn_mask');
    const mha = new MultiHeadAttention(8, 2);
    const run = new Lambda(
      (x, boolMask, floatMask) => [
        mha.attend(x, x, x, { attnMask: boolMask }),
        mha.attend(x, x, x, { attnMask: floatMask }),
      ],
      ['x', 'bool_mask', 'float_mask'],
      ['y_bool', 'y_float'],
      (input) => (input === 'x' ? { 0: 'batch', 1: 'time' } : { 0: 'time', 1: 'time' }),
    );
    await expectTorchParity(fx, mha, run, {
      x: fx.input('x'),
      bool_mask: fx.input('bool_mask'),
      float_mask: fx.input('float_mask'),
    });
  });

  it('nn.MultiheadAttention cross-attention with key_padding_mask', async () => {
    const fx = fixture('mha_cross');
    const mha = new MultiHeadAttention(8, 4);
    const run = new Lambda(
      (q, mem, kpm) => mha.attend(q, mem, mem, { keyPaddingMask: kpm }),
      ['query', 'memory', 'key_padding_mask'],
      ['y'],
      (input) => (input === 'query' ? { 0: 'batch', 1: 'time' } : { 0: 'batch', 1: 'source' }),
    );
    await expectTorchParity(fx, mha, run, {
      query: fx.input('query'),
      memory: fx.input('memory'),
      key_padding_mask: fx.input('key_padding_mask'),
    });
  });

  for (const normFirst of [false, true]) {
    for (const activation of ['relu', 'gelu'] as const) {
      const name = `transformer_encoder_layer_${normFirst ? 'pre' : 'post'}_${activation}`;
      it(`nn.TransformerEncoderLayer norm_first=${normFirst}, ${activation}, src_key_padding_mask`, async () => {
        const fx = fixture(name);
        const layer = new TransformerEncoderLayer({
          dModel: 8,
          numHeads: 2,
          ffnDim: 16,
          dropout: 0,
          activation,
          normFirst,
        });
        const run = new Lambda((x, kpm) => layer.forward(x, kpm), ['x', 'src_key_padding_mask'], ['y']);
        await expectTorchParity(fx, layer, run, {
          x: fx.input('x'),
          src_key_padding_mask: fx.input('src_key_padding_mask'),
        });
      });
    }
  }

  it('sinusoidal positional table (PyTorch tutorial formula), T=20, D=8', async () => {
    const fx = fixture('sinusoidal');
    const pe = new SinusoidalPositionalEncoding(8);
    const run = new Lambda((x: Tensor) => [pe.table(x, sizeOf(x, 1)), pe.forward(x)], ['x'], ['table', 'y']);
    await expectTorchParity(fx, undefined, run, { x: fx.input('x') });
  });
});

describe('the parity check can fail', () => {
  it('a state_dict under other names is refused by strict loading', () => {
    const fx = fixture('transformer_encoder_layer_post_relu');
    const renamed: StateDict = new Map([...fx.params].map(([k, v]) => [k.replace('self_attn.', 'attn.'), v]));
    const layer = new TransformerEncoderLayer({ dModel: 8, numHeads: 2, ffnDim: 16, dropout: 0 });
    expect(() => loadStateDict(layer, renamed)).toThrow(/Missing 4 parameters: self_attn\.in_proj_weight/);
  });

  it('the wrong activation misses the torch output', async () => {
    const fx = fixture('transformer_encoder_layer_post_gelu');
    const layer = new TransformerEncoderLayer({
      dModel: 8,
      numHeads: 2,
      ffnDim: 16,
      dropout: 0,
      activation: 'relu',
    });
    const run = new Lambda((x, kpm) => layer.forward(x, kpm), ['x', 'src_key_padding_mask'], ['y']);
    await expect(
      expectTorchParity(fx, layer, run, {
        x: fx.input('x'),
        src_key_padding_mask: fx.input('src_key_padding_mask'),
      }),
    ).rejects.toThrow(/vs torch/);
  });

  // Bool inputs given to `infer` as Uint8Array reach forward() as bool on both backends.
  it('a bool key_padding_mask input reaches the layer as bool on both backends', async () => {
    const fx = fixture('mha_key_padding');
    const mha = new MultiHeadAttention(8, 2);
    await expectTorchParity(fx, mha, selfAttention(mha), {
      x: fx.input('x'),
      key_padding_mask: fx.input('key_padding_mask'),
    });
  });
});
