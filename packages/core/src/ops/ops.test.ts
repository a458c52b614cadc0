import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import type { Tensor, TensorData } from '../index.js';
import { fromTf, ops, tfjsBackend } from '../index.js';
import { checkParity, Lambda, Rng, randomData, randomInts } from '../testing.js';

/**
 * Every op runs on tfjs (wasm) and ONNX Runtime with the same seeded inputs and must agree to
 * rel. 1e-4. Each case is a function of named inputs.
 */
type Case = [name: string, fn: (...xs: Tensor[]) => Tensor | Tensor[], inputs: Record<string, TensorData>];

const rng = new Rng(42);
const x234 = () => randomData(rng, [2, 3, 4]);
const pos234 = () => randomData(rng, [2, 3, 4], 0.1, 2);

const unary: Case[] = (
  ['neg', 'exp', 'abs', 'tanh', 'sigmoid', 'erf', 'sin', 'cos', 'relu', 'floor', 'ceil', 'softplus'] as const
).map((op) => [op, (x) => ops[op](x), { x: x234() }]);
unary.push(['log', (x) => ops.log(x), { x: pos234() }]);
unary.push(['sqrt', (x) => ops.sqrt(x), { x: pos234() }]);
unary.push(['reciprocal', (x) => ops.reciprocal(x), { x: pos234() }]);
unary.push(['rsqrt', (x) => ops.rsqrt(x), { x: pos234() }]);

const binary: Case[] = (['add', 'sub', 'mul', 'div', 'maximum', 'minimum'] as const).map((op) => [
  `${op} (broadcast [2,3,4] with [3,1])`,
  (a, b) => ops[op](a, b),
  { a: x234(), b: randomData(rng, [3, 1], 0.5, 1.5) },
]);
binary.push(['pow', (a, b) => ops.pow(a, b), { a: pos234(), b: randomData(rng, [4]) }]);
binary.push(['scalar operands', (a) => ops.add(ops.mul(a, 2.5), -1), { a: x234() }]);
for (const op of ['equal', 'less', 'greater', 'lessEqual', 'greaterEqual'] as const) {
  binary.push([
    op,
    (a, b) => ops[op](ops.floor(a), ops.floor(b)),
    { a: randomData(rng, [3, 4], -2, 2), b: randomData(rng, [4], -2, 2) },
  ]);
}
binary.push([
  'logical and/or/not',
  (a, b) => [
    ops.logicalAnd(ops.greater(a, 0), ops.less(b, 0)),
    ops.logicalOr(ops.greater(a, 0), ops.logicalNot(ops.less(b, 0))),
  ],
  { a: x234(), b: x234() },
]);
binary.push([
  'where',
  (c, a, b) => ops.where(ops.greater(c, 0), a, b),
  { c: x234(), a: x234(), b: randomData(rng, [4]) },
]);
binary.push([
  'cast float→int32→float',
  (a) => ops.cast(ops.cast(ops.mul(a, 10), 'int32'), 'float32'),
  { a: x234() },
]);
binary.push([
  'int32 arithmetic',
  (a, b) => ops.add(ops.mul(a, b), 3),
  { a: randomInts(rng, [5], -9, 9), b: randomInts(rng, [5], -9, 9) },
]);

const linalg: Case[] = [
  ['matmul [2,3,4]@[4,5]', (a, b) => ops.matmul(a, b), { a: x234(), b: randomData(rng, [4, 5]) }],
  // Large enough for the tfjs-wasm backend to split the batched product into 2-D ones.
  [
    'matmul large batched [2,1,200,80]@[3,80,100]',
    (a, b) => ops.matmul(a, b),
    { a: randomData(rng, [2, 1, 200, 80]), b: randomData(rng, [3, 80, 100]) },
  ],
  [
    'matmul broadcast [2,1,3,4]@[3,4,5]',
    (a, b) => ops.matmul(a, b),
    { a: randomData(rng, [2, 1, 3, 4]), b: randomData(rng, [3, 4, 5]) },
  ],
];

