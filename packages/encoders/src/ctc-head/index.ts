export { CtcHead } from './ctc-head.js';
export { CtcModel, type CtcModelOptions, type Transcription } from './ctc-model.js';
export { checkEncoderInputs, type EncoderStart, type LayeredEncoder, runLayers } from './layered-encoder.js';
