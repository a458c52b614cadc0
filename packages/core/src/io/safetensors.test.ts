import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { toFloat32 } from './convert.js';
import { SAFETENSORS_DTYPES, type SafetensorsDType, type SafetensorsTensor } from './dtypes.js';
import { fromFloat32ToBF16, fromFloat32ToF16 } from './half.js';
import { readSafetensors } from './safetensors-read.js';
import { writeSafetensors } from './safetensors-write.js';

interface RefTensor {
  dtype: SafetensorsDType;
  shape: number[];
  values?: (number | string)[];
  bits?: number[];
  float32?: (number | string)[];
  source?: (number | string)[];
}
interface Reference {
  header: string;
  metadata: Record<string, string>;
  tensors: Record<string, RefTensor>;
}

const fixture = (name: string) => new URL(`./fixtures/${name}`, import.meta.url);
const fileBytes = new Uint8Array(readFileSync(fixture('reference.safetensors')));
const ref = JSON.parse(readFileSync(fixture('reference.json'), 'utf8')) as Reference;
const values = (data: SafetensorsTensor['data']) => Array.from(data as ArrayLike<number | bigint>);
const num = (v: number | string) => (typeof v === 'number' ? v : Number(v.replace('inf', 'Infinity')));

/** The fixture's tensors rebuilt in TypeScript from the JSON values (exact bits for floats). */
function tensorFromRef(t: RefTensor): SafetensorsTensor {
  const { dtype, shape } = t;
  const v = t.values ?? [];
  switch (dtype) {
    case 'F32':
      return { dtype, shape, data: new Float32Array(new Uint32Array(t.bits!).buffer) };
    case 'F16':
    case 'BF16':
      return { dtype, shape, data: new Uint16Array(t.bits!) };
    case 'F64':
      return { dtype, shape, data: Float64Array.from(v, num) };
    case 'I64':
      return { dtype, shape, data: BigInt64Array.from(v, (x) => BigInt(x)) };
    case 'I32':
      return { dtype, shape, data: Int32Array.from(v, num) };
    case 'I16':
      return { dtype, shape, data: Int16Array.from(v, num) };
    case 'I8':
      return { dtype, shape, data: Int8Array.from(v, num) };
    default:
      return { dtype, shape, data: Uint8Array.from(v, num) };
  }
}

const expectedTensors = Object.fromEntries(
  Object.entries(ref.tensors).map(([name, t]) => [name, tensorFromRef(t)]),
);

describe('readSafetensors on a file written by the Python reference layout', () => {
  const file = readSafetensors(fileBytes);

  it('reads the metadata and every tensor with its dtype, shape and values', () => {
    expect(file.metadata).toEqual(ref.metadata);
    expect([...file.tensors.keys()].sort()).toEqual(Object.keys(ref.tensors).sort());
    for (const [name, want] of Object.entries(expectedTensors)) {
      const got = file.tensors.get(name)!;
      expect(got.dtype, name).toBe(want.dtype);
      expect(got.shape, name).toEqual(want.shape);
      expect(got.data.constructor, name).toBe(want.data.constructor);
      expect(Array.from(got.data as ArrayLike<number | bigint>), name).toEqual(
        Array.from(want.data as ArrayLike<number | bigint>),
      );
    }
    expect(file.tensors.get('step')!.data[0]).toBe(2n ** 53n + 1n);
    expect(values(file.tensors.get('encoder.bias')!.data)).toEqual([0.5, -1.25, 3]);
  });

  it("decodes F16 and BF16 to torch's float32 values with toFloat32", () => {
    for (const name of ['half', 'bf16']) {
      const got = Array.from(toFloat32(file.tensors.get(name)!));
      expect(got, name).toEqual(ref.tensors[name].float32!.map(num));
    }
  });

  it("encodes the float32 sources to torch's half and bfloat16 bits", () => {
    const { half, bf16 } = ref.tensors;
    expect(Array.from(fromFloat32ToF16(half.source!.map(num)))).toEqual(half.bits);
    expect(Array.from(fromFloat32ToBF16(bf16.source!.map(num)))).toEqual(bf16.bits);
  });

  it('returns tensors in data-offset order', () => {
    expect([...file.tensors.keys()].slice(0, 4)).toEqual(['step', 'scale', '10', '9']);
  });
});

