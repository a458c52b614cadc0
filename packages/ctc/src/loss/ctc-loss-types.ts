/** How per-item losses are combined, as `torch.nn.functional.ctc_loss`. */
export type CtcReduction = 'none' | 'sum' | 'mean';

/**
 * Which gradient `ctcLoss` returns.
 * - `'logits'` (default, torch's convention): `softmax − occupancy`, the gradient with respect to
 *   the logits that `logProbs = logSoftmax(logits)` came from. This is what torch returns as
 *   `log_probs.grad`; it is only right if a log-softmax sits between the logits and the loss.
 * - `'logProbs'`: the true partial derivative ∂loss/∂logProbs = `−occupancy`.
 */
export type CtcGradMode = 'logits' | 'logProbs';

export interface CtcLossOptions {
  /** log-probabilities, time-major [T, N, C] (row-major, C fastest) */
  logProbs: Float32Array;
  /** [T, N, C] */
  dims: readonly number[];
  /**
   * Targets, either concatenated (length = sum of `targetLengths`) or padded [N, S] with
   * `targetsDims` = [N, S] (each row holds its `targetLengths[n]` labels first).
   */
  targets: Int32Array;
  /** [N, S] when `targets` is padded; omit for the concatenated form */
  targetsDims?: readonly number[];
  /** frames used by each item, each in [0, T] */
  inputLengths: Int32Array;
  /** labels in each item's target, each ≥ 0 */
  targetLengths: Int32Array;
  /** blank class index, default 0 */
  blank?: number;
  /** default 'mean': average over the batch of loss / max(targetLength, 1) */
  reduction?: CtcReduction;
  /** replace infinite losses (impossible targets) by 0 and their gradients by 0; default false */
  zeroInfinity?: boolean;
  /** compute the gradient; default true */
  grad?: boolean;
  /** gradient convention, default 'logits' (torch's) */
  gradMode?: CtcGradMode;
  /**
   * Where to write the gradient ([T, N, C] floats; returned as `grad`). A training loop that
   * passes the same array every step avoids allocating (and page-faulting in) a fresh one, which
   * can cost as much as the loss itself for large inputs. `ctcLossAsync` needs it on a
   * SharedArrayBuffer.
   */
  gradOut?: Float32Array;
}

export interface CtcLossResult {
  /** N values for reduction 'none', else one value */
  loss: Float32Array;
  /** [T, N, C] gradient of the reduced loss, zero on frames past each input length */
  grad?: Float32Array;
}
