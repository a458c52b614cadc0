import type { BinaryOp, UnaryOp } from '../backend.js';
import type { DType } from '../dtype.js';
import { broadcastShapes, formatShape } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { backendOf, dtypeOf, lift, type TensorLike, wrap } from './util.js';

const FLOAT_ONLY: ReadonlySet<UnaryOp> = new Set([
  'exp',
  'log',
  'sqrt',
  'tanh',
  'sigmoid',
  'erf',
  'sin',
  'cos',
  'floor',
  'ceil',
  'reciprocal',
  'softplus',
]);

function unary(op: UnaryOp, x: Tensor): Tensor {
  if (op === 'not' ? x.dtype !== 'bool' : FLOAT_ONLY.has(op) && x.dtype !== 'float32') {
    throw new Error(
      `${op}: expected a ${op === 'not' ? 'bool' : 'float32'} tensor but received ${x.dtype} ${formatShape(x.shape)}`,
    );
  }
  return wrap(x.backend, x.backend.unary(op, x), x.shape, x.dtype);
}

export const neg = (x: Tensor) => unary('neg', x);
export const exp = (x: Tensor) => unary('exp', x);
export const log = (x: Tensor) => unary('log', x);
export const sqrt = (x: Tensor) => unary('sqrt', x);
export const abs = (x: Tensor) => unary('abs', x);
export const tanh = (x: Tensor) => unary('tanh', x);
export const sigmoid = (x: Tensor) => unary('sigmoid', x);
export const erf = (x: Tensor) => unary('erf', x);
export const sin = (x: Tensor) => unary('sin', x);
export const cos = (x: Tensor) => unary('cos', x);
export const relu = (x: Tensor) => unary('relu', x);
export const floor = (x: Tensor) => unary('floor', x);
export const ceil = (x: Tensor) => unary('ceil', x);
export const reciprocal = (x: Tensor) => unary('reciprocal', x);
export const softplus = (x: Tensor) => unary('softplus', x);
export const logicalNot = (x: Tensor) => unary('not', x);

const COMPARISON: ReadonlySet<BinaryOp> = new Set(['equal', 'less', 'greater', 'lessEqual', 'greaterEqual']);
const LOGICAL: ReadonlySet<BinaryOp> = new Set(['and', 'or']);

function binary(op: BinaryOp, a: TensorLike, b: TensorLike): Tensor {
  const backend = backendOf(op, [a, b]);
  const dtype = dtypeOf([a, b]);
  const ta = lift(backend, a, dtype);
  const tb = lift(backend, b, dtype);
  if (ta.dtype !== tb.dtype) {
    throw new Error(
      `${op}: dtypes differ: ${ta.dtype} ${formatShape(ta.shape)} and ${tb.dtype} ${formatShape(tb.shape)}`,
    );
  }
  if (LOGICAL.has(op) !== (ta.dtype === 'bool')) {
    throw new Error(
      `${op}: ${LOGICAL.has(op) ? 'expects bool' : 'does not take bool'} tensors (received ${ta.dtype})`,
    );
  }
  if (op === 'div' && ta.dtype === 'int32') {
    throw new Error(
      'div: integer division is ambiguous (truncate or floor?); cast to float32 and use floor()',
    );
  }
  const shape = broadcastShapes(ta.shape, tb.shape, op);
  const outDtype: DType = COMPARISON.has(op) ? 'bool' : ta.dtype;
  return wrap(backend, backend.binary(op, ta, tb), shape, outDtype);
}

export const add = (a: TensorLike, b: TensorLike) => binary('add', a, b);
export const sub = (a: TensorLike, b: TensorLike) => binary('sub', a, b);
export const mul = (a: TensorLike, b: TensorLike) => binary('mul', a, b);
export const div = (a: TensorLike, b: TensorLike) => binary('div', a, b);
export const pow = (a: TensorLike, b: TensorLike) => binary('pow', a, b);
export const maximum = (a: TensorLike, b: TensorLike) => binary('maximum', a, b);
export const minimum = (a: TensorLike, b: TensorLike) => binary('minimum', a, b);
export const equal = (a: TensorLike, b: TensorLike) => binary('equal', a, b);
export const less = (a: TensorLike, b: TensorLike) => binary('less', a, b);
export const greater = (a: TensorLike, b: TensorLike) => binary('greater', a, b);
export const lessEqual = (a: TensorLike, b: TensorLike) => binary('lessEqual', a, b);
export const greaterEqual = (a: TensorLike, b: TensorLike) => binary('greaterEqual', a, b);
export const logicalAnd = (a: TensorLike, b: TensorLike) => binary('and', a, b);
export const logicalOr = (a: TensorLike, b: TensorLike) => binary('or', a, b);

export const square = (x: Tensor) => mul(x, x);
export const rsqrt = (x: Tensor) => reciprocal(sqrt(x));

/** `cond ? a : b` with broadcasting; `cond` must be bool. */
export function where(cond: Tensor, a: TensorLike, b: TensorLike): Tensor {
  if (cond.dtype !== 'bool')
    throw new Error(`where: 'cond' must be bool but is ${cond.dtype} ${formatShape(cond.shape)}`);
  const backend = backendOf('where', [cond, a, b]);
  const dtype = dtypeOf([a, b]);
  const ta = lift(backend, a, dtype);
  const tb = lift(backend, b, dtype);
  if (ta.dtype !== tb.dtype) throw new Error(`where: branch dtypes differ (${ta.dtype} vs ${tb.dtype})`);
  const shape = broadcastShapes(broadcastShapes(cond.shape, ta.shape, 'where'), tb.shape, 'where');
  return wrap(backend, backend.where(cond, ta, tb), shape, ta.dtype);
}

export function cast(x: Tensor, dtype: DType): Tensor {
  if (x.dtype === dtype) return x;
  return wrap(x.backend, x.backend.cast(x, dtype), x.shape, dtype);
}
