import { infer, Rng, saveSafetensors, stateDict, type TensorData } from '@seqzoo/core';
import { describe, expect, it } from 'vitest';
import type { BranchformerConfig, EBranchformerConfig } from './config.js';
import { BranchformerEncoder, EBranchformerEncoder } from './model.js';
import { SMALL_BLOCKS, SMALL_E_BRANCHFORMER } from './test-helpers.js';
import { loadEspnetBranchformer, loadEspnetEBranchformer } from './weights.js';

const D = 6;
const T = 12;
const L = 7;

/** Item 0 is full length; item 1 has L valid frames followed by large garbage "padding". */
function batch(rng: Rng): { features: TensorData; lengths: TensorData; alone: TensorData } {
  const data = rng.uniformArray(2 * T * D, -1, 1);
  for (let i = (T + L) * D; i < 2 * T * D; i++) data[i] = 50 * rng.uniform(-1, 1);
  return {
    features: { data, dims: [2, T, D] },
    lengths: { data: Int32Array.from([T, L]), dims: [2] },
    alone: { data: data.slice(T * D, (T + L) * D), dims: [1, L, D] },
  };
}

/** Largest |difference| between item 1's valid frames in the batch and the same frames run alone. */
async function batchVsAlone(model: BranchformerEncoder | EBranchformerEncoder, backend: 'tfjs' | 'onnx') {
  const { features, lengths, alone } = batch(new Rng(5));
  const together = await infer(model, { features, lengths }, { backend });
  const single = await infer(
    model,
    { features: alone, lengths: { data: Int32Array.from([L]), dims: [1] } },
    { backend },
  );
  const d = model.dModel;
  let worst = 0;
  for (let i = 0; i < L * d; i++)
    worst = Math.max(worst, Math.abs(together.encoded.data[T * d + i] - single.encoded.data[i]));
  return { worst, lengths: Array.from(together.encodedLengths.data) };
}

const shared = { inputSize: D, ...SMALL_BLOCKS, inputLayer: 'linear' } as const;

describe('padded frames', () => {
  const cases: [string, (zero: boolean) => BranchformerEncoder | EBranchformerEncoder][] = [
    [
      'Branchformer learned_ave',
      (zero) =>
        new BranchformerEncoder(
          { ...shared, mergeMethod: 'learned_ave', zeroPaddingBeforeConv: zero },
          { rng: new Rng(1) },
        ),
    ],
    [
      'E-Branchformer',
      (zero) =>
        new EBranchformerEncoder(
          { ...shared, ...SMALL_E_BRANCHFORMER, zeroPaddingBeforeConv: zero },
          { rng: new Rng(2) },
        ),
    ],
  ];

  it.each(cases)('%s: zeroPaddingBeforeConv makes valid frames independent of padding', async (_, make) => {
    for (const backend of ['tfjs', 'onnx'] as const) {
      const zeroed = await batchVsAlone(make(true), backend);
      expect(zeroed.lengths).toEqual([T, L]);
      expect(zeroed.worst).toBeLessThan(1e-4);
      // ESPnet's own behaviour: the depthwise convs see the padding next to the last valid frames.
      expect((await batchVsAlone(make(false), backend)).worst).toBeGreaterThan(1e-3);
    }
  });
});

describe('ESPnet importers', () => {
  it('load an encoder state dict without the `encoder.` prefix and reproduce the model', async () => {
    const config: BranchformerConfig = { ...shared, mergeMethod: 'fixed_ave', cgmlpWeight: [0.25, 1] };
    const model = new BranchformerEncoder(config, { rng: new Rng(3) });
    // cgmlp_weight 1 drops the attention branch of block 1, as ESPnet does; merge_proj stays.
    const names = [...stateDict(model).keys()];
    expect(names).toContain('encoders.0.attn.pos_bias_u');
    expect(names.some((n) => n.startsWith('encoders.1.attn.'))).toBe(false);
    expect(names).toContain('encoders.1.merge_proj.weight');
    expect(names).toContain('encoders.1.cgmlp.csgu.norm.weight');
    const copy = loadEspnetBranchformer(saveSafetensors(model), config);
    const inputs = batch(new Rng(4));
    const a = await infer(model, { features: inputs.features, lengths: inputs.lengths });
    const b = await infer(copy, { features: inputs.features, lengths: inputs.lengths });
    expect(Array.from(b.encoded.data)).toEqual(Array.from(a.encoded.data));
  });

  it('names E-Branchformer parameters as ESPnet does', () => {
    const config: EBranchformerConfig = {
      ...shared,
      inputLayer: 'conv2d',
      inputSize: 20,
      useFfn: true,
      macaronFfn: true,
      linearUnits: 12,
    };
    const names = [...stateDict(new EBranchformerEncoder(config)).keys()];
    for (const n of [
      'embed.conv.0.weight',
      'embed.conv.2.bias',
      'embed.out.0.weight',
      'encoders.0.feed_forward_macaron.w_1.weight',
      'encoders.0.norm_ff_macaron.weight',
      'encoders.1.feed_forward.w_2.bias',
      'encoders.1.attn.linear_pos.weight',
      'encoders.1.cgmlp.channel_proj1.0.weight',
      'encoders.1.cgmlp.csgu.conv.weight',
      'encoders.1.cgmlp.channel_proj2.weight',
      'encoders.1.depthwise_conv_fusion.weight',
      'encoders.1.merge_proj.weight',
      'after_norm.weight',
    ])
      expect(names).toContain(n);
    expect(names).not.toContain('encoders.0.attn.linear_pos.bias');
    expect(() =>
      loadEspnetEBranchformer(saveSafetensors(new EBranchformerEncoder(config)), {
        ...config,
        macaronFfn: false,
      }),
    ).toThrow(
      /loadEspnetEBranchformer: checkpoint does not match config .*Unexpected .*encoders\.0\.feed_forward_macaron\.w_1\.weight/,
    );
  });
});
