import { infer, type Linear, ops, Rng, type TensorData } from '@seqzoo/core';
import { checkParity, compareOutputs, Lambda, randomData } from '@seqzoo/core/testing';
import { describe, expect, it } from 'vitest';
import { Conformer } from '../conformer/model.js';
import { WhisperEncoder } from '../whisper/model.js';
import { CtcHead } from './ctc-head.js';
import { CtcModel } from './ctc-model.js';

const conformer = (seed: number) =>
  new Conformer(
    { inputDim: 12, numHeads: 3, ffnDim: 24, numLayers: 3, depthwiseConvKernelSize: 5 },
    { rng: new Rng(seed) },
  );
const whisper = (seed: number) =>
  new WhisperEncoder(
    { nMels: 6, dModel: 8, numHeads: 2, numLayers: 3, ffnDim: 16, maxSourcePositions: 10 },
    { rng: new Rng(seed) },
  );

function conformerInputs(seed: number): Record<string, TensorData> {
  return {
    features: randomData(new Rng(seed), [2, 9, 12]),
    lengths: { data: Int32Array.from([9, 6]), dims: [2] },
  };
}

describe('CtcModel', () => {
  it('runs a Conformer with self-conditioned intermediate CTC identically on tfjs and onnx', async () => {
    const model = new CtcModel(conformer(1), {
      vocabSize: 7,
      interCtcLayers: [1, 2],
      selfConditioning: true,
      rng: new Rng(2),
    });
    expect(model.outputNames).toEqual(['logProbs', 'logProbsLengths', 'interLogProbs1', 'interLogProbs2']);
    const { tfjs } = await checkParity(model, conformerInputs(3), { rtol: 1e-4, atol: 1e-5 });
    expect(tfjs.logProbs.dims).toEqual([2, 9, 7]);
    expect(Array.from(tfjs.logProbsLengths.data)).toEqual([9, 6]);
  });

  it('runs a Whisper encoder with the head on an intermediate layer identically on tfjs and onnx', async () => {
    const model = new CtcModel(whisper(4), { vocabSize: 5, blank: 4, headLayer: 2, interCtcLayers: [1] });
    const inputs = {
      features: randomData(new Rng(5), [2, 6, 15]),
      lengths: { data: Int32Array.from([15, 8]), dims: [2] },
    };
    const { tfjs } = await checkParity(model, inputs, { rtol: 1e-4, atol: 1e-5 });
    expect(tfjs.logProbs.dims).toEqual([2, 8, 5]);
    expect(Array.from(tfjs.logProbsLengths.data)).toEqual([8, 4]);
  });

  it('adds conditioning_layer(softmax(ctc_lo(x))) to the residual stream after each intermediate layer', async () => {
    const enc = conformer(6);
    const model = new CtcModel(enc, {
      vocabSize: 7,
      interCtcLayers: [2],
      selfConditioning: true,
      rng: new Rng(7),
    });
    const head = model.ctc;
    const cond = model.conditioning_layer as Linear;
    // The same computation written out by hand from the encoder's layers.
    const manual = new Lambda(
      (features, lengths) => {
        const s = enc.begin(features, lengths);
        let x = enc.layer(1, enc.layer(0, s.x, s.context), s.context);
        const inter = head.forward(x);
        x = enc.layer(2, ops.add(x, cond.forward(head.posteriors(x))), s.context);
        return { logProbs: head.forward(enc.end(x)), logProbsLengths: s.lengths, interLogProbs2: inter };
      },
      ['features', 'lengths'],
      ['logProbs', 'logProbsLengths', 'interLogProbs2'],
    );
    const inputs = conformerInputs(8);
    for (const backend of ['tfjs', 'onnx'] as const) {
      const got = await infer(model, inputs, { backend });
      const want = await infer(manual, inputs, { backend });
      expect(compareOutputs(got, want, 1e-6, 1e-6).worst).toBeLessThanOrEqual(1);
    }
    // Without conditioning the final posteriors differ, while the intermediate ones cannot.
    const plain = new CtcModel(enc, { vocabSize: 7, interCtcLayers: [2] });
    plain.ctc = head;
    const a = await infer(model, inputs);
    const b = await infer(plain, inputs);
    expect(compareOutputs(a, b, 1e-3, 1e-3).worst).toBeGreaterThan(1);
    expect(
      compareOutputs({ x: a.interLogProbs2 }, { x: b.interLogProbs2 }, 1e-6, 1e-6).worst,
    ).toBeLessThanOrEqual(1);
  });

  it('transcribes through greedy decoding on both backends', async () => {
    const model = new CtcModel(conformer(9), { vocabSize: 4 });
    const inputs = conformerInputs(10);
    const vocabulary = ['_', 'a', 'b', 'c'];
    const tfjs = await model.transcribe(inputs.features, [9, 6], { vocabulary });
    const onnx = await model.transcribe(inputs.features, [9, 6], { backend: 'onnx', vocabulary });
    const out = await infer(model, inputs);
    // Best path by hand: per-frame argmax over the valid frames, repeats collapsed, blanks dropped.
    const expected = [9, 6].map((n, b) => {
      const ids: number[] = [];
      let prev = -1;
      for (let t = 0; t < n; t++) {
        const row = Array.from(out.logProbs.data.subarray((b * 9 + t) * 4, (b * 9 + t + 1) * 4));
        const best = row.indexOf(Math.max(...row));
        if (best !== prev && best !== 0) ids.push(best);
        prev = best;
      }
      return ids;
    });
    expect(tfjs.tokens.map((t) => Array.from(t))).toEqual(expected);
    expect(expected.flat().length).toBeGreaterThan(0);
    expect(onnx.tokens).toEqual(tfjs.tokens);
    expect(tfjs.text).toEqual(tfjs.tokens.map((t) => Array.from(t, (i) => vocabulary[i]).join('')));
    await expect(model.transcribe(inputs.features, [9, 10])).rejects.toThrow(
      'CtcModel.transcribe: lengths[1] = 10 is outside [1, 9] (features [2, 9, 12])',
    );
    await expect(model.transcribe(inputs.features, [9])).rejects.toThrow(
      "CtcModel.transcribe: 'lengths' has 1 entries but 'features' [2, 9, 12] has batch 2",
    );
    await expect(model.transcribe(inputs.features, undefined, { vocabulary: ['a'] })).rejects.toThrow(
      'vocabulary has 1 entries but the head has 4 classes',
    );
  });

  it('transcribes [B, nMels, T] Whisper features, reading the time axis from the encoder', async () => {
    const model = new CtcModel(whisper(12), { vocabSize: 5, blank: 4 });
    const features = randomData(new Rng(13), [2, 6, 15]);
    const got = await model.transcribe(features, [15, 8], { backend: 'onnx' });
    expect(got.hypotheses[1].endFrames.every((t) => t <= 4)).toBe(true); // 8 mel frames → 4 encoder frames
    await expect(model.transcribe(features, [16, 8])).rejects.toThrow(
      'CtcModel.transcribe: lengths[0] = 16 is outside [1, 15] (features [2, 6, 15])',
    );
  });

  it('rejects inconsistent options', () => {
    const enc = conformer(11);
    expect(() => new CtcModel(enc, { vocabSize: 5, interCtcLayers: [3] })).toThrow(
      'CtcModel: interCtcLayers entry 3 must be a layer in 1..2 (before the head at layer 3)',
    );
    expect(() => new CtcModel(enc, { vocabSize: 5, headLayer: 4 })).toThrow(
      'CtcModel: headLayer 4 must be a layer in 1..3',
    );
    expect(() => new CtcModel(enc, { vocabSize: 5, selfConditioning: true })).toThrow(
      'CtcModel: selfConditioning needs at least one interCtcLayers entry',
    );
    expect(() => new CtcModel(enc, { vocabSize: 5, blank: 5 })).toThrow(
      'CtcModel: blank 5 is outside the 5 classes',
    );
    expect(() => new CtcHead(4, 1)).toThrow('CtcHead: vocabSize must be an integer ≥ 2');
  });
});
