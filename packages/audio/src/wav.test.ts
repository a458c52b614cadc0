import { describe, expect, it } from 'vitest';
import { loadFixture, maxAbsDiff } from './fixtures/load-fixture.js';
import { syntheticChirp } from './synthetic.js';
import { mixdown, readWav } from './wav-read.js';
import { writeWav } from './wav-write.js';

/** Assemble a RIFF/WAVE file from raw chunks (id + payload); odd payloads get RIFF's pad byte. */
function riff(chunks: Array<[string, Uint8Array]>, form = 'WAVE'): Uint8Array {
  const body = chunks.reduce((n, [, p]) => n + 8 + p.length + (p.length & 1), 4);
  const out = new Uint8Array(8 + body);
  const view = new DataView(out.buffer);
  const ascii = (at: number, s: string) => {
    for (let i = 0; i < s.length; i++) out[at + i] = s.charCodeAt(i);
  };
  ascii(0, 'RIFF');
  view.setUint32(4, body, true);
  ascii(8, form);
  let at = 12;
  for (const [id, payload] of chunks) {
    ascii(at, id);
    view.setUint32(at + 4, payload.length, true);
    out.set(payload, at + 8);
    at += 8 + payload.length + (payload.length & 1);
  }
  return out;
}

function fmt(
  code: number,
  channels: number,
  rate: number,
  bits: number,
  extensible?: { sub: number; valid?: number },
) {
  const p = new Uint8Array(extensible ? 40 : 16);
  const v = new DataView(p.buffer);
  v.setUint16(0, extensible ? 0xfffe : code, true);
  v.setUint16(2, channels, true);
  v.setUint32(4, rate, true);
  v.setUint32(8, (rate * channels * bits) / 8, true);
  v.setUint16(12, (channels * bits) / 8, true);
  v.setUint16(14, bits, true);
  if (extensible) {
    v.setUint16(16, 22, true);
    v.setUint16(18, extensible.valid ?? bits, true);
    v.setUint32(20, 0x3f, true);
    v.setUint16(24, extensible.sub, true);
    p.set([0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x80, 0x00, 0x00, 0xaa, 0x00, 0x38, 0x9b, 0x71], 26);
  }
  return p;
}

const bytes = (...b: number[]) => new Uint8Array(b);

