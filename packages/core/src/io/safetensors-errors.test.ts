import { describe, expect, it } from 'vitest';
import type { SafetensorsTensor } from './dtypes.js';
import { readSafetensors } from './safetensors-read.js';
import { writeSafetensors } from './safetensors-write.js';

/** A file with an arbitrary header (string or raw bytes) and `dataBytes` zero bytes of data. */
function file(header: string | Uint8Array, dataBytes = 0, declaredLength?: number): Uint8Array {
  const h = typeof header === 'string' ? new TextEncoder().encode(header) : header;
  const out = new Uint8Array(8 + h.length + dataBytes);
  new DataView(out.buffer).setBigUint64(0, BigInt(declaredLength ?? h.length), true);
  out.set(h, 8);
  return out;
}
const entry = (dtype: string, shape: unknown, offsets: unknown) =>
  JSON.stringify({ dtype, shape, data_offsets: offsets });

describe('readSafetensors rejects corrupt files, naming what is wrong', () => {
  const cases: [string, Uint8Array, string][] = [
    [
      'too short',
      new Uint8Array(5),
      'readSafetensors: file is 5 bytes, shorter than the 8-byte header length prefix',
    ],
    [
      'header length beyond the file',
      file('{}', 0, 4096),
      'readSafetensors: header length 4096 exceeds the 2 bytes that follow the 8-byte prefix',
    ],
    [
      'header length beyond 2^53',
      file('{}', 0, Number.MAX_SAFE_INTEGER),
      `readSafetensors: header length ${Number.MAX_SAFE_INTEGER} exceeds the 2 bytes`,
    ],
    [
      'invalid UTF-8',
      file(new Uint8Array([0x7b, 0xff, 0xfe, 0x7d])),
      'readSafetensors: header (4 bytes) is not valid UTF-8',
    ],
    ['invalid JSON', file('{"a": '), 'readSafetensors: header is not valid JSON ('],
    [
      'header not an object',
      file('[1, 2]   '),
      'readSafetensors: header must be a JSON object, got an array',
    ],
    ['header null', file('null'), 'readSafetensors: header must be a JSON object, got null'],
    [
      'entry not an object',
      file('{"w": 3}'),
      "readSafetensors: tensor 'w': header entry must be an object, got number 3",
    ],
    [
      'missing dtype',
      file('{"w": {"shape": [1], "data_offsets": [0, 4]}}', 4),
      "readSafetensors: tensor 'w': header entry is missing 'dtype'",
    ],
    [
      'missing shape',
      file('{"w": {"dtype": "F32", "data_offsets": [0, 4]}}', 4),
      "readSafetensors: tensor 'w': header entry is missing 'shape'",
    ],
    [
      'missing data_offsets',
      file('{"w": {"dtype": "F32", "shape": [1]}}', 4),
      "readSafetensors: tensor 'w': header entry is missing 'data_offsets'",
    ],
    [
      'unknown dtype',
      file(`{"w": ${entry('F128', [1], [0, 16])}}`, 16),
      'readSafetensors: tensor \'w\': unsupported dtype "F128"',
    ],
    [
      'negative dim',
      file(`{"w": ${entry('F32', [2, -1], [0, 4])}}`, 4),
      "readSafetensors: tensor 'w': shape must be an array of non-negative integers, got [2,-1]",
    ],
    [
      'fractional dim',
      file(`{"w": ${entry('F32', [1.5], [0, 4])}}`, 4),
      "readSafetensors: tensor 'w': shape must be an array of non-negative integers, got [1.5]",
    ],
    [
      'bad offsets',
      file(`{"w": ${entry('F32', [1], [4])}}`, 4),
      "readSafetensors: tensor 'w': data_offsets must be [begin, end] non-negative integers, got [4]",
    ],
    [
      'reversed offsets',
      file(`{"w": ${entry('F32', [1], [8, 4])}}`, 8),
      "readSafetensors: tensor 'w': data_offsets [8, 4] end before they begin",
    ],
    [
      'size not shape x dtype',
      file(`{"w": ${entry('F32', [2, 3], [0, 20])}}`, 20),
      "readSafetensors: tensor 'w': data_offsets [0, 20] span 20 bytes but F32 shape [2, 3] needs 24",
    ],
    [
      'overlap',
      file(`{"a": ${entry('F32', [2], [0, 8])}, "b": ${entry('F32', [2], [4, 12])}}`, 12),
      "readSafetensors: tensor 'b' data_offsets [4, 12] overlap tensor 'a', which ends at 8",
    ],
    [
      'gap',
      file(`{"a": ${entry('F32', [1], [0, 4])}, "b": ${entry('F32', [1], [8, 12])}}`, 12),
      "readSafetensors: tensor 'b' data_offsets [8, 12] leave a gap of bytes [4, 8) after tensor 'a'",
    ],
    [
      'not starting at 0',
      file(`{"a": ${entry('U8', [2], [2, 4])}}`, 4),
      "readSafetensors: tensor 'a' data_offsets [2, 4] leave a gap of bytes [0, 2) at the start of the data section",
    ],
    [
      'data section too long',
      file(`{"a": ${entry('F32', [1], [0, 4])}}`, 9),
      'readSafetensors: tensors cover 4 bytes but the data section after the header is 9 bytes',
    ],
    [
      'data section truncated',
      file(`{"a": ${entry('F32', [4], [0, 16])}}`, 10),
      'readSafetensors: tensors cover 16 bytes but the data section after the header is 10 bytes',
    ],
    [
      'metadata not strings',
      file('{"__metadata__": {"epoch": 3}}'),
      "readSafetensors: __metadata__ value for key 'epoch' must be a string, got number 3",
    ],
    [
      'metadata not an object',
      file('{"__metadata__": "pt"}'),
      'readSafetensors: __metadata__ must be an object of strings, got string "pt"',
    ],
  ];
  it.each(cases)('%s', (_label, bytes, message) => {
    expect(() => readSafetensors(bytes)).toThrow(message);
  });

  it('rejects input that is not a Uint8Array', () => {
    expect(() => readSafetensors(new ArrayBuffer(16) as unknown as Uint8Array)).toThrow(
      'readSafetensors: bytes must be a Uint8Array, got an object',
    );
  });
});

