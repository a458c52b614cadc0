// Selective scan (Mamba), S4D/LSSL and Aaren: parallel (loop-free) and recurrent forms of each, written
// once against @seqzoo/core's ops so they run on tfjs (trainable) and ONNX (traced) alike.
export { Aaren, type AarenConfig, type AarenState, AarenStep } from './aaren/aaren.js';
export { aarenPrefixScan, aarenStep, causalSoftmaxAttention } from './aaren/aaren-scan.js';
export { MambaLayer, RMSNorm } from './mamba/block.js';
export type { MambaConfig, ResolvedMambaConfig } from './mamba/config.js';
export { GatedCnnBlock, type GatedCnnConfig } from './mamba/gated-cnn.js';
export { Mamba, type MambaState, MambaStep } from './mamba/mamba.js';
export {
  importMamba,
  loadMambaWeights,
  mambaConfigFromWeights,
  mambaTensors,
  type WeightEntry,
} from './mamba/weights.js';
export {
  type DiagonalModes,
  type Discretization,
  denseKernel,
  diagonalKernel,
  discretizeDense,
  discretizeDiagonal,
  expm,
} from './s4d/discretize.js';
export { fftCausalConv } from './s4d/fft-conv.js';
export { type DiagonalInit, diagonalInit, hippoLegS, legsDiagonal, symmetricEigen } from './s4d/hippo.js';
export { LSSL, type LSSLConfig } from './s4d/lssl.js';
export { S4D, type S4DConfig, S4DKernel } from './s4d/s4d.js';
export { s4dKernel } from './s4d/s4d-host.js';
export { toeplitzCausalConv } from './s4d/toeplitz.js';
export {
  type LinearScanOptions,
  linearScan,
  linearScanSequential,
  prefixScanPairs,
} from './scan/linear-scan.js';
export {
  type ScanState,
  type SelectiveScanTensors,
  selectiveScanChunked,
  selectiveScanFull,
  selectiveScanRecurrent,
  selectiveScanStep,
  zeroScanState,
} from './scan/selective-scan.js';
export {
  type FloatData,
  type SelectiveScanArgs,
  type SelectiveScanOptions,
  selectiveScan,
} from './scan/selective-scan-data.js';