const reductions: Case[] = [];
for (const op of ['sum', 'mean', 'max', 'min'] as const) {
  reductions.push([`${op} axis 1`, (a) => ops[op](a, 1), { a: x234() }]);
  reductions.push([`${op} axes [0,2] keepDims`, (a) => ops[op](a, [0, 2], true), { a: x234() }]);
  reductions.push([`${op} all`, (a) => ops[op](a), { a: x234() }]);
}
reductions.push(['argMax', (a) => [ops.argMax(a, -1), ops.argMax(a, 1, true)], { a: x234() }]);

const shapes: Case[] = [
  ['reshape with -1', (a) => ops.reshape(a, [ops.sizeOf(a, 0), -1]), { a: x234() }],
  ['transpose', (a) => ops.transpose(a, [2, 0, 1]), { a: x234() }],
  [
    'swapAxes/unsqueeze/squeeze',
    (a) => ops.squeeze(ops.unsqueeze(ops.swapAxes(a, 1, 2), 1), 1),
    { a: x234() },
  ],
  [
    'slice',
    (a) => [ops.slice(a, 2, 1, 3), ops.slice(a, 1, -2), ops.slice(a, 2, 0, 4, 2), ops.slice(a, 1, 1, 3, 2)],
    { a: x234() },
  ],
  [
    'slice on the dynamic time axis',
    (a) => ops.slice(a, 1, 1, ops.sizeOf(a, 1)),
    { a: randomData(rng, [2, 6, 3]) },
  ],
  ['concat', (a, b) => ops.concat([a, b, a], 1), { a: x234(), b: randomData(rng, [2, 2, 4]) }],
  [
    'pad constant',
    (a) =>
      ops.pad(
        a,
        [
          [1, 2],
          [0, 3],
        ],
        'constant',
        0.5,
      ),
    { a: x234() },
  ],
  ['pad reflect', (a) => ops.pad(a, [[2, 1]], 'reflect'), { a: x234() }],
  [
    'pad edge',
    (a) =>
      ops.pad(
        a,
        [
          [1, 0],
          [2, 2],
        ],
        'edge',
      ),
    { a: x234() },
  ],
  [
    'gather axis 0',
    (a, i) => ops.gather(a, i, 0),
    { a: randomData(rng, [5, 3]), i: randomInts(rng, [2, 4], 0, 5) },
  ],
  ['gather axis 1', (a, i) => ops.gather(a, i, 1), { a: x234(), i: randomInts(rng, [5], 0, 3) }],
  ['expand', (a) => ops.expand(a, [ops.sizeOf(a, 0), 3, 4]), { a: randomData(rng, [2, 1, 4]) }],
  [
    'arange',
    (a) => ops.add(ops.arange(a, 0, ops.sizeOf(a, 1), 'float32'), 0),
    { a: randomData(rng, [2, 7]) },
  ],
  [
    'lengthMask',
    (x, l) => ops.lengthMask(l, x),
    { x: randomData(rng, [3, 5, 2]), l: { data: new Int32Array([5, 2, 0]), dims: [3] } },
  ],
  [
    'cumsum',
    (a) => [ops.cumsum(a, 1), ops.cumsum(a, 0, { exclusive: true }), ops.cumsum(a, 2, { reverse: true })],
    { a: x234() },
  ],
];

const nn: Case[] = [
  ['softmax', (a) => [ops.softmax(a, -1), ops.softmax(a, 1)], { a: x234() }],
  ['logSoftmax', (a) => [ops.logSoftmax(a, -1), ops.logSoftmax(a, 0)], { a: x234() }],
  [
    'layerNorm',
    (a, w, b) => [ops.layerNorm(a, w, b, 1e-5), ops.layerNorm(a, undefined, undefined, 1e-3)],
    { a: x234(), w: randomData(rng, [4]), b: randomData(rng, [4]) },
  ],
  [
    'gelu exact and tanh',
    (a) => [ops.gelu(a), ops.gelu(a, 'tanh')],
    { a: randomData(rng, [2, 3, 4], -4, 4) },
  ],
  ['silu', (a) => ops.silu(a), { a: x234() }],
  ['glu', (a, b) => [ops.glu(a, -1), ops.glu(b, 0)], { a: x234(), b: x234() }],
];

