import type { CtcKernelArgs } from './ctc-kernel.js';
import type { CtcLossOptions, CtcReduction } from './ctc-loss-types.js';

/** Validated inputs in the kernel's layout (targets concatenated, per-item offsets and scales). */
export interface PreparedCtc {
  args: Omit<CtcKernelArgs, 'losses' | 'grad' | 'n0' | 'n1' | 'expRow'>;
  reduction: CtcReduction;
  wantGrad: boolean;
}

const describe = (x: ArrayLike<number>): string => `length ${x.length}`;

function isInt32(x: unknown): x is Int32Array {
  return x instanceof Int32Array;
}

/**
 * Checks every argument of `ctcLoss` and converts padded targets to the concatenated form.
 * Errors name the function, the argument and the offending batch item.
 */
export function prepareCtcLoss(fn: string, o: CtcLossOptions): PreparedCtc {
  const { logProbs, dims, inputLengths, targetLengths } = o;
  const blank = o.blank ?? 0;
  const reduction = o.reduction ?? 'mean';
  const gradMode = o.gradMode ?? 'logits';
  if (!(logProbs instanceof Float32Array)) {
    throw new Error(`${fn}: logProbs must be a Float32Array`);
  }
  if (!Array.isArray(dims) && !(dims && typeof dims === 'object' && 'length' in dims)) {
    throw new Error(`${fn}: dims must be [T, N, C]`);
  }
  if (dims.length !== 3 || !dims.every((d) => Number.isInteger(d) && d >= 0)) {
    throw new Error(`${fn}: dims must be [T, N, C] of non-negative integers, got [${dims.join(', ')}]`);
  }
  const [T, N, C] = dims as [number, number, number];
  if (C < 1) throw new Error(`${fn}: dims [${dims.join(', ')}] must have at least one class (C ≥ 1)`);
  if (logProbs.length !== T * N * C) {
    throw new Error(
      `${fn}: logProbs has ${describe(logProbs)} but dims [${dims.join(', ')}] need ${T * N * C}`,
    );
  }
  if (!Number.isInteger(blank) || blank < 0 || blank >= C) {
    throw new Error(`${fn}: blank ${blank} is out of range [0, ${C}) for C = ${C}`);
  }
  if (reduction !== 'none' && reduction !== 'sum' && reduction !== 'mean') {
    throw new Error(`${fn}: reduction must be 'none', 'sum' or 'mean', got '${String(reduction)}'`);
  }
  if (gradMode !== 'logits' && gradMode !== 'logProbs') {
    throw new Error(`${fn}: gradMode must be 'logits' or 'logProbs', got '${String(gradMode)}'`);
  }
  if (!isInt32(inputLengths)) throw new Error(`${fn}: inputLengths must be an Int32Array`);
  if (!isInt32(targetLengths)) throw new Error(`${fn}: targetLengths must be an Int32Array`);
  if (!isInt32(o.targets)) throw new Error(`${fn}: targets must be an Int32Array`);
  if (inputLengths.length !== N) {
    throw new Error(`${fn}: inputLengths has ${describe(inputLengths)} but the batch size N is ${N}`);
  }
  if (targetLengths.length !== N) {
    throw new Error(`${fn}: targetLengths has ${describe(targetLengths)} but the batch size N is ${N}`);
  }
  const targetOffsets = new Int32Array(N);
  let total = 0;
  for (let n = 0; n < N; n++) {
    const il = inputLengths[n];
    if (il < 0 || il > T) {
      throw new Error(`${fn}: inputLengths[${n}] = ${il} is out of range [0, T = ${T}] (batch item ${n})`);
    }
    const tl = targetLengths[n];
    if (tl < 0) throw new Error(`${fn}: targetLengths[${n}] = ${tl} is negative (batch item ${n})`);
    targetOffsets[n] = total;
    total += tl;
  }

  let targets = o.targets;
  if (o.targetsDims !== undefined) {
    const td = o.targetsDims;
    if (td.length !== 2 || td[0] !== N || td[1] * N !== targets.length) {
      throw new Error(
        `${fn}: padded targets with targetsDims [${td.join(', ')}] must be [N = ${N}, S] and match targets ${describe(targets)}`,
      );
    }
    const Smax = td[1];
    const cat = new Int32Array(total);
    for (let n = 0; n < N; n++) {
      if (targetLengths[n] > Smax) {
        throw new Error(
          `${fn}: targetLengths[${n}] = ${targetLengths[n]} exceeds the padded target width S = ${Smax} (batch item ${n})`,
        );
      }
      cat.set(targets.subarray(n * Smax, n * Smax + targetLengths[n]), targetOffsets[n]);
    }
    targets = cat;
  } else if (targets.length !== total) {
    throw new Error(
      `${fn}: concatenated targets have ${describe(targets)} but targetLengths sum to ${total} (pass targetsDims [N, S] for padded targets)`,
    );
  }
  for (let n = 0; n < N; n++) {
    const off = targetOffsets[n];
    for (let j = 0; j < targetLengths[n]; j++) {
      const k = targets[off + j];
      if (k === blank) {
        throw new Error(`${fn}: targets of batch item ${n} contain the blank ${blank} at position ${j}`);
      }
      if (k < 0 || k >= C) {
        throw new Error(
          `${fn}: targets of batch item ${n} contain ${k} at position ${j}, out of range [0, ${C})`,
        );
      }
    }
  }
  // NaN / +Infinity inputs are reported by the kernel, whose first sweep reads every valid row.

  const gradOut = o.gradOut;
  if (gradOut !== undefined && (!(gradOut instanceof Float32Array) || gradOut.length !== T * N * C)) {
    throw new Error(
      `${fn}: gradOut must be a Float32Array of T·N·C = ${T * N * C} values for dims [${dims.join(', ')}], got ${gradOut instanceof Float32Array ? `length ${gradOut.length}` : typeof gradOut}`,
    );
  }

  const gradScale = new Float64Array(N);
  for (let n = 0; n < N; n++) {
    gradScale[n] = reduction === 'mean' ? 1 / (N * Math.max(targetLengths[n], 1)) : 1;
  }
  return {
    args: {
      logProbs,
      T,
      N,
      C,
      targets,
      targetOffsets,
      inputLengths,
      targetLengths,
      blank,
      fn,
      gradMode: gradMode === 'logits' ? 0 : 1,
      zeroInfinity: o.zeroInfinity ?? false,
      gradScale,
    },
    reduction,
    wantGrad: o.grad ?? true,
  };
}

