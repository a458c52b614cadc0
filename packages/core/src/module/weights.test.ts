import { describe, expect, it } from 'vitest';
import {
  BatchNorm,
  Linear,
  loadSafetensors,
  Module,
  readSafetensors,
  saveSafetensors,
  type Tensor,
  writeSafetensors,
} from '../index.js';

class Net extends Module {
  fc = new Linear(3, 2);
  bn = new BatchNorm(2);
  forward(x: Tensor): Tensor {
    return this.fc.forward(x);
  }
}

describe('safetensors checkpoints', () => {
  it('save → load round-trips every parameter and buffer', () => {
    const a = new Net();
    a.bn.running_var.set(new Float32Array([2, 3]));
    const bytes = saveSafetensors(a, { format: 'pt' });
    expect(readSafetensors(bytes).metadata).toEqual({ format: 'pt' });
    const b = new Net();
    loadSafetensors(b, bytes);
    expect(Array.from(b.fc.weight.data)).toEqual(Array.from(a.fc.weight.data));
    expect(Array.from(b.bn.running_var.data)).toEqual([2, 3]);
  });

  it('converts PyTorch dtypes (I64 num_batches_tracked, F16 weights) and renames keys', () => {
    const net = new Net();
    const f16 = new Uint16Array([0x3c00, 0x4000, 0xc000, 0x3800, 0, 0x3c00]); // 1, 2, -2, 0.5, 0, 1
    const file = writeSafetensors({
      'model.fc.weight': { dtype: 'F16', shape: [2, 3], data: f16 },
      'model.fc.bias': { dtype: 'F32', shape: [2], data: new Float32Array([1, 2]) },
      'model.bn.weight': { dtype: 'F32', shape: [2], data: new Float32Array([1, 1]) },
      'model.bn.bias': { dtype: 'F32', shape: [2], data: new Float32Array([0, 0]) },
      'model.bn.running_mean': { dtype: 'F32', shape: [2], data: new Float32Array([0, 0]) },
      'model.bn.running_var': { dtype: 'F32', shape: [2], data: new Float32Array([1, 1]) },
      'model.bn.num_batches_tracked': { dtype: 'I64', shape: [], data: new BigInt64Array([7n]) },
      'decoder.junk': { dtype: 'F32', shape: [1], data: new Float32Array([0]) },
    });
    loadSafetensors(net, file, { rename: (k) => (k.startsWith('model.') ? k.slice(6) : undefined) });
    expect(Array.from(net.fc.weight.data)).toEqual([1, 2, -2, 0.5, 0, 1]);
    expect(net.bn.num_batches_tracked.data[0]).toBe(7);
  });

  it('strict loading names what does not fit', () => {
    const file = writeSafetensors({
      'fc.weight': { dtype: 'F32', shape: [3, 2], data: new Float32Array(6) },
    });
    expect(() => loadSafetensors(new Net(), file)).toThrowError(
      /Expected shape \[2, 3\] but received \[3, 2\] for fc.weight; Missing 6 parameters: fc.bias, bn.weight/,
    );
  });
});
