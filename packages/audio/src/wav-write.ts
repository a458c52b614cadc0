/** WAV encoding: 16-bit PCM (clipped, rounded) or 32-bit IEEE float, interleaving any number of channels. */
export type WavWriteFormat = 'pcm16' | 'float32';

export interface WriteWavOptions {
  format?: WavWriteFormat;
}

export function writeWav(
  channels: Float32Array | Float32Array[],
  sampleRate: number,
  options: WriteWavOptions = {},
): Uint8Array {
  const list = channels instanceof Float32Array ? [channels] : channels;
  const format = options.format ?? 'pcm16';
  if (list.length === 0 || list.length > 65535) {
    throw new Error(`writeWav: channels must hold 1..65535 channels, got ${list.length}`);
  }
  if (!Number.isInteger(sampleRate) || sampleRate < 1 || sampleRate > 0xffffffff) {
    throw new Error(`writeWav: sampleRate must be a positive integer, got ${sampleRate}`);
  }
  if (format !== 'pcm16' && format !== 'float32') {
    throw new Error(`writeWav: format must be 'pcm16' or 'float32', got '${String(format)}'`);
  }
  const frames = list[0].length;
  list.forEach((ch, c) => {
    if (ch.length !== frames)
      throw new Error(`writeWav: channel ${c} has ${ch.length} samples, channel 0 has ${frames}`);
  });
  const bytesPer = format === 'pcm16' ? 2 : 4;
  const blockAlign = list.length * bytesPer;
  const dataBytes = frames * blockAlign;
  if (dataBytes > 0xffffffff - 44)
    throw new Error(`writeWav: ${dataBytes} bytes of audio exceed the 4 GiB RIFF limit`);
  const pad = dataBytes & 1;
  const out = new Uint8Array(44 + dataBytes + pad);
  const view = new DataView(out.buffer);
  const ascii = (at: number, s: string) => {
    for (let i = 0; i < 4; i++) out[at + i] = s.charCodeAt(i);
  };
  ascii(0, 'RIFF');
  view.setUint32(4, 36 + dataBytes + pad, true);
  ascii(8, 'WAVE');
  ascii(12, 'fmt ');
  view.setUint32(16, 16, true);
  view.setUint16(20, format === 'pcm16' ? 1 : 3, true);
  view.setUint16(22, list.length, true);
  view.setUint32(24, sampleRate, true);
  view.setUint32(28, sampleRate * blockAlign, true);
  view.setUint16(32, blockAlign, true);
  view.setUint16(34, bytesPer * 8, true);
  ascii(36, 'data');
  view.setUint32(40, dataBytes, true);
  let at = 44;
  for (let i = 0; i < frames; i++) {
    for (const ch of list) {
      if (format === 'float32') {
        view.setFloat32(at, ch[i], true);
      } else {
        // Scale by 32768 so k/32768 round-trips exactly through readWav; clip to the int16 range.
        const v = Math.round(ch[i] * 32768);
        view.setInt16(at, v > 32767 ? 32767 : v < -32768 ? -32768 : Number.isNaN(v) ? 0 : v, true);
      }
      at += bytesPer;
    }
  }
  return out;
}
