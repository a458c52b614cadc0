import { Conv1d, defaultRng, infer, Module, ops, Parameter, type Rng, type Tensor } from '@seqzoo/core';
import type { FloatData } from '../scan/selective-scan-data.js';
import type { Discretization } from './discretize.js';
import { type DiagonalInit, diagonalInit } from './hippo.js';
import { toeplitzCausalConv } from './toeplitz.js';

export interface S4DConfig {
  /** Channels H (d_model). */
  dModel: number;
  /** Real state size N per channel = N/2 complex modes (default 64). */
  dState?: number;
  /** 'lin' (S4D-Lin, default), 'inv' (S4D-Inv), 'real' or 'legs' (S4D-LegS, diagonal part of HiPPO-LegS). */
  init?: DiagonalInit;
  /** 'zoh' (default, as s4d.py) or 'bilinear'. */
  disc?: Discretization;
  dtMin?: number;
  dtMax?: number;
  /** GELU after the SSM (default true) and the Conv1d(H→2H)+GLU output map (default true), as s4d.py. */
  activation?: boolean;
  outputLinear?: boolean;
  rng?: Rng;
}

/** The diagonal SSM kernel's parameters, names as state-spaces/s4 `S4DKernel`. */
export class S4DKernel extends Module {
  log_dt: Parameter;
  /** Complex C as its real view [H, N/2, 2]. */
  C: Parameter;
  log_A_real: Parameter;
  A_imag: Parameter;

  constructor(h: number, n: number, init: DiagonalInit, dtMin: number, dtMax: number, rng: Rng) {
    super();
    const half = n / 2;
    const a = diagonalInit(init, n);
    this.log_dt = new Parameter(
      Float32Array.from({ length: h }, () => rng.uniform(Math.log(dtMin), Math.log(dtMax))),
      [h],
    );
    // C ~ CN(0, 1): real and imaginary parts with variance ½ each; a non-unit B (S4D-LegS) is folded
    // into C, as s4d.py keeps no B.
    const c = rng.normalArray(h * half * 2, Math.SQRT1_2);
    if (a.B) {
      for (let i = 0; i < h * half; i++) {
        const [br, bi] = [a.B.re[i % half], a.B.im[i % half]];
        const [cr, ci] = [c[2 * i], c[2 * i + 1]];
        c[2 * i] = cr * br - ci * bi;
        c[2 * i + 1] = cr * bi + ci * br;
      }
    }
    this.C = new Parameter(c, [h, half, 2]);
    this.log_A_real = new Parameter(
      Float32Array.from({ length: h * half }, (_, i) => Math.log(-a.re[i % half])),
      [h, half],
    );
    this.A_imag = new Parameter(
      Float32Array.from({ length: h * half }, (_, i) => a.im[i % half]),
      [h, half],
    );
  }

  forward(): Tensor {
    throw new Error('S4DKernel: use S4D (the kernel is not a standalone module)');
  }

  /** Discrete modes (all [H, N/2]): Ā = (aRe, aIm) and W = C·B̄ = (wRe, wIm). */
  discrete(like: Tensor, disc: Discretization): { aRe: Tensor; aIm: Tensor; wRe: Tensor; wIm: Tensor } {
    const dt = ops.unsqueeze(ops.exp(ops.tensorOf(like, this.log_dt)), -1); // [H, 1]
    const ar = ops.neg(ops.exp(ops.tensorOf(like, this.log_A_real))); // [H, N/2]
    const ai = ops.tensorOf(like, this.A_imag);
    const c = ops.tensorOf(like, this.C);
    const cr = ops.squeeze(ops.slice(c, -1, 0, 1), -1);
    const ci = ops.squeeze(ops.slice(c, -1, 1, 2), -1);
    const xr = ops.mul(dt, ar);
    const xi = ops.mul(dt, ai);
    let aRe: Tensor;
    let aIm: Tensor;
    let fr: Tensor; // B̄ (B = 1)
    let fi: Tensor;
    if (disc === 'zoh') {
      const e = ops.exp(xr);
      aRe = ops.mul(e, ops.cos(xi));
      aIm = ops.mul(e, ops.sin(xi));
      const den = ops.add(ops.mul(ar, ar), ops.mul(ai, ai)); // (Ā − 1)/A
      const nr = ops.sub(aRe, 1);
      fr = ops.div(ops.add(ops.mul(nr, ar), ops.mul(aIm, ai)), den);
      fi = ops.div(ops.sub(ops.mul(aIm, ar), ops.mul(nr, ai)), den);
    } else {
      const dr = ops.sub(1, ops.mul(xr, 0.5)); // 1 − ΔA/2
      const di = ops.mul(xi, -0.5);
      const den = ops.add(ops.mul(dr, dr), ops.mul(di, di));
      const ir = ops.div(dr, den);
      const ii = ops.div(ops.neg(di), den);
      const pr = ops.add(1, ops.mul(xr, 0.5));
      const pi = ops.mul(xi, 0.5);
      aRe = ops.sub(ops.mul(pr, ir), ops.mul(pi, ii));
      aIm = ops.add(ops.mul(pr, ii), ops.mul(pi, ir));
      fr = ops.mul(dt, ir);
      fi = ops.mul(dt, ii);
    }
    return {
      aRe,
      aIm,
      wRe: ops.sub(ops.mul(cr, fr), ops.mul(ci, fi)),
      wIm: ops.add(ops.mul(cr, fi), ops.mul(ci, fr)),
    };
  }

