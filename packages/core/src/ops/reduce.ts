import type { ReduceOp } from '../backend.js';
import { type Dim, formatShape, normalizeAxis } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { wrap } from './util.js';

function reduce(
  op: ReduceOp,
  x: Tensor,
  axis: number | readonly number[] | undefined,
  keepDims: boolean,
): Tensor {
  const axes =
    axis === undefined
      ? x.shape.map((_, i) => i)
      : (typeof axis === 'number' ? [axis] : [...axis]).map((a) => normalizeAxis(a, x.rank, op));
  if (new Set(axes).size !== axes.length) throw new Error(`${op}: repeated axes [${axes}]`);
  if (x.dtype === 'bool')
    throw new Error(`${op}: cannot reduce a bool tensor ${formatShape(x.shape)}; cast it first`);
  if (op === 'mean' && x.dtype !== 'float32')
    throw new Error(`mean: expects float32 but received ${x.dtype}`);
  const out: Dim[] = [];
  x.shape.forEach((d, i) => {
    if (!axes.includes(i)) out.push(d);
    else if (keepDims) out.push(1);
  });
  return wrap(
    x.backend,
    x.backend.reduce(
      op,
      x,
      axes.sort((a, b) => a - b),
      keepDims,
    ),
    out,
    x.dtype,
  );
}

export const sum = (x: Tensor, axis?: number | readonly number[], keepDims = false) =>
  reduce('sum', x, axis, keepDims);
export const mean = (x: Tensor, axis?: number | readonly number[], keepDims = false) =>
  reduce('mean', x, axis, keepDims);
export const max = (x: Tensor, axis?: number | readonly number[], keepDims = false) =>
  reduce('max', x, axis, keepDims);
export const min = (x: Tensor, axis?: number | readonly number[], keepDims = false) =>
  reduce('min', x, axis, keepDims);

/** Index of the largest value along `axis` (int32; first one on ties). Not differentiable. */
export function argMax(x: Tensor, axis: number, keepDims = false): Tensor {
  const a = normalizeAxis(axis, x.rank, 'argMax');
  const out = keepDims ? x.shape.map((d, i) => (i === a ? 1 : d)) : x.shape.filter((_, i) => i !== a);
  return wrap(x.backend, x.backend.argMax(x, a, keepDims), out, 'int32');
}
