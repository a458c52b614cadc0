import { stateDict } from '@seqzoo/core';
import { describe, expect, it } from 'vitest';
import { branchformerConfigFromEspnet, eBranchformerConfigFromEspnet } from './espnet-config.js';
import { BranchformerEncoder, EBranchformerEncoder } from './model.js';

// encoder_conf of egs2/librispeech_100/asr1/conf/tuning/train_asr_e_branchformer_size256_mlp1024_linear1024_e12_mactrue_edrop0.0_ddrop0.0.yaml
const ebf256 = {
  output_size: 256,
  attention_heads: 4,
  attention_layer_type: 'rel_selfattn',
  pos_enc_layer_type: 'rel_pos',
  rel_pos_type: 'latest',
  cgmlp_linear_units: 1024,
  cgmlp_conv_kernel: 31,
  use_linear_after_conv: false,
  gate_activation: 'identity',
  num_blocks: 12,
  dropout_rate: 0.1,
  positional_dropout_rate: 0.1,
  attention_dropout_rate: 0.1,
  input_layer: 'conv2d',
  layer_drop_rate: 0.0,
  linear_units: 1024,
  positionwise_layer_type: 'linear',
  use_ffn: true,
  macaron_ffn: true,
  merge_conv_kernel: 31,
};

describe('ESPnet encoder_conf conversion', () => {
  it('maps the LibriSpeech-100 E-Branchformer recipe', () => {
    const config = eBranchformerConfigFromEspnet(ebf256, 80);
    expect(config).toMatchObject({
      inputSize: 80,
      outputSize: 256,
      linearUnits: 1024,
      macaronFfn: true,
      mergeConvKernel: 31,
    });
    const model = new EBranchformerEncoder(config);
    const shapes = stateDict(model);
    expect(shapes.get('encoders.11.depthwise_conv_fusion.weight')?.shape).toEqual([512, 1, 31]);
    expect(shapes.get('embed.out.0.weight')?.shape).toEqual([256, 256 * 19]);
  });

  it('maps a Branchformer recipe and rejects what it cannot honour', () => {
    const conf = {
      output_size: 8,
      attention_heads: 2,
      cgmlp_linear_units: 16,
      num_blocks: 2,
      merge_method: 'learned_ave',
    };
    const model = new BranchformerEncoder(branchformerConfigFromEspnet(conf, 12));
    expect(stateDict(model).has('encoders.1.pooling_proj2.weight')).toBe(true);
    expect(() => branchformerConfigFromEspnet({ ...conf, use_ffn: true }, 12)).toThrow(
      "branchformerConfigFromEspnet: unknown encoder_conf key 'use_ffn'",
    );
    expect(() => eBranchformerConfigFromEspnet({ ...ebf256, ffn_activation_type: 'relu' }, 80)).toThrow(
      "eBranchformerConfigFromEspnet: encoder_conf.ffn_activation_type 'relu' is not supported (only 'swish')",
    );
    expect(() => eBranchformerConfigFromEspnet({ ...ebf256, zero_triu: true }, 80)).toThrow(
      'eBranchformerConfigFromEspnet: encoder_conf.zero_triu: true is not supported',
    );
  });
});
