/**
 * RIFF/WAVE decoding: PCM 8/16/24/32-bit, IEEE float 32/64, WAVE_FORMAT_EXTENSIBLE wrapping either;
 * any channel count. Unknown chunks (LIST, fact, cue, ...) are skipped, honouring RIFF's pad byte
 * after odd-sized chunks. Errors name the chunk and byte offsets so a corrupt file can be inspected.
 */
export const WAVE_FORMAT_PCM = 0x0001;
export const WAVE_FORMAT_IEEE_FLOAT = 0x0003;
export const WAVE_FORMAT_EXTENSIBLE = 0xfffe;

const FORMAT_NAMES: Record<number, string> = {
  1: 'PCM',
  2: 'MS ADPCM',
  3: 'IEEE float',
  6: 'A-law',
  7: 'mu-law',
  17: 'IMA ADPCM',
  85: 'MPEG layer 3',
  65534: 'extensible',
};

// Tail shared by the KSDATAFORMAT_SUBTYPE_* GUIDs; the first two bytes carry the format code.
const GUID_TAIL = [0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x80, 0x00, 0x00, 0xaa, 0x00, 0x38, 0x9b, 0x71];

export interface WavFormat {
  /** The effective format code: 1 (PCM) or 3 (IEEE float), after unwrapping EXTENSIBLE. */
  formatCode: number;
  /** Whether the fmt chunk was WAVE_FORMAT_EXTENSIBLE. */
  extensible: boolean;
  bitsPerSample: number;
  /** Valid bits inside each container (EXTENSIBLE), else bitsPerSample. */
  validBitsPerSample: number;
  blockAlign: number;
  channelMask?: number;
}

export interface WavData {
  sampleRate: number;
  /** One Float32Array per channel, in [-1, 1) for PCM. */
  channels: Float32Array[];
  format: WavFormat;
  /** Ids of chunks that were skipped, in file order (e.g. ['LIST']). */
  skippedChunks: string[];
}

interface Chunk {
  id: string;
  offset: number; // of the chunk header
  dataOffset: number;
  size: number;
}

const fourcc = (b: Uint8Array, at: number): string =>
  String.fromCharCode(b[at], b[at + 1], b[at + 2], b[at + 3]);

function formatName(code: number): string {
  const name = FORMAT_NAMES[code];
  return `0x${code.toString(16).padStart(4, '0')}${name ? ` (${name})` : ''}`;
}

export interface ReadWavOptions {
  /**
   * Accept files cut short or written by streaming encoders (RIFF/data sizes of 0 or 0xFFFFFFFF): a
   * chunk running past the end of the file is clipped to it, and the audio to whole frames. Default false.
   */
  allowTruncated?: boolean;
}

function listChunks(bytes: Uint8Array, view: DataView, lenient: boolean): Chunk[] {
  if (bytes.length < 12)
    throw new Error(`readWav: file is ${bytes.length} bytes, shorter than the 12-byte RIFF header`);
  const riff = fourcc(bytes, 0);
  if (riff !== 'RIFF') {
    const hint = riff === 'RF64' || riff === 'RIFX' ? ` (${riff} files are not supported)` : '';
    throw new Error(`readWav: not a RIFF file: bytes 0..4 are '${riff}', expected 'RIFF'${hint}`);
  }
  if (fourcc(bytes, 8) !== 'WAVE') {
    throw new Error(`readWav: RIFF form type at bytes 8..12 is '${fourcc(bytes, 8)}', expected 'WAVE'`);
  }
  // The declared RIFF size may be wrong in streamed files; the actual byte length bounds the walk.
  const end = lenient ? bytes.length : Math.min(bytes.length, 8 + view.getUint32(4, true));
  const chunks: Chunk[] = [];
  let at = 12;
  while (at + 8 <= end) {
    const id = fourcc(bytes, at);
    const size = view.getUint32(at + 4, true);
    const dataOffset = at + 8;
    if (dataOffset + size > bytes.length) {
      if (lenient) {
        chunks.push({ id, offset: at, dataOffset, size: bytes.length - dataOffset });
        return chunks;
      }
      throw new Error(
        `readWav: '${id}' chunk at byte ${at} declares ${size} bytes (to byte ${dataOffset + size}) ` +
          `but the file ends at byte ${bytes.length}: truncated or corrupt (pass { allowTruncated: true } to read what is there)`,
      );
    }
    chunks.push({ id, offset: at, dataOffset, size });
    at = dataOffset + size + (size & 1); // odd-sized chunks are followed by a pad byte
  }
  if (at < end && end - at < 8 && !lenient) {
    throw new Error(
      `readWav: ${end - at} stray bytes at byte ${at}, too short for a chunk header: truncated or corrupt`,
    );
  }
  return chunks;
}

