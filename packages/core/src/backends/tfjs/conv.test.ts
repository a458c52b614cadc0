import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import type { ConvAttrs } from '../../backend.js';
import { tfjsBackend } from '../../index.js';
import { Rng } from '../../testing.js';
import { convLowered, convNative } from './conv.js';

/**
 * Inference uses tfjs's native kernels, training the lowered form: both must compute the same
 * convolution (PyTorch layout) for every configuration the native path accepts.
 */
const rng = new Rng(21);
const rand = (shape: number[]) =>
  tf.tensor(
    rng.uniformArray(
      shape.reduce((a, b) => a * b, 1),
      -1,
      1,
    ),
    shape,
  );

type Case = [name: string, x: number[], w: number[], attrs: ConvAttrs];
const cases: Case[] = [
  [
    '1-D dense, asymmetric pads',
    [2, 3, 11],
    [4, 3, 3],
    { strides: [1], dilations: [1], pads: [2, 0], groups: 1 },
  ],
  ['1-D dense, stride 2', [1, 4, 12], [5, 4, 4], { strides: [2], dilations: [1], pads: [1, 2], groups: 1 }],
  ['1-D dense, dilation 3', [1, 2, 16], [3, 2, 3], { strides: [1], dilations: [3], pads: [3, 3], groups: 1 }],
  ['1-D depthwise', [2, 4, 10], [4, 1, 5], { strides: [1], dilations: [1], pads: [4, 0], groups: 4 }],
  [
    '1-D depthwise with channel multiplier 2',
    [1, 3, 9],
    [6, 1, 3],
    { strides: [2], dilations: [1], pads: [1, 1], groups: 3 },
  ],
  [
    '2-D dense, stride 2',
    [2, 2, 9, 7],
    [3, 2, 3, 3],
    { strides: [2, 2], dilations: [1, 1], pads: [1, 1, 1, 1], groups: 1 },
  ],
  [
    '2-D depthwise, stride (2, 1)',
    [1, 4, 8, 6],
    [4, 1, 3, 2],
    { strides: [2, 1], dilations: [1, 1], pads: [1, 0, 1, 1], groups: 4 },
  ],
  [
    '2-D depthwise with multiplier',
    [1, 2, 6, 6],
    [4, 1, 3, 3],
    { strides: [1, 1], dilations: [2, 1], pads: [2, 1, 2, 1], groups: 2 },
  ],
];

describe('native and lowered tfjs convolutions agree', () => {
  it.each(cases)('%s', async (_name, xShape, wShape, attrs) => {
    await tfjsBackend();
    const [x, w, b] = [rand(xShape), rand(wShape), rand([wShape[0]])];
    const native = convNative(x, w, b, attrs);
    expect(native).toBeDefined();
    const lowered = convLowered(x, w, b, attrs);
    expect(native?.shape).toEqual(lowered.shape);
    const d = tf.max(tf.abs(tf.sub(native as tf.Tensor, lowered))).dataSync()[0];
    expect(d).toBeLessThan(1e-5);
  });

  it('declines what tfjs kernels cannot do (grouped, strided and dilated together)', () => {
    const x = rand([1, 4, 12]);
    expect(
      convNative(x, rand([4, 2, 3]), undefined, { strides: [1], dilations: [1], pads: [0, 0], groups: 2 }),
    ).toBeUndefined();
    expect(
      convNative(x, rand([4, 4, 3]), undefined, { strides: [2], dilations: [2], pads: [0, 0], groups: 1 }),
    ).toBeUndefined();
  });
});
