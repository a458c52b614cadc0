import { ops, type Size, type Tensor } from '@seqzoo/core';

/**
 * Loop-free linear recurrence h_t = exp(logA_t) ⊙ h_{t−1} + b_t along the LAST axis, written with core
 * ops only so one definition runs eagerly on tfjs (differentiable) and traces into a plain ONNX graph
 * (no Loop/Scan node: a Loop-based Mamba is reported unusably slow in onnxruntime, STYLE.md).
 *
 * Two levels:
 * 1. within a chunk of `chunk` steps, h = M·b with the masked decay matrix M[t,s] = exp(S_t − S_s) for
 *    s ≤ t (S = cumulative log-decay inside the chunk). The mask is applied BEFORE exp, so the
 *    upper triangle (S_t − S_s > 0, possibly huge) never becomes inf. Cost O(T·chunk).
 * 2. across chunks, the state entering each chunk comes from a Hillis–Steele prefix scan of the
 *    per-chunk (total log-decay, end state) pairs under (a, b) ⊕ (a', b') = (a + a', exp(a')·b + b').
 *    The number of doubling steps is ceil(log2(#chunks)) when the length is static (tfjs) and
 *    `maxChunkSteps` when it is symbolic (ONNX), so a traced graph handles up to chunk·2^maxChunkSteps
 *    steps at a cost linear in T.
 * All decays stay ≤ 1 (exp of non-positive sums) when logA ≤ 0, so nothing overflows.
 */
export interface LinearScanOptions {
  /** Chunk length of the intra-chunk masked matrix (default 8: measured ~2× faster than 16 for Mamba-sized states). */
  chunk?: number;
  /** Initial state h_{−1}, shaped like the inputs without the last axis (default zeros). */
  h0?: Tensor;
  /** Doubling steps across chunks when the length is only known at run time (default 17: 8·2¹⁷ ≈ 1M steps). */
  maxChunkSteps?: number;
}

/** Masked value standing in for −∞ before exp (exp gives exactly 0, and no inf ever appears). */
const NEG = -1e30;

/** ceil(T / c) as a Size (int32 tensor arithmetic when T is symbolic). */
function chunkCount(t: Size, c: number): Size {
  if (typeof t === 'number') return Math.ceil(t / c);
  return ops.cast(ops.ceil(ops.div(ops.cast(t, 'float32'), c)), 'int32');
}

function times(a: Size, c: number): Size {
  return typeof a === 'number' ? a * c : ops.mul(a, c);
}

function minus(a: Size, b: Size): Size {
  return typeof a === 'number' && typeof b === 'number' ? a - b : ops.sub(a as Tensor, b as Tensor);
}

/** x shifted right by k along the last axis, filling with `fill` (the identity of the scan). */
function shiftRight(x: Tensor, k: number, fill: number, length: Size): Tensor {
  return ops.slice(ops.pad(x, [[k, 0]], 'constant', fill), -1, 0, length);
}

/** Inclusive prefix scan over the last axis of pairs (log-decay, state) — Hillis–Steele doubling. */
export function prefixScanPairs(logA: Tensor, b: Tensor, maxSteps = 17): { logA: Tensor; b: Tensor } {
  const n = ops.sizeOf(b, -1);
  const steps = typeof n === 'number' ? Math.ceil(Math.log2(Math.max(n, 1))) : maxSteps;
  let la = logA;
  let hb = b;
  for (let j = 0, k = 1; j < steps; j++, k *= 2) {
    const prevLa = shiftRight(la, k, 0, n);
    const prevB = shiftRight(hb, k, 0, n);
    hb = ops.add(ops.mul(ops.exp(la), prevB), hb);
    la = ops.add(la, prevLa);
  }
  return { logA: la, b: hb };
}

