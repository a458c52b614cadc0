import type { Backend } from './backend.js';
import type { DType } from './dtype.js';
import { formatShape, type Shape } from './shape.js';

/**
 * A backend value with its shape and dtype. The handle is the backend's own (a tf.Tensor on tfjs, a
 * graph value name while tracing ONNX); model code never looks inside it.
 */
export class Tensor {
  constructor(
    readonly backend: Backend,
    readonly handle: unknown,
    readonly shape: Shape,
    readonly dtype: DType,
  ) {}

  get rank(): number {
    return this.shape.length;
  }

  toString(): string {
    return `Tensor(${this.dtype}, ${formatShape(this.shape)}, ${this.backend.name})`;
  }
}

/** A plain-data tensor record: what `infer()` takes and returns. */
export interface TensorData {
  data: Float32Array | Int32Array | Uint8Array;
  dims: number[];
}
