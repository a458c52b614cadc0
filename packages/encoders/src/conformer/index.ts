export type { ConformerConfig } from './config.js';
export { GroupNorm } from './group-norm.js';
export { ConformerConvModule, ConformerFeedForward, ConformerLayer } from './layers.js';
export { Conformer } from './model.js';
export { loadTorchaudioConformer } from './weights.js';
