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

/** Shared boundary check of `features` [B, T, D] float32 and `lengths` [B] int32. */
export function checkEncoderInputs(
  where: string,
  features: Tensor,
  lengths: Tensor,
  dim: number,
  layout: 'btd' | 'bdt' = 'btd',
): void {
  const expected = layout === 'btd' ? `[B, T, ${dim}]` : `[B, ${dim}, T]`;
  const channelAxis = layout === 'btd' ? 2 : 1;
  const d = features.shape[channelAxis];
  if (features.rank !== 3 || (typeof d === 'number' && d !== dim)) {
    throw new Error(
      `${where}: argument 'features' expected shape ${expected} but received [${features.shape.join(', ')}]`,
    );
  }
  if (features.dtype !== 'float32')
    throw new Error(`${where}: argument 'features' must be float32 but is ${features.dtype}`);
  const b = features.shape[0];
  if (
    lengths.rank !== 1 ||
    (typeof b === 'number' && typeof lengths.shape[0] === 'number' && lengths.shape[0] !== b)
  ) {
    throw new Error(
      `${where}: argument 'lengths' expected shape [${b}] (one per batch item of 'features' [${features.shape.join(', ')}]) but received [${lengths.shape.join(', ')}]`,
    );
  }
  if (lengths.dtype !== 'int32')
    throw new Error(`${where}: argument 'lengths' must be int32 but is ${lengths.dtype}`);
}
