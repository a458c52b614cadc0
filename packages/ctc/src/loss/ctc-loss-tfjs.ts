import * as tf from '@tensorflow/tfjs-core';
import { ctcLoss } from './ctc-loss.js';
import type { CtcLossOptions } from './ctc-loss-types.js';

/** The `ctcLoss` options other than the log-probabilities themselves (read from the tensor `x`). */
export interface CtcLossTfjsOptions
  extends Pick<
    CtcLossOptions,
    'targets' | 'targetsDims' | 'inputLengths' | 'targetLengths' | 'blank' | 'reduction' | 'zeroInfinity'
  > {
  /**
   * What `x` holds (default 'logits'):
   * - 'logits': unnormalised scores; the op applies log-softmax over C itself and its gradient is
   *   softmax − occupancy (exact for logits). Log-probabilities are also fine here, since
   *   log-softmax leaves them unchanged.
   * - 'logProbs': log-probabilities computed upstream in the graph; the gradient is the true
   *   ∂loss/∂logProbs = −occupancy, and tfjs differentiates the upstream ops (log-softmax, priors,
   *   scaling…) correctly — unlike torch, whose gradient is only right with log-softmax upstream.
   */
  input?: 'logits' | 'logProbs';
}

/**
 * CTC loss as a differentiable tfjs op over a time-major [T, N, C] tensor. Returns the loss
 * ([N] for reduction 'none', else a scalar); its gradient comes from the `ctcLoss` kernel, so
 * `optimizer.minimize(() => ctcLossTfjs(model(x), …))` trains with CTC. The kernel reads the
 * values synchronously (`dataSync`), so prefer the CPU or WASM backends.
 */
export function ctcLossTfjs(x: tf.Tensor, options: CtcLossTfjsOptions): tf.Tensor {
  if (x.rank !== 3) {
    throw new Error(`ctcLossTfjs: x must be [T, N, C] (rank 3), got shape [${x.shape.join(', ')}]`);
  }
  const input = options.input ?? 'logits';
  if (input !== 'logits' && input !== 'logProbs') {
    throw new Error(`ctcLossTfjs: input must be 'logits' or 'logProbs', got '${String(input)}'`);
  }
  const reduction = options.reduction ?? 'mean';
  const [T, N, C] = x.shape as [number, number, number];
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const xIn = args[0] as tf.Tensor;
    // Runs inside a tidy: the log-softmax intermediate is freed with it.
    const lp = input === 'logits' ? tf.logSoftmax(xIn) : xIn;
    const data = lp.dataSync();
    const logProbs = data instanceof Float32Array ? data : Float32Array.from(data as ArrayLike<number>);
    const r = ctcLoss({
      logProbs,
      dims: [T, N, C],
      targets: options.targets,
      targetsDims: options.targetsDims,
      inputLengths: options.inputLengths,
      targetLengths: options.targetLengths,
      blank: options.blank,
      reduction,
      zeroInfinity: options.zeroInfinity,
      gradMode: input,
    });
    const grad = r.grad as Float32Array;
    const value: tf.Tensor = reduction === 'none' ? tf.tensor1d(r.loss) : tf.scalar(r.loss[0]);
    const gradFunc = (dy: tf.Tensor): tf.Tensor => {
      const g = tf.tensor3d(grad, [T, N, C]);
      // the kernel's gradient is for a unit upstream gradient, per item for 'none'
      return reduction === 'none' ? tf.mul(g, tf.reshape(dy, [1, N, 1])) : tf.mul(g, dy);
    };
    return { value, gradFunc };
  });
  return op(x);
}
