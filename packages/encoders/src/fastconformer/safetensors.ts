/**
 * A small safetensors reader for the NeMo importer (F32/F16/BF16/F64/I64/I32 → float32). Kept local
 * until @seqzoo/core re-exports its `readSafetensors`; then this file goes away.
 */
export interface NamedArray {
  data: Float32Array;
  shape: number[];
}

const FN = 'loadNemoFastConformer';

function f16(bits: number): number {
  const e = (bits >> 10) & 0x1f;
  const m = bits & 0x3ff;
  const s = bits & 0x8000 ? -1 : 1;
  if (e === 0) return s * m * 2 ** -24;
  if (e === 31) return m ? Number.NaN : s * Number.POSITIVE_INFINITY;
  return s * (1 + m / 1024) * 2 ** (e - 15);
}

export function readSafetensorsF32(bytes: Uint8Array): Map<string, NamedArray> {
  if (!(bytes instanceof Uint8Array) || bytes.length < 8) {
    throw new Error(
      `${FN}: argument 'safetensorsBytes' must be a safetensors file (Uint8Array of ≥ 8 bytes)`,
    );
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const n = Number(view.getBigUint64(0, true));
  if (n > bytes.length - 8)
    throw new Error(
      `${FN}: safetensors header length ${n} exceeds the ${bytes.length - 8} bytes after the prefix`,
    );
  let header: Record<string, { dtype: string; shape: number[]; data_offsets: [number, number] }>;
  try {
    header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + n)));
  } catch (e) {
    throw new Error(`${FN}: safetensors header is not valid JSON (${(e as Error).message})`);
  }
  const base = 8 + n;
  const out = new Map<string, NamedArray>();
  for (const [name, entry] of Object.entries(header)) {
    if (name === '__metadata__') continue;
    const [begin, end] = entry.data_offsets;
    const count = entry.shape.reduce((a, b) => a * b, 1);
    if (base + end > bytes.length)
      throw new Error(`${FN}: tensor '${name}' ends at byte ${base + end} beyond the file (${bytes.length})`);
    const dv = new DataView(bytes.buffer, bytes.byteOffset + base + begin, end - begin);
    const data = new Float32Array(count);
    const width = { F32: 4, F16: 2, BF16: 2, F64: 8, I64: 8, I32: 4 }[entry.dtype];
    if (!width) throw new Error(`${FN}: tensor '${name}' has unsupported dtype ${entry.dtype}`);
    if (width * count !== end - begin)
      throw new Error(
        `${FN}: tensor '${name}' [${entry.shape}] ${entry.dtype} needs ${width * count} bytes but has ${end - begin}`,
      );
    for (let i = 0; i < count; i++) {
      if (entry.dtype === 'F32') data[i] = dv.getFloat32(4 * i, true);
      else if (entry.dtype === 'F16') data[i] = f16(dv.getUint16(2 * i, true));
      else if (entry.dtype === 'BF16')
        data[i] = new Float32Array(new Uint32Array([dv.getUint16(2 * i, true) << 16]).buffer)[0];
      else if (entry.dtype === 'F64') data[i] = dv.getFloat64(8 * i, true);
      else if (entry.dtype === 'I64') data[i] = Number(dv.getBigInt64(8 * i, true));
      else data[i] = dv.getInt32(4 * i, true);
    }
    out.set(name, { data, shape: [...entry.shape] });
  }
  return out;
}