/**
 * The kernel's argument object, always built by this literal so that every call sees one object
 * shape (an object spread of this many fields can produce a new shape per call, and the kernel
 * would be deoptimised again and again).
 */
export function kernelArgs(
  p: PreparedCtc,
  losses: Float64Array,
  grad: Float32Array | null,
  expRow: CtcKernelArgs['expRow'],
  n0: number,
  n1: number,
  scratch: CtcKernelArgs['scratch'],
): CtcKernelArgs {
  const q = p.args;
  return {
    logProbs: q.logProbs,
    T: q.T,
    N: q.N,
    C: q.C,
    targets: q.targets,
    targetOffsets: q.targetOffsets,
    inputLengths: q.inputLengths,
    targetLengths: q.targetLengths,
    blank: q.blank,
    expRow,
    fn: q.fn,
    gradMode: q.gradMode,
    zeroInfinity: q.zeroInfinity,
    gradScale: q.gradScale,
    losses,
    grad,
    n0,
    n1,
    scratch,
  };
}

/**
 * Prepares a caller-provided gradient array: the kernel writes every entry of the rows within an
 * input length in torch mode, so only the other rows need clearing then; in 'logProbs' mode it
 * writes only the label entries, so everything is cleared.
 */
export function clearGradOut(out: Float32Array, p: PreparedCtc): Float32Array {
  const { T, N, C, inputLengths, gradMode } = p.args;
  if (gradMode !== 0) return out.fill(0);
  for (let t = 0; t < T; t++) {
    for (let n = 0; n < N; n++) if (t >= inputLengths[n]) out.fill(0, (t * N + n) * C, (t * N + n + 1) * C);
  }
  return out;
}

/** Applies the reduction to the per-item losses (float64 until the final rounding). */
export function reduceCtcLosses(
  losses: Float64Array,
  targetLengths: Int32Array,
  reduction: CtcReduction,
): Float32Array {
  if (reduction === 'none') return Float32Array.from(losses);
  let acc = 0;
  for (let n = 0; n < losses.length; n++) {
    acc += reduction === 'mean' ? losses[n] / Math.max(targetLengths[n], 1) : losses[n];
  }
  // torch: mean over an empty batch is NaN, sum is 0.
  if (reduction === 'mean') acc /= losses.length;
  return Float32Array.of(acc);
}