describe('writeSafetensors', () => {
  it('writes the same bytes as the Python reference layout (sorted keys, 8-byte space padding)', () => {
    // Insertion order deliberately scrambled: the writer must sort by dtype alignment, then name.
    const scrambled = Object.entries(expectedTensors).reverse();
    const ours = writeSafetensors(new Map(scrambled), ref.metadata);
    const headerLength = Number(new DataView(ours.buffer).getBigUint64(0, true));
    expect(headerLength % 8).toBe(0);
    expect(new TextDecoder().decode(ours.subarray(8, 8 + headerLength))).toBe(ref.header);
    expect(ours.length).toBe(fileBytes.length);
    expect(Buffer.from(ours).equals(Buffer.from(fileBytes))).toBe(true);
  });

  it('round-trips every dtype, from a record, a Map and an iterable of pairs', () => {
    const samples: Record<SafetensorsDType, SafetensorsTensor['data']> = {
      BOOL: new Uint8Array([1, 0, 1, 1, 0, 0]),
      U8: new Uint8Array([0, 1, 2, 253, 254, 255]),
      I8: new Int8Array([-128, -1, 0, 1, 2, 127]),
      I16: new Int16Array([-32768, -2, 0, 7, 300, 32767]),
      U16: new Uint16Array([0, 1, 2, 65533, 65534, 65535]),
      F16: fromFloat32ToF16([0.5, -1, 2 ** -24, 65504, Number.NEGATIVE_INFINITY, -0]),
      BF16: fromFloat32ToBF16([0.5, -1, 1e-38, 3e38, Number.POSITIVE_INFINITY, -0]),
      I32: new Int32Array([-(2 ** 31), -5, 0, 9, 123456, 2 ** 31 - 1]),
      U32: new Uint32Array([0, 1, 2 ** 32 - 1, 5, 6, 7]),
      F32: new Float32Array([0.1, -2.5, 1e-45, 3.4e38, Number.NaN, -0]),
      F64: new Float64Array([Math.PI, -1e-300, 5e-324, 1e300, Number.NaN, -0]),
      I64: new BigInt64Array([-(2n ** 63n), -1n, 0n, 1n, 2n ** 53n + 1n, 2n ** 63n - 1n]),
      U64: new BigUint64Array([0n, 1n, 2n ** 64n - 1n, 2n ** 53n + 1n, 5n, 6n]),
    };
    expect(Object.keys(samples).sort()).toEqual([...SAFETENSORS_DTYPES].sort());
    const record = Object.fromEntries(
      SAFETENSORS_DTYPES.map((d) => [`t.${d}`, { dtype: d, shape: [2, 3], data: samples[d] }]),
    );
    const bytes = writeSafetensors(record);
    expect(Buffer.from(writeSafetensors(new Map(Object.entries(record)))).equals(Buffer.from(bytes))).toBe(
      true,
    );
    expect(Buffer.from(writeSafetensors(Object.entries(record))).equals(Buffer.from(bytes))).toBe(true);
    const back = readSafetensors(bytes);
    expect(back.metadata).toEqual({});
    for (const d of SAFETENSORS_DTYPES) {
      const t = back.tensors.get(`t.${d}`)!;
      expect(t.dtype).toBe(d);
      expect(t.shape).toEqual([2, 3]);
      expect(t.data.constructor).toBe(samples[d].constructor);
      expect(Array.from(t.data as ArrayLike<number | bigint>), d).toEqual(
        Array.from(samples[d] as ArrayLike<number | bigint>),
      );
    }
  });

  it('writes metadata first, keys sorted, and an empty file as an 8-byte header', () => {
    const bytes = writeSafetensors({}, { b: '2', a: 'x"y\n' });
    const n = Number(new DataView(bytes.buffer).getBigUint64(0, true));
    expect(new TextDecoder().decode(bytes.subarray(8)).trimEnd()).toBe(
      '{"__metadata__":{"a":"x\\"y\\n","b":"2"}}',
    );
    expect(bytes.length).toBe(8 + n);
    expect(readSafetensors(bytes).metadata).toEqual({ a: 'x"y\n', b: '2' });
    const empty = writeSafetensors(new Map());
    expect(Array.from(empty)).toEqual([8, 0, 0, 0, 0, 0, 0, 0, 123, 125, 32, 32, 32, 32, 32, 32]);
    expect(readSafetensors(empty).tensors.size).toBe(0);
  });

  it('keeps integer-like and "__proto__" names in reference order', () => {
    const one = () => ({ dtype: 'U8' as const, shape: [1], data: new Uint8Array([1]) });
    const bytes = writeSafetensors([
      ['2', one()],
      ['__proto__', one()],
      ['10', one()],
      ['\u{1F600}', one()],
      ['\uFFFF', one()],
    ]);
    const names = [...readSafetensors(bytes).tensors.keys()];
    // UTF-8 byte order (Rust's String order): U+FFFF sorts before U+1F600, unlike UTF-16 order.
    expect(names).toEqual(['10', '2', '__proto__', '\uFFFF', '\u{1F600}']);
  });
});

