import { type Dim, dimsCompatible, formatShape, freshSymbol } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { backendOf, lift, type TensorLike, wrap } from './util.js';

export type Padding1d = 'valid' | 'same' | 'causal' | number | readonly [number, number];

export interface Conv1dOptions {
  stride?: number;
  dilation?: number;
  padding?: Padding1d;
  groups?: number;
}

export interface Conv2dOptions {
  stride?: number | readonly [number, number];
  dilation?: number | readonly [number, number];
  /** Symmetric padding per spatial axis, or 'valid' / 'same' (stride 1). */
  padding?: 'valid' | 'same' | number | readonly [number, number];
  groups?: number;
}

/** [before, after] padding for one spatial axis, PyTorch's conventions. */
export function resolvePadding(
  padding: Padding1d,
  kernel: number,
  dilation: number,
  stride: number,
  where: string,
): [number, number] {
  const span = dilation * (kernel - 1);
  if (padding === 'valid') return [0, 0];
  if (padding === 'causal') return [span, 0];
  if (padding === 'same') {
    if (stride !== 1) throw new Error(`${where}: padding 'same' needs stride 1 (stride is ${stride})`);
    return [Math.floor(span / 2), span - Math.floor(span / 2)];
  }
  const pair = typeof padding === 'number' ? ([padding, padding] as const) : padding;
  if (pair.some((p) => !Number.isInteger(p) || p < 0))
    throw new Error(`${where}: padding ${JSON.stringify(padding)} must be non-negative integers`);
  return [pair[0], pair[1]];
}

/** Output length of a convolution along one axis. */
export function convOutputLength(
  length: number,
  kernel: number,
  stride: number,
  dilation: number,
  pads: readonly [number, number],
): number {
  return Math.floor((length + pads[0] + pads[1] - dilation * (kernel - 1) - 1) / stride) + 1;
}

function convNd(
  op: string,
  x: Tensor,
  w: Tensor,
  b: Tensor | undefined,
  strides: number[],
  dilations: number[],
  pads: [number, number][],
  groups: number,
): Tensor {
  const spatial = strides.length;
  if (x.rank !== spatial + 2)
    throw new Error(
      `${op}: 'input' must have rank ${spatial + 2} [B, C, ...] but is ${formatShape(x.shape)}`,
    );
  if (w.rank !== spatial + 2)
    throw new Error(`${op}: 'weight' must have rank ${spatial + 2} but is ${formatShape(w.shape)}`);
  const cout = w.shape[0] as number;
  const cin = x.shape[1];
  if (!Number.isInteger(groups) || groups < 1 || cout % groups !== 0)
    throw new Error(`${op}: groups (${groups}) must divide out channels (${cout})`);
  if (!dimsCompatible(cin, (w.shape[1] as number) * groups)) {
    throw new Error(
      `${op}: input channels of ${formatShape(x.shape)} (${cin}) must equal weight ${formatShape(w.shape)} in-channels × groups (${w.shape[1]} × ${groups})`,
    );
  }
  if (b && (b.rank !== 1 || b.shape[0] !== cout))
    throw new Error(`${op}: 'bias' must be [${cout}] but is ${formatShape(b.shape)}`);
  if ([...strides, ...dilations].some((v) => !Number.isInteger(v) || v < 1))
    throw new Error(`${op}: stride and dilation must be positive integers`);
  const out: Dim[] = [x.shape[0], cout];
  for (let i = 0; i < spatial; i++) {
    const len = x.shape[2 + i];
    const k = w.shape[2 + i] as number;
    if (typeof len === 'number') {
      const o = convOutputLength(len, k, strides[i], dilations[i], pads[i]);
      if (o < 1)
        throw new Error(
          `${op}: input ${formatShape(x.shape)} is too short for kernel ${k} (dilation ${dilations[i]}, padding ${pads[i]})`,
        );
      out.push(o);
    } else
      out.push(
        strides[i] === 1 && pads[i][0] + pads[i][1] === dilations[i] * (k - 1) ? len : freshSymbol('conv'),
      );
  }
  const attrs = { strides, dilations, pads: [...pads.map((p) => p[0]), ...pads.map((p) => p[1])], groups };
  return wrap(x.backend, x.backend.conv(x, w, b, attrs), out, 'float32');
}

/** Weight and optional bias as tensors on the input's backend. */
function operands(
  op: string,
  x: Tensor,
  weight: TensorLike,
  bias?: TensorLike,
): [Tensor, Tensor | undefined] {
  const backend = backendOf(op, [x]);
  return [lift(backend, weight, 'float32'), bias === undefined ? undefined : lift(backend, bias, 'float32')];
}

/** 1-D convolution, PyTorch layout: input [B, Cin, T], weight [Cout, Cin/groups, K]. */
export function conv1d(
  x: Tensor,
  weight: TensorLike,
  bias?: TensorLike,
  options: Conv1dOptions = {},
): Tensor {
  const [w, b] = operands('conv1d', x, weight, bias);
  const stride = options.stride ?? 1;
  const dilation = options.dilation ?? 1;
  const pads = resolvePadding(options.padding ?? 0, w.shape[2] as number, dilation, stride, 'conv1d');
  return convNd('conv1d', x, w, b, [stride], [dilation], [pads], options.groups ?? 1);
}

/** 2-D convolution, PyTorch layout: input [B, Cin, H, W], weight [Cout, Cin/groups, KH, KW]. */
export function conv2d(
  x: Tensor,
  weight: TensorLike,
  bias?: TensorLike,
  options: Conv2dOptions = {},
): Tensor {
  const [w, b] = operands('conv2d', x, weight, bias);
  const pair = (v: number | readonly [number, number] | undefined, d: number): [number, number] =>
    v === undefined ? [d, d] : typeof v === 'number' ? [v, v] : [v[0], v[1]];
  const stride = pair(options.stride, 1);
  const dilation = pair(options.dilation, 1);
  const p = options.padding ?? 0;
  const pads = [0, 1].map((i) =>
    resolvePadding(
      typeof p === 'string' ? p : pair(p, 0)[i],
      w.shape[2 + i] as number,
      dilation[i],
      stride[i],
      'conv2d',
    ),
  );
  return convNd('conv2d', x, w, b, stride, dilation, pads, options.groups ?? 1);
}
