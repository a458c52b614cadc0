import { dtypeOfArray } from '../../dtype.js';
import type { InputSpec } from '../../module/io.js';
import type { Module } from '../../module/module.js';
import type { Dim } from '../../shape.js';
import type { TensorData } from '../../tensor.js';
import { traceModule } from './export.js';
import { SerialSession } from './runtime.js';

interface CachedSession {
  version: number;
  session: Promise<SerialSession>;
}

const sessions = new WeakMap<Module, Map<string, CachedSession>>();

function weightsVersion(module: Module): number {
  return module.parameters().reduce((v, p) => v + p.version, 0);
}

/** The traced signature of some inputs: dtypes, ranks and the sizes of non-dynamic axes. */
function signature(
  module: Module,
  inputs: Record<string, TensorData>,
): { key: string; spec: Record<string, InputSpec> } {
  const spec: Record<string, InputSpec> = {};
  for (const name of module.inputNames) {
    const { data, dims } = inputs[name];
    const dynamic = module.dynamicAxes(name, dims.length);
    const shape: Dim[] = dims.map((d, i) => dynamic[i] ?? d);
    spec[name] = { dtype: dtypeOfArray(data), shape };
  }
  return { key: JSON.stringify(spec), spec };
}

/** Runs a module through onnxruntime, tracing and creating one session per input signature. */
export async function runOnnx(
  module: Module,
  inputs: Record<string, TensorData>,
): Promise<Record<string, TensorData>> {
  const { key, spec } = signature(module, inputs);
  let cache = sessions.get(module);
  if (!cache) {
    cache = new Map();
    sessions.set(module, cache);
  }
  const version = weightsVersion(module);
  let entry = cache.get(key);
  if (!entry || entry.version !== version) {
    // Weights changed since the graph was traced: drop the stale session.
    if (entry) void entry.session.then((s) => s.release()).catch(() => undefined);
    const { bytes } = traceModule(module, spec, 'infer');
    entry = { version, session: SerialSession.create(bytes) };
    cache.set(key, entry);
  }
  const session = await entry.session;
  const feeds: Record<string, TensorData> = {};
  for (const name of module.inputNames) feeds[name] = inputs[name];
  return session.run(feeds);
}

/** Releases the cached onnxruntime sessions of a module. */
export async function releaseOnnxSessions(module: Module): Promise<void> {
  const cache = sessions.get(module);
  sessions.delete(module);
  if (cache) await Promise.all([...cache.values()].map(async (e) => (await e.session).release()));
}
