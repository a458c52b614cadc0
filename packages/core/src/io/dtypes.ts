/**
 * Element types of the safetensors format and how each maps onto a JavaScript typed array.
 * F16 and BF16 have no native typed array, so they are kept as raw `Uint16Array` bits;
 * `toFloat32` (convert.ts) decodes them.
 */
export type SafetensorsDType =
  | 'BOOL'
  | 'U8'
  | 'I8'
  | 'I16'
  | 'U16'
  | 'F16'
  | 'BF16'
  | 'I32'
  | 'U32'
  | 'F32'
  | 'F64'
  | 'I64'
  | 'U64';

export type SafetensorsArray =
  | Uint8Array
  | Int8Array
  | Int16Array
  | Uint16Array
  | Int32Array
  | Uint32Array
  | Float32Array
  | Float64Array
  | BigInt64Array
  | BigUint64Array;

/** One tensor: dtype, C-order shape and its elements (length = product of the shape). */
export interface SafetensorsTensor {
  dtype: SafetensorsDType;
  shape: number[];
  data: SafetensorsArray;
}

type ArrayCtor = {
  new (buffer: ArrayBuffer, byteOffset: number, length: number): SafetensorsArray;
  new (length: number): SafetensorsArray;
  readonly name: string;
};

interface DTypeInfo {
  /** Bytes per element. */
  bytes: number;
  /**
   * Position in the reference implementation's `Dtype` enum (safetensors/src/tensor.rs), which is
   * declared in increasing alignment order; the writer sorts tensors by this, descending, so that
   * every tensor starts aligned for its element type. Gaps are dtypes we do not support (F4, F8_*, C64).
   */
  rank: number;
  array: ArrayCtor;
}

const INFO: Record<SafetensorsDType, DTypeInfo> = {
  BOOL: { bytes: 1, rank: 0, array: Uint8Array },
  U8: { bytes: 1, rank: 4, array: Uint8Array },
  I8: { bytes: 1, rank: 5, array: Int8Array },
  I16: { bytes: 2, rank: 11, array: Int16Array },
  U16: { bytes: 2, rank: 12, array: Uint16Array },
  F16: { bytes: 2, rank: 13, array: Uint16Array },
  BF16: { bytes: 2, rank: 14, array: Uint16Array },
  I32: { bytes: 4, rank: 15, array: Int32Array },
  U32: { bytes: 4, rank: 16, array: Uint32Array },
  F32: { bytes: 4, rank: 17, array: Float32Array },
  F64: { bytes: 8, rank: 19, array: Float64Array },
  I64: { bytes: 8, rank: 20, array: BigInt64Array as unknown as ArrayCtor },
  U64: { bytes: 8, rank: 21, array: BigUint64Array as unknown as ArrayCtor },
};

export const SAFETENSORS_DTYPES = Object.freeze(Object.keys(INFO) as SafetensorsDType[]);

export function isSafetensorsDType(value: unknown): value is SafetensorsDType {
  return typeof value === 'string' && Object.hasOwn(INFO, value);
}

/** Bytes per element of `dtype`. */
export function dtypeByteSize(dtype: SafetensorsDType): number {
  return INFO[dtype].bytes;
}

/** @internal Sort key used by the writer (higher first). */
export function dtypeAlignmentRank(dtype: SafetensorsDType): number {
  return INFO[dtype].rank;
}

/** @internal The typed-array class that holds `dtype`'s elements. */
export function dtypeArrayClass(dtype: SafetensorsDType): ArrayCtor {
  return INFO[dtype].array;
}

/** Product of a shape's dimensions (1 for a scalar). */
export function shapeSize(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/** Safetensors stores everything little-endian; typed arrays use the host's order. */
export const HOST_IS_LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