describe('readWav', () => {
  type WavCase = { writer: string; sampleRate: number; channels: number; wav: string; data: number[] };
  const { cases } = loadFixture<WavCase[]>('wav');
  for (const c of cases) {
    it(`decodes a file written by ${c.writer} (${c.channels} ch) as torchaudio.load does`, () => {
      const wav = readWav(new Uint8Array(Buffer.from(c.wav, 'base64')));
      expect(wav.sampleRate).toBe(c.sampleRate);
      expect(wav.channels.length).toBe(c.channels);
      const flat = new Float32Array(wav.channels.reduce((n, ch) => n + ch.length, 0));
      wav.channels.forEach((ch, i) => {
        flat.set(ch, i * ch.length);
      });
      expect(maxAbsDiff(flat, c.data)).toBeLessThan(1e-7);
    });
  }

  it('decodes PCM 8 (unsigned), 24 and 32-bit edge values', () => {
    const u8 = readWav(
      riff([
        ['fmt ', fmt(1, 1, 8000, 8)],
        ['data', bytes(0, 128, 255)],
      ]),
    );
    expect(Array.from(u8.channels[0])).toEqual([-1, 0, 127 / 128]);
    const s24 = readWav(
      riff([
        ['fmt ', fmt(1, 1, 8000, 24)],
        ['data', bytes(0xff, 0xff, 0x7f, 0, 0, 0x80, 0xff, 0xff, 0xff)],
      ]),
    );
    expect(Array.from(s24.channels[0])).toEqual([
      Math.fround(8388607 / 8388608),
      -1,
      Math.fround(-1 / 8388608),
    ]);
    const s32 = readWav(
      riff([
        ['fmt ', fmt(1, 1, 8000, 32)],
        ['data', bytes(0, 0, 0, 0x80, 0, 0, 0, 0x40)],
      ]),
    );
    expect(Array.from(s32.channels[0])).toEqual([-1, 0.5]);
  });

  it('decodes float64, EXTENSIBLE multichannel, skips odd-sized unknown chunks, accepts data before fmt', () => {
    const f64 = new Uint8Array(new Float64Array([0.25, -0.75]).buffer);
    const list = bytes(1, 2, 3, 4, 5); // odd size: followed by a pad byte
    const wav = readWav(
      riff([
        ['LIST', list],
        ['data', f64],
        ['junk', bytes(9)],
        ['fmt ', fmt(3, 1, 44100, 64)],
      ]),
    );
    expect(Array.from(wav.channels[0])).toEqual([0.25, -0.75]);
    expect(wav.skippedChunks).toEqual(['LIST', 'junk']);
    expect(wav.sampleRate).toBe(44100);

    const six = new Int16Array([0, 1, 2, 3, 4, 5, 10, 11, 12, 13, 14, 15].map((v) => v * 1024));
    const ext = readWav(
      riff([
        ['fmt ', fmt(0, 6, 48000, 16, { sub: 1 })],
        ['data', new Uint8Array(six.buffer)],
      ]),
    );
    expect(ext.format).toMatchObject({
      formatCode: 1,
      extensible: true,
      bitsPerSample: 16,
      channelMask: 0x3f,
    });
    expect(ext.channels.map((ch) => Array.from(ch, (v) => v * 32))).toEqual([
      [0, 10],
      [1, 11],
      [2, 12],
      [3, 13],
      [4, 14],
      [5, 15],
    ]);
  });

  it('reports unsupported formats by code and bit depth', () => {
    expect(() =>
      readWav(
        riff([
          ['fmt ', fmt(6, 1, 8000, 8)],
          ['data', bytes(0)],
        ]),
      ),
    ).toThrow(
      'readWav: unsupported format 0x0006 (A-law) with 8 bits per sample; supported: PCM 8/16/24/32-bit and IEEE float 32/64-bit',
    );
    expect(() =>
      readWav(
        riff([
          ['fmt ', fmt(1, 1, 8000, 12)],
          ['data', bytes(0)],
        ]),
      ),
    ).toThrow('readWav: unsupported format 0x0001 (PCM) with 12 bits per sample');
    expect(() =>
      readWav(
        riff([
          ['fmt ', fmt(0, 1, 8000, 16, { sub: 3 })],
          ['data', bytes(0, 0)],
        ]),
      ),
    ).toThrow(
      'readWav: unsupported format 0x0003 (IEEE float) (inside WAVE_FORMAT_EXTENSIBLE) with 16 bits per sample',
    );
  });

  it('reports truncated and corrupt files with the chunk and byte offsets', () => {
    const good = riff([
      ['fmt ', fmt(1, 1, 8000, 16)],
      ['data', bytes(1, 2, 3, 4)],
    ]);
    expect(() => readWav(good.subarray(0, good.length - 2))).toThrow(
      "readWav: 'data' chunk at byte 36 declares 4 bytes (to byte 48) but the file ends at byte 46: truncated or corrupt",
    );
    expect(() =>
      readWav(
        riff([
          ['fmt ', fmt(1, 2, 8000, 16)],
          ['data', bytes(1, 2, 3, 4, 5, 6)],
        ]),
      ),
    ).toThrow(
      "readWav: 'data' chunk at byte 36 has 6 bytes, not a multiple of blockAlign 4: truncated or corrupt",
    );
    const badAlign = fmt(1, 2, 8000, 16);
    badAlign[12] = 3;
    expect(() =>
      readWav(
        riff([
          ['fmt ', badAlign],
          ['data', bytes(0, 0, 0, 0)],
        ]),
      ),
    ).toThrow("readWav: 'fmt ' chunk at byte 12 has blockAlign 3, expected 4 (2 channels × 2 bytes)");
    expect(() =>
      readWav(
        riff([
          ['fmt ', bytes(1, 0, 1, 0)],
          ['data', bytes(0, 0)],
        ]),
      ),
    ).toThrow("readWav: 'fmt ' chunk at byte 12 has 4 bytes, expected at least 16");
    expect(() => readWav(bytes(1, 2, 3))).toThrow(
      'readWav: file is 3 bytes, shorter than the 12-byte RIFF header',
    );
    const notRiff = good.slice();
    notRiff.set([0x52, 0x46, 0x36, 0x34]); // 'RF64'
    expect(() => readWav(notRiff)).toThrow(
      "readWav: not a RIFF file: bytes 0..4 are 'RF64', expected 'RIFF' (RF64 files are not supported)",
    );
    expect(() => readWav(riff([['fmt ', fmt(1, 1, 8000, 16)]], 'AVI '))).toThrow(
      "readWav: RIFF form type at bytes 8..12 is 'AVI ', expected 'WAVE'",
    );
  });

  it('reads truncated and streamed files with allowTruncated', () => {
    const good = riff([
      ['fmt ', fmt(1, 2, 8000, 16)],
      ['data', new Uint8Array(new Int16Array([1, 2, 3, 4, 5, 6]).buffer)],
    ]);
    const cut = good.slice(0, good.length - 3); // mid-frame
    expect(() => readWav(cut)).toThrow('(pass { allowTruncated: true } to read what is there)');
    const wav = readWav(cut, { allowTruncated: true });
    expect(wav.channels.map((c) => Array.from(c, (v) => v * 32768))).toEqual([
      [1, 3],
      [2, 4],
    ]);
    const streamed = good.slice();
    new DataView(streamed.buffer).setUint32(4, 0, true); // RIFF size unknown
    new DataView(streamed.buffer).setUint32(40, 0xffffffff, true); // data size unknown
    expect(readWav(streamed, { allowTruncated: true }).channels[0].length).toBe(3);
  });

  it('reports missing fmt / data chunks, listing the chunks found', () => {
    expect(() =>
      readWav(
        riff([
          ['LIST', bytes(1, 2)],
          ['data', bytes(0, 0)],
        ]),
      ),
    ).toThrow("readWav: missing 'fmt ' chunk (chunks found: 'LIST', 'data')");
    expect(() => readWav(riff([['fmt ', fmt(1, 1, 8000, 16)]]))).toThrow(
      "readWav: missing 'data' chunk (chunks found: 'fmt ')",
    );
  });
});