function parseFormat(
  bytes: Uint8Array,
  view: DataView,
  fmt: Chunk,
): WavFormat & { channels: number; sampleRate: number } {
  if (fmt.size < 16) {
    throw new Error(
      `readWav: 'fmt ' chunk at byte ${fmt.offset} has ${fmt.size} bytes, expected at least 16`,
    );
  }
  const o = fmt.dataOffset;
  const code = view.getUint16(o, true);
  const channels = view.getUint16(o + 2, true);
  const sampleRate = view.getUint32(o + 4, true);
  const blockAlign = view.getUint16(o + 12, true);
  const bitsPerSample = view.getUint16(o + 14, true);
  let formatCode = code;
  let validBitsPerSample = bitsPerSample;
  let channelMask: number | undefined;
  if (code === WAVE_FORMAT_EXTENSIBLE) {
    if (fmt.size < 40) {
      throw new Error(
        `readWav: extensible 'fmt ' chunk at byte ${fmt.offset} has ${fmt.size} bytes, expected 40`,
      );
    }
    validBitsPerSample = view.getUint16(o + 18, true) || bitsPerSample;
    channelMask = view.getUint32(o + 20, true);
    formatCode = view.getUint16(o + 24, true);
    for (let i = 0; i < GUID_TAIL.length; i++) {
      if (bytes[o + 26 + i] !== GUID_TAIL[i]) {
        throw new Error(
          `readWav: unsupported extensible sub-format GUID at byte ${o + 24} (not a KSDATAFORMAT_SUBTYPE)`,
        );
      }
    }
  }
  const supported =
    (formatCode === WAVE_FORMAT_PCM && [8, 16, 24, 32].includes(bitsPerSample)) ||
    (formatCode === WAVE_FORMAT_IEEE_FLOAT && (bitsPerSample === 32 || bitsPerSample === 64));
  if (!supported) {
    const where = code === WAVE_FORMAT_EXTENSIBLE ? ' (inside WAVE_FORMAT_EXTENSIBLE)' : '';
    throw new Error(
      `readWav: unsupported format ${formatName(formatCode)}${where} with ${bitsPerSample} bits per sample; ` +
        'supported: PCM 8/16/24/32-bit and IEEE float 32/64-bit',
    );
  }
  if (channels < 1)
    throw new Error(`readWav: 'fmt ' chunk at byte ${fmt.offset} declares ${channels} channels`);
  if (sampleRate < 1)
    throw new Error(`readWav: 'fmt ' chunk at byte ${fmt.offset} declares sample rate ${sampleRate}`);
  const expectedAlign = channels * (bitsPerSample / 8);
  if (blockAlign !== expectedAlign) {
    throw new Error(
      `readWav: 'fmt ' chunk at byte ${fmt.offset} has blockAlign ${blockAlign}, expected ${expectedAlign} ` +
        `(${channels} channels × ${bitsPerSample / 8} bytes)`,
    );
  }
  return {
    formatCode,
    extensible: code === WAVE_FORMAT_EXTENSIBLE,
    bitsPerSample,
    validBitsPerSample,
    blockAlign,
    channelMask,
    channels,
    sampleRate,
  };
}

/** Decode a WAV file held in memory. */
export function readWav(input: Uint8Array | ArrayBuffer, options: ReadWavOptions = {}): WavData {
  const lenient = options.allowTruncated ?? false;
  const bytes = input instanceof Uint8Array ? input : new Uint8Array(input);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const chunks = listChunks(bytes, view, lenient);
  const fmtChunk = chunks.find((c) => c.id === 'fmt ');
  const dataChunk = chunks.find((c) => c.id === 'data');
  const found = chunks.map((c) => `'${c.id}'`).join(', ') || 'none';
  if (!fmtChunk) throw new Error(`readWav: missing 'fmt ' chunk (chunks found: ${found})`);
  if (!dataChunk) throw new Error(`readWav: missing 'data' chunk (chunks found: ${found})`);
  const { channels: nChannels, sampleRate, ...format } = parseFormat(bytes, view, fmtChunk);
  if (dataChunk.size % format.blockAlign !== 0 && !lenient) {
    throw new Error(
      `readWav: 'data' chunk at byte ${dataChunk.offset} has ${dataChunk.size} bytes, not a multiple of ` +
        `blockAlign ${format.blockAlign}: truncated or corrupt`,
    );
  }
  const frames = Math.floor(dataChunk.size / format.blockAlign);
  const channels = Array.from({ length: nChannels }, () => new Float32Array(frames));
  const bytesPer = format.bitsPerSample / 8;
  let at = dataChunk.dataOffset;
  for (let i = 0; i < frames; i++) {
    for (let c = 0; c < nChannels; c++, at += bytesPer) channels[c][i] = decodeSample(view, at, format);
  }
  const skippedChunks = chunks.filter((c) => c.id !== 'fmt ' && c.id !== 'data').map((c) => c.id);
  return { sampleRate, channels, format, skippedChunks };
}

function decodeSample(view: DataView, at: number, f: WavFormat): number {
  if (f.formatCode === WAVE_FORMAT_IEEE_FLOAT) {
    return f.bitsPerSample === 32 ? view.getFloat32(at, true) : view.getFloat64(at, true);
  }
  switch (f.bitsPerSample) {
    case 8:
      return (view.getUint8(at) - 128) / 128; // 8-bit PCM is unsigned
    case 16:
      return view.getInt16(at, true) / 32768;
    case 24: {
      const v = view.getUint8(at) | (view.getUint8(at + 1) << 8) | (view.getInt8(at + 2) << 16);
      return v / 8388608;
    }
    default:
      return view.getInt32(at, true) / 2147483648;
  }
}

/** Average all channels into one (the usual mono downmix before a speech front-end). */
export function mixdown(channels: Float32Array[]): Float32Array {
  if (channels.length === 0) throw new Error('mixdown: channels is empty');
  const n = channels[0].length;
  channels.forEach((ch, c) => {
    if (ch.length !== n)
      throw new Error(`mixdown: channel ${c} has ${ch.length} samples, channel 0 has ${n}`);
  });
  if (channels.length === 1) return channels[0].slice();
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (const ch of channels) s += ch[i];
    out[i] = s / channels.length;
  }
  return out;
}
