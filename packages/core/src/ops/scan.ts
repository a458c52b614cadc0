import { normalizeAxis } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { wrap } from './util.js';

/** Cumulative sum along `axis`; `exclusive` starts from 0, `reverse` scans from the end. */
export function cumsum(
  x: Tensor,
  axis: number,
  options: { exclusive?: boolean; reverse?: boolean } = {},
): Tensor {
  const a = normalizeAxis(axis, x.rank, 'cumsum');
  if (x.dtype === 'bool') throw new Error('cumsum: cannot scan a bool tensor; cast it first');
  return wrap(
    x.backend,
    x.backend.cumsum(x, a, options.exclusive ?? false, options.reverse ?? false),
    x.shape,
    x.dtype,
  );
}
