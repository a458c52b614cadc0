import * as tf from '@tensorflow/tfjs-core';
// tfjs-core registers no gradients by itself; the @tensorflow/tfjs bundle does (and its Node build
// loads where tfjs-core's deep `register_all_gradients` ESM import does not). Training needs them.
import '@tensorflow/tfjs';
import type {
  Backend,
  BinaryOp,
  ConvAttrs,
  NativeLowerings,
  PadMode,
  ReduceOp,
  Size,
  UnaryOp,
} from '../../backend.js';
import type { DType, TypedArray } from '../../dtype.js';
import type { Parameter, ParameterMirror } from '../../module/parameter.js';
import type { Tensor } from '../../tensor.js';
import { convLowered, convNative, stridedTake } from './conv.js';
import { cumsumSafe, gatherSafe, whereSafe } from './grads.js';

const h = (t: Tensor): tf.Tensor => t.handle as tf.Tensor;
const num = (s: Size, what: string): number => {
  if (typeof s !== 'number')
    throw new Error(`tfjs backend: ${what} must be a known number (tfjs shapes are always concrete)`);
  return s;
};

const UNARY: Record<UnaryOp, (x: tf.Tensor) => tf.Tensor> = {
  neg: tf.neg,
  exp: tf.exp,
  log: tf.log,
  sqrt: tf.sqrt,
  abs: tf.abs,
  tanh: tf.tanh,
  sigmoid: tf.sigmoid,
  erf: tf.erf,
  sin: tf.sin,
  cos: tf.cos,
  relu: tf.relu,
  floor: tf.floor,
  ceil: tf.ceil,
  reciprocal: tf.reciprocal,
  softplus: tf.softplus,
  not: tf.logicalNot,
};

const BINARY: Record<BinaryOp, (a: tf.Tensor, b: tf.Tensor) => tf.Tensor> = {
  add: tf.add,
  sub: tf.sub,
  mul: tf.mul,
  div: tf.div,
  pow: tf.pow,
  maximum: tf.maximum,
  minimum: tf.minimum,
  equal: tf.equal,
  less: tf.less,
  greater: tf.greater,
  lessEqual: tf.lessEqual,
  greaterEqual: tf.greaterEqual,
  and: tf.logicalAnd,
  or: tf.logicalOr,
};

const REDUCE: Record<ReduceOp, (x: tf.Tensor, axes: number[], keepDims: boolean) => tf.Tensor> = {
  sum: tf.sum,
  mean: tf.mean,
  max: tf.max,
  min: tf.min,
};

interface VariableMirror extends ParameterMirror {
  variable: tf.Variable;
}

/** Moves `axis` last, applies a last-axis op, and moves it back. */
function onLastAxis(x: tf.Tensor, axis: number, f: (v: tf.Tensor) => tf.Tensor): tf.Tensor {
  const last = x.rank - 1;
  if (axis === last) return f(x);
  const perm = x.shape.map((_, i) => i);
  [perm[axis], perm[last]] = [perm[last], perm[axis]];
  return tf.transpose(f(tf.transpose(x, perm)), perm);
}

/**
 * Eager, differentiable execution with tfjs. Parameters become tf.Variables (one per parameter,
 * created on first use), so tfjs optimizers train any module. Run forward passes inside `tf.tidy`.
 */
export class TfjsBackend implements Backend {
  readonly name: string;
  readonly trainable = true;

  constructor(readonly device: string) {
    this.name = `tfjs-${device}`;
  }

  constant(data: TypedArray, shape: readonly number[], dtype: DType): unknown {
    return tf.tensor(data, [...shape], dtype);
  }

  variableOf(p: Parameter): tf.Variable {
    return p.mirror<VariableMirror>(TfjsBackend, () => {
      const variable = tf.tidy(() => tf.variable(tf.tensor(p.data, [...p.shape]), p.trainable));
      return {
        variable,
        read: () => variable.dataSync() as Float32Array,
        write: (d) => tf.tidy(() => variable.assign(tf.tensor(d, [...p.shape]))),
        dispose: () => variable.dispose(),
      };
    }).variable;
  }

  param(p: Parameter): unknown {
    return this.variableOf(p);
  }

  unary(op: UnaryOp, x: Tensor): unknown {
    return UNARY[op](h(x));
  }

  binary(op: BinaryOp, a: Tensor, b: Tensor): unknown {
    return BINARY[op](h(a), h(b));
  }

  where(cond: Tensor, a: Tensor, b: Tensor): unknown {
    return whereSafe(h(cond), h(a), h(b));
  }

  cast(x: Tensor, dtype: DType): unknown {
    return tf.cast(h(x), dtype);
  }

