import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { stridedTake } from './conv.js';
import { tfjsBackend } from './index.js';

/** x[..., start + step*j, ...] for j < count along `axis`, by index arithmetic (0 past the end). */
function reference(
  data: Float32Array,
  shape: number[],
  axis: number,
  start: number,
  count: number,
  step: number,
) {
  const lead = shape.slice(0, axis).reduce((p, d) => p * d, 1);
  const trail = shape.slice(axis + 1).reduce((p, d) => p * d, 1);
  const out: number[] = [];
  for (let a = 0; a < lead; a++)
    for (let j = 0; j < count; j++)
      for (let t = 0; t < trail; t++) {
        const i = start + step * j;
        out.push(i < shape[axis] ? data[(a * shape[axis] + i) * trail + t] : 0);
      }
  return out;
}

describe('stridedTake (tfjs conv lowering)', () => {
  beforeAll(async () => {
    await tfjsBackend(); // wasm, the backend the rank-4 fold is for
  });
  const shape = [2, 3, 7, 5];
  const data = Float32Array.from({ length: 2 * 3 * 7 * 5 }, (_, i) => i * 0.5 - 3);
  it.each([
    [2, 0, 3, 2],
    [2, 1, 3, 2],
    [2, 2, 2, 3],
    [3, 1, 2, 2],
    [3, 0, 3, 2],
    [1, 1, 2, 2],
    [2, 0, 7, 1],
  ])('axis %i start %i count %i step %i matches index arithmetic', (axis, start, count, step) => {
    const x = tf.tensor(data, shape);
    const y = stridedTake(x, axis, start, count, step);
    expect(y.shape).toEqual(shape.map((d, i) => (i === axis ? count : d)));
    expect(Array.from(y.dataSync())).toEqual(reference(data, shape, axis, start, count, step));
    tf.dispose([x, y]);
  });
});
