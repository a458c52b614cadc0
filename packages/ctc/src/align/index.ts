export {
  type AlignTranscriptOptions,
  alignTranscript,
  type TranscriptAlignment,
} from './align-transcript.js';
export { type ForcedAlignment, type ForcedAlignOptions, forcedAlign } from './forced-align.js';
export { type ForcedAlignBatchOptions, forcedAlignBatch } from './forced-align-batch.js';
export { type MergeTokensInput, mergeTokens, type TokenSpan } from './token-spans.js';
export {
  type FrameTiming,
  secondsPerFrame,
  type TimedTokenSpan,
  tokenTimes,
  type WordSpan,
  type WordSpansOptions,
  wordSpans,
} from './word-spans.js';
