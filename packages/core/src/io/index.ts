export { toFloat32 } from './convert.js';
export {
  dtypeByteSize,
  isSafetensorsDType,
  SAFETENSORS_DTYPES,
  type SafetensorsArray,
  type SafetensorsDType,
  type SafetensorsTensor,
} from './dtypes.js';
export { bf16BitsToFloat32, f16BitsToFloat32, fromFloat32ToBF16, fromFloat32ToF16 } from './half.js';
export { readSafetensors, type SafetensorsFile } from './safetensors-read.js';
export { type SafetensorsInput, writeSafetensors } from './safetensors-write.js';
