/**
 * IEEE half (F16) and bfloat16 (BF16) <-> float32, on raw 16-bit patterns.
 * Everything works on bit patterns (through a Uint32Array view of a Float32Array) so NaN payloads,
 * signed zeros, infinities and subnormals survive exactly; no Math.pow on the hot path.
 */

function asFloat32(values: ArrayLike<number>): Float32Array {
  return values instanceof Float32Array ? values : Float32Array.from(values);
}

/** Decodes F16 bit patterns. Exact: every half value is representable in float32. */
export function f16BitsToFloat32(bits: Uint16Array): Float32Array {
  const out = new Float32Array(bits.length);
  const u = new Uint32Array(out.buffer);
  for (let i = 0; i < bits.length; i++) {
    const h = bits[i];
    const sign = (h & 0x8000) << 16;
    let exp = (h >>> 10) & 0x1f;
    let man = h & 0x3ff;
    if (exp === 0x1f) {
      u[i] = sign | 0x7f800000 | (man << 13); // inf, or NaN keeping its payload
    } else if (exp !== 0) {
      u[i] = sign | ((exp + 112) << 23) | (man << 13); // rebias 15 -> 127
    } else if (man === 0) {
      u[i] = sign; // signed zero
    } else {
      // Subnormal: man * 2^-24. Normalise so the leading 1 becomes the implicit bit.
      exp = 113;
      while ((man & 0x400) === 0) {
        man <<= 1;
        exp--;
      }
      u[i] = sign | (exp << 23) | ((man & 0x3ff) << 13);
    }
  }
  return out;
}

/** Decodes BF16 bit patterns: bfloat16 is the top half of a float32, so this is exact. */
export function bf16BitsToFloat32(bits: Uint16Array): Float32Array {
  const out = new Float32Array(bits.length);
  const u = new Uint32Array(out.buffer);
  for (let i = 0; i < bits.length; i++) u[i] = bits[i] << 16;
  return out;
}

/**
 * Encodes numbers as F16 bit patterns, rounding to nearest, ties to even (as `torch.Tensor.half()`).
 * Values beyond the half range become ±inf, tiny values become subnormals or ±0, and NaN becomes
 * the canonical quiet NaN 0x7e00 with its sign (what PyTorch produces).
 */
export function fromFloat32ToF16(values: ArrayLike<number>): Uint16Array {
  const f = asFloat32(values);
  const u = new Uint32Array(f.buffer, f.byteOffset, f.length);
  const out = new Uint16Array(f.length);
  for (let i = 0; i < f.length; i++) {
    const x = u[i];
    const sign = (x >>> 16) & 0x8000;
    const exp = (x >>> 23) & 0xff;
    const man = x & 0x7fffff;
    if (exp === 0xff) {
      out[i] = sign | (man !== 0 ? 0x7e00 : 0x7c00);
    } else if (exp > 112) {
      // Normal half (biased exponent exp - 112 >= 1). Dropping 13 mantissa bits; a carry out of
      // the mantissa correctly bumps the exponent, and out of exponent 30 gives inf.
      if (exp >= 143) {
        out[i] = sign | 0x7c00;
        continue;
      }
      let h = ((exp - 112) << 10) | (man >>> 13);
      const rest = man & 0x1fff;
      if (rest > 0x1000 || (rest === 0x1000 && (h & 1) === 1)) h++;
      out[i] = sign | h;
    } else {
      // Subnormal half (or zero): value = (man | implicit 1) * 2^(exp - 150), in units of 2^-24.
      const shift = 126 - exp;
      if (exp === 0 || shift > 24) {
        out[i] = sign; // below half of the smallest subnormal (2^-25, a tie rounding to even 0)
        continue;
      }
      const full = man | 0x800000;
      let h = full >>> shift;
      const rest = full & ((1 << shift) - 1);
      const half = 1 << (shift - 1);
      if (rest > half || (rest === half && (h & 1) === 1)) h++;
      out[i] = sign | h; // h may reach 0x400, the smallest normal, which is the right encoding
    }
  }
  return out;
}

/**
 * Encodes numbers as BF16 bit patterns, rounding to nearest, ties to even (as `torch.Tensor.bfloat16()`).
 * NaN becomes 0x7fc0, as PyTorch produces.
 */
export function fromFloat32ToBF16(values: ArrayLike<number>): Uint16Array {
  const f = asFloat32(values);
  const u = new Uint32Array(f.buffer, f.byteOffset, f.length);
  const out = new Uint16Array(f.length);
  for (let i = 0; i < f.length; i++) {
    const x = u[i];
    if ((x & 0x7fffffff) > 0x7f800000) {
      out[i] = 0x7fc0;
    } else {
      // Adding 0x7fff (+1 when the kept lowest bit is odd) rounds half to even; a carry into the
      // exponent is the correct result, up to inf.
      out[i] = (x + 0x7fff + ((x >>> 16) & 1)) >>> 16;
    }
  }
  return out;
}
