import type { Module, Tensor } from '@seqzoo/core';

/** What an encoder hands to its layers: the residual stream, its valid lengths, and per-call state. */
export interface EncoderStart<C> {
  /** [B, T', D] input of the first layer. */
  x: Tensor;
  /** int32 [B] valid frames of `x`. */
  lengths: Tensor;
  /** Whatever the layers need besides `x` (masks, positions). */
  context: C;
}

/**
 * An encoder that exposes its layer loop, so a CTC model can read (and condition) the residual stream
 * between layers: `end(layer(n-1, …layer(0, begin(features, lengths).x)))` is the encoder's forward.
 */
export interface LayeredEncoder<C = unknown> extends Module {
  /** Width D of the residual stream. */
  readonly dModel: number;
  readonly numLayers: number;
  begin(features: Tensor, lengths: Tensor): EncoderStart<C>;
  layer(index: number, x: Tensor, context: C): Tensor;
  end(x: Tensor, context: C): Tensor;
}

/** Runs a layered encoder from start to end (the encoders' own `forward`). */
export function runLayers<C>(
  encoder: LayeredEncoder<C>,
  features: Tensor,
  lengths: Tensor,
): { encoded: Tensor; encodedLengths: Tensor } {
  const start = encoder.begin(features, lengths);
  let x = start.x;
  for (let i = 0; i < encoder.numLayers; i++) x = encoder.layer(i, x, start.context);
  return { encoded: encoder.end(x, start.context), encodedLengths: start.lengths };
}
