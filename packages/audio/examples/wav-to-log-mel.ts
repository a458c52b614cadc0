/**
 * Read a WAV file, mix it to mono, resample to 16 kHz and compute Whisper and NeMo log-mels.
 *
 *   npx tsx --conditions=@seqzoo/source packages/audio/examples/wav-to-log-mel.ts [file.wav]
 *
 * Without an argument it first writes a 44.1 kHz stereo test file to the OS temp folder.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  mixdown,
  nemoLogMel,
  readWav,
  resampleTo16k,
  specAugment,
  syntheticChirp,
  whisperLogMel,
  writeWav,
} from '@seqzoo/audio';

let path = process.argv[2];
if (!path) {
  path = join(tmpdir(), 'seqzoo-chirp-44k.wav');
  const left = syntheticChirp(44100 * 2, 44100, 1);
  const right = syntheticChirp(44100 * 2, 44100, 2);
  writeFileSync(path, writeWav([left, right], 44100, { format: 'pcm16' }));
}

const wav = readWav(readFileSync(path));
const mono = mixdown(wav.channels);
const audio = resampleTo16k(mono, wav.sampleRate); // band-limited, as torchaudio.functional.resample
console.log(
  `${path}: ${wav.channels.length} ch, ${wav.sampleRate} Hz, ${wav.format.bitsPerSample}-bit → ${audio.length} samples at 16 kHz`,
);

const whisper = whisperLogMel(audio, { nMels: 80, padTo30s: true }); // what a Whisper encoder expects
console.log('whisper log-mel dims', whisper.dims); // [80, 3000]

const nemo = nemoLogMel(audio); // (Fast)Conformer preprocessor, per-feature normalised
console.log('nemo log-mel dims', nemo.dims, 'valid frames', nemo.validFrames);

const augmented = specAugment(nemo, { freqMasks: 2, freqWidth: 27, timeMasks: 10, timeWidth: 0.05, seed: 1 });
console.log('SpecAugment masks', augmented.freqMasks, augmented.timeMasks.length, 'time masks');
