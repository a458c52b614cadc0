// Exported names carry a FastConformer/NeMo prefix: other encoders in this package have their own
// Conformer layers and attention, and `export *` in the package index must not collide.
export {
  type AttContextSize,
  type AttContextStyle,
  type ConvNormType as FastConformerConvNormType,
  type FastConformerConfig,
  type ResolvedFastConformerConfig,
  resolveConfig as resolveFastConformerConfig,
  type StreamingParams as FastConformerStreamingParams,
  streamingParams as fastConformerStreamingParams,
} from './config.js';
export { ConformerConvolution as FastConformerConvolution } from './conv-module.js';
export {
  ConformerFeedForward as FastConformerFeedForward,
  ConformerLayer as FastConformerLayer,
} from './layer.js';
export { createMasks as createFastConformerMasks } from './masks.js';
export {
  type EncoderCache as FastConformerCache,
  FastConformer,
  type FastConformerOptions,
} from './model.js';
export {
  RelPositionMultiHeadAttention as NemoRelPositionMultiHeadAttention,
  relPositionalEmbedding as nemoRelPositionalEmbedding,
  relShift as nemoRelShift,
} from './rel-attention.js';
export {
  FastConformerStep,
  FastConformerStreamer,
  type StreamerOptions as FastConformerStreamerOptions,
  type StreamState as FastConformerStreamState,
} from './streaming.js';
export { ConvSubsampling as NemoConvSubsampling } from './subsampling.js';
export { loadNemoFastConformer, nemoEncoderStateDict } from './weights.js';
