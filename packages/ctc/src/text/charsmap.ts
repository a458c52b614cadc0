/**
 * SentencePiece's precompiled normalisation map (`NormalizerSpec.precompiled_charsmap`), e.g. the
 * nmt_nfkc rules every default-trained model carries. Layout (sentencepiece `normalizer.cc`): a
 * little-endian uint32 byte size of a darts-clone double-array trie, the trie's uint32 units, then the
 * replacement strings, NUL-terminated, that the trie's values point into. Normalisation walks the UTF-8
 * bytes of the text, replacing the longest prefix found in the trie, else copying one character.
 */
export class PrecompiledCharsMap {
  private readonly units: Uint32Array;
  private readonly strings: Uint8Array;

  constructor(blob: Uint8Array) {
    const fn = 'PrecompiledCharsMap';
    if (blob.length < 4)
      throw new Error(`${fn}: charsmap has ${blob.length} bytes, fewer than its 4-byte header`);
    const view = new DataView(blob.buffer, blob.byteOffset, blob.byteLength);
    const trieSize = view.getUint32(0, true);
    if (trieSize % 4 !== 0 || 4 + trieSize > blob.length) {
      throw new Error(`${fn}: trie size ${trieSize} does not fit the ${blob.length}-byte charsmap`);
    }
    this.units = new Uint32Array(trieSize / 4);
    for (let i = 0; i < this.units.length; i++) this.units[i] = view.getUint32(4 + 4 * i, true);
    this.strings = blob.subarray(4 + trieSize);
  }

  /** Value and byte length of the longest key that prefixes bytes[pos..], or length 0 if none. */
  private longestPrefix(bytes: Uint8Array, pos: number): { value: number; length: number } {
    const u = this.units;
    let best = { value: 0, length: 0 };
    if (u.length === 0) return best;
    // darts-clone unit fields: label = unit & (2^31 | 0xFF), leaf flag = bit 8, value = unit & (2^31 - 1),
    // offset = (unit >> 10) << ((unit & 2^9) >> 6).
    const offset = (unit: number) => (unit >>> 10) << ((unit & (1 << 9)) >>> 6);
    let node = offset(u[0]);
    for (let i = pos; i < bytes.length; i++) {
      node ^= bytes[i];
      if (node >= u.length) break;
      const unit = u[node];
      if ((unit & 0x800000ff) >>> 0 !== bytes[i]) break;
      node ^= offset(unit);
      if (((unit >>> 8) & 1) === 1 && node < u.length) {
        best = { value: u[node] & 0x7fffffff, length: i - pos + 1 };
      }
    }
    return best;
  }

  /** The text with every mapped sequence replaced (no whitespace handling: that is the caller's). */
  normalize(text: string): string {
    const bytes = new TextEncoder().encode(text);
    const out: number[] = [];
    let pos = 0;
    while (pos < bytes.length) {
      const { value, length } = this.longestPrefix(bytes, pos);
      if (length > 0) {
        for (let k = value; k < this.strings.length && this.strings[k] !== 0; k++) out.push(this.strings[k]);
        pos += length;
      } else {
        // One UTF-8 character, copied as is (TextEncoder output is always valid UTF-8).
        const b = bytes[pos];
        const n = b < 0x80 ? 1 : b < 0xe0 ? 2 : b < 0xf0 ? 3 : 4;
        for (let k = 0; k < n; k++) out.push(bytes[pos + k]);
        pos += n;
      }
    }
    return new TextDecoder('utf-8', { ignoreBOM: true }).decode(Uint8Array.from(out));
  }
}
