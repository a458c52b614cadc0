import { infer } from '@seqzoo/core';
import { checkParity, compareOutputs } from '@seqzoo/core/testing';
import { describe, expect, it } from 'vitest';
import { expectedOf, FIXTURES, inputsOf, loadFixtureModel } from './test-helpers.js';

// Fixtures come from tools/branchformer_fixtures.py: a PyTorch model written from ESPnet's equations
// with ESPnet's parameter names (eval mode), covering concat / learned_ave / fixed_ave merges, rel-pos
// and plain attention, conv2d / conv2d6 / conv2d8 / linear input layers, gates identity / tanh /
// swish with and without the linear after the conv, and E-Branchformer with and without macaron FFNs.
// ESPnet leaves padded frames unzeroed, so they hold deterministic values too: all frames compare.
describe.each(FIXTURES)('ESPnet fixture %s', (name) => {
  const { record, model } = loadFixtureModel(name);

  it.each(['tfjs', 'onnx'] as const)('matches the PyTorch reference to rel 1e-4 on %s', async (backend) => {
    const out = await infer(model, inputsOf(record), { backend });
    const { worst, where } = compareOutputs(out, expectedOf(record), 1e-4, 1e-5);
    expect(worst, where).toBeLessThanOrEqual(1);
  });

  it('agrees between tfjs and onnx', async () => {
    const { worst } = await checkParity(model, inputsOf(record), { rtol: 1e-4, atol: 1e-5 });
    expect(worst).toBeLessThanOrEqual(1);
  });
});
