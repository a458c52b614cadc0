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
import { notSupported, type ScanBody } from '../../backend.js';
import type { DType, TypedArray } from '../../dtype.js';
import type { Parameter } from '../../module/parameter.js';
import { Tensor } from '../../tensor.js';
import { elemType, GraphBuilder } from './graph.js';

const UNARY: Record<UnaryOp, string> = {
  neg: 'Neg',
  exp: 'Exp',
  log: 'Log',
  sqrt: 'Sqrt',
  abs: 'Abs',
  tanh: 'Tanh',
  sigmoid: 'Sigmoid',
  erf: 'Erf',
  sin: 'Sin',
  cos: 'Cos',
  relu: 'Relu',
  floor: 'Floor',
  ceil: 'Ceil',
  reciprocal: 'Reciprocal',
  softplus: 'Softplus',
  not: 'Not',
};

const BINARY: Record<BinaryOp, string> = {
  add: 'Add',
  sub: 'Sub',
  mul: 'Mul',
  div: 'Div',
  pow: 'Pow',
  maximum: 'Max',
  minimum: 'Min',
  equal: 'Equal',
  less: 'Less',
  greater: 'Greater',
  lessEqual: 'LessOrEqual',
  greaterEqual: 'GreaterOrEqual',
  and: 'And',
  or: 'Or',
};

const REDUCE: Record<ReduceOp, string> = {
  sum: 'ReduceSum',
  mean: 'ReduceMean',
  max: 'ReduceMax',
  min: 'ReduceMin',
};

const h = (t: Tensor): string => t.handle as string;

/**
 * Records ops as ONNX nodes (opset 17) instead of running them. Parameters become initializers named
 * by their dotted module path; sizes only known at run time become Shape/Gather subgraphs, so batch and
 * time axes stay dynamic.
 */
export class OnnxTracer implements Backend {
  readonly name = 'onnx';
  readonly trainable = false;
  readonly graph: GraphBuilder;
  private params = new Map<Parameter, string>();
  private sizeCache = new Map<string, string>();
  private scans = 0;

  /** A `parent` makes this the tracer of a subgraph: its parameters stay outer-scope initializers. */
  constructor(
    private readonly paramNames: Map<Parameter, string>,
    private readonly parent?: OnnxTracer,
    prefix = '',
  ) {
    this.graph = new GraphBuilder(prefix);
  }

  constant(data: TypedArray, shape: readonly number[], dtype: DType): unknown {
    return this.graph.initializer(this.graph.fresh('const'), data, shape, dtype);
  }

  /** An int64 1-D constant (shape, axes and pads operands). */
  private i64(values: readonly number[]): string {
    return this.graph.initializer(
      this.graph.fresh('i64'),
      BigInt64Array.from(values.map(BigInt)),
      [values.length],
      'int64',
    );
  }

  /** A [n] int64 tensor from sizes, known or run-time. */
  private sizes(values: readonly Size[]): string {
    if (values.every((v) => typeof v === 'number')) return this.i64(values as number[]);
    const parts = values.map((v) =>
      typeof v === 'number'
        ? this.i64([v])
        : this.graph.node('Reshape', [
            this.graph.node('Cast', [h(v)], { to: elemType('int64') }),
            this.i64([1]),
          ]),
    );
    return this.graph.node('Concat', parts, { axis: 0 });
  }

  param(p: Parameter): unknown {
    if (this.parent) return this.parent.param(p); // referenced from the outer scope
    let name = this.params.get(p);
    if (!name) {
      name = this.paramNames.get(p) ?? this.graph.fresh('param');
      this.graph.initializer(name, p.data, p.shape, 'float32');
      this.params.set(p, name);
    }
    return name;
  }

  unary(op: UnaryOp, x: Tensor): unknown {
    return this.graph.node(UNARY[op], [h(x)]);
  }

  binary(op: BinaryOp, a: Tensor, b: Tensor): unknown {
    return this.graph.node(BINARY[op], [h(a), h(b)]);
  }

  where(cond: Tensor, a: Tensor, b: Tensor): unknown {
    return this.graph.node('Where', [h(cond), h(a), h(b)]);
  }

  cast(x: Tensor, dtype: DType): unknown {
    return this.graph.node('Cast', [h(x)], { to: elemType(dtype) });
  }

  matmul(a: Tensor, b: Tensor): unknown {
    return this.graph.node('MatMul', [h(a), h(b)]);
  }

  reduce(op: ReduceOp, x: Tensor, axes: number[], keepDims: boolean): unknown {
    const keepdims = keepDims ? 1 : 0;
    // Opset 17: ReduceSum takes axes as an input, the others as an attribute.
    if (op === 'sum') return this.graph.node('ReduceSum', [h(x), this.i64(axes)], { keepdims });
    return this.graph.node(REDUCE[op], [h(x)], { axes, keepdims });
  }

  argMax(x: Tensor, axis: number, keepDims: boolean): unknown {
    const idx = this.graph.node('ArgMax', [h(x)], { axis, keepdims: keepDims ? 1 : 0 });
    return this.graph.node('Cast', [idx], { to: elemType('int32') });
  }

  reshape(x: Tensor, shape: readonly Size[]): unknown {
    return this.graph.node('Reshape', [h(x), this.sizes(shape)]);
  }

  transpose(x: Tensor, perm: number[]): unknown {
    return this.graph.node('Transpose', [h(x)], { perm });
  }

  slice(x: Tensor, axis: number, start: Size, end: Size, step: number): unknown {
    return this.graph.node('Slice', [
      h(x),
      this.sizes([start]),
      this.sizes([end]),
      this.i64([axis]),
      this.i64([step]),
    ]);
  }

