import type { StateDict } from '@seqzoo/core';

const ELEMENT: Record<string, { bytes: number; read: (v: DataView, o: number) => number }> = {
  F32: { bytes: 4, read: (v, o) => v.getFloat32(o, true) },
  F64: { bytes: 8, read: (v, o) => v.getFloat64(o, true) },
  I32: { bytes: 4, read: (v, o) => v.getInt32(o, true) },
  I64: { bytes: 8, read: (v, o) => Number(v.getBigInt64(o, true)) },
};

/**
 * The tensors of a safetensors file as a float32 state dict (int64 buffers such as BatchNorm's
 * `num_batches_tracked` become floats, as seqzoo keeps every parameter in float32).
 *
 * A minimal reader for F32/F64/I32/I64 while @seqzoo/core's `readSafetensors` is being written; the
 * importers call only this function, so switching to core's reader is a one-file change.
 */
export function safetensorsToStateDict(bytes: Uint8Array, where: string): StateDict {
  if (!(bytes instanceof Uint8Array) || bytes.length < 8) {
    throw new Error(
      `${where}: 'safetensorsBytes' must be a Uint8Array holding a safetensors file (got ${bytes?.length ?? 0} bytes)`,
    );
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerSize = Number(view.getBigUint64(0, true));
  if (headerSize > bytes.length - 8) {
    throw new Error(
      `${where}: safetensors header size ${headerSize} exceeds the file (${bytes.length} bytes)`,
    );
  }
  let header: Record<string, { dtype: string; shape: number[]; data_offsets: [number, number] }>;
  try {
    header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + headerSize)));
  } catch (e) {
    throw new Error(`${where}: safetensors header is not valid JSON (${(e as Error).message})`);
  }
  const base = 8 + headerSize;
  const state: StateDict = new Map();
  for (const [name, entry] of Object.entries(header)) {
    if (name === '__metadata__') continue;
    const element = ELEMENT[entry.dtype];
    if (!element)
      throw new Error(
        `${where}: tensor '${name}' has dtype ${entry.dtype}; supported: ${Object.keys(ELEMENT).join(', ')}`,
      );
    const count = entry.shape.reduce((a, b) => a * b, 1);
    const [start, end] = entry.data_offsets;
    if (end - start !== count * element.bytes || base + end > bytes.length) {
      throw new Error(
        `${where}: tensor '${name}' (${entry.dtype} [${entry.shape.join(', ')}]) has byte range [${start}, ${end}) that does not fit its shape or the file`,
      );
    }
    const data = new Float32Array(count);
    for (let i = 0; i < count; i++) data[i] = element.read(view, base + start + i * element.bytes);
    state.set(name, { data, shape: [...entry.shape] });
  }
  return state;
}
