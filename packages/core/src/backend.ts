import type { DType, TypedArray } from './dtype.js';
import type { Parameter } from './module/parameter.js';
import type { Tensor } from './tensor.js';

export type UnaryOp =
  | 'neg'
  | 'exp'
  | 'log'
  | 'sqrt'
  | 'abs'
  | 'tanh'
  | 'sigmoid'
  | 'erf'
  | 'sin'
  | 'cos'
  | 'relu'
  | 'floor'
  | 'ceil'
  | 'reciprocal'
  | 'softplus'
  | 'not';

export type BinaryOp =
  | 'add'
  | 'sub'
  | 'mul'
  | 'div'
  | 'pow'
  | 'maximum'
  | 'minimum'
  | 'equal'
  | 'less'
  | 'greater'
  | 'lessEqual'
  | 'greaterEqual'
  | 'and'
  | 'or';

export type ReduceOp = 'sum' | 'mean' | 'max' | 'min';
export type PadMode = 'constant' | 'reflect' | 'edge';

/** A size known now (a number) or only at run time (an int32 scalar tensor, while tracing ONNX). */
export type Size = number | Tensor;

export interface ConvAttrs {
  strides: number[];
  dilations: number[];
  /** ONNX order: all begin pads, then all end pads. */
  pads: number[];
  groups: number;
}

/**
 * The primitive op set a backend implements. The op layer (`ops/`) validates arguments and computes
 * output shapes and dtypes; a backend only executes (tfjs) or records (ONNX). Composites such as
 * softmax or layer norm are written once in `ops/`; a backend may offer a native lowering of them,
 * which tests hold to the composite's meaning.
 */
export interface Backend {
  readonly name: string;
  /** Whether gradients flow through this backend (tfjs) or it only infers (ONNX). */
  readonly trainable: boolean;
  constant(data: TypedArray, shape: readonly number[], dtype: DType): unknown;
  param(p: Parameter): unknown;
  unary(op: UnaryOp, x: Tensor): unknown;
  binary(op: BinaryOp, a: Tensor, b: Tensor): unknown;
  where(cond: Tensor, a: Tensor, b: Tensor): unknown;
  cast(x: Tensor, dtype: DType): unknown;
  matmul(a: Tensor, b: Tensor): unknown;
  reduce(op: ReduceOp, x: Tensor, axes: number[], keepDims: boolean): unknown;
  argMax(x: Tensor, axis: number, keepDims: boolean): unknown;
  /** `shape` may hold one -1 (inferred). */
  reshape(x: Tensor, shape: readonly Size[], outShape: readonly (number | string)[]): unknown;
  transpose(x: Tensor, perm: number[]): unknown;
  /** Bounds are already normalised: 0 <= start <= end <= dim (or runtime sizes), step >= 1. */
  slice(x: Tensor, axis: number, start: Size, end: Size, step: number): unknown;
  concat(xs: Tensor[], axis: number): unknown;
  /** `pads`: per axis [before, after], flattened in axis order. */
  pad(x: Tensor, pads: readonly Size[], mode: PadMode, value: number): unknown;
  gather(x: Tensor, indices: Tensor, axis: number): unknown;
  expand(x: Tensor, shape: readonly Size[]): unknown;
  cumsum(x: Tensor, axis: number, exclusive: boolean, reverse: boolean): unknown;
  conv(x: Tensor, w: Tensor, b: Tensor | undefined, attrs: ConvAttrs): unknown;
  range(start: Size, limit: Size, dtype: DType): unknown;
  /** An int32 scalar holding the run-time size of `axis` (only asked for symbolic dims). */
  sizeOf(x: Tensor, axis: number): unknown;
  /** Training-time dropout (inverted scaling). */
  dropout(x: Tensor, rate: number, seed: number): unknown;
  /** Overwrites a parameter or buffer (BatchNorm running statistics in training). */
  assign(p: Parameter, value: Tensor): void;
  readonly native: NativeLowerings;
  /**
   * Optional native recurrence (ONNX `Scan`); without it `scanLoop` runs its composite, a JS loop over
   * a static length (tfjs). Returns the final carries and the per-step outputs stacked on axis 0.
   */
  scanLoop?(
    body: ScanBody,
    init: Tensor[],
    xs: Tensor[],
    consts: Tensor[],
  ): { carry: Tensor[]; ys: Tensor[] };
}

/** The step function of `scanLoop`: carries and one time slice of each scanned input in, next carries and per-step outputs out. */
export type ScanBody = (carry: Tensor[], x: Tensor[], consts: Tensor[]) => { carry: Tensor[]; y: Tensor[] };

/** Optional native lowerings of composites; each must match the composite in `ops/`. */
export interface NativeLowerings {
  softmax?(x: Tensor, axis: number): unknown;
  logSoftmax?(x: Tensor, axis: number): unknown;
  layerNorm?(x: Tensor, weight: Tensor | undefined, bias: Tensor | undefined, eps: number): unknown;
}

export function notSupported(backend: string, what: string): Error {
  return new Error(`${what} is not supported on the ${backend} backend`);
}
