import { defaultRng, infer, Module, ops, Parameter, type Rng, type Tensor } from '@seqzoo/core';
import type { FloatData } from '../scan/selective-scan-data.js';
import { type Discretization, discretizeDense, matmulHost } from './discretize.js';
import { hippoLegS } from './hippo.js';
import { toeplitzCausalConv } from './toeplitz.js';

export interface LSSLConfig {
  /** Channels H. */
  dModel: number;
  /** State size N (default 32). */
  dState?: number;
  /** Longest sequence of the convolution mode (its Krylov basis is precomputed; default 1024). */
  lMax?: number;
  /** 'bilinear' (LSSL's, default) or 'zoh'. */
  disc?: Discretization;
  dtMin?: number;
  dtMax?: number;
  rng?: Rng;
}

/**
 * LSSL (Gu et al. 2021) with the dense HiPPO-LegS state matrix, fixed (A, B, Δ) as in its default
 * `learn=0` setting and learned C, D. Input/output [B, H, L]. Ā, B̄ are computed host-side in float64;
 * the Krylov basis (Ā^l B̄) for l < lMax is a buffer, so the kernel K_l = C·Ā^l B̄ stays differentiable
 * in C. Convolution mode in `forward`, recurrence x ← Āx + B̄u, y = Cx + Du in `step`; both backends.
 */
export class LSSL extends Module {
  readonly dState: number;
  readonly lMax: number;
  C: Parameter;
  D: Parameter;
  log_dt: Parameter;
  dA: Parameter;
  dB: Parameter;
  krylov: Parameter;

  constructor(readonly config: LSSLConfig) {
    super();
    const rng = config.rng ?? defaultRng();
    const h = config.dModel;
    this.dState = config.dState ?? 32;
    this.lMax = config.lMax ?? 1024;
    const n = this.dState;
    const lMax = this.lMax;
    const disc = config.disc ?? 'bilinear';
    const { A, B } = hippoLegS(n);
    const logDt = Float32Array.from({ length: h }, () =>
      rng.uniform(Math.log(config.dtMin ?? 1e-3), Math.log(config.dtMax ?? 1e-1)),
    );
    const dA = new Float32Array(h * n * n);
    const dB = new Float32Array(h * n);
    const krylov = new Float32Array(h * lMax * n);
    for (let c = 0; c < h; c++) {
      const d = discretizeDense(A, B, n, Math.exp(logDt[c]), disc);
      dA.set(d.dA, c * n * n);
      dB.set(d.dB, c * n);
      let v: Float64Array = d.dB;
      for (let l = 0; l < lMax; l++) {
        krylov.set(v, (c * lMax + l) * n);
        v = matmulHost(d.dA, v, n, n, 1);
      }
    }
    const buffer = (data: Float32Array, shape: number[]) => new Parameter(data, shape, { trainable: false });
    this.C = new Parameter(rng.normalArray(h * n), [h, n]);
    this.D = new Parameter(rng.normalArray(h), [h]);
    this.log_dt = buffer(logDt, [h]);
    this.dA = buffer(dA, [h, n, n]);
    this.dB = buffer(dB, [h, n]);
    this.krylov = buffer(krylov, [h, lMax, n]);
    this.inputNames = ['u'];
    this.outputNames = ['y'];
  }

  override dynamicAxes(): Record<number, string> {
    return { 0: 'batch', 2: 'time' };
  }

  /** K [H, L] = Σ_n C[h,n]·(Ā^l B̄)_n. */
  kernel(like: Tensor, len: number | Tensor): Tensor {
    const basis = ops.slice(ops.tensorOf(like, this.krylov), 1, 0, len); // [H, L, N]
    return ops.sum(ops.mul(basis, ops.unsqueeze(ops.tensorOf(like, this.C), 1)), -1);
  }

  forward(u: Tensor): Tensor {
    const h = this.config.dModel;
    if (u.rank !== 3 || (typeof u.shape[1] === 'number' && u.shape[1] !== h)) {
      throw new Error(`LSSL: argument 'u' expected shape [batch, ${h}, time] but received [${u.shape}]`);
    }
    const len = ops.sizeOf(u, 2);
    if (typeof len === 'number' && len > this.lMax)
      throw new Error(`LSSL: sequence length ${len} exceeds lMax ${this.lMax} (use step() beyond it)`);
    const y = toeplitzCausalConv(u, this.kernel(u, len));
    return ops.add(y, ops.mul(u, ops.unsqueeze(ops.tensorOf(u, this.D), -1)));
  }

  /** One step: u [B, H], state x [B, H, N] → output [B, H] and the next state. */
  stepTensors(u: Tensor, x: Tensor): { y: Tensor; x: Tensor } {
    const next = ops.add(
      ops.squeeze(ops.matmul(ops.tensorOf(u, this.dA), ops.unsqueeze(x, -1)), -1), // [B, H, N]
      ops.mul(ops.tensorOf(u, this.dB), ops.unsqueeze(u, -1)),
    );
    const y = ops.add(ops.sum(ops.mul(next, this.C), -1), ops.mul(u, this.D));
    return { y, x: next };
  }

  initState(batch: number): { x: FloatData } {
    const dims = [batch, this.config.dModel, this.dState];
    return { x: { data: new Float32Array(dims.reduce((a, b) => a * b, 1)), dims } };
  }

  async step(u: FloatData, state: { x: FloatData }, options: { backend?: 'tfjs' | 'onnx' } = {}) {
    const b = state.x.dims[0];
    if (u.dims.length !== 2 || u.dims[0] !== b || u.dims[1] !== this.config.dModel) {
      throw new Error(
        `LSSL.step: argument 'u' expected dims [${b}, ${this.config.dModel}] but received [${u.dims}]`,
      );
    }
    let stepper = steppers.get(this);
    if (!stepper) {
      stepper = new LSSLStep(this);
      steppers.set(this, stepper);
    }
    const out = await infer(stepper, { u, x: state.x }, options);
    return {
      output: { data: out.output.data as Float32Array, dims: out.output.dims },
      state: { x: { data: out.nextX.data as Float32Array, dims: out.nextX.dims } },
    };
  }
}

const steppers = new WeakMap<LSSL, LSSLStep>();

class LSSLStep extends Module {
  constructor(readonly lssl: LSSL) {
    super();
    this.inputNames = ['u', 'x'];
    this.outputNames = ['output', 'nextX'];
  }

  override dynamicAxes(): Record<number, string> {
    return { 0: 'batch' };
  }

  forward(u: Tensor, x: Tensor): Record<string, Tensor> {
    const r = this.lssl.stepTensors(u, x);
    return { output: r.y, nextX: r.x };
  }
}
