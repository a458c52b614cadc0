export * from './branchformer/index.js';
export * from './conformer/index.js';
export * from './ctc-head/index.js';
export * from './fastconformer/index.js';
export * from './mamba/index.js';
export * from './whisper/index.js';