  /** ZOH kernel K [H, L] = 2 Re Σ_n W_n exp(ΔA_n·l), in-graph (differentiable; L may be symbolic). */
  kernel(like: Tensor, len: number | Tensor): Tensor {
    const { wRe, wIm } = this.discrete(like, 'zoh');
    const dt = ops.unsqueeze(ops.exp(ops.tensorOf(like, this.log_dt)), -1);
    const xr = ops.unsqueeze(ops.mul(dt, ops.neg(ops.exp(ops.tensorOf(like, this.log_A_real)))), -1); // [H, N/2, 1]
    const xi = ops.unsqueeze(ops.mul(dt, ops.tensorOf(like, this.A_imag)), -1);
    const l = ops.arange(like, 0, len, 'float32'); // [L]
    const mag = ops.exp(ops.mul(xr, l)); // [H, N/2, L]
    const re = ops.mul(mag, ops.cos(ops.mul(xi, l)));
    const im = ops.mul(mag, ops.sin(ops.mul(xi, l)));
    const terms = ops.sub(ops.mul(ops.unsqueeze(wRe, -1), re), ops.mul(ops.unsqueeze(wIm, -1), im));
    return ops.mul(ops.sum(terms, 1), 2); // [H, L]
  }
}

/**
 * The S4D layer of state-spaces/s4 `s4d.py` (names kernel.*, D, output_linear.0.*), input/output
 * [B, H, L]: y = SSM(u) + D⊙u → GELU → Conv1d(H→2H, 1) → GLU over channels. Convolution mode in
 * `forward` (in-graph kernel, ZOH); recurrent mode in `step` (ZOH or bilinear), on either backend.
 */
export class S4D extends Module {
  readonly dState: number;
  readonly disc: Discretization;
  kernel: S4DKernel;
  D: Parameter;
  output_linear?: Conv1d[];

  constructor(readonly config: S4DConfig) {
    super();
    const rng = config.rng ?? defaultRng();
    this.dState = config.dState ?? 64;
    this.disc = config.disc ?? 'zoh';
    if (this.disc !== 'zoh' && this.disc !== 'bilinear')
      throw new Error(`S4D: unknown disc '${this.disc}' (use 'zoh' or 'bilinear')`);
    const h = config.dModel;
    this.kernel = new S4DKernel(
      h,
      this.dState,
      config.init ?? 'lin',
      config.dtMin ?? 1e-3,
      config.dtMax ?? 1e-1,
      rng,
    );
    this.D = new Parameter(rng.normalArray(h), [h]);
    if (config.outputLinear ?? true) this.output_linear = [new Conv1d(h, 2 * h, 1, { rng })];
    this.inputNames = ['u'];
    this.outputNames = ['y'];
  }

  override dynamicAxes(): Record<number, string> {
    return { 0: 'batch', 2: 'time' };
  }

