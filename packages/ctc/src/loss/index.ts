export { ctcLoss } from './ctc-loss.js';
export type { CtcGradMode, CtcLossOptions, CtcLossResult, CtcReduction } from './ctc-loss-types.js';
