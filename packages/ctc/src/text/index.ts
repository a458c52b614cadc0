export { CharVocab, type CharVocabOptions } from './char-vocab.js';
export { type EditAlignment, type EditOp, editAlign } from './edit-distance.js';
export {
  type CorpusErrorRate,
  charErrorRate,
  corpusErrorRate,
  type ErrorRate,
  type ErrorRateOptions,
  normalizeText,
  wordErrorRate,
} from './error-rate.js';
export type { Segment } from './piece-vocab.js';
export { type SentencePieceOptions, SentencePieceTokenizer } from './sentencepiece.js';
export {
  PieceType,
  parseSentencePieceModel,
  type SentencePieceModelData,
  type SentencePieceModelType,
} from './sentencepiece-proto.js';
export type { Tokenizer } from './tokenizer.js';
export { markerBoundary, separatorBoundary, splitWords, type WordBoundary } from './word-boundary.js';
