export {
  absolutePositions,
  EspnetAttention,
  legacyRelativePositions,
  relativePositions,
  relShift,
} from './attention.js';
export { type BranchContext, BranchformerLayer } from './branchformer-layer.js';
export { ConvolutionalGatingMLP, ConvolutionalSpatialGatingUnit, PositionwiseFeedForward } from './cgmlp.js';
export type {
  AttentionLayerType,
  BranchformerConfig,
  EBranchformerConfig,
  EspnetBranchConfig,
  GateActivation,
  InputLayer,
  MergeMethod,
  PosEncLayerType,
} from './config.js';
export { EBranchformerLayer } from './e-branchformer-layer.js';
export { branchformerConfigFromEspnet, eBranchformerConfigFromEspnet } from './espnet-config.js';
export { BranchformerEncoder, EBranchformerEncoder } from './model.js';
export { EspnetConv2dSubsampling } from './subsampling.js';
export { loadEspnetBranchformer, loadEspnetEBranchformer } from './weights.js';
