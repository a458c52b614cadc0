import { describe, expect, it } from 'vitest';
import {
  BatchNorm,
  Conv1d,
  LayerNorm,
  Linear,
  loadStateDict,
  Module,
  manualSeed,
  Sequential,
  stateDict,
  type Tensor,
} from '../index.js';

class Block extends Module {
  proj = new Linear(4, 3);
  norm = new LayerNorm(3);
  layers = [new Linear(3, 3), new Linear(3, 3, { bias: false })];
  bn = new BatchNorm(3);
  forward(x: Tensor): Tensor {
    return this.norm.forward(this.proj.forward(x));
  }
}

describe('Module', () => {
  it('names parameters by field path, PyTorch style', () => {
    const names = new Block().namedParameters().map(([n]) => n);
    expect(names).toEqual([
      'proj.weight',
      'proj.bias',
      'norm.weight',
      'norm.bias',
      'layers.0.weight',
      'layers.0.bias',
      'layers.1.weight',
      'bn.weight',
      'bn.bias',
      'bn.running_mean',
      'bn.running_var',
      'bn.num_batches_tracked',
    ]);
    const seq = new Sequential(new Linear(2, 2), new Conv1d(2, 2, 3));
    expect(seq.namedParameters().map(([n]) => n)).toEqual(['0.weight', '0.bias', '1.weight', '1.bias']);
  });

  it('counts trainable parameters only', () => {
    // proj 4*3+3, norm 3+3, layers 9+3 and 9, bn affine 3+3 (running stats are buffers)
    expect(new Block().parameterCount()).toBe(15 + 6 + 12 + 9 + 6);
  });

  it('initialises deterministically from a seed', () => {
    manualSeed(123);
    const a = new Linear(5, 5).weight.data;
    manualSeed(123);
    const b = new Linear(5, 5).weight.data;
    expect(Array.from(a)).toEqual(Array.from(b));
    manualSeed(124);
    expect(Array.from(new Linear(5, 5).weight.data)).not.toEqual(Array.from(a));
  });

  it('switches train/eval recursively', () => {
    const m = new Block().train();
    expect(m.layers[1].training && m.bn.training).toBe(true);
    m.eval();
    expect(m.layers[1].training || m.bn.training).toBe(false);
  });
});

describe('stateDict / loadStateDict', () => {
  it('round-trips', () => {
    const a = new Block();
    const b = new Block();
    loadStateDict(b, stateDict(a));
    expect(Array.from(b.proj.weight.data)).toEqual(Array.from(a.proj.weight.data));
  });

  it('reports missing, unexpected and mis-shaped keys together', () => {
    const state = stateDict(new Block());
    state.delete('proj.bias');
    state.delete('norm.weight');
    state.set('proj.extra', { data: new Float32Array(1), shape: [1] });
    state.set('layers.0.weight', { data: new Float32Array(9), shape: [9, 1] });
    expect(() => loadStateDict(new Block(), state)).toThrowError(
      'loadStateDict: Expected shape [3, 3] but received [9, 1] for layers.0.weight; Missing 2 parameters: proj.bias, norm.weight; Unexpected 1 parameters: proj.extra',
    );
  });

  it('non-strict loading skips absent keys but still refuses wrong shapes', () => {
    const state = stateDict(new Block());
    state.delete('proj.bias');
    state.set('junk', { data: new Float32Array(1), shape: [1] });
    expect(loadStateDict(new Block(), state, { strict: false })).toEqual({
      missing: ['proj.bias'],
      unexpected: ['junk'],
    });
    state.set('proj.weight', { data: new Float32Array(12), shape: [4, 3] });
    expect(() => loadStateDict(new Block(), state, { strict: false })).toThrowError(
      'Expected shape [3, 4] but received [4, 3] for proj.weight',
    );
  });

  it('refuses data whose length does not match its shape', () => {
    const state = stateDict(new Block());
    state.set('proj.bias', { data: new Float32Array(2), shape: [3] });
    expect(() => loadStateDict(new Block(), state)).toThrowError(
      'Expected 3 values but received 2 for proj.bias',
    );
  });
});
