export type {
  Backend,
  BinaryOp,
  ConvAttrs,
  NativeLowerings,
  PadMode,
  ReduceOp,
  ScanBody,
  Size,
  UnaryOp,
} from './backend.js';
export { exportOnnx, traceModule } from './backends/onnx/export.js';
export { releaseOnnxSessions } from './backends/onnx/run.js';
export { type OrtModule, setOnnxRuntime } from './backends/onnx/runtime.js';
export { TfjsBackend, type TfjsDevice, tfjsBackend } from './backends/tfjs/index.js';
export { fromTf, toTf } from './backends/tfjs/run.js';
export type { DType, TypedArray } from './dtype.js';
export { type InferOptions, infer } from './infer.js';
export { constantParameter, normalParameter, uniformParameter } from './init/initializers.js';
export { defaultRng, manualSeed, Rng } from './init/rng.js';
export * from './io/index.js';
export * from './layers/index.js';
export type { InputSpec } from './module/io.js';
export { assignModulePaths, type ForwardOutput, Module } from './module/module.js';
export { Parameter } from './module/parameter.js';
export { loadStateDict, type StateDict, type StateTensor, stateDict } from './module/state-dict.js';
export { loadSafetensors, saveSafetensors, stateDictFromSafetensors } from './module/weights.js';
export * as ops from './ops/index.js';
export { checkShape, type Dim, formatShape, type Shape } from './shape.js';
export { Tensor, type TensorData } from './tensor.js';
export { trainableVariables, trainStep } from './train.js';
