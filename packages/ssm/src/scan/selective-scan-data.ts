import { infer, Module, type Tensor, type TensorData, type TfjsDevice } from '@seqzoo/core';
import { selectiveScanChunked, selectiveScanRecurrent } from './selective-scan.js';

/** A plain-data tensor: row-major float32 values and their dims. */
export interface FloatData {
  data: Float32Array;
  dims: number[];
}

/** Arguments with the layout of state-spaces/mamba `selective_scan_ref`. */
export interface SelectiveScanArgs {
  /** [batch, dim, L] */
  u: FloatData;
  /** [batch, dim, L] */
  delta: FloatData;
  /** [dim, N] (real, normally negative: −exp(A_log)) */
  A: FloatData;
  /** [batch, N, L] */
  B: FloatData;
  /** [batch, N, L] */
  C: FloatData;
  /** [dim] skip connection */
  D?: FloatData;
  /** [batch, dim, L] gate: output ⊙ SiLU(z) */
  z?: FloatData;
  /** [dim] added to delta before the softplus */
  deltaBias?: FloatData;
  deltaSoftplus?: boolean;
}

export interface SelectiveScanOptions {
  /** Where to run (default tfjs). */
  backend?: 'tfjs' | 'onnx';
  device?: TfjsDevice;
  /** 'chunked' (parallel, loop-free; default) or 'recurrent' (one step per token: an ONNX Scan node / a JS loop on tfjs). */
  mode?: 'chunked' | 'recurrent';
  /** Chunk length of the chunked form (default 8). */
  chunk?: number;
}

const OPTIONAL = ['D', 'z', 'deltaBias'] as const;

/** The scan as a module, so `infer` can run it on either backend (and trace it once per signature). */
class SelectiveScanModule extends Module {
  constructor(
    readonly present: readonly string[],
    readonly softplus: boolean,
    readonly mode: 'chunked' | 'recurrent',
    readonly chunk: number,
  ) {
    super();
    this.inputNames = ['u', 'delta', 'A', 'B', 'C', ...present];
    this.outputNames = ['y'];
  }

  override dynamicAxes(name: string): Record<number, string> {
    return ['u', 'delta', 'z', 'B', 'C'].includes(name) ? { 0: 'batch', 2: 'time' } : {};
  }

  forward(...xs: Tensor[]): Tensor {
    const named = Object.fromEntries(this.inputNames.map((n, i) => [n, xs[i]]));
    const args = {
      u: named.u,
      delta: named.delta,
      A: named.A,
      B: named.B,
      C: named.C,
      D: named.D,
      z: named.z,
      deltaBias: named.deltaBias,
      deltaSoftplus: this.softplus,
    };
    return this.mode === 'chunked'
      ? selectiveScanChunked(args, { chunk: this.chunk })
      : selectiveScanRecurrent(args).y;
  }
}

const modules = new Map<string, SelectiveScanModule>();

function check(name: string, t: FloatData | undefined, want: number[]): void {
  if (!t) throw new Error(`selectiveScan: argument '${name}' is missing`);
  if (!(t.data instanceof Float32Array)) throw new Error(`selectiveScan: '${name}' must hold a Float32Array`);
  const ok = t.dims.length === want.length && t.dims.every((d, i) => d === want[i]);
  const size = t.dims.reduce((a, b) => a * b, 1);
  if (!ok) throw new Error(`selectiveScan: '${name}' must have dims [${want}] but has [${t.dims}]`);
  if (size !== t.data.length)
    throw new Error(`selectiveScan: '${name}' has ${t.data.length} values but dims [${t.dims}] need ${size}`);
}

/**
 * Runs the selective scan on plain data and resolves to y `{ data, dims: [batch, dim, L] }`.
 * Both modes and both backends give the same result (the tests hold them to 1e-5).
 */
export async function selectiveScan(
  args: SelectiveScanArgs,
  options: SelectiveScanOptions = {},
): Promise<FloatData> {
  if (args.u?.dims.length !== 3)
    throw new Error(`selectiveScan: 'u' must be [batch, dim, L] but has dims [${args.u?.dims ?? ''}]`);
  const [batch, dim, len] = args.u.dims;
  if (args.A?.dims.length !== 2)
    throw new Error(`selectiveScan: 'A' must be [dim, N] but has dims [${args.A?.dims ?? ''}]`);
  const n = args.A.dims[1];
  check('u', args.u, [batch, dim, len]);
  check('delta', args.delta, [batch, dim, len]);
  check('A', args.A, [dim, n]);
  check('B', args.B, [batch, n, len]);
  check('C', args.C, [batch, n, len]);
  if (args.z) check('z', args.z, [batch, dim, len]);
  if (args.D) check('D', args.D, [dim]);
  if (args.deltaBias) check('deltaBias', args.deltaBias, [dim]);
  const mode = options.mode ?? 'chunked';
  if (mode !== 'chunked' && mode !== 'recurrent')
    throw new Error(`selectiveScan: unknown mode '${mode}' (use 'chunked' or 'recurrent')`);
  const chunk = options.chunk ?? 8;
  const present = OPTIONAL.filter((k) => args[k] !== undefined);
  const key = JSON.stringify([present, !!args.deltaSoftplus, mode, chunk]);
  let module = modules.get(key);
  if (!module) {
    module = new SelectiveScanModule(present, !!args.deltaSoftplus, mode, chunk);
    modules.set(key, module);
  }
  const inputs: Record<string, TensorData> = {};
  for (const name of module.inputNames) inputs[name] = args[name as keyof SelectiveScanArgs] as FloatData;
  const out = await infer(module, inputs, { backend: options.backend ?? 'tfjs', device: options.device });
  return { data: out.y.data as Float32Array, dims: out.y.dims };
}