  matmul(a: Tensor, b: Tensor): unknown {
    const ta = h(a);
    const tb = h(b);
    // A rank-2 right operand is folded into the rows: one large 2-D product.
    if (tb.rank === 2) {
      const rows = tf.reshape(ta, [-1, ta.shape[ta.rank - 1] as number]);
      return tf.reshape(tf.matMul(rows, tb), [...ta.shape.slice(0, -1), tb.shape[1] as number]);
    }
    // Broadcast batch dims explicitly: tfjs-wasm returns NaNs for some implicit broadcasts
    // ([2,1,3,4] @ [3,4,5]).
    const batchA = ta.shape.slice(0, -2);
    const batchB = tb.shape.slice(0, -2);
    const rank = Math.max(batchA.length, batchB.length);
    const batch = [...Array(rank).keys()].map((i) =>
      Math.max(batchA[i - (rank - batchA.length)] ?? 1, batchB[i - (rank - batchB.length)] ?? 1),
    );
    const [m, k] = ta.shape.slice(-2) as [number, number];
    const n = tb.shape[tb.rank - 1] as number;
    const count = batch.reduce((p, d) => p * d, 1);
    const fa = tf.reshape(tf.broadcastTo(ta, [...batch, m, k]), [count, m, k]);
    const fb = tf.reshape(tf.broadcastTo(tb, [...batch, k, n]), [count, k, n]);
    // tfjs-wasm's batched kernel is several times slower than its 2-D one for large matrices
    // ([4,1000,36] @ [4,36,1000]: ~310 ms batched vs ~70 ms as four 2-D products, measured here),
    // while splitting many small products costs more than it saves.
    const split = this.device === 'wasm' && count > 1 && count <= 64 && m * k * n >= 1_000_000;
    const out = split
      ? (() => {
          const bs = tf.unstack(fb);
          return tf.stack(tf.unstack(fa).map((x, i) => tf.matMul(x, bs[i])));
        })()
      : tf.matMul(fa, fb);
    return tf.reshape(out, [...batch, m, n]);
  }

  reduce(op: ReduceOp, x: Tensor, axes: number[], keepDims: boolean): unknown {
    return REDUCE[op](h(x), axes, keepDims);
  }

  argMax(x: Tensor, axis: number, keepDims: boolean): unknown {
    const r = tf.argMax(h(x), axis);
    return keepDims ? tf.expandDims(r, axis) : r;
  }

  reshape(x: Tensor, shape: readonly Size[]): unknown {
    return tf.reshape(
      h(x),
      shape.map((s, i) => num(s, `reshape shape[${i}]`)),
    );
  }

  transpose(x: Tensor, perm: number[]): unknown {
    return tf.transpose(h(x), perm);
  }

  slice(x: Tensor, axis: number, start: Size, end: Size, step: number): unknown {
    const t = h(x);
    const s = num(start, 'slice start');
    const count = Math.ceil((num(end, 'slice end') - s) / step);
    return stridedTake(t, axis, s, count, step);
  }

  concat(xs: Tensor[], axis: number): unknown {
    return tf.concat(xs.map(h), axis);
  }

  pad(x: Tensor, pads: readonly Size[], mode: PadMode, value: number): unknown {
    const pairs = x.shape.map(
      (_, i) => [num(pads[2 * i], 'pad'), num(pads[2 * i + 1], 'pad')] as [number, number],
    );
    if (mode === 'constant') return tf.pad(h(x), pairs, value);
    // Reflect and edge padding are built from slices (tf.mirrorPad's gradient drops the reflected
    // contributions), one padded axis at a time.
    let t = h(x);
    pairs.forEach(([b, e], axis) => {
      if (!b && !e) return;
      const n = t.shape[axis];
      const take = (start: number, count: number) =>
        tf.slice(
          t,
          t.shape.map((_, i) => (i === axis ? start : 0)),
          t.shape.map((d, i) => (i === axis ? count : d)),
        );
      const reps = (k: number) => t.shape.map((_, i) => (i === axis ? k : 1));
      const before = !b
        ? []
        : mode === 'reflect'
          ? [tf.reverse(take(1, b), axis)]
          : [tf.tile(take(0, 1), reps(b))];
      const after = !e
        ? []
        : mode === 'reflect'
          ? [tf.reverse(take(n - 1 - e, e), axis)]
          : [tf.tile(take(n - 1, 1), reps(e))];
      t = tf.concat([...before, t, ...after], axis);
    });
    return t;
  }

  gather(x: Tensor, indices: Tensor, axis: number): unknown {
    return gatherSafe(h(x), h(indices), axis);
  }

  expand(x: Tensor, shape: readonly Size[]): unknown {
    return tf.broadcastTo(
      h(x),
      shape.map((s) => num(s, 'expand')),
    );
  }

  cumsum(x: Tensor, axis: number, exclusive: boolean, reverse: boolean): unknown {
    return cumsumSafe(h(x), axis, exclusive, reverse);
  }

  conv(x: Tensor, w: Tensor, b: Tensor | undefined, attrs: ConvAttrs): unknown {
    // Native kernels when no gradient is being recorded; the lowered form (whose gradients exist on
    // every device, wasm included) inside tf.grad/variableGrads/optimizer.minimize.
    const taping = tf.engine().state.gradientDepth > 0;
    return (!taping && convNative(h(x), h(w), b && h(b), attrs)) || convLowered(h(x), h(w), b && h(b), attrs);
  }

  range(start: Size, limit: Size, dtype: DType): unknown {
    return tf.range(num(start, 'range start'), num(limit, 'range limit'), 1, dtype as 'float32' | 'int32');
  }

  sizeOf(x: Tensor, axis: number): unknown {
    return tf.scalar(h(x).shape[axis], 'int32');
  }

  dropout(x: Tensor, rate: number, seed: number): unknown {
    return tf.dropout(h(x), rate, undefined, seed);
  }

  assign(p: Parameter, value: Tensor): void {
    this.variableOf(p).assign(h(value));
  }

  readonly native: NativeLowerings = {
    softmax: (x, axis) => onLastAxis(h(x), axis, (v) => tf.softmax(v)),
    logSoftmax: (x, axis) => onLastAxis(h(x), axis, (v) => tf.logSoftmax(v)),
  };
}
