/** `dst[i] = exp(src[i]) · w` for float32 rows, true when a NaN or +Infinity was seen. */
export type ExpRow = (
  src: Float32Array,
  srcOff: number,
  dst: Float32Array,
  dstOff: number,
  n: number,
  w: number,
) => boolean;

/**
 * Builds a 128-bit SIMD WebAssembly kernel for `exp(x)·w` over float32 rows (the softmax term of
 * torch's CTC gradient, which touches every element of [T, N, C] and dominates the cost when C is
 * large), or returns null where WebAssembly SIMD is unavailable.
 *
 * The module is assembled here from named opcodes (no toolchain, no binary blob). The exp is the
 * classic float32 scheme (as Cephes `expf`): k = round(x·log2 e), r = x − k·ln 2 with a two-part
 * ln 2 (Cody–Waite), e^r by its degree-7 Taylor polynomial (|r| ≤ ln2/2, truncation < 6e-9), and
 * 2^k built in the exponent bits; inputs below −87.33 (results below the smallest normal float)
 * give 0, inputs above 88 are clamped. Accuracy is a few float32 ulps.
 *
 * Self-contained (no imports, no module scope) so worker threads can rebuild it from its source.
 */
export function createWasmExp(): ExpRow | null {
  if (typeof WebAssembly !== 'object') return null;
  const CHUNK = 8192; // floats per call: input at byte 0, output at byte 32768 of one 64 KiB page
  const OUT = 32768;
  const f32 = (v: number): number[] => Array.from(new Uint8Array(new Float32Array([v, v, v, v]).buffer));
  const i32 = (v: number): number[] => Array.from(new Uint8Array(new Int32Array([v, v, v, v]).buffer));
  const uleb = (v: number): number[] => {
    const out: number[] = [];
    do {
      let b = v & 0x7f;
      v >>>= 7;
      if (v !== 0) b |= 0x80;
      out.push(b);
    } while (v !== 0);
    return out;
  };
  const simd = (op: number): number[] => [0xfd, ...uleb(op)];
  const vconst = (bytes: number[]): number[] => [...simd(0x0c), ...bytes];
  const get = (i: number): number[] => [0x20, i];
  const set = (i: number): number[] => [0x21, i];
  const op = {
    load: simd(0x00),
    store: simd(0x0b),
    splat: simd(0x13),
    ne: simd(0x42),
    lt: simd(0x43),
    gt: simd(0x44),
    andnot: simd(0x4f),
    or: simd(0x50),
    anyTrue: simd(0x53),
    nearest: simd(0x6a),
    shl: simd(0xab),
    iadd: simd(0xae),
    add: simd(0xe4),
    sub: simd(0xe5),
    mul: simd(0xe6),
    min: simd(0xe8),
    max: simd(0xe9),
    truncSat: simd(0xf8),
  };
  // params: 0 n (i32, multiple of 4), 1 w (f32); locals: 2 byte offset, 3 x, 4 flag, 5 k, 6 r, 7 w×4
  const LO = -87.33;
  const horner: number[] = [...vconst(f32(1 / 5040))];
  for (const c of [1 / 720, 1 / 120, 1 / 24, 1 / 6, 1 / 2, 1, 1]) {
    horner.push(...get(6), ...op.mul, ...vconst(f32(c)), ...op.add);
  }
  const body = [
    ...[0x02, 0x01, 0x7f, 0x05, 0x7b], // locals: 1 × i32, 5 × v128
    ...get(1),
    ...op.splat,
    ...set(7),
    ...[0x02, 0x40, 0x03, 0x40], // block, loop
    ...get(2),
    ...get(0),
    ...[0x41, 2, 0x74, 0x4f, 0x0d, 1], // i32.const 2, i32.shl, i32.ge_u, br_if 1
    ...get(2),
    ...op.load,
    ...[0x00, 0x00],
    ...set(3),
    // flag |= (x ≠ x) | (x > FLT_MAX)
    ...get(4),
    ...get(3),
    ...get(3),
    ...op.ne,
    ...op.or,
    ...get(3),
    ...vconst(f32(3.4028234663852886e38)),
    ...op.gt,
    ...op.or,
    ...set(4),
    // r = clamp(x); k = nearest(r·log2 e); r = r − k·C1 − k·C2
    ...get(3),
    ...vconst(f32(LO)),
    ...op.max,
    ...vconst(f32(88)),
    ...op.min,
    ...set(6),
    ...get(6),
    ...vconst(f32(Math.LOG2E)),
    ...op.mul,
    ...op.nearest,
    ...set(5),
    ...get(6),
    ...get(5),
    ...vconst(f32(0.693359375)),
    ...op.mul,
    ...op.sub,
    ...get(5),
    ...vconst(f32(-2.1219444e-4)),
    ...op.mul,
    ...op.sub,
    ...set(6),
    // store offset: e^r · 2^k · w, zero below LO
    ...get(2),
    ...horner,
    ...get(5),
    ...op.truncSat,
    ...vconst(i32(127)),
    ...op.iadd,
    ...[0x41, 23],
    ...op.shl,
    ...op.mul,
    ...get(7),
    ...op.mul,
    ...get(3),
    ...vconst(f32(LO)),
    ...op.lt,
    ...op.andnot,
    ...op.store,
    ...[0x00, ...uleb(OUT)],
    ...get(2),
    ...[0x41, 16, 0x6a], // i32.const 16, i32.add
    ...set(2),
    ...[0x0c, 0, 0x0b, 0x0b], // br 0, end loop, end block
    ...get(4),
    ...op.anyTrue,
    0x0b,
  ];
  const section = (id: number, payload: number[]): number[] => [id, ...uleb(payload.length), ...payload];
  const name = (s: string): number[] => [s.length, ...Array.from(s, (c) => c.charCodeAt(0))];
  const bytes = new Uint8Array([
    ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00],
    ...section(1, [1, 0x60, 2, 0x7f, 0x7d, 1, 0x7f]),
    ...section(3, [1, 0]),
    ...section(5, [1, 0x00, 1]),
    ...section(7, [2, ...name('exp'), 0x00, 0, ...name('mem'), 0x02, 0]),
    ...section(10, [1, ...uleb(body.length), ...body]),
  ]);
  let exp: (n: number, w: number) => number;
  let mem: Float32Array;
  try {
    const inst = new WebAssembly.Instance(new WebAssembly.Module(bytes));
    exp = inst.exports.exp as (n: number, w: number) => number;
    mem = new Float32Array((inst.exports.mem as WebAssembly.Memory).buffer);
  } catch {
    return null;
  }
  const outBase = OUT / 4;
  return (src, srcOff, dst, dstOff, n, w) => {
    let bad = 0;
    for (let i = 0; i < n; i += CHUNK) {
      const m = Math.min(CHUNK, n - i);
      mem.set(src.subarray(srcOff + i, srcOff + i + m), 0);
      // pad to a multiple of 4 lanes with a harmless value
      for (let j = m; j & 3; j++) mem[j] = 0;
      bad |= exp((m + 3) & ~3, w);
      dst.set(mem.subarray(outBase, outBase + m), dstOff + i);
    }
    return bad !== 0;
  };
}
