import { dtypeArrayClass, dtypeByteSize, type SafetensorsArray, type SafetensorsDType } from './dtypes.js';

/**
 * Element-wise little-endian decode/encode through DataView. Only used on big-endian hosts, where
 * a typed-array view over the file's bytes would read every multi-byte element byte-swapped.
 */
export function decodeLittleEndian(bytes: Uint8Array, dtype: SafetensorsDType): SafetensorsArray {
  const width = dtypeByteSize(dtype);
  const count = bytes.length / width;
  const out = new (dtypeArrayClass(dtype))(count);
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const get = getter(dv, dtype);
  const o = out as unknown as { [i: number]: number | bigint };
  for (let i = 0; i < count; i++) o[i] = get(i * width);
  return out;
}

/** The little-endian bytes of `data` (a copy). */
export function encodeLittleEndian(data: SafetensorsArray, dtype: SafetensorsDType): Uint8Array {
  const width = dtypeByteSize(dtype);
  const out = new Uint8Array(data.length * width);
  const dv = new DataView(out.buffer);
  const set = setter(dv, dtype);
  const d = data as unknown as { [i: number]: number | bigint };
  for (let i = 0; i < data.length; i++) set(i * width, d[i]);
  return out;
}

function getter(dv: DataView, dtype: SafetensorsDType): (at: number) => number | bigint {
  switch (dtype) {
    case 'BOOL':
    case 'U8':
      return (at) => dv.getUint8(at);
    case 'I8':
      return (at) => dv.getInt8(at);
    case 'I16':
      return (at) => dv.getInt16(at, true);
    case 'U16':
    case 'F16':
    case 'BF16':
      return (at) => dv.getUint16(at, true);
    case 'I32':
      return (at) => dv.getInt32(at, true);
    case 'U32':
      return (at) => dv.getUint32(at, true);
    case 'F32':
      return (at) => dv.getFloat32(at, true);
    case 'F64':
      return (at) => dv.getFloat64(at, true);
    case 'I64':
      return (at) => dv.getBigInt64(at, true);
    case 'U64':
      return (at) => dv.getBigUint64(at, true);
  }
}

function setter(dv: DataView, dtype: SafetensorsDType): (at: number, v: number | bigint) => void {
  switch (dtype) {
    case 'BOOL':
    case 'U8':
      return (at, v) => dv.setUint8(at, v as number);
    case 'I8':
      return (at, v) => dv.setInt8(at, v as number);
    case 'I16':
      return (at, v) => dv.setInt16(at, v as number, true);
    case 'U16':
    case 'F16':
    case 'BF16':
      return (at, v) => dv.setUint16(at, v as number, true);
    case 'I32':
      return (at, v) => dv.setInt32(at, v as number, true);
    case 'U32':
      return (at, v) => dv.setUint32(at, v as number, true);
    case 'F32':
      return (at, v) => dv.setFloat32(at, v as number, true);
    case 'F64':
      return (at, v) => dv.setFloat64(at, v as number, true);
    case 'I64':
      return (at, v) => dv.setBigInt64(at, v as bigint, true);
    case 'U64':
      return (at, v) => dv.setBigUint64(at, v as bigint, true);
  }
}
