import type { PadMode, Size } from '../backend.js';
import { type Dim, formatShape, freshSymbol, isStatic, normalizeAxis, sizeOfShape } from '../shape.js';
import { Tensor } from '../tensor.js';
import { wrap } from './util.js';

/** Remembers which symbolic dim a run-time size tensor measures, so shapes stay readable. */
const sizeSymbols = new WeakMap<Tensor, string>();

function dimOfSize(s: Size, hint: string): Dim {
  if (typeof s === 'number') return s;
  return sizeSymbols.get(s) ?? freshSymbol(hint);
}

function checkSize(op: string, s: Size, what: string): void {
  if (typeof s === 'number') {
    if (!Number.isInteger(s)) throw new Error(`${op}: ${what} must be an integer but is ${s}`);
  } else if (s.dtype !== 'int32' || s.rank !== 0) {
    throw new Error(
      `${op}: ${what} must be a number or an int32 scalar tensor but is ${s.dtype} ${formatShape(s.shape)}`,
    );
  }
}

/** The size of `axis`: a number when known now, an int32 scalar tensor when only known at run time. */
export function sizeOf(x: Tensor, axis: number): Size {
  const a = normalizeAxis(axis, x.rank, 'sizeOf');
  const d = x.shape[a];
  if (typeof d === 'number') return d;
  const t = wrap(x.backend, x.backend.sizeOf(x, a), [], 'int32');
  sizeSymbols.set(t, d);
  return t;
}

export function shapeOf(x: Tensor): Size[] {
  return x.shape.map((_, i) => sizeOf(x, i));
}

export function reshape(x: Tensor, shape: readonly Size[]): Tensor {
  let inferred = -1;
  shape.forEach((s, i) => {
    checkSize('reshape', s, `shape[${i}]`);
    if (s === -1) {
      if (inferred >= 0)
        throw new Error(`reshape: only one -1 is allowed in the target shape (at ${inferred} and ${i})`);
      inferred = i;
    } else if (typeof s === 'number' && s < 0) throw new Error(`reshape: shape[${i}] is negative (${s})`);
  });
  const out: Dim[] = shape.map((s, i) => (s === -1 ? 0 : dimOfSize(s, `reshape${i}`)));
  const known = out.filter((d, i) => i !== inferred && typeof d === 'number') as number[];
  if (isStatic(x.shape) && known.length === out.length - (inferred >= 0 ? 1 : 0)) {
    const total = sizeOfShape(x.shape);
    const rest = sizeOfShape(known);
    if (inferred >= 0) {
      if (rest === 0 || total % rest !== 0) {
        throw new Error(
          `reshape: cannot reshape ${formatShape(x.shape)} (${total} values) into ${formatShape(shape.map(String))}`,
        );
      }
      out[inferred] = total / rest;
    } else if (rest !== total) {
      throw new Error(
        `reshape: cannot reshape ${formatShape(x.shape)} (${total} values) into ${formatShape(out)} (${rest} values)`,
      );
    }
  } else if (inferred >= 0) out[inferred] = freshSymbol('reshape');
  return wrap(x.backend, x.backend.reshape(x, shape, out), out, x.dtype);
}

export function transpose(x: Tensor, perm?: readonly number[]): Tensor {
  const p = perm ? [...perm] : x.shape.map((_, i) => x.rank - 1 - i);
  const sorted = [...p].sort((a, b) => a - b);
  if (p.length !== x.rank || sorted.some((v, i) => v !== i)) {
    throw new Error(
      `transpose: perm [${p}] is not a permutation of the ${x.rank} axes of ${formatShape(x.shape)}`,
    );
  }
  return wrap(
    x.backend,
    x.backend.transpose(x, p),
    p.map((i) => x.shape[i]),
    x.dtype,
  );
}

/** Swaps two axes (a common transpose in model code). */
export function swapAxes(x: Tensor, a: number, b: number): Tensor {
  const p = x.shape.map((_, i) => i);
  const i = normalizeAxis(a, x.rank, 'swapAxes');
  const j = normalizeAxis(b, x.rank, 'swapAxes');
  [p[i], p[j]] = [p[j], p[i]];
  return transpose(x, p);
}

export function unsqueeze(x: Tensor, axis: number): Tensor {
  const a = normalizeAxis(axis, x.rank + 1, 'unsqueeze');
  const sizes = shapeOf(x);
  sizes.splice(a, 0, 1);
  return reshape(x, sizes);
}

export function squeeze(x: Tensor, axis: number): Tensor {
  const a = normalizeAxis(axis, x.rank, 'squeeze');
  if (x.shape[a] !== 1)
    throw new Error(`squeeze: axis ${axis} of ${formatShape(x.shape)} has size ${x.shape[a]}, not 1`);
  const sizes = shapeOf(x);
  sizes.splice(a, 1);
  return reshape(x, sizes);
}

/**
 * `x[start:end:step]` along one axis. Negative numeric bounds count from the end. Bounds outside the
 * axis are an error, never silently clamped.
 */
