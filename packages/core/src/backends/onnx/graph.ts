import onnxProto, { type onnx as P } from 'onnx-proto';
import type { DType, TypedArray } from '../../dtype.js';
import type { Dim } from '../../shape.js';

const { onnx } = onnxProto;
export type NodeProto = P.INodeProto;
type AttrValue = number | number[] | string | { float: number } | { graph: P.IGraphProto };

export const OPSET = 17;

const ELEM: Record<DType | 'int64', number> = {
  float32: onnx.TensorProto.DataType.FLOAT,
  int32: onnx.TensorProto.DataType.INT32,
  int64: onnx.TensorProto.DataType.INT64,
  bool: onnx.TensorProto.DataType.BOOL,
};

export function elemType(dtype: DType | 'int64'): number {
  return ELEM[dtype];
}

function attribute(name: string, value: AttrValue): P.IAttributeProto {
  const T = onnx.AttributeProto.AttributeType;
  if (typeof value === 'string') return { name, type: T.STRING, s: new TextEncoder().encode(value) };
  if (Array.isArray(value)) return { name, type: T.INTS, ints: value };
  if (typeof value === 'object' && 'graph' in value) return { name, type: T.GRAPH, g: value.graph };
  if (typeof value === 'object') return { name, type: T.FLOAT, f: value.float };
  return { name, type: T.INT, i: value };
}

function valueInfo(name: string, dtype: DType, shape?: readonly Dim[]): P.IValueInfoProto {
  const dims = shape?.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d }));
  return { name, type: { tensorType: { elemType: ELEM[dtype], ...(dims ? { shape: { dim: dims } } : {}) } } };
}

/** Accumulates ONNX nodes, initializers and graph inputs/outputs, then serialises a ModelProto. */
export class GraphBuilder {
  private nodes: NodeProto[] = [];
  private initializers: P.ITensorProto[] = [];
  private inputs: P.IValueInfoProto[] = [];
  private outputs: P.IValueInfoProto[] = [];
  private counter = 0;

  /** `prefix` keeps a subgraph's value names apart from its outer graph's (ONNX forbids shadowing). */
  constructor(private readonly prefix = '') {}

  fresh(hint = 'v'): string {
    this.counter += 1;
    return `${this.prefix}${hint}_${this.counter}`;
  }

  /** Adds a node with several named outputs (Scan). */
  nodeMulti(
    opType: string,
    inputs: string[],
    outputs: string[],
    attrs: Record<string, AttrValue> = {},
  ): void {
    this.nodes.push({
      opType,
      input: inputs,
      output: outputs,
      name: `${this.prefix}${opType}_${this.nodes.length}`,
      attribute: Object.entries(attrs).map(([k, v]) => attribute(k, v)),
    });
  }

  /** This graph as a GraphProto (a subgraph attribute such as Scan's `body`). */
  toGraph(name: string): P.IGraphProto {
    return {
      name,
      node: this.nodes,
      initializer: this.initializers,
      input: this.inputs,
      output: this.outputs,
    };
  }

  /** Adds a node and returns its (single) output name. */
  node(opType: string, inputs: string[], attrs: Record<string, AttrValue> = {}, output?: string): string {
    const out = output ?? this.fresh(opType.toLowerCase());
    this.nodes.push({
      opType,
      input: inputs,
      output: [out],
      name: `${this.prefix}${opType}_${this.nodes.length}`,
      attribute: Object.entries(attrs).map(([k, v]) => attribute(k, v)),
    });
    return out;
  }

  initializer(
    name: string,
    data: TypedArray | BigInt64Array,
    shape: readonly number[],
    dtype: DType | 'int64',
  ): string {
    const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    // ONNX raw_data is little-endian; copy so later writes to the source cannot change the graph.
    this.initializers.push({ name, dims: [...shape], dataType: ELEM[dtype], rawData: new Uint8Array(bytes) });
    return name;
  }

  input(name: string, dtype: DType, shape: readonly Dim[]): void {
    this.inputs.push(valueInfo(name, dtype, shape));
  }

  output(name: string, dtype: DType): void {
    this.outputs.push(valueInfo(name, dtype));
  }

  get nodeCount(): number {
    return this.nodes.length;
  }

  serialize(graphName: string): Uint8Array {
    const model = onnx.ModelProto.create({
      irVersion: 8,
      producerName: 'seqzoo',
      opsetImport: [{ domain: '', version: OPSET }],
      graph: {
        name: graphName,
        node: this.nodes,
        initializer: this.initializers,
        input: this.inputs,
        output: this.outputs,
      },
    });
    return onnx.ModelProto.encode(model).finish();
  }
}