export function linearScan(logA: Tensor, b: Tensor, options: LinearScanOptions = {}): Tensor {
  const c = options.chunk ?? 8;
  if (!Number.isInteger(c) || c < 1)
    throw new Error(`linearScan: 'chunk' must be a positive integer but is ${c}`);
  if (logA.rank !== b.rank || logA.rank < 1) {
    throw new Error(
      `linearScan: 'logA' ${JSON.stringify(logA.shape)} and 'b' ${JSON.stringify(b.shape)} must have the same rank >= 1`,
    );
  }
  const la0 = logA.shape.join() === b.shape.join() ? logA : ops.add(logA, ops.mul(b, 0));
  const lead = ops.shapeOf(b).slice(0, -1);
  const t = ops.sizeOf(b, -1);
  const n = chunkCount(t, c);
  const padded = times(n, c);
  const extra = minus(padded, t);
  // Padding at the end with (logA = 0, b = 0) leaves every real step untouched.
  const la = ops.reshape(ops.pad(la0, [[0, extra]]), [...lead, n, c]); // [..., n, c]
  const bc = ops.reshape(ops.pad(b, [[0, extra]]), [...lead, n, c]); // [..., n, c]
  const s = ops.cumsum(la, -1); // [..., n, c] cumulative log-decay inside each chunk
  // Additive mask (0 on s <= t, NEG above): exp(S_t − S_s + NEG) is exactly 0 and never inf, and an
  // add is cheaper than a broadcast where. Masking happens before the exp.
  const maskData = new Float32Array(c * c);
  for (let t = 0; t < c; t++) for (let u = t + 1; u < c; u++) maskData[t * c + u] = NEG;
  const mask = ops.constant(b, maskData, [c, c]); // [c(t), c(s)]
  const diff = ops.sub(ops.unsqueeze(s, -1), ops.unsqueeze(s, -2)); // [..., n, c, c]: S_t − S_s
  const decay = ops.exp(ops.add(diff, mask));
  // A multiply-and-sum beats a batched matmul of many tiny [c, c] @ [c, 1] products.
  const local = ops.sum(ops.mul(decay, ops.unsqueeze(bc, -2)), -1); // [..., n, c] from a zero start
  // Chunk summaries and the prefix scan across chunks.
  const total = ops.squeeze(ops.slice(s, -1, c - 1, c), -1); // [..., n]
  const end = ops.squeeze(ops.slice(local, -1, c - 1, c), -1); // [..., n]
  const scanned = prefixScanPairs(total, end, options.maxChunkSteps ?? 17).b; // [..., n] state after chunk
  let enter = shiftRight(scanned, 1, 0, n); // [..., n] state entering each chunk
  if (options.h0) {
    const before = ops.cumsum(total, -1, { exclusive: true }); // [..., n] decay from the start
    enter = ops.add(enter, ops.mul(ops.exp(before), ops.unsqueeze(options.h0, -1)));
  }
  const h = ops.add(local, ops.mul(ops.exp(s), ops.unsqueeze(enter, -1))); // [..., n, c]
  return ops.slice(ops.reshape(h, [...lead, padded]), -1, 0, t);
}

/** Reference recurrence, one step per time index (JS loop; static length only). */
export function linearScanSequential(logA: Tensor, b: Tensor, h0?: Tensor): Tensor {
  const t = ops.sizeOf(b, -1);
  if (typeof t !== 'number')
    throw new Error('linearScanSequential: needs a static length (use linearScan for traced graphs)');
  const outs: Tensor[] = [];
  let h = h0 ?? ops.mul(ops.squeeze(ops.slice(b, -1, 0, 1), -1), 0);
  for (let i = 0; i < t; i++) {
    const a = ops.exp(ops.squeeze(ops.slice(logA, -1, i, i + 1), -1));
    h = ops.add(ops.mul(a, h), ops.squeeze(ops.slice(b, -1, i, i + 1), -1));
    outs.push(ops.unsqueeze(h, -1));
  }
  return ops.concat(outs, -1);
}
