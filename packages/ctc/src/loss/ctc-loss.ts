import { ctcKernelRange } from './ctc-kernel.js';
import { clearGradOut, kernelArgs, prepareCtcLoss, reduceCtcLosses } from './ctc-loss-prepare.js';
import type { CtcLossOptions, CtcLossResult } from './ctc-loss-types.js';
import { createWasmExp, type ExpRow } from './wasm-exp.js';

let expRow: ExpRow | null | undefined;
// reused between calls (this thread only): scratch arrays of the kernel
const scratch = {};

/**
 * Connectionist temporal classification loss (Graves et al. 2006) with its gradient, matching
 * `torch.nn.functional.ctc_loss` (losses, reductions, `zero_infinity`, gradient convention).
 *
 * Runs synchronously on the calling thread; `ctcLossAsync` spreads the batch over worker threads.
 */
export function ctcLoss(options: CtcLossOptions): CtcLossResult {
  if (expRow === undefined) expRow = createWasmExp();
  const p = prepareCtcLoss('ctcLoss', options);
  const { T, N, C } = p.args;
  const losses = new Float64Array(N);
  let grad: Float32Array | null = null;
  if (p.wantGrad) grad = options.gradOut ? clearGradOut(options.gradOut, p) : new Float32Array(T * N * C);
  ctcKernelRange(kernelArgs(p, losses, grad, expRow, 0, N, scratch));
  const loss = reduceCtcLosses(losses, p.args.targetLengths, p.reduction);
  return grad === null ? { loss } : { loss, grad };
}
