import {
  defaultRng,
  infer,
  Linear,
  Module,
  normalParameter,
  ops,
  type Parameter,
  type Rng,
  type Tensor,
  type TfjsDevice,
} from '@seqzoo/core';
import type { FloatData } from '../scan/selective-scan-data.js';
import { aarenPrefixScan, aarenStep, causalSoftmaxAttention, NEG_MAX } from './aaren-scan.js';

export interface AarenConfig {
  dModel: number;
  /** Heads, each with its own learned query (default 1). */
  heads?: number;
  /** Per-head width (default dModel / heads). */
  headDim?: number;
  /** Score scale (default 1/√headDim; the third-party TF code uses 1). */
  scale?: number;
  /** 'scan' (prefix scan, linear) or 'attention' (explicit masked softmax, quadratic); same outputs. */
  mode?: 'scan' | 'attention';
  rng?: Rng;
}

/** Streaming state per head: running max m [B, H], denominator u [B, H], numerator w [B, H, dh]. */
export interface AarenState {
  m: FloatData;
  u: FloatData;
  w: FloatData;
}

/**
 * An Aaren layer: attention with a learned, input-independent query per head over the causal prefix,
 * o_k = Σ_{i≤k} softmax_i(⟨q, k_i⟩·scale) v_i, computed for all k by a parallel prefix scan.
 * Input/output [B, L, d]; heads are concatenated and projected by `out_proj`. Pinned definition (the
 * paper's exact wrapper is unpublished): keys/values are linear projections, no activation.
 */
export class Aaren extends Module {
  readonly heads: number;
  readonly headDim: number;
  readonly scale: number;
  mode: 'scan' | 'attention';
  query: Parameter;
  k_proj: Linear;
  v_proj: Linear;
  out_proj: Linear;

  constructor(readonly config: AarenConfig) {
    super();
    const rng = config.rng ?? defaultRng();
    this.heads = config.heads ?? 1;
    this.headDim = config.headDim ?? config.dModel / this.heads;
    if (!Number.isInteger(this.headDim) || this.headDim < 1) {
      throw new Error(
        `Aaren: dModel (${config.dModel}) / heads (${this.heads}) must give a positive integer head width`,
      );
    }
    this.scale = config.scale ?? 1 / Math.sqrt(this.headDim);
    this.mode = config.mode ?? 'scan';
    const inner = this.heads * this.headDim;
    // Xavier-normal as the PyTorch port initialises its query.
    this.query = normalParameter([this.heads, this.headDim], Math.sqrt(2 / (this.heads + this.headDim)), rng);
    this.k_proj = new Linear(config.dModel, inner, { rng });
    this.v_proj = new Linear(config.dModel, inner, { rng });
    this.out_proj = new Linear(inner, config.dModel, { rng });
    this.inputNames = ['x'];
    this.outputNames = ['y'];
  }

  /** Scores [..., H] and values [..., H, dh] of tokens x [..., d]. */
  private scoresValues(x: Tensor): { s: Tensor; v: Tensor } {
    const lead = ops.shapeOf(x).slice(0, -1);
    const k = ops.reshape(this.k_proj.forward(x), [...lead, this.heads, this.headDim]);
    const v = ops.reshape(this.v_proj.forward(x), [...lead, this.heads, this.headDim]);
    const s = ops.mul(ops.sum(ops.mul(k, this.query), -1), this.scale);
    return { s, v };
  }

  forward(x: Tensor): Tensor {
    const d = x.shape[2];
    if (x.rank !== 3 || (typeof d === 'number' && d !== this.config.dModel)) {
      throw new Error(
        `Aaren: argument 'x' expected shape [batch, time, ${this.config.dModel}] but received [${x.shape}]`,
      );
    }
    const { s, v } = this.scoresValues(x); // [B, L, H], [B, L, H, dh]
    const sT = ops.transpose(s, [0, 2, 1]); // [B, H, L]
    let o: Tensor; // [B, L, H, dh]
    if (this.mode === 'scan') {
      const r = aarenPrefixScan(sT, ops.transpose(v, [0, 2, 3, 1])); // o [B, H, dh, L]
      o = ops.transpose(r.o, [0, 3, 1, 2]);
    } else {
      o = ops.transpose(causalSoftmaxAttention(sT, ops.transpose(v, [0, 2, 1, 3])), [0, 2, 1, 3]);
    }
    return this.out_proj.forward(
      ops.reshape(o, [ops.sizeOf(x, 0), ops.sizeOf(x, 1), this.heads * this.headDim]),
    );
  }

  /** One token x [B, d] with state tensors → output [B, d] and the next state. */
  stepTensors(x: Tensor, m: Tensor, u: Tensor, w: Tensor): { y: Tensor; m: Tensor; u: Tensor; w: Tensor } {
    const { s, v } = this.scoresValues(x); // [B, H], [B, H, dh]
    const r = aarenStep({ m, u, w }, s, v);
    const y = this.out_proj.forward(ops.reshape(r.o, [ops.sizeOf(x, 0), this.heads * this.headDim]));
    return { y, m: r.m, u: r.u, w: r.w };
  }

  /** The empty prefix: m = −∞ (a large negative stand-in), u = 0, w = 0. */
  initState(batch: number): AarenState {
    const h = this.heads;
    return {
      m: { data: new Float32Array(batch * h).fill(NEG_MAX), dims: [batch, h] },
      u: { data: new Float32Array(batch * h), dims: [batch, h] },
      w: { data: new Float32Array(batch * h * this.headDim), dims: [batch, h, this.headDim] },
    };
  }

  /** One streaming step on plain data (x [batch, d]) on either backend. */
  async step(
    x: FloatData,
    state: AarenState,
    options: { backend?: 'tfjs' | 'onnx'; device?: TfjsDevice } = {},
  ): Promise<{ output: FloatData; state: AarenState }> {
    const b = state.m.dims[0];
    if (x.dims.length !== 2 || x.dims[0] !== b || x.dims[1] !== this.config.dModel) {
      throw new Error(
        `Aaren.step: argument 'x' expected dims [${b}, ${this.config.dModel}] but received [${x.dims}]`,
      );
    }
    let stepper = steppers.get(this);
    if (!stepper) {
      stepper = new AarenStep(this);
      steppers.set(this, stepper);
    }
    const out = await infer(stepper, { x, m: state.m, u: state.u, w: state.w }, options);
    const f = (k: string) => ({ data: out[k].data as Float32Array, dims: out[k].dims });
    return { output: f('output'), state: { m: f('nextM'), u: f('nextU'), w: f('nextW') } };
  }
}

const steppers = new WeakMap<Aaren, AarenStep>();

/** The step as a module so `infer` runs or traces it on either backend. */
export class AarenStep extends Module {
  constructor(readonly aaren: Aaren) {
    super();
    this.inputNames = ['x', 'm', 'u', 'w'];
    this.outputNames = ['output', 'nextM', 'nextU', 'nextW'];
  }

  override dynamicAxes(): Record<number, string> {
    return { 0: 'batch' };
  }

  forward(x: Tensor, m: Tensor, u: Tensor, w: Tensor): Record<string, Tensor> {
    const r = this.aaren.stepTensors(x, m, u, w);
    return { output: r.y, nextM: r.m, nextU: r.u, nextW: r.w };
  }
}
