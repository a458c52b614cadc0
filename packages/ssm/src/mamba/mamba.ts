import {
  Conv1d,
  defaultRng,
  infer,
  Linear,
  Module,
  ops,
  Parameter,
  type Tensor,
  type TfjsDevice,
} from '@seqzoo/core';
import { selectiveScanFull, selectiveScanStep } from '../scan/selective-scan.js';
import type { FloatData } from '../scan/selective-scan-data.js';
import { type MambaConfig, type ResolvedMambaConfig, resolveMambaConfig } from './config.js';

/** Streaming state of one Mamba mixer (plain data). */
export interface MambaState {
  /** The last d_conv RAW conv inputs, current one included: [batch, d_inner, d_conv]. */
  conv: FloatData;
  /** SSM state h: [batch, d_inner, d_state]. */
  ssm: FloatData;
}

/**
 * The Mamba (Mamba-1) mixer of state-spaces/mamba `Mamba`, with its parameter names (in_proj, conv1d,
 * x_proj, dt_proj, A_log, D, out_proj) so checkpoints load as they are:
 * in_proj → causal depthwise conv1d → SiLU → x_proj → dt_proj → selective scan → ⊙ SiLU(z) → out_proj.
 * Input and output [B, L, d]. The full-sequence path is the loop-free chunked scan; `step` is the
 * constant-memory recurrence for streaming, driven from JS on either backend.
 */
export class Mamba extends Module {
  readonly config: ResolvedMambaConfig;
  in_proj: Linear;
  conv1d: Conv1d;
  x_proj: Linear;
  dt_proj: Linear;
  A_log: Parameter;
  D: Parameter;
  out_proj: Linear;

  constructor(config: MambaConfig) {
    super();
    const c = resolveMambaConfig(config);
    this.config = c;
    const rng = config.rng ?? defaultRng();
    const di = c.dInner;
    this.in_proj = new Linear(c.dModel, 2 * di, { bias: c.bias, rng });
    this.conv1d = new Conv1d(di, di, c.dConv, { groups: di, padding: 'causal', bias: c.convBias, rng });
    this.x_proj = new Linear(di, c.dtRank + 2 * c.dState, { bias: false, rng });
    this.dt_proj = new Linear(c.dtRank, di, { bias: true, rng });
    // Δ init as the reference: W_dt ~ U(±R^−½), b_dt = softplus⁻¹(dt) with dt log-uniform in [dtMin, dtMax].
    const std = c.dtRank ** -0.5;
    this.dt_proj.weight.set(rng.uniformArray(di * c.dtRank, -std, std));
    const bias = new Float32Array(di);
    for (let i = 0; i < di; i++) {
      const dt = Math.max(Math.exp(rng.uniform(Math.log(c.dtMin), Math.log(c.dtMax))), c.dtInitFloor);
      bias[i] = dt + Math.log(-Math.expm1(-dt));
    }
    this.dt_proj.bias?.set(bias);
    // S4D-Real: A = −(1..N) per channel, stored as its log; D = 1.
    this.A_log = new Parameter(
      Float32Array.from({ length: di * c.dState }, (_, i) => Math.log((i % c.dState) + 1)),
      [di, c.dState],
    );
    this.D = new Parameter(new Float32Array(di).fill(1), [di]);
    this.out_proj = new Linear(di, c.dModel, { bias: c.bias, rng });
    this.inputNames = ['x'];
    this.outputNames = ['y'];
  }

  forward(x: Tensor): Tensor {
    return this.forwardState(x).y;
  }

  /**
   * Full-sequence forward that can start from a streaming state and returns the state after the last
   * token, so a prompt can be processed in parallel and streaming continue from it (chunked streaming).
   */
  forwardState(x: Tensor, convState?: Tensor, ssmState?: Tensor): { y: Tensor; conv: Tensor; ssm: Tensor } {
    const c = this.config;
    if (x.rank !== 3 || (typeof x.shape[2] === 'number' && x.shape[2] !== c.dModel)) {
      throw new Error(
        `Mamba: argument 'x' expected shape [batch, time, ${c.dModel}] but received [${x.shape}]`,
      );
    }
    const di = c.dInner;
    const k = c.dConv;
    const xz = this.in_proj.forward(x); // [B, L, 2di]
    const xin = ops.swapAxes(ops.slice(xz, -1, 0, di), 1, 2); // [B, di, L] raw conv input
    const z = ops.swapAxes(ops.slice(xz, -1, di, 2 * di), 1, 2); // [B, di, L]
    const len = ops.sizeOf(xin, 2);
    // Conv context: the previous d_conv raw inputs (zeros at the start, as causal padding).
    const history = convState ? ops.concat([convState, xin], 2) : ops.pad(xin, [[k, 0]]); // [B, di, k + L]
    const conv = ops.slice(history, 2, len, typeof len === 'number' ? len + k : ops.add(len, k)); // [B, di, k]
    const ctx = ops.slice(history, 2, 1); // [B, di, k − 1 + L]
    const u = ops.silu(
      ops.conv1d(ctx, this.conv1d.weight, this.conv1d.bias, { groups: di, padding: 'valid' }),
    ); // [B, di, L]
    const dbl = this.x_proj.forward(ops.swapAxes(u, 1, 2)); // [B, L, R + 2N]
    const { dtRank: r, dState: n } = c;
    const dtLow = ops.slice(dbl, -1, 0, r); // [B, L, R]
    const delta = ops.swapAxes(ops.matmul(dtLow, ops.transpose(ops.tensorOf(x, this.dt_proj.weight))), 1, 2); // [B, di, L]
    const B = ops.swapAxes(ops.slice(dbl, -1, r, r + n), 1, 2); // [B, N, L]
    const C = ops.swapAxes(ops.slice(dbl, -1, r + n, r + 2 * n), 1, 2); // [B, N, L]
    const A = ops.neg(ops.exp(ops.tensorOf(x, this.A_log))); // [di, N]
    const scan = selectiveScanFull(
      { u, delta, A, B, C, D: this.D, z, deltaBias: this.dt_proj.bias, deltaSoftplus: true },
      { chunk: c.chunk, h0: ssmState, mode: c.scanMode },
    );
    const y = this.out_proj.forward(ops.swapAxes(scan.y, 1, 2)); // [B, L, d]
    return { y, conv, ssm: scan.h };
  }

