import { checkParity, compareOutputs } from '@seqzoo/core/testing';
import { describe, expect, it } from 'vitest';
import { expectedOf, FIXTURES, inputsOf, loadFixtureModel } from './test-helpers.js';

// Fixtures come from tools/branchformer_fixtures.py: a PyTorch model written from ESPnet's equations
// with ESPnet's parameter names (eval mode), covering concat / learned_ave / fixed_ave merges, rel-pos
// and plain attention, conv2d / conv2d6 / conv2d8 / linear input layers, gates identity / tanh /
// swish with and without the linear after the conv, E-Branchformer with and without macaron FFNs, and
// rel_pos_type 'legacy' (max_len 5000, and a max_len shorter than T that ESPnet rebuilds the table for).
// ESPnet leaves padded frames unzeroed, so they hold deterministic values too: all frames compare.
describe('ESPnet Branchformer / E-Branchformer fixtures', () => {
  it.each(FIXTURES)(
    '%s: tfjs and onnx agree and both match the PyTorch reference to rel 1e-4',
    async (name) => {
      const { record, model } = loadFixtureModel(name);
      const { tfjs, onnx, worst } = await checkParity(model, inputsOf(record), { rtol: 1e-4, atol: 1e-5 });
      expect(worst).toBeLessThanOrEqual(1);
      for (const [backend, out] of [
        ['tfjs', tfjs],
        ['onnx', onnx],
      ] as const) {
        const { worst: vsTorch, where } = compareOutputs(out, expectedOf(record), 1e-4, 1e-5);
        expect(vsTorch, `${backend}: ${where}`).toBeLessThanOrEqual(1);
      }
    },
  );
});
