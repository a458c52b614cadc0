import { Rng, stateDict } from '@seqzoo/core';
import { checkParity, randomData } from '@seqzoo/core/testing';
import { describe, expect, it } from 'vitest';
import { CtcModel } from '../ctc-head/ctc-model.js';
import { EBranchformerEncoder } from './model.js';

describe('E-Branchformer with CTC heads', () => {
  it('runs an OWSM-CTC-shaped model (abs_pos MHSA, conv2d8, self-conditioned inter-CTC) alike on tfjs and onnx', async () => {
    const rng = new Rng(11);
    const encoder = new EBranchformerEncoder(
      {
        inputSize: 20,
        outputSize: 16,
        attentionHeads: 2,
        attentionLayerType: 'selfattn',
        posEncLayerType: 'abs_pos',
        cgmlpLinearUnits: 32,
        cgmlpConvKernel: 7,
        numBlocks: 3,
        inputLayer: 'conv2d8',
        useFfn: true,
        macaronFfn: true,
        linearUnits: 24,
        mergeConvKernel: 5,
      },
      { rng },
    );
    const model = new CtcModel(encoder, {
      vocabSize: 7,
      interCtcLayers: [1, 2],
      selfConditioning: true,
      rng,
    });
    const names = [...stateDict(model).keys()];
    expect(names).toContain('encoder.encoders.2.depthwise_conv_fusion.weight');
    expect(names).toContain('ctc.ctc_lo.weight');
    const inputs = {
      features: randomData(rng, [2, 40, 20]),
      lengths: { data: Int32Array.from([40, 20]), dims: [2] },
    };
    const { tfjs, worst } = await checkParity(model, inputs, { rtol: 1e-4, atol: 1e-5 });
    expect(worst).toBeLessThanOrEqual(1);
    expect(tfjs.logProbs.dims).toEqual([2, 4, 7]);
    expect(Array.from(tfjs.logProbsLengths.data)).toEqual([4, 3]);
    expect(Object.keys(tfjs)).toEqual(expect.arrayContaining(['interLogProbs1', 'interLogProbs2']));
  });
});