const convs: Case[] = [
  [
    'conv1d',
    (x, w, b) => ops.conv1d(x, w, b),
    { x: randomData(rng, [2, 4, 9]), w: randomData(rng, [6, 4, 3]), b: randomData(rng, [6]) },
  ],
  [
    'conv1d groups=2 stride=2 dilation=2 same-free',
    (x, w) => ops.conv1d(x, w, undefined, { groups: 2, stride: 2, dilation: 2, padding: [3, 1] }),
    { x: randomData(rng, [2, 4, 11]), w: randomData(rng, [6, 2, 3]) },
  ],
  [
    'conv1d same',
    (x, w) => ops.conv1d(x, w, undefined, { padding: 'same' }),
    { x: randomData(rng, [1, 3, 8]), w: randomData(rng, [5, 3, 4]) },
  ],
  [
    'conv1d causal dilated',
    (x, w) => ops.conv1d(x, w, undefined, { padding: 'causal', dilation: 3 }),
    { x: randomData(rng, [1, 3, 10]), w: randomData(rng, [2, 3, 3]) },
  ],
  [
    'depthwise conv1d',
    (x, w, b) => ops.conv1d(x, w, b, { groups: 4, padding: 'same' }),
    { x: randomData(rng, [2, 4, 12]), w: randomData(rng, [4, 1, 5]), b: randomData(rng, [4]) },
  ],
  [
    'depthwise conv1d stride 2',
    (x, w) => ops.conv1d(x, w, undefined, { groups: 4, stride: 2, padding: 1 }),
    { x: randomData(rng, [2, 4, 12]), w: randomData(rng, [4, 1, 3]) },
  ],
  [
    'conv2d stride 2 pad 1',
    (x, w, b) => ops.conv2d(x, w, b, { stride: 2, padding: 1 }),
    { x: randomData(rng, [2, 3, 9, 8]), w: randomData(rng, [4, 3, 3, 3]), b: randomData(rng, [4]) },
  ],
  [
    'conv2d depthwise',
    (x, w) => ops.conv2d(x, w, undefined, { groups: 3, stride: [2, 1], padding: [1, 0] }),
    { x: randomData(rng, [1, 3, 7, 6]), w: randomData(rng, [3, 1, 3, 2]) },
  ],
  [
    'conv2d grouped dilated',
    (x, w) => ops.conv2d(x, w, undefined, { groups: 2, dilation: 2 }),
    { x: randomData(rng, [1, 4, 8, 8]), w: randomData(rng, [6, 2, 2, 3]) },
  ],
];

/** The first input keeps dynamic batch/time axes (as model inputs do); weights and others stay static. */
const axesFor =
  (group: string, first: string) =>
  (input: string, rank: number): Record<number, string> => {
    if (input !== first || rank < 2) return {};
    return group === 'conv' ? { 0: 'batch', [rank - 1]: 'time' } : { 0: 'batch', 1: 'time' };
  };

const groups = [
  ['unary', unary],
  ['binary', binary],
  ['linalg', linalg],
  ['reductions', reductions],
  ['shape', shapes],
  ['nn', nn],
  ['conv', convs],
] as const;

// wasm is the default tfjs device in Node; the pure-JS cpu backend is the fallback, so both are held
// to the ONNX results.
describe.each(['wasm', 'cpu'] as const)('tfjs-%s', (device) => {
  describe.each(groups)('%s ops agree on tfjs and onnx', (_group, cases) => {
    it.each(cases)('%s', async (_name, fn, inputs) => {
      const names = Object.keys(inputs);
      const module = new Lambda(
        (...xs) => {
          const r = fn(...xs);
          return Array.isArray(r) ? r : [r];
        },
        names,
        ['o0'],
        axesFor(_group, names[0]),
      );
      module.outputNames = await outputNamesOf(fn, inputs);
      const { worst } = await checkParity(module, inputs, { device });
      expect(worst).toBeLessThanOrEqual(1);
    });
  });
});

/** Names o0, o1, … for as many outputs as `fn` returns (found by one eager tfjs call). */
async function outputNamesOf(fn: Case[1], inputs: Record<string, TensorData>): Promise<string[]> {
  const be = await tfjsBackend();
  const n = tf.tidy(() => {
    const r = fn(...Object.values(inputs).map((t) => fromTf(be, tf.tensor(t.data, t.dims))));
    return Array.isArray(r) ? r.length : 1;
  });
  return Array.from({ length: n }, (_, i) => `o${i}`);
}
