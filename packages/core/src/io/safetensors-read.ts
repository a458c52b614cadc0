import {
  dtypeArrayClass,
  dtypeByteSize,
  HOST_IS_LITTLE_ENDIAN,
  isSafetensorsDType,
  type SafetensorsArray,
  type SafetensorsDType,
  type SafetensorsTensor,
  shapeSize,
} from './dtypes.js';
import { decodeLittleEndian } from './endian.js';

export interface SafetensorsFile {
  /** Tensors in file (data offset) order. */
  tensors: Map<string, SafetensorsTensor>;
  /** The header's optional `__metadata__` string map ({} when absent). */
  metadata: Record<string, string>;
}

/** The reference implementation refuses headers above 100 MB; so do we, before decoding them. */
const MAX_HEADER_BYTES = 100_000_000;
const FN = 'readSafetensors';

interface HeaderEntry {
  name: string;
  dtype: SafetensorsDType;
  shape: number[];
  begin: number;
  end: number;
}

/**
 * Parses a `.safetensors` file: an 8-byte little-endian header length, a JSON header, then the
 * tensors' little-endian bytes, contiguous and in offset order.
 *
 * Data arrays are zero-copy views into `bytes` when the tensor is aligned for its typed array and the
 * host is little-endian (every current JS engine); otherwise they are copies. Treat them as read-only
 * or `slice()` them if `bytes` will be reused.
 */
export function readSafetensors(bytes: Uint8Array): SafetensorsFile {
  if (!(bytes instanceof Uint8Array)) {
    throw new Error(`${FN}: bytes must be a Uint8Array, got ${describe(bytes)}`);
  }
  if (bytes.length < 8) {
    throw new Error(`${FN}: file is ${bytes.length} bytes, shorter than the 8-byte header length prefix`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLength = view.getBigUint64(0, true);
  if (headerLength > BigInt(bytes.length - 8)) {
    throw new Error(
      `${FN}: header length ${headerLength} exceeds the ${bytes.length - 8} bytes that follow the 8-byte prefix`,
    );
  }
  const n = Number(headerLength);
  if (n > MAX_HEADER_BYTES) {
    throw new Error(`${FN}: header length ${n} exceeds the ${MAX_HEADER_BYTES}-byte limit`);
  }
  const header = parseHeader(bytes.subarray(8, 8 + n));
  const dataStart = 8 + n;
  const dataLength = bytes.length - dataStart;
  const metadata = parseMetadata(header.__metadata__);
  const entries = Object.keys(header)
    .filter((name) => name !== '__metadata__')
    .map((name) => parseEntry(name, header[name]));
  checkLayout(entries, dataLength);

  const tensors = new Map<string, SafetensorsTensor>();
  for (const e of entries) {
    const data = tensorData(bytes, dataStart + e.begin, dataStart + e.end, e.dtype);
    tensors.set(e.name, { dtype: e.dtype, shape: e.shape, data });
  }
  return { tensors, metadata };
}

function parseHeader(headerBytes: Uint8Array): Record<string, unknown> {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(headerBytes);
  } catch {
    throw new Error(`${FN}: header (${headerBytes.length} bytes) is not valid UTF-8`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    throw new Error(
      `${FN}: header is not valid JSON (${reason}); it starts ${JSON.stringify(text.slice(0, 40))}`,
    );
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new Error(`${FN}: header must be a JSON object, got ${describe(parsed)}`);
  }
  return parsed as Record<string, unknown>;
}

function parseMetadata(raw: unknown): Record<string, string> {
  if (raw === undefined) return {};
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new Error(`${FN}: __metadata__ must be an object of strings, got ${describe(raw)}`);
  }
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(raw)) {
    if (typeof v !== 'string') {
      throw new Error(`${FN}: __metadata__ value for key '${k}' must be a string, got ${describe(v)}`);
    }
    out[k] = v;
  }
  return out;
}

function parseEntry(name: string, raw: unknown): HeaderEntry {
  const where = `${FN}: tensor '${name}'`;
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new Error(`${where}: header entry must be an object, got ${describe(raw)}`);
  }
  const { dtype, shape, data_offsets: offsets } = raw as Record<string, unknown>;
  for (const [key, value] of [
    ['dtype', dtype],
    ['shape', shape],
    ['data_offsets', offsets],
  ] as const) {
    if (value === undefined) throw new Error(`${where}: header entry is missing '${key}'`);
  }
  if (!isSafetensorsDType(dtype)) {
    throw new Error(`${where}: unsupported dtype ${JSON.stringify(dtype)}`);
  }
  if (!Array.isArray(shape) || !shape.every(isIndex)) {
    throw new Error(
      `${where}: shape must be an array of non-negative integers, got ${JSON.stringify(shape)}`,
    );
  }
  if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every(isIndex)) {
    throw new Error(
      `${where}: data_offsets must be [begin, end] non-negative integers, got ${JSON.stringify(offsets)}`,
    );
  }
  const [begin, end] = offsets as [number, number];
  if (end < begin) throw new Error(`${where}: data_offsets [${begin}, ${end}] end before they begin`);
  const expected = shapeSize(shape) * dtypeByteSize(dtype);
  if (end - begin !== expected) {
    throw new Error(
      `${where}: data_offsets [${begin}, ${end}] span ${end - begin} bytes but ${dtype} ` +
        `shape [${shape.join(', ')}] needs ${expected}`,
    );
  }
  return { name, dtype, shape: shape.slice(), begin, end };
}

/** Tensors must tile the data section exactly: start at 0, no gaps, no overlaps, end at its end. */
function checkLayout(entries: HeaderEntry[], dataLength: number): void {
  entries.sort((a, b) => a.begin - b.begin || a.end - b.end);
  let cursor = 0;
  let previous = '';
  for (const e of entries) {
    if (e.begin < cursor) {
      throw new Error(
        `${FN}: tensor '${e.name}' data_offsets [${e.begin}, ${e.end}] overlap tensor '${previous}', which ends at ${cursor}`,
      );
    }
    if (e.begin > cursor) {
      const after = previous ? `after tensor '${previous}'` : 'at the start of the data section';
      throw new Error(
        `${FN}: tensor '${e.name}' data_offsets [${e.begin}, ${e.end}] leave a gap of bytes [${cursor}, ${e.begin}) ${after}`,
      );
    }
    cursor = e.end;
    previous = e.name;
  }
  if (cursor !== dataLength) {
    throw new Error(
      `${FN}: tensors cover ${cursor} bytes but the data section after the header is ${dataLength} bytes`,
    );
  }
}

function tensorData(
  bytes: Uint8Array,
  start: number,
  end: number,
  dtype: SafetensorsDType,
): SafetensorsArray {
  const Ctor = dtypeArrayClass(dtype);
  const width = dtypeByteSize(dtype);
  const count = (end - start) / width;
  if (!HOST_IS_LITTLE_ENDIAN) return decodeLittleEndian(bytes.subarray(start, end), dtype);
  const offset = bytes.byteOffset + start;
  // A typed-array view needs an offset that is a multiple of the element size; copy otherwise.
  if (offset % width === 0) return new Ctor(bytes.buffer as ArrayBuffer, offset, count);
  // Not bytes.slice(): on a Node Buffer that is a view, not a copy.
  const copy = new Uint8Array(end - start);
  copy.set(bytes.subarray(start, end));
  return new Ctor(copy.buffer, 0, count);
}

function isIndex(v: unknown): v is number {
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (ArrayBuffer.isView(v)) return v.constructor.name;
  return typeof v === 'object' ? 'an object' : `${typeof v} ${JSON.stringify(v)}`;
}
