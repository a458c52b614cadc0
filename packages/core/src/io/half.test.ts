import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { bf16BitsToFloat32, f16BitsToFloat32, fromFloat32ToBF16, fromFloat32ToF16 } from './half.js';

interface RoundingFixture {
  float32_bits: number[];
  f16_bits: number[];
  bf16_bits: number[];
}
const rounding = JSON.parse(
  readFileSync(new URL('./fixtures/half-rounding.json', import.meta.url), 'utf8'),
) as RoundingFixture;
const inputs = new Float32Array(new Uint32Array(rounding.float32_bits).buffer);

/** Independent F16 decoder straight from the IEEE definition, to check the bit-twiddling one. */
function f16Reference(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const man = h & 0x3ff;
  if (exp === 0x1f) return man ? Number.NaN : sign * Number.POSITIVE_INFINITY;
  if (exp === 0) return sign * man * 2 ** -24;
  return sign * (1 + man / 1024) * 2 ** (exp - 15);
}

const allBits = Uint16Array.from({ length: 65536 }, (_, i) => i);

describe('f16BitsToFloat32', () => {
  it('decodes all 65536 patterns as the IEEE definition says (subnormals, inf, NaN, -0)', () => {
    const got = f16BitsToFloat32(allBits);
    const wrong: string[] = [];
    for (let h = 0; h < 65536; h++) {
      const want = f16Reference(h);
      const ok = Number.isNaN(want) ? Number.isNaN(got[h]) : Object.is(got[h], want);
      if (!ok) wrong.push(`0x${h.toString(16)}: ${got[h]} vs ${want}`);
    }
    expect(wrong).toEqual([]);
    expect(Array.from(f16BitsToFloat32(new Uint16Array([0x0001, 0x03ff, 0x8000, 0xfc00])))).toEqual([
      2 ** -24,
      1023 * 2 ** -24,
      -0,
      Number.NEGATIVE_INFINITY,
    ]);
  });
});

describe('bf16BitsToFloat32', () => {
  it('is the top half of the float32 pattern', () => {
    const got = new Uint32Array(bf16BitsToFloat32(allBits).buffer);
    expect(Array.from(got)).toEqual(Array.from(allBits, (h) => h * 65536));
  });
});

describe('fromFloat32ToF16', () => {
  it("matches torch's .half() bit for bit on ties, subnormals, overflow and random values", () => {
    expect(Array.from(fromFloat32ToF16(inputs))).toEqual(rounding.f16_bits);
  });

  it('round-trips every non-NaN half value', () => {
    const decoded = f16BitsToFloat32(allBits);
    const encoded = fromFloat32ToF16(decoded);
    // NaNs come back as the canonical quiet NaN, keeping their sign.
    const want = Array.from(allBits, (h) => (Number.isNaN(decoded[h]) ? (h & 0x8000) | 0x7e00 : h));
    expect(Array.from(encoded)).toEqual(want);
  });

  it('accepts plain number arrays', () => {
    expect(Array.from(fromFloat32ToF16([1, -2, 65520, 2 ** -25]))).toEqual([0x3c00, 0xc000, 0x7c00, 0x0000]);
  });
});

describe('fromFloat32ToBF16', () => {
  it("matches torch's .bfloat16() bit for bit (any NaN pattern counts as NaN)", () => {
    // torch's vectorised CPU path turns NaN into 0xffff, its scalar c10::BFloat16 path into 0x7fc0
    // (what we emit); both are NaN, so NaN positions only need to agree on being NaN.
    const isNaN16 = (b: number) => (b & 0x7fff) > 0x7f80;
    const canon = (bits: ArrayLike<number>) => Array.from(bits, (b) => (isNaN16(b) ? 'NaN' : b));
    expect(rounding.bf16_bits.some(isNaN16)).toBe(true);
    expect(canon(fromFloat32ToBF16(inputs))).toEqual(canon(rounding.bf16_bits));
  });

  it('round-trips every non-NaN bfloat16 value', () => {
    const decoded = bf16BitsToFloat32(allBits);
    const encoded = fromFloat32ToBF16(decoded);
    const want = Array.from(allBits, (h) => (Number.isNaN(decoded[h]) ? 0x7fc0 : h));
    expect(Array.from(encoded)).toEqual(want);
  });
});
