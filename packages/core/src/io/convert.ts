import type { SafetensorsTensor } from './dtypes.js';
import { bf16BitsToFloat32, f16BitsToFloat32 } from './half.js';

/**
 * A tensor's elements as a new Float32Array, whatever its dtype: F16/BF16 bits are decoded exactly,
 * F64 and integers round to the nearest float32 (integers beyond 2^24 lose precision, as in
 * `torch.Tensor.float()`; I64/U64 beyond 2^53 go through a double first, so a rare tie may land one
 * ulp from torch's single rounding), BOOL gives 0/1. Always a copy, never a view into the file's bytes.
 */
export function toFloat32(tensor: Pick<SafetensorsTensor, 'dtype' | 'data'>): Float32Array {
  const { dtype, data } = tensor;
  if (dtype === 'F16' || dtype === 'BF16') {
    if (!(data instanceof Uint16Array)) {
      throw new Error(
        `toFloat32: a ${dtype} tensor must hold its raw bits in a Uint16Array, got ${data.constructor.name}`,
      );
    }
    return dtype === 'F16' ? f16BitsToFloat32(data) : bf16BitsToFloat32(data);
  }
  if (data instanceof BigInt64Array || data instanceof BigUint64Array) {
    const out = new Float32Array(data.length);
    for (let i = 0; i < data.length; i++) out[i] = Number(data[i]);
    return out;
  }
  return Float32Array.from(data);
}
