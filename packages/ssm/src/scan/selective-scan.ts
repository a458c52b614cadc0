import { ops, type Parameter, type Tensor } from '@seqzoo/core';
import { linearScan } from './linear-scan.js';

/**
 * Mamba's selective scan with the semantics of state-spaces/mamba `selective_scan_ref`: per channel d
 * and state n, h_t = exp(Δ_t A_{d,n}) h_{t−1} + Δ_t u_t B_{t,n}; y_t = Σ_n C_{t,n} h_{t,n} + D_d u_t,
 * optionally gated by SiLU(z). Δ gets `deltaBias` added and softplus applied (in that order) when asked.
 * Layout as the reference: u, delta, z [B, D, L]; A [D, N]; B, C [B, N, L]; D, deltaBias [D].
 */
export interface SelectiveScanTensors {
  u: Tensor;
  delta: Tensor;
  A: Tensor | Parameter;
  B: Tensor;
  C: Tensor;
  D?: Tensor | Parameter;
  z?: Tensor;
  deltaBias?: Tensor | Parameter;
  deltaSoftplus?: boolean;
}

export interface ScanState {
  /** SSM state h [B, D, N]. */
  h: Tensor;
}

/** Δ after the optional bias and softplus, [B, D, L] (or [B, D] for a step). */
function effectiveDelta(
  delta: Tensor,
  bias: Tensor | Parameter | undefined,
  softplus: boolean,
  timeAxis: boolean,
): Tensor {
  let d = delta;
  if (bias) {
    const b = ops.tensorOf(delta, bias); // [D]
    d = ops.add(d, timeAxis ? ops.unsqueeze(b, -1) : b);
  }
  return softplus ? ops.softplus(d) : d;
}

/** D-skip and SiLU(z) gating shared by the full and the step form. */
function finish(
  y: Tensor,
  u: Tensor,
  dSkip: Tensor | Parameter | undefined,
  z: Tensor | undefined,
  timeAxis: boolean,
): Tensor {
  let out = y;
  if (dSkip) {
    const d = ops.tensorOf(u, dSkip);
    out = ops.add(out, ops.mul(u, timeAxis ? ops.unsqueeze(d, -1) : d));
  }
  return z ? ops.mul(out, ops.silu(z)) : out;
}

/**
 * Full-sequence form (chunked, loop-free; see linearScan), or with `mode: 'recurrent'` the scanLoop
 * recurrence. Returns y [B, D, L] and the last state h [B, D, N] so a streaming session can continue
 * after a prompt. `h0` starts from a given state.
 */
export function selectiveScanFull(
  args: SelectiveScanTensors,
  options: { chunk?: number; h0?: Tensor; mode?: 'chunked' | 'recurrent' } = {},
): { y: Tensor; h: Tensor } {
  if (options.mode === 'recurrent') return selectiveScanRecurrent(args, options.h0);
  const { u, B, C } = args;
  const delta = effectiveDelta(args.delta, args.deltaBias, args.deltaSoftplus ?? false, true); // [B, D, L]
  const a = ops.tensorOf(u, args.A); // [D, N]
  const logA = ops.mul(ops.unsqueeze(delta, 2), ops.unsqueeze(a, -1)); // [B, D, N, L]
  const bIn = ops.mul(ops.unsqueeze(ops.mul(delta, u), 2), ops.unsqueeze(B, 1)); // [B, D, N, L]
  const h = linearScan(logA, bIn, { chunk: options.chunk, h0: options.h0 }); // [B, D, N, L]
  const y = ops.sum(ops.mul(h, ops.unsqueeze(C, 1)), 2); // [B, D, L]
  const t = ops.sizeOf(h, -1);
  // reshape, not squeeze: the sliced axis has a symbolic size while tracing.
  const last = ops.reshape(ops.slice(h, -1, lastIndex(t), t), ops.shapeOf(h).slice(0, -1)); // [B, D, N]
  return { y: finish(y, u, args.D, args.z, true), h: last };
}

/** Same as selectiveScanFull but without the last state (the common case). */
export function selectiveScanChunked(
  args: SelectiveScanTensors,
  options: { chunk?: number; h0?: Tensor } = {},
): Tensor {
  return selectiveScanFull(args, options).y;
}

/**
 * One recurrent step: u, delta, z [B, D]; B, C [B, N]; state h [B, D, N]. Constant memory in the
 * sequence length; this is what streaming drives from JS, one token at a time, on either backend.
 */
export function selectiveScanStep(
  x: { u: Tensor; delta: Tensor; B: Tensor; C: Tensor; z?: Tensor },
  params: {
    A: Tensor | Parameter;
    D?: Tensor | Parameter;
    deltaBias?: Tensor | Parameter;
    deltaSoftplus?: boolean;
  },
  h: Tensor,
): { y: Tensor; h: Tensor } {
  const delta = effectiveDelta(x.delta, params.deltaBias, params.deltaSoftplus ?? false, false); // [B, D]
  const a = ops.tensorOf(x.u, params.A); // [D, N]
  const dA = ops.exp(ops.mul(ops.unsqueeze(delta, -1), a)); // [B, D, N]
  const dBu = ops.mul(ops.unsqueeze(ops.mul(delta, x.u), -1), ops.unsqueeze(x.B, 1)); // [B, D, N]
  const next = ops.add(ops.mul(h, dA), dBu);
  const y = ops.sum(ops.mul(next, ops.unsqueeze(x.C, 1)), -1); // [B, D]
  return { y: finish(y, x.u, params.D, x.z, false), h: next };
}

/** Zero SSM state [B, D, N] on the backend of `like`. */
export function zeroScanState(like: Tensor, batch: number | Tensor, dim: number, n: number): Tensor {
  return ops.expand(ops.constant(like, new Float32Array(1), [1, 1, 1]), [batch, dim, n]);
}

/**
 * Recurrent form over a whole sequence through core's `scanLoop`: one ONNX `Scan` node whose body is
 * `selectiveScanStep` (length may stay symbolic; O(L·D·N) work, measured 20–40× faster than the
 * chunked graph on CPU onnxruntime for Mamba-sized states), a differentiable JS loop on tfjs.
 */
export function selectiveScanRecurrent(args: SelectiveScanTensors, h0?: Tensor): { y: Tensor; h: Tensor } {
  const { u } = args;
  const delta = effectiveDelta(args.delta, args.deltaBias, args.deltaSoftplus ?? false, true); // [B, D, L]
  const a = ops.tensorOf(u, args.A); // [D, N]
  const h = h0 ?? zeroScanState(u, ops.sizeOf(u, 0), a.shape[0] as number, a.shape[1] as number);
  const timeMajor = (x: Tensor) => ops.transpose(x, [2, 0, 1]); // [B, *, L] -> [L, B, *]
  const r = ops.scanLoop(
    ([state], [ut, dt, bt, ct], [aa]) => {
      const s = selectiveScanStep({ u: ut, delta: dt, B: bt, C: ct }, { A: aa }, state);
      return { carry: [s.h], y: [s.y] };
    },
    [h],
    [timeMajor(u), timeMajor(delta), timeMajor(args.B), timeMajor(args.C)],
    [a],
  );
  const y = ops.transpose(r.ys[0], [1, 2, 0]); // [L, B, D] -> [B, D, L]
  return { y: finish(y, u, args.D, args.z, true), h: r.carry[0] };
}

function lastIndex(t: number | Tensor): number | Tensor {
  return typeof t === 'number' ? t - 1 : ops.sub(t, 1);
}
