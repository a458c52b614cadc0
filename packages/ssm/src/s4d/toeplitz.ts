import { ops, type Tensor } from '@seqzoo/core';

/**
 * In-graph causal long convolution y[b,h,l] = Σ_{s≤l} K[h, l−s]·u[b,h,s] as a Toeplitz matmul
 * (u: [B, H, L], K: [H, L] → [B, H, L]). O(L²) per channel but made of core ops only, so it is
 * differentiable on tfjs and traces into ONNX with a dynamic L; `fftCausalConv` is the O(L log L)
 * host-side path for long inference.
 */
export function toeplitzCausalConv(u: Tensor, kernel: Tensor): Tensor {
  const len = ops.sizeOf(u, 2);
  const idx = ops.arange(u, 0, len); // [L]
  const lag = ops.sub(ops.unsqueeze(idx, 1), ops.unsqueeze(idx, 0)); // [L(l), L(s)] = l − s
  const causal = ops.greaterEqual(lag, 0);
  const taps = ops.gather(kernel, ops.where(causal, lag, 0), 1); // [H, L, L]
  const toeplitz = ops.where(causal, taps, 0);
  return ops.squeeze(ops.matmul(toeplitz, ops.unsqueeze(u, -1)), -1); // [B, H, L]
}