describe('readSafetensors alignment', () => {
  it('copies tensors that are misaligned in the input buffer and reads them little-endian', () => {
    for (const shift of [1, 2, 3, 5]) {
      const host = new Uint8Array(fileBytes.length + shift);
      host.set(fileBytes, shift);
      const file = readSafetensors(host.subarray(shift));
      const weight = file.tensors.get('encoder.weight')!;
      expect(values(weight.data)).toEqual(values(expectedTensors['encoder.weight'].data));
      expect(file.tensors.get('step')!.data[2]).toBe(2n ** 62n);
      expect(toFloat32(file.tensors.get('half')!)[1]).toBe(-2.5);
    }
  });

  it('copies correctly out of a misaligned Node Buffer (whose slice() is a view)', () => {
    const host = Buffer.alloc(fileBytes.length + 3);
    host.set(fileBytes, 3);
    const file = readSafetensors(host.subarray(3));
    expect(values(file.tensors.get('encoder.weight')!.data)).toEqual(
      values(expectedTensors['encoder.weight'].data),
    );
    expect(values(file.tensors.get('scale')!.data)).toEqual(values(expectedTensors.scale.data));
  });

  it('returns zero-copy views when aligned', () => {
    const file = readSafetensors(fileBytes);
    expect(file.tensors.get('encoder.weight')!.data.buffer).toBe(fileBytes.buffer);
  });
});

describe('toFloat32', () => {
  it('converts integer, boolean and F64 tensors to float32', () => {
    const file = readSafetensors(fileBytes);
    expect(Array.from(toFloat32(file.tensors.get('step')!))).toEqual([2 ** 53, -5, 2 ** 62]);
    expect(Array.from(toFloat32(file.tensors.get('mask')!))).toEqual([1, 0, 1, 1]);
    expect(Array.from(toFloat32(file.tensors.get('short')!))).toEqual([-32768, 32767]);
    expect(Array.from(toFloat32(file.tensors.get('scale')!))).toEqual([Math.fround(Math.PI), -0]);
    const weight = file.tensors.get('encoder.weight')!;
    const copy = toFloat32(weight);
    expect(copy).not.toBe(weight.data);
    expect(Array.from(copy)).toEqual(values(weight.data));
  });

  it('rejects F16 data that is not raw Uint16Array bits', () => {
    expect(() => toFloat32({ dtype: 'F16', data: new Float32Array(2) })).toThrow(
      'toFloat32: a F16 tensor must hold its raw bits in a Uint16Array, got Float32Array',
    );
  });
});
