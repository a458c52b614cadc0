import { checkInputNames, type InputSpec, namedOutputs } from '../../module/io.js';
import { assignModulePaths, type Module } from '../../module/module.js';
import type { Parameter } from '../../module/parameter.js';
import { Tensor } from '../../tensor.js';
import { OnnxTracer } from './tracer.js';

export interface TraceResult {
  bytes: Uint8Array;
  outputDtypes: Map<string, Tensor['dtype']>;
  nodeCount: number;
}

/** Traces `module.forward` on symbolic inputs into a serialised ONNX model. */
export function traceModule(
  module: Module,
  spec: Record<string, InputSpec>,
  where = 'exportOnnx',
): TraceResult {
  checkInputNames(module, Object.keys(spec), where);
  assignModulePaths(module);
  const names = new Map<Parameter, string>(module.namedParameters().map(([n, p]) => [p, n]));
  const tracer = new OnnxTracer(names);
  const inputs = module.inputNames.map((name) => {
    const s = spec[name];
    const dtype = s.dtype ?? 'float32';
    tracer.graph.input(name, dtype, s.shape);
    return new Tensor(tracer, name, s.shape, dtype);
  });
  const outputs = namedOutputs(module, module.forward(...inputs), where);
  const outputDtypes = new Map<string, Tensor['dtype']>();
  for (const [name, t] of outputs) {
    if (t.backend !== tracer)
      throw new Error(`${where}: output '${name}' was not computed from the traced inputs`);
    // An Identity gives every output its own name even when it is an input or shared value.
    tracer.graph.node('Identity', [t.handle as string], {}, name);
    tracer.graph.output(name, t.dtype);
    outputDtypes.set(name, t.dtype);
  }
  return {
    bytes: tracer.graph.serialize(module.constructor.name),
    outputDtypes,
    nodeCount: tracer.graph.nodeCount,
  };
}

/**
 * Exports a module as a standard `.onnx` file (opset 17). `inputSpec` gives each input's dtype and
 * shape; string dims stay dynamic in the graph (e.g. `{ features: { shape: ['batch', 'time', 80] } }`).
 */
export function exportOnnx(module: Module, inputSpec: Record<string, InputSpec>): Uint8Array {
  return traceModule(module, inputSpec).bytes;
}
