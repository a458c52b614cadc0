import { describe, expect, it } from 'vitest';
import { dtypeArrayClass, dtypeByteSize, HOST_IS_LITTLE_ENDIAN, SAFETENSORS_DTYPES } from './dtypes.js';
import { decodeLittleEndian, encodeLittleEndian } from './endian.js';

// The DataView path only runs on big-endian hosts; here (little-endian) it must agree with a plain
// typed-array view of the same bytes.
describe('decodeLittleEndian / encodeLittleEndian', () => {
  it('agree with typed-array views on a little-endian host, for every dtype', () => {
    expect(HOST_IS_LITTLE_ENDIAN).toBe(true);
    // Bytes below 0x80 keep every float's exponent short of all-ones, so no NaN payloads to compare.
    const bytes = Uint8Array.from({ length: 48 }, (_, i) => (i * 37 + 11) & 0x7f);
    for (const dtype of SAFETENSORS_DTYPES) {
      const view = new (dtypeArrayClass(dtype))(bytes.buffer, 0, 48 / dtypeByteSize(dtype));
      const decoded = decodeLittleEndian(bytes, dtype);
      expect(decoded.constructor, dtype).toBe(view.constructor);
      expect(Array.from(decoded as ArrayLike<number | bigint>), dtype).toEqual(
        Array.from(view as ArrayLike<number | bigint>),
      );
      expect(Array.from(encodeLittleEndian(view, dtype)), dtype).toEqual(Array.from(bytes));
    }
  });

  it('reads multi-byte values least significant byte first', () => {
    const bytes = new Uint8Array([0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08]);
    expect(Array.from(decodeLittleEndian(bytes, 'U32') as Uint32Array)).toEqual([0x04030201, 0x08070605]);
    expect(Array.from(decodeLittleEndian(bytes, 'I64') as BigInt64Array)).toEqual([0x0807060504030201n]);
    expect(Array.from(encodeLittleEndian(new Uint16Array([0x3c00]), 'F16'))).toEqual([0x00, 0x3c]);
  });
});
