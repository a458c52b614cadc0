export {
  type ComplexDft,
  createBluesteinDft,
  createRealDft,
  type RealDft,
  type RealDftMethod,
} from './fft.js';
export {
  applyMel,
  hzToMel,
  type MelFilterbank,
  type MelFilterOptions,
  melFilterbank,
  melToHz,
} from './mel.js';
export { type NemoLogMel, type NemoLogMelOptions, nemoLogMel, nemoValidFrames } from './nemo.js';
export { type ResampleOptions, resample, resampleTo16k } from './resample.js';
export { Rng } from './rng.js';
export {
  type MaskSpan,
  type SpecAugmentOptions,
  type SpecAugmentResult,
  specAugment,
} from './spec-augment.js';
export { type PadMode, powerSpectrogram, type Spectrogram, type StftOptions, stft } from './stft.js';
export { syntheticChirp } from './synthetic.js';
export {
  mixdown,
  readWav,
  WAVE_FORMAT_EXTENSIBLE,
  WAVE_FORMAT_IEEE_FLOAT,
  WAVE_FORMAT_PCM,
  type WavData,
  type WavFormat,
} from './wav-read.js';
export { type WavWriteFormat, type WriteWavOptions, writeWav } from './wav-write.js';
export {
  padOrTrim,
  WHISPER_HOP_LENGTH,
  WHISPER_N_FFT,
  WHISPER_N_FRAMES,
  WHISPER_N_SAMPLES,
  WHISPER_SAMPLE_RATE,
  type WhisperLogMelOptions,
  whisperLogMel,
} from './whisper.js';
export { hannWindow } from './window.js';
