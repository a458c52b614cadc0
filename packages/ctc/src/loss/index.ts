export { ctcLoss } from './ctc-loss.js';
export { type CtcLossAsyncOptions, ctcLossAsync, disposeCtcLossWorkers } from './ctc-loss-async.js';
export { type CtcLossTfjsOptions, ctcLossTfjs } from './ctc-loss-tfjs.js';
export type { CtcGradMode, CtcLossOptions, CtcLossResult, CtcReduction } from './ctc-loss-types.js';