describe('writeWav', () => {
  it('round-trips float32 exactly and pcm16 to 1/32768, for several channels', () => {
    const a = syntheticChirp(301, 16000, 1);
    const b = syntheticChirp(301, 16000, 2);
    const f = readWav(writeWav([a, b], 16000, { format: 'float32' }));
    expect(f.format).toMatchObject({ formatCode: 3, bitsPerSample: 32 });
    expect(f.channels).toEqual([a, b]);
    const p = readWav(writeWav([a, b], 16000));
    expect(p.format).toMatchObject({ formatCode: 1, bitsPerSample: 16, blockAlign: 4 });
    expect(maxAbsDiff(p.channels[0], a)).toBeLessThanOrEqual(0.5 / 32768 + 1e-9);
    expect(maxAbsDiff(p.channels[1], b)).toBeLessThanOrEqual(0.5 / 32768 + 1e-9);
  });

  it('clips PCM16 to the int16 range and writes a 44-byte canonical header', () => {
    const out = writeWav(new Float32Array([2, -2, 0.5, Number.NaN]), 8000);
    expect(out.length).toBe(44 + 8);
    expect(String.fromCharCode(...out.subarray(36, 40))).toBe('data');
    expect(Array.from(readWav(out).channels[0])).toEqual([32767 / 32768, -1, 0.5, 0]);
  });

  it('names the argument in errors', () => {
    expect(() => writeWav([], 16000)).toThrow('writeWav: channels must hold 1..65535 channels, got 0');
    expect(() => writeWav(new Float32Array(2), 16000.5)).toThrow(
      'writeWav: sampleRate must be a positive integer, got 16000.5',
    );
    expect(() => writeWav([new Float32Array(2), new Float32Array(3)], 16000)).toThrow(
      'writeWav: channel 1 has 3 samples, channel 0 has 2',
    );
  });
});

describe('mixdown', () => {
  it('averages channels and checks lengths', () => {
    expect(Array.from(mixdown([new Float32Array([1, 0]), new Float32Array([0, 0.5])]))).toEqual([0.5, 0.25]);
    expect(() => mixdown([])).toThrow('mixdown: channels is empty');
    expect(() => mixdown([new Float32Array(2), new Float32Array(1)])).toThrow(
      'mixdown: channel 1 has 1 samples, channel 0 has 2',
    );
  });
});
