export { type ArpaEntry, type ArpaModel, parseArpa } from './arpa.js';
export {
  BeamDecoder,
  type BeamDecoderOptions,
  type BeamHypothesis,
  type BeamLmOptions,
} from './beam-decoder.js';
export {
  type BeamSearchBatchOptions,
  type BeamSearchOptions,
  beamSearch,
  beamSearchBatch,
  beamSearchBatchSync,
  beamSearchSync,
} from './beam-search.js';
export {
  aggregate,
  type ConfidenceAggregation,
  type ConfidenceMethod,
  type ConfidenceOptions,
  confidenceMeasure,
  frameConfidence,
  pathTokenConfidence,
} from './confidence.js';
export {
  type GreedyDecodeBatchOptions,
  type GreedyDecodeOptions,
  type GreedyHypothesis,
  greedyDecode,
  greedyDecodeBatch,
} from './greedy.js';
export { type HotwordOptions, type HotwordPhrase, Hotwords } from './hotwords.js';
export { type LmFusionOptions, tokenLmScorer, wordLmScorer } from './lm-scorer.js';
export { NgramLm, type NgramLmOptions, type NgramState } from './ngram-lm.js';
export { CtcPrefixScorer, type CtcPrefixScorerOptions, type CtcPrefixState } from './prefix-score.js';
export type { PrefixScorer } from './prefix-scorer.js';
export {
  type PosteriorChunk,
  type StablePrefix,
  StreamingBeamSearch,
  StreamingGreedyDecoder,
} from './streaming.js';
export {
  makeWordRule,
  tokensToWords,
  type WordRule,
  type WordRuleOptions,
  wordConfidence,
  wordRanges,
  wordTimesteps,
} from './word-rule.js';
