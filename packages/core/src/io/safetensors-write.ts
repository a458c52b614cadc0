import {
  dtypeAlignmentRank,
  dtypeArrayClass,
  dtypeByteSize,
  HOST_IS_LITTLE_ENDIAN,
  isSafetensorsDType,
  type SafetensorsDType,
  type SafetensorsTensor,
  shapeSize,
} from './dtypes.js';
import { encodeLittleEndian } from './endian.js';

/** Named tensors to write: a record, a Map, or any iterable of [name, tensor] pairs. */
export type SafetensorsInput =
  | Record<string, SafetensorsTensor>
  | Map<string, SafetensorsTensor>
  | Iterable<readonly [string, SafetensorsTensor]>;

const FN = 'writeSafetensors';

/**
 * Serialises tensors to `.safetensors` bytes, byte-for-byte what Python's `safetensors` writes:
 * tensors sorted by descending dtype alignment and then by name (so each starts aligned), compact JSON
 * header with `__metadata__` first and entries `{"dtype","shape","data_offsets"}`, padded with spaces
 * to a multiple of 8 bytes, then the little-endian data, contiguous.
 *
 * The reference keeps `__metadata__` in a hash map, so its key order varies between runs; we sort the
 * keys (by code point, like the names) so our output is deterministic. `__metadata__` is written whenever
 * `metadata` is given, even empty, as the reference does for `metadata={}`.
 */
export function writeSafetensors(tensors: SafetensorsInput, metadata?: Record<string, string>): Uint8Array {
  const items = collect(tensors);
  items.sort((a, b) => {
    const byRank = dtypeAlignmentRank(b[1].dtype) - dtypeAlignmentRank(a[1].dtype);
    return byRank !== 0 ? byRank : compareUtf8(a[0], b[0]);
  });

  // The JSON is assembled by hand: a JS object would enumerate integer-like names ("0", "12") first
  // and treat "__proto__" specially, breaking the reference's key order.
  const fields: string[] = [];
  if (metadata !== undefined) fields.push(`"__metadata__":${jsonObject(checkMetadata(metadata))}`);
  let offset = 0;
  for (const [name, t] of items) {
    const size = t.data.length * dtypeByteSize(t.dtype);
    // Field order dtype, shape, data_offsets is the reference's struct order.
    const info = `{"dtype":"${t.dtype}","shape":[${t.shape.join(',')}],"data_offsets":[${offset},${offset + size}]}`;
    fields.push(`${JSON.stringify(name)}:${info}`);
    offset += size;
  }

  const json = new TextEncoder().encode(`{${fields.join(',')}}`);
  const headerLength = Math.ceil(json.length / 8) * 8;
  const out = new Uint8Array(8 + headerLength + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(headerLength), true);
  out.set(json, 8);
  out.fill(0x20, 8 + json.length, 8 + headerLength); // pad with spaces
  let at = 8 + headerLength;
  for (const [, t] of items) {
    const bytes = HOST_IS_LITTLE_ENDIAN
      ? new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength)
      : encodeLittleEndian(t.data, t.dtype);
    out.set(bytes, at);
    at += bytes.length;
  }
  return out;
}

function collect(tensors: SafetensorsInput): [string, SafetensorsTensor][] {
  if (tensors === null || typeof tensors !== 'object') {
    throw new Error(
      `${FN}: tensors must be a record, Map or iterable of [name, tensor], got ${String(tensors)}`,
    );
  }
  const pairs: Iterable<readonly [string, SafetensorsTensor]> =
    Symbol.iterator in tensors
      ? (tensors as Iterable<readonly [string, SafetensorsTensor]>)
      : Object.entries(tensors as Record<string, SafetensorsTensor>);
  const seen = new Set<string>();
  const out: [string, SafetensorsTensor][] = [];
  for (const [name, t] of pairs) {
    if (typeof name !== 'string') throw new Error(`${FN}: tensor names must be strings, got ${String(name)}`);
    if (name === '__metadata__') {
      throw new Error(`${FN}: '__metadata__' is reserved for metadata and cannot name a tensor`);
    }
    if (seen.has(name)) throw new Error(`${FN}: duplicate tensor name '${name}'`);
    seen.add(name);
    checkTensor(name, t);
    out.push([name, t]);
  }
  return out;
}

function checkTensor(name: string, t: SafetensorsTensor): void {
  const where = `${FN}: tensor '${name}'`;
  if (t === null || typeof t !== 'object') throw new Error(`${where}: expected { dtype, shape, data }`);
  const dtype: SafetensorsDType = t.dtype;
  if (!isSafetensorsDType(dtype)) throw new Error(`${where}: unsupported dtype ${JSON.stringify(dtype)}`);
  const { shape, data } = t;
  if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
    throw new Error(
      `${where}: shape must be an array of non-negative integers, got ${JSON.stringify(shape)}`,
    );
  }
  const Ctor = dtypeArrayClass(dtype);
  if (!(data instanceof Ctor)) {
    const got = ArrayBuffer.isView(data) ? data.constructor.name : typeof data;
    const hint = dtype === 'F16' || dtype === 'BF16' ? ` (raw bits; see fromFloat32To${dtype})` : '';
    throw new Error(`${where}: ${dtype} data must be a ${Ctor.name}${hint}, got ${got}`);
  }
  const expected = shapeSize(shape);
  if (data.length !== expected) {
    throw new Error(
      `${where}: data has ${data.length} elements but shape [${shape.join(', ')}] needs ${expected}`,
    );
  }
}

function checkMetadata(metadata: Record<string, string>): [string, string][] {
  if (metadata === null || typeof metadata !== 'object' || Array.isArray(metadata)) {
    throw new Error(`${FN}: metadata must be an object of strings`);
  }
  const keys = Object.keys(metadata).sort(compareUtf8);
  return keys.map((key) => {
    const value = metadata[key];
    if (typeof value !== 'string') {
      throw new Error(`${FN}: metadata value for key '${key}' must be a string, got ${typeof value}`);
    }
    return [key, value];
  });
}

function jsonObject(pairs: [string, string][]): string {
  return `{${pairs.map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v)}`).join(',')}}`;
}

/** Rust sorts `String`s by UTF-8 bytes; JS `<` compares UTF-16 units, which differs above U+FFFF. */
/** Code-point order equals UTF-8 byte order. */
function compareUtf8(a: string, b: string): number {
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const x = a.codePointAt(i)!;
    const y = b.codePointAt(j)!;
    if (x !== y) return x - y;
    i += x > 0xffff ? 2 : 1;
    j += y > 0xffff ? 2 : 1;
  }
  return a.length - i - (b.length - j);
}
