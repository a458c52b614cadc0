import type { Backend } from '../backend.js';
import type { DType } from '../dtype.js';
import { Parameter } from '../module/parameter.js';
import type { Shape } from '../shape.js';
import { Tensor } from '../tensor.js';

/** A tensor, a parameter (resolved on the backend of the tensors beside it) or a scalar. */
export type TensorLike = Tensor | Parameter | number;

export function wrap(backend: Backend, handle: unknown, shape: Shape, dtype: DType): Tensor {
  return new Tensor(backend, handle, shape, dtype);
}

export function backendOf(op: string, args: readonly TensorLike[]): Backend {
  let found: Backend | undefined;
  for (const a of args) {
    if (a instanceof Tensor) {
      if (found && found !== a.backend) {
        throw new Error(
          `${op}: tensors from two backends ('${found.name}' and '${a.backend.name}') were mixed`,
        );
      }
      found = a.backend;
    }
  }
  if (!found)
    throw new Error(`${op}: at least one argument must be a Tensor (received only parameters or numbers)`);
  return found;
}

/** Turns a parameter or scalar into a tensor on `backend`; scalars take `dtype`. */
export function lift(backend: Backend, x: TensorLike, dtype: DType): Tensor {
  if (x instanceof Tensor) return x;
  if (x instanceof Parameter) return wrap(backend, backend.param(x), x.shape, 'float32');
  const data =
    dtype === 'float32'
      ? new Float32Array([x])
      : dtype === 'int32'
        ? new Int32Array([x])
        : new Uint8Array([x ? 1 : 0]);
  return wrap(backend, backend.constant(data, [], dtype), [], dtype);
}

export function dtypeOf(args: readonly TensorLike[]): DType {
  for (const a of args) {
    if (a instanceof Tensor) return a.dtype;
    if (a instanceof Parameter) return 'float32';
  }
  return 'float32';
}

export function shapeOfLike(x: TensorLike): Shape {
  if (x instanceof Tensor || x instanceof Parameter) return x.shape;
  return [];
}

/** A constant tensor on `like`'s backend (tables such as positional encodings). */
export function constant(like: Tensor, data: Float32Array | Int32Array, shape: readonly number[]): Tensor {
  const dtype: DType = data instanceof Float32Array ? 'float32' : 'int32';
  return wrap(like.backend, like.backend.constant(data, shape, dtype), shape, dtype);
}

/** A parameter (or tensor) as a tensor on the backend of `like`. */
export function tensorOf(like: Tensor, x: Tensor | Parameter): Tensor {
  return lift(like.backend, x, 'float32');
}
