import { Module } from '../module/module.js';
import { add, arange, concat, constant, cos, mul, reshape, sin, sizeOf, unsqueeze } from '../ops/index.js';
import { checkShape } from '../shape.js';
import type { Tensor } from '../tensor.js';

export interface SinusoidalOptions {
  /**
   * 'interleaved': sin on even channels, cos on odd ones, frequencies 10000^(-2i/D) (Transformer,
   * ESPnet, NeMo). 'concat': [sin | cos] halves with timescales spaced over D/2 − 1 steps (Whisper).
   */
  layout?: 'interleaved' | 'concat';
  maxTimescale?: number;
  /** Multiply the input by sqrt(D) before adding positions (ESPnet's xscale). */
  scaleInput?: boolean;
}

/**
 * Adds fixed sinusoidal positions to [B, T, D]. The table is computed in the graph from the time
 * axis (float32 position × frequency, as PyTorch builds its buffer), so T stays dynamic in ONNX.
 */
export class SinusoidalPositionalEncoding extends Module {
  constructor(
    readonly dModel: number,
    readonly options: SinusoidalOptions = {},
  ) {
    super();
    if (dModel % 2) throw new Error(`SinusoidalPositionalEncoding: dModel must be even but is ${dModel}`);
  }

  private frequencies(): Float32Array {
    const half = this.dModel / 2;
    const base = this.options.maxTimescale ?? 10000;
    const out = new Float32Array(half);
    for (let i = 0; i < half; i++) {
      out[i] =
        this.options.layout === 'concat'
          ? Math.exp((-Math.log(base) / (half - 1)) * i)
          : Math.exp(2 * i * (-Math.log(base) / this.dModel));
    }
    return out;
  }

  /** The [T, D] table for `length` positions, on `like`'s backend. */
  table(like: Tensor, length: ReturnType<typeof sizeOf>): Tensor {
    const pos = unsqueeze(arange(like, 0, length, 'float32'), 1); // [T, 1]
    const angles = mul(pos, constant(like, this.frequencies(), [1, this.dModel / 2])); // [T, D/2]
    if (this.options.layout === 'concat') return concat([sin(angles), cos(angles)], 1);
    const pairs = concat([unsqueeze(sin(angles), 2), unsqueeze(cos(angles), 2)], 2); // [T, D/2, 2]
    return reshape(pairs, [sizeOf(pairs, 0), this.dModel]);
  }

  forward(x: Tensor): Tensor {
    checkShape(x.shape, [null, null, this.dModel], this.label('SinusoidalPositionalEncoding'), 'input');
    const scaled = this.options.scaleInput ? mul(x, Math.sqrt(this.dModel)) : x;
    return add(scaled, this.table(x, sizeOf(x, 1)));
  }
}
