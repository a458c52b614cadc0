import { describe, expect, it } from 'vitest';
import { Conv1d, infer, Linear, MultiHeadAttention, ops, Sequential, TransformerEncoder } from './index.js';
import { Lambda, Rng, randomData } from './testing.js';

const rng = new Rng(3);

describe('bad input gets a clear error', () => {
  it('names the module, argument and both shapes', async () => {
    await expect(infer(new Linear(4, 2), { input: randomData(rng, [2, 3]) })).rejects.toThrowError(
      "Linear(4→2): argument 'input' expected shape [..., 4] but received [2, 3]",
    );
    await expect(
      infer(new Conv1d(3, 2, 3), { input: randomData(rng, [1, 4, 8]) }, { backend: 'onnx' }),
    ).rejects.toThrowError("Conv1d: argument 'input' expected shape [*, 3, *] but received [batch, 4, time]");
    await expect(
      infer(new MultiHeadAttention(8, 2), { input: randomData(rng, [1, 3, 6]) }),
    ).rejects.toThrowError(
      "MultiHeadAttention(8, 2): argument 'query' expected shape [*, *, 8] but received [1, 3, 6]",
    );
  });

  it('names the dotted path of a nested module', async () => {
    const net = new Sequential(new Linear(4, 3), new Linear(4, 2));
    await expect(infer(net, { input: randomData(rng, [2, 4]) })).rejects.toThrowError(
      "Linear(4→2) at '1': argument 'input' expected shape [..., 4] but received [2, 3]",
    );
    const enc = new TransformerEncoder({ dModel: 4, numHeads: 1, numLayers: 1 });
    await expect(
      infer(enc, { x: randomData(rng, [1, 2, 5]), lengths: { data: new Int32Array([2]), dims: [1] } }),
    ).rejects.toThrowError(
      "TransformerEncoder: argument 'x' expected shape [*, *, 4] but received [1, 2, 5]",
    );
  });

  it('lists missing and unexpected inputs by name', async () => {
    const enc = new TransformerEncoder({ dModel: 4, numHeads: 1, numLayers: 1 });
    await expect(infer(enc, { features: randomData(rng, [1, 2, 4]) })).rejects.toThrowError(
      "infer: missing inputs 'x', 'lengths'; unexpected input 'features' (module TransformerEncoder takes x, lengths)",
    );
  });

  it('checks plain-data records', async () => {
    await expect(
      infer(new Linear(4, 2), { input: { data: new Float32Array(7), dims: [2, 4] } }),
    ).rejects.toThrowError("infer: input 'input' has 7 values but dims [2, 4] need 8");
    await expect(
      infer(new Linear(4, 2), { input: { data: [1, 2] as unknown as Float32Array, dims: [2] } }),
    ).rejects.toThrowError(
      "infer: input 'input' must be { data: Float32Array | Int32Array | Uint8Array, dims }",
    );
    await expect(
      infer(new Linear(4, 2), { input: randomData(rng, [1, 4]) }, { backend: 'gpu' as 'onnx' }),
    ).rejects.toThrowError("infer: unknown backend 'gpu'");
  });

  it('op errors name the op and shapes', async () => {
    const run = (fn: Lambda['forward'], dims: number[][], dtype: 'float32' | 'int32' = 'float32') => {
      const names = dims.map((_, i) => `x${i}`);
      const inputs = Object.fromEntries(
        dims.map((d, i) => [
          names[i],
          dtype === 'float32'
            ? randomData(rng, d)
            : { data: new Int32Array(d.reduce((a, b) => a * b, 1)), dims: d },
        ]),
      );
      return infer(new Lambda(fn, names), inputs);
    };
    await expect(run((a, b) => ops.add(a, b), [[2, 3], [4]])).rejects.toThrowError(
      'add: shapes [2, 3] and [4] cannot be broadcast together',
    );
    await expect(
      run(
        (a, b) => ops.matmul(a, b),
        [
          [2, 3],
          [4, 5],
        ],
      ),
    ).rejects.toThrowError('matmul: inner dimensions differ: [2, 3] @ [4, 5] (3 vs 4)');
    await expect(run((a) => ops.reshape(a, [5, -1]), [[2, 3]])).rejects.toThrowError(
      'reshape: cannot reshape [2, 3] (6 values) into [5, -1]',
    );
    await expect(run((a) => ops.slice(a, 1, 0, 9), [[2, 3]])).rejects.toThrowError(
      'slice: range [0, 9) is out of bounds for axis 1 of [2, 3]',
    );
    await expect(run((a) => ops.transpose(a, [0, 0]), [[2, 3]])).rejects.toThrowError(
      'transpose: perm [0,0] is not a permutation of the 2 axes of [2, 3]',
    );
    await expect(run((a) => ops.softmax(a, 3), [[2, 3]])).rejects.toThrowError(
      'softmax: axis 3 is out of range for a tensor of rank 2',
    );
    await expect(run((a) => ops.exp(a), [[2]], 'int32')).rejects.toThrowError(
      'exp: expected a float32 tensor but received int32 [2]',
    );
    await expect(run((a) => ops.div(a, a), [[2]], 'int32')).rejects.toThrowError(
      'div: integer division is ambiguous',
    );
    await expect(
      run(
        (a, w) => ops.conv1d(a, w),
        [
          [1, 3, 8],
          [2, 4, 3],
        ],
      ),
    ).rejects.toThrowError(
      'conv1d: input channels of [1, 3, 8] (3) must equal weight [2, 4, 3] in-channels × groups (4 × 1)',
    );
    await expect(
      run(
        (a, w) => ops.conv1d(a, w),
        [
          [1, 3, 2],
          [2, 3, 5],
        ],
      ),
    ).rejects.toThrowError('conv1d: input [1, 3, 2] is too short for kernel 5');
    await expect(run((a) => ops.pad(a, [[3, 0]], 'reflect'), [[2, 3]])).rejects.toThrowError(
      'pad: reflect padding (3, 0) must be smaller than axis 1 of [2, 3]',
    );
    await expect(run((a) => ops.where(a, a, a), [[2]])).rejects.toThrowError(
      "where: 'cond' must be bool but is float32 [2]",
    );
  });

  it('training-only features say they are not supported on ONNX', async () => {
    const drop = new Lambda((x) => ops.dropout(x, 0.5, true), ['x']);
    await expect(infer(drop, { x: randomData(rng, [2, 2]) }, { backend: 'onnx' })).rejects.toThrowError(
      'Training-mode dropout (call module.eval() before exporting) is not supported on the onnx backend',
    );
  });
});