  concat(xs: Tensor[], axis: number): unknown {
    return this.graph.node('Concat', xs.map(h), { axis });
  }

  pad(x: Tensor, pads: readonly Size[], mode: PadMode, value: number): unknown {
    const rank = x.rank;
    const onnxOrder = [...Array(rank).keys()]
      .map((i) => pads[2 * i])
      .concat([...Array(rank).keys()].map((i) => pads[2 * i + 1]));
    const inputs = [h(x), this.sizes(onnxOrder)];
    if (mode === 'constant') inputs.push(this.constant(new Float32Array([value]), [], 'float32') as string);
    return this.graph.node('Pad', inputs, { mode });
  }

  gather(x: Tensor, indices: Tensor, axis: number): unknown {
    return this.graph.node('Gather', [h(x), h(indices)], { axis });
  }

  expand(x: Tensor, shape: readonly Size[]): unknown {
    return this.graph.node('Expand', [h(x), this.sizes(shape)]);
  }

  cumsum(x: Tensor, axis: number, exclusive: boolean, reverse: boolean): unknown {
    return this.graph.node('CumSum', [h(x), this.i64([axis])], {
      exclusive: exclusive ? 1 : 0,
      reverse: reverse ? 1 : 0,
    });
  }

  conv(x: Tensor, w: Tensor, b: Tensor | undefined, attrs: ConvAttrs): unknown {
    return this.graph.node('Conv', b ? [h(x), h(w), h(b)] : [h(x), h(w)], {
      strides: attrs.strides,
      dilations: attrs.dilations,
      pads: attrs.pads,
      group: attrs.groups,
    });
  }

  range(start: Size, limit: Size, dtype: DType): unknown {
    const scalar = (s: Size) =>
      typeof s === 'number' ? (this.constant(new Int32Array([s]), [], 'int32') as string) : h(s);
    const r = this.graph.node('Range', [
      scalar(start),
      scalar(limit),
      this.constant(new Int32Array([1]), [], 'int32') as string,
    ]);
    return dtype === 'int32' ? r : this.graph.node('Cast', [r], { to: elemType(dtype) });
  }

  sizeOf(x: Tensor, axis: number): unknown {
    const key = `${h(x)}:${axis}`;
    let v = this.sizeCache.get(key);
    if (!v) {
      const d = this.graph.node('Shape', [h(x)], { start: axis, end: axis + 1 });
      v = this.graph.node('Cast', [this.graph.node('Squeeze', [d, this.i64([0])])], {
        to: elemType('int32'),
      });
      this.sizeCache.set(key, v);
    }
    return v;
  }

  /** One ONNX `Scan` node whose body is traced into a subgraph (scanned axis 0, outputs stacked on 0). */
  scanLoop(
    body: ScanBody,
    init: Tensor[],
    xs: Tensor[],
    consts: Tensor[],
  ): { carry: Tensor[]; ys: Tensor[] } {
    this.scans += 1;
    const tag = `${this.graph.fresh('scan')}_`;
    const child = new OnnxTracer(this.paramNames, this, tag);
    const input = (t: Tensor, shape: Tensor['shape'], hint: string) => {
      const name = child.graph.fresh(hint);
      child.graph.input(name, t.dtype, shape);
      return new Tensor(child, name, shape, t.dtype);
    };
    const carryIn = init.map((t) => input(t, t.shape, 'carry'));
    const xIn = xs.map((t) => input(t, t.shape.slice(1), 'x'));
    // Constants are outer-scope values: same names, now seen from the subgraph.
    const r = body(
      carryIn,
      xIn,
      consts.map((t) => new Tensor(child, t.handle, t.shape, t.dtype)),
    );
    const outs = [...r.carry, ...r.y].map((t) => {
      if (t.backend !== child)
        throw new Error('scanLoop: the body must return tensors it computed from its arguments');
      const name = child.graph.fresh('out');
      child.graph.node('Identity', [h(t)], {}, name);
      child.graph.output(name, t.dtype);
      return name;
    });
    const names = outs.map(() => this.graph.fresh('scan_out'));
    this.graph.nodeMulti('Scan', [...init.map(h), ...xs.map(h)], names, {
      num_scan_inputs: xs.length,
      body: { graph: child.graph.toGraph(`${tag}body`) },
    });
    const steps = xs[0].shape[0];
    const carry = r.carry.map((t, i) => new Tensor(this, names[i], t.shape, t.dtype));
    const ys = r.y.map((t, i) => new Tensor(this, names[r.carry.length + i], [steps, ...t.shape], t.dtype));
    return { carry, ys };
  }

  dropout(): unknown {
    throw notSupported('onnx', 'Training-mode dropout (call module.eval() before exporting)');
  }

  assign(): void {
    throw notSupported(
      'onnx',
      'Updating parameters (e.g. BatchNorm statistics in training mode; call module.eval())',
    );
  }

  readonly native: NativeLowerings = {
    softmax: (x, axis) => this.graph.node('Softmax', [h(x)], { axis }),
    logSoftmax: (x, axis) => this.graph.node('LogSoftmax', [h(x)], { axis }),
    layerNorm: (x, w, b, eps) => {
      const d = x.shape[x.rank - 1];
      let scale = w && h(w);
      if (!scale) {
        if (typeof d !== 'number') throw new Error('layerNorm: the normalised axis must have a known size');
        scale = this.constant(new Float32Array(d).fill(1), [d], 'float32') as string;
      }
      return this.graph.node('LayerNormalization', b ? [h(x), scale, h(b)] : [h(x), scale], {
        axis: -1,
        epsilon: { float: eps },
      });
    },
  };
}
