import { ops, type Tensor } from '@seqzoo/core';

/**
 * "Attention as an RNN" (Feng et al. 2024): attention of one query over a growing prefix is the
 * inclusive prefix scan of the associative operator on (m, u, w) = (running max, denominator,
 * numerator): m = max(mA, mB), u = uA·e^{mA−m} + uB·e^{mB−m}, w = wA·e^{mA−m} + wB·e^{mB−m}, with
 * leaves (s_i, 1, v_i). o_k = w_k / u_k is causal softmax attention for every prefix at once.
 *
 * Hillis–Steele doubling with core ops only (no Loop/Scan in ONNX): ceil(log2 L) steps when L is
 * static, `maxSteps` when it is symbolic (a traced graph then serves any L ≤ 2^maxSteps, each step
 * linear in L).
 */

/** Stand-in for −∞ as the identity's running max: exp(NEG − m) is exactly 0, and no inf appears. */
export const NEG_MAX = -1e30;

function shift(x: Tensor, k: number, fill: number, n: number | Tensor): Tensor {
  return ops.slice(ops.pad(x, [[k, 0]], 'constant', fill), -1, 0, n);
}

/**
 * scores s [..., L] and values v [..., dv, L] (time LAST for both) → outputs o [..., dv, L].
 * Also returns the final (m, u, w) so a stream can continue with `aarenStep`.
 */
export function aarenPrefixScan(
  s: Tensor,
  v: Tensor,
  maxSteps = 20,
): { o: Tensor; m: Tensor; u: Tensor; w: Tensor } {
  const n = ops.sizeOf(s, -1);
  const steps = typeof n === 'number' ? Math.ceil(Math.log2(Math.max(n, 1))) : maxSteps;
  let m = s; // [..., L]
  let u = ops.add(ops.mul(s, 0), 1); // [..., L] ones
  let w = v; // [..., dv, L]
  for (let j = 0, k = 1; j < steps; j++, k *= 2) {
    const mPrev = shift(m, k, NEG_MAX, n);
    const mNew = ops.maximum(m, mPrev);
    const own = ops.exp(ops.sub(m, mNew)); // [..., L]
    const prev = ops.exp(ops.sub(mPrev, mNew));
    u = ops.add(ops.mul(u, own), ops.mul(shift(u, k, 0, n), prev));
    w = ops.add(ops.mul(w, ops.unsqueeze(own, -2)), ops.mul(shift(w, k, 0, n), ops.unsqueeze(prev, -2)));
    m = mNew;
  }
  const o = ops.div(w, ops.unsqueeze(u, -2));
  return { o, m, u, w };
}

/**
 * One RNN step: state (m [...], u [...], w [..., dv]) and a new token's score s [...] and value
 * v [..., dv] → output o [..., dv] and the next state. Constant memory in the sequence length.
 */
export function aarenStep(
  state: { m: Tensor; u: Tensor; w: Tensor },
  s: Tensor,
  v: Tensor,
): { o: Tensor; m: Tensor; u: Tensor; w: Tensor } {
  const m = ops.maximum(state.m, s);
  const old = ops.exp(ops.sub(state.m, m));
  const now = ops.exp(ops.sub(s, m));
  const u = ops.add(ops.mul(state.u, old), now);
  const w = ops.add(ops.mul(state.w, ops.unsqueeze(old, -1)), ops.mul(v, ops.unsqueeze(now, -1)));
  return { o: ops.div(w, ops.unsqueeze(u, -1)), m, u, w };
}

/**
 * The O(L²) closed form: explicit masked causal softmax of scores s [..., L] applied to v [..., L, dv]
 * → [..., L, dv]. Used as the oracle and as the attention baseline of the scaling benchmark.
 */
export function causalSoftmaxAttention(s: Tensor, v: Tensor): Tensor {
  const n = ops.sizeOf(s, -1);
  const idx = ops.arange(s, 0, n);
  const visible = ops.lessEqual(ops.unsqueeze(idx, 0), ops.unsqueeze(idx, 1)); // [L(query k), L(key i)]: i <= k
  const scores = ops.where(visible, ops.unsqueeze(s, -2), NEG_MAX); // [..., L, L]
  return ops.matmul(ops.softmax(scores, -1), v);
}