  /** GELU and the output map on y [B, H, ...] (channels on axis 1). */
  private post(y: Tensor): Tensor {
    let out = (this.config.activation ?? true) ? ops.gelu(y) : y;
    const lin = this.output_linear?.[0];
    if (lin) {
      const isSeq = out.rank === 3;
      const x = isSeq ? out : ops.unsqueeze(out, -1);
      out = ops.glu(lin.forward(x), 1);
      if (!isSeq) out = ops.squeeze(out, -1);
    }
    return out;
  }

  forward(u: Tensor): Tensor {
    if (u.rank !== 3 || (typeof u.shape[1] === 'number' && u.shape[1] !== this.config.dModel)) {
      throw new Error(
        `S4D: argument 'u' expected shape [batch, ${this.config.dModel}, time] but received [${u.shape}]`,
      );
    }
    if (this.disc !== 'zoh') {
      throw new Error(
        "S4D: the in-graph convolution mode computes ZOH kernels; for 'bilinear' use step() or s4dKernel() with fftCausalConv()",
      );
    }
    const k = this.kernel.kernel(u, ops.sizeOf(u, 2)); // [H, L]
    const y = ops.add(toeplitzCausalConv(u, k), ops.mul(u, ops.unsqueeze(ops.tensorOf(u, this.D), -1)));
    return this.post(y);
  }

  /** One step: u [B, H], complex state (xRe, xIm) [B, H, N/2] → output [B, H] and the next state. */
  stepTensors(u: Tensor, xRe: Tensor, xIm: Tensor): { y: Tensor; xRe: Tensor; xIm: Tensor } {
    const { aRe, aIm, wRe, wIm } = this.kernel.discrete(u, this.disc);
    const uu = ops.unsqueeze(u, -1); // [B, H, 1]
    // x ← Ā x + u (B̄ is folded into W = C·B̄ on the output side, as the kernel does).
    const nRe = ops.add(ops.sub(ops.mul(aRe, xRe), ops.mul(aIm, xIm)), uu);
    const nIm = ops.add(ops.mul(aRe, xIm), ops.mul(aIm, xRe));
    const y = ops.mul(ops.sum(ops.sub(ops.mul(wRe, nRe), ops.mul(wIm, nIm)), -1), 2); // [B, H]
    return { y: this.post(ops.add(y, ops.mul(u, ops.tensorOf(u, this.D)))), xRe: nRe, xIm: nIm };
  }

  initState(batch: number): { xRe: FloatData; xIm: FloatData } {
    const dims = [batch, this.config.dModel, this.dState / 2];
    const size = dims.reduce((a, b) => a * b, 1);
    return {
      xRe: { data: new Float32Array(size), dims },
      xIm: { data: new Float32Array(size), dims: [...dims] },
    };
  }

  async step(
    u: FloatData,
    state: { xRe: FloatData; xIm: FloatData },
    options: { backend?: 'tfjs' | 'onnx' } = {},
  ) {
    const b = state.xRe.dims[0];
    if (u.dims.length !== 2 || u.dims[0] !== b || u.dims[1] !== this.config.dModel) {
      throw new Error(
        `S4D.step: argument 'u' expected dims [${b}, ${this.config.dModel}] but received [${u.dims}]`,
      );
    }
    let stepper = steppers.get(this);
    if (!stepper) {
      stepper = new S4DStep(this);
      steppers.set(this, stepper);
    }
    const out = await infer(stepper, { u, xRe: state.xRe, xIm: state.xIm }, options);
    const f = (k: string) => ({ data: out[k].data as Float32Array, dims: out[k].dims });
    return { output: f('output'), state: { xRe: f('nextXRe'), xIm: f('nextXIm') } };
  }
}

const steppers = new WeakMap<S4D, S4DStep>();

class S4DStep extends Module {
  constructor(readonly s4d: S4D) {
    super();
    this.inputNames = ['u', 'xRe', 'xIm'];
    this.outputNames = ['output', 'nextXRe', 'nextXIm'];
  }

  override dynamicAxes(): Record<number, string> {
    return { 0: 'batch' };
  }

  forward(u: Tensor, xRe: Tensor, xIm: Tensor): Record<string, Tensor> {
    const r = this.s4d.stepTensors(u, xRe, xIm);
    return { output: r.y, nextXRe: r.xRe, nextXIm: r.xIm };
  }
}