  /** One token: x [B, d], conv state [B, di, d_conv], SSM state [B, di, N] → output [B, d] and new states. */
  stepTensors(x: Tensor, convState: Tensor, ssmState: Tensor): { y: Tensor; conv: Tensor; ssm: Tensor } {
    const c = this.config;
    const di = c.dInner;
    const xz = this.in_proj.forward(x); // [B, 2di]
    const xin = ops.slice(xz, -1, 0, di);
    const z = ops.slice(xz, -1, di, 2 * di);
    const conv = ops.concat([ops.slice(convState, 2, 1), ops.unsqueeze(xin, -1)], 2); // roll left, write current
    const w = ops.reshape(ops.tensorOf(x, this.conv1d.weight), [di, c.dConv]);
    let u = ops.sum(ops.mul(conv, w), -1); // [B, di]
    if (this.conv1d.bias) u = ops.add(u, this.conv1d.bias);
    u = ops.silu(u);
    const dbl = this.x_proj.forward(u); // [B, R + 2N]
    const { dtRank: r, dState: n } = c;
    const delta = ops.matmul(ops.slice(dbl, -1, 0, r), ops.transpose(ops.tensorOf(x, this.dt_proj.weight))); // [B, di]
    const B = ops.slice(dbl, -1, r, r + n);
    const C = ops.slice(dbl, -1, r + n, r + 2 * n);
    const A = ops.neg(ops.exp(ops.tensorOf(x, this.A_log)));
    const s = selectiveScanStep(
      { u, delta, B, C, z },
      { A, D: this.D, deltaBias: this.dt_proj.bias, deltaSoftplus: true },
      ssmState,
    );
    return { y: this.out_proj.forward(s.y), conv, ssm: s.h };
  }

  /** A zero streaming state for `batch` sequences. */
  initState(batch: number): MambaState {
    const { dInner: di, dConv: k, dState: n } = this.config;
    return {
      conv: { data: new Float32Array(batch * di * k), dims: [batch, di, k] },
      ssm: { data: new Float32Array(batch * di * n), dims: [batch, di, n] },
    };
  }

  /** One streaming step on plain data (x [batch, d]) on either backend. */
  async step(
    x: FloatData,
    state: MambaState,
    options: { backend?: 'tfjs' | 'onnx'; device?: TfjsDevice } = {},
  ): Promise<{ output: FloatData; state: MambaState }> {
    const b = state.conv.dims[0];
    if (x.dims.length !== 2 || x.dims[0] !== b || x.dims[1] !== this.config.dModel) {
      throw new Error(
        `Mamba.step: argument 'x' expected dims [${b}, ${this.config.dModel}] but received [${x.dims}]`,
      );
    }
    let stepper = steppers.get(this);
    if (!stepper) {
      stepper = new MambaStep(this);
      steppers.set(this, stepper);
    }
    const out = await infer(stepper, { x, convState: state.conv, ssmState: state.ssm }, options);
    const f = (k: string) => ({ data: out[k].data as Float32Array, dims: out[k].dims });
    return { output: f('output'), state: { conv: f('nextConvState'), ssm: f('nextSsmState') } };
  }
}

// Kept outside the module: a field would be walked as a sub-module (and loop back to its owner).
const steppers = new WeakMap<Mamba, MambaStep>();

/** The step as a module (inputs x, convState, ssmState) so `infer` runs or traces it on either backend. */
export class MambaStep extends Module {
  constructor(readonly mamba: Mamba) {
    super();
    this.inputNames = ['x', 'convState', 'ssmState'];
    // ONNX forbids an output named like an input.
    this.outputNames = ['output', 'nextConvState', 'nextSsmState'];
  }

  override dynamicAxes(): Record<number, string> {
    return { 0: 'batch' };
  }

  forward(x: Tensor, convState: Tensor, ssmState: Tensor): Record<string, Tensor> {
    const s = this.mamba.stepTensors(x, convState, ssmState);
    return { output: s.y, nextConvState: s.conv, nextSsmState: s.ssm };
  }
}
