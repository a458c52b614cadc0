import { infer } from '@seqzoo/core';
import { describe, expect, it } from 'vitest';
import { f32, loadFixture, worstRatio } from './test-helpers.js';
import { loadNemoFastConformer } from './weights.js';

describe('FastConformer vs the NeMo-semantics torch reference', () => {
  for (const name of ['offline', 'streaming']) {
    const { fixture, bytes, config } = loadFixture(name);
    const model = loadNemoFastConformer(bytes, config);
    const features = f32(fixture.input);
    const lengths = { data: Int32Array.from(fixture.lengths), dims: [fixture.lengths.length] };

    it(`${name}: dw_striding subsampling and lengths`, async () => {
      const out = await infer(model.pre_encode, { features, lengths });
      expect(worstRatio(out.encoded, fixture.preEncode, 1e-4, 1e-4)).toBeLessThanOrEqual(1);
      expect([...out.encodedLengths.data]).toEqual(fixture.preEncode.lengths);
    });

    for (const c of fixture.cases) {
      for (const backend of ['tfjs', 'onnx'] as const) {
        it(`${name}: attContextSize [${c.attContextSize}] on ${backend}`, async () => {
          const out = await infer(model.withAttContext(c.attContextSize), { features, lengths }, { backend });
          expect(worstRatio(out.encoded, c, 1e-4, 1e-4)).toBeLessThanOrEqual(1);
          expect([...out.encodedLengths.data]).toEqual(c.lengths);
        });
      }
    }
  }
});
