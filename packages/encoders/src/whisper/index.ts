export { checkWhisperConfig, WHISPER_ENCODER_SIZES, type WhisperEncoderConfig } from './config.js';
export { WhisperAttention, WhisperEncoderLayer } from './layers.js';
export { PositionTable, WhisperEncoder, whisperSinusoids } from './model.js';
export { loadHfWhisperEncoder } from './weights.js';