export function slice(x: Tensor, axis: number, start: Size, end?: Size, step = 1): Tensor {
  const a = normalizeAxis(axis, x.rank, 'slice');
  if (!Number.isInteger(step) || step < 1)
    throw new Error(`slice: step must be a positive integer but is ${step}`);
  const dim = x.shape[a];
  let s = start;
  let e = end ?? sizeOf(x, a);
  checkSize('slice', s, 'start');
  checkSize('slice', e, 'end');
  if (typeof dim === 'number') {
    if (typeof s === 'number' && s < 0) s += dim;
    if (typeof e === 'number' && e < 0) e += dim;
    const bad =
      (typeof s === 'number' && (s < 0 || s > dim)) || (typeof e === 'number' && (e < 0 || e > dim));
    if (bad || (typeof s === 'number' && typeof e === 'number' && e < s)) {
      throw new Error(
        `slice: range [${start}, ${end ?? dim}) is out of bounds for axis ${a} of ${formatShape(x.shape)}`,
      );
    }
  }
  const out = [...x.shape];
  if (typeof s === 'number' && typeof e === 'number') out[a] = Math.ceil((e - s) / step);
  else if (s === 0 && step === 1 && e instanceof Tensor && sizeSymbols.get(e) === dim) out[a] = dim;
  else out[a] = freshSymbol('slice');
  return wrap(x.backend, x.backend.slice(x, a, s, e, step), out, x.dtype);
}

export function concat(xs: readonly Tensor[], axis: number): Tensor {
  if (xs.length === 0) throw new Error('concat: needs at least one tensor');
  const first = xs[0];
  const a = normalizeAxis(axis, first.rank, 'concat');
  let total: Dim = 0;
  xs.forEach((x, i) => {
    const mismatch =
      x.rank !== first.rank ||
      x.dtype !== first.dtype ||
      x.shape.some(
        (d, j) =>
          j !== a && typeof d === 'number' && typeof first.shape[j] === 'number' && d !== first.shape[j],
      );
    if (mismatch) {
      throw new Error(
        `concat: tensor ${i} (${x.dtype} ${formatShape(x.shape)}) does not match tensor 0 (${first.dtype} ${formatShape(first.shape)}) outside axis ${a}`,
      );
    }
    const d = x.shape[a];
    total = typeof total === 'number' && typeof d === 'number' ? total + d : freshSymbol('concat');
  });
  if (xs.length === 1) return first;
  const out = [...first.shape];
  out[a] = total;
  return wrap(first.backend, first.backend.concat([...xs], a), out, first.dtype);
}

/** Pads with `pads` = [[before, after], …] for the trailing axes (leading axes unpadded). */
export function pad(
  x: Tensor,
  pads: readonly (readonly [Size, Size])[],
  mode: PadMode = 'constant',
  value = 0,
): Tensor {
  if (pads.length > x.rank) throw new Error(`pad: ${pads.length} pad pairs for a tensor of rank ${x.rank}`);
  const full: Size[] = [];
  const out = [...x.shape];
  for (let i = 0; i < x.rank; i++) {
    const pair = i < x.rank - pads.length ? ([0, 0] as const) : pads[i - (x.rank - pads.length)];
    for (const s of pair) {
      checkSize('pad', s, `pads for axis ${i}`);
      if (typeof s === 'number' && s < 0)
        throw new Error(`pad: negative padding ${s} on axis ${i} (use slice to crop)`);
      full.push(s);
    }
    const d = x.shape[i];
    const [b, e] = pair;
    if (
      mode === 'reflect' &&
      typeof d === 'number' &&
      ((typeof b === 'number' && b >= d) || (typeof e === 'number' && e >= d))
    ) {
      throw new Error(
        `pad: reflect padding (${b}, ${e}) must be smaller than axis ${i} of ${formatShape(x.shape)}`,
      );
    }
    out[i] =
      typeof d === 'number' && typeof b === 'number' && typeof e === 'number'
        ? d + b + e
        : b === 0 && e === 0
          ? d
          : freshSymbol('pad');
  }
  return wrap(x.backend, x.backend.pad(x, full, mode, value), out, x.dtype);
}

/** Picks entries of `x` along `axis` with int32 `indices` (out of range indices are an error on tfjs). */
export function gather(x: Tensor, indices: Tensor, axis = 0): Tensor {
  const a = normalizeAxis(axis, x.rank, 'gather');
  if (indices.dtype !== 'int32') throw new Error(`gather: 'indices' must be int32 but is ${indices.dtype}`);
  const out = [...x.shape.slice(0, a), ...indices.shape, ...x.shape.slice(a + 1)];
  return wrap(x.backend, x.backend.gather(x, indices, a), out, x.dtype);
}

/** Broadcasts `x` to `shape` (numpy rules; sizes may be run-time). */
export function expand(x: Tensor, shape: readonly Size[]): Tensor {
  if (shape.length < x.rank)
    throw new Error(`expand: target rank ${shape.length} is below the rank of ${formatShape(x.shape)}`);
  const out: Dim[] = shape.map((s, i) => {
    checkSize('expand', s, `shape[${i}]`);
    const d = x.shape[i - (shape.length - x.rank)];
    const t = dimOfSize(s, 'expand');
    if (d !== undefined && d !== 1 && typeof t === 'number' && typeof d === 'number' && d !== t) {
      throw new Error(
        `expand: cannot broadcast ${formatShape(x.shape)} to ${formatShape(shape.map((v) => dimOfSize(v, '?')))}`,
      );
    }
    return d !== undefined && d !== 1 && typeof t !== 'number' ? d : t;
  });
  return wrap(x.backend, x.backend.expand(x, shape), out, x.dtype);
}

/** [start, limit) as a 1-D tensor on `like`'s backend. */
export function arange(like: Tensor, start: Size, limit: Size, dtype: 'int32' | 'float32' = 'int32'): Tensor {
  checkSize('arange', start, 'start');
  checkSize('arange', limit, 'limit');
  const len =
    typeof start === 'number' && typeof limit === 'number'
      ? Math.max(0, limit - start)
      : start === 0
        ? dimOfSize(limit, 'arange')
        : freshSymbol('arange');
  return wrap(like.backend, like.backend.range(start, limit, dtype), [len], dtype);
}