describe('writeSafetensors rejects bad tensors, naming them', () => {
  const f32 = (shape: number[], n: number): SafetensorsTensor => ({
    dtype: 'F32',
    shape,
    data: new Float32Array(n),
  });

  it('reports a data length that does not match the shape', () => {
    expect(() => writeSafetensors({ 'enc.w': f32([2, 3], 5) })).toThrow(
      "writeSafetensors: tensor 'enc.w': data has 5 elements but shape [2, 3] needs 6",
    );
  });

  it('reports negative or non-integer dims', () => {
    expect(() => writeSafetensors({ w: f32([-1], 0) })).toThrow(
      "writeSafetensors: tensor 'w': shape must be an array of non-negative integers, got [-1]",
    );
    expect(() => writeSafetensors({ w: f32([0.5], 0) })).toThrow('got [0.5]');
  });

  it('reports duplicate names', () => {
    expect(() =>
      writeSafetensors([
        ['w', f32([1], 1)],
        ['w', f32([1], 1)],
      ]),
    ).toThrow("writeSafetensors: duplicate tensor name 'w'");
  });

  it('reports an unknown dtype or a typed array of the wrong kind', () => {
    const bad = { dtype: 'F8', shape: [1], data: new Uint8Array(1) } as unknown as SafetensorsTensor;
    expect(() => writeSafetensors({ q: bad })).toThrow(
      'writeSafetensors: tensor \'q\': unsupported dtype "F8"',
    );
    expect(() => writeSafetensors({ h: { dtype: 'F16', shape: [2], data: new Float32Array(2) } })).toThrow(
      "writeSafetensors: tensor 'h': F16 data must be a Uint16Array (raw bits; see fromFloat32ToF16), got Float32Array",
    );
    expect(() => writeSafetensors({ i: { dtype: 'I64', shape: [1], data: new Int32Array(1) } })).toThrow(
      "writeSafetensors: tensor 'i': I64 data must be a BigInt64Array, got Int32Array",
    );
  });

  it('reports the reserved name and non-string metadata', () => {
    expect(() => writeSafetensors({ __metadata__: f32([1], 1) })).toThrow(
      "writeSafetensors: '__metadata__' is reserved for metadata and cannot name a tensor",
    );
    expect(() => writeSafetensors({}, { epoch: 3 } as unknown as Record<string, string>)).toThrow(
      "writeSafetensors: metadata value for key 'epoch' must be a string, got number",
    );
  });
});
