import type { ScanBody } from '../backend.js';
import { formatShape, normalizeAxis } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { concat, reshape, shapeOf, sizeOf, slice } from './shape-ops.js';
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

/**
 * A recurrence over axis 0 of `xs` (time-major): `body(carry, x_t, consts)` gives the next carries and
 * per-step outputs; returns the final carries and the outputs stacked on axis 0. ONNX records one
 * `Scan` node (the body becomes its subgraph, so the length may stay symbolic); tfjs runs the body in
 * a JS loop over the static length (differentiable). Tensors the body uses besides its arguments must
 * be passed in `consts` (parameters may be used directly).
 */
export function scanLoop(
  body: ScanBody,
  init: Tensor[],
  xs: Tensor[],
  consts: Tensor[] = [],
): { carry: Tensor[]; ys: Tensor[] } {
  if (xs.length === 0) throw new Error('scanLoop: needs at least one scanned input in xs');
  const len = xs[0].shape[0];
  xs.forEach((x, i) => {
    if (x.rank < 1 || (typeof x.shape[0] === 'number' && typeof len === 'number' && x.shape[0] !== len)) {
      throw new Error(
        `scanLoop: xs[${i}] ${formatShape(x.shape)} must share axis 0 (${len}) with xs[0] ${formatShape(xs[0].shape)}`,
      );
    }
  });
  const backend = xs[0].backend;
  if (backend.scanLoop) return backend.scanLoop(body, init, xs, consts);
  const n = sizeOf(xs[0], 0);
  if (typeof n !== 'number')
    throw new Error(
      `scanLoop: the ${backend.name} backend needs a static length on axis 0 (got ${formatShape(xs[0].shape)})`,
    );
  let carry = init;
  const ys: Tensor[][] = [];
  for (let t = 0; t < n; t++) {
    const step = xs.map((x) => reshape(slice(x, 0, t, t + 1), shapeOf(x).slice(1)));
    const r = body(carry, step, consts);
    carry = r.carry;
    r.y.forEach((y, i) => {
      ys[i] ??= [];
      ys[i].push(reshape(y, [1, ...shapeOf(y)]));
    });
  }
  return { carry, ys: ys.map((parts) => concat(parts, 0)) };
}
