import { constantParameter, Module, ops, type Parameter, type Tensor } from '@seqzoo/core';
import type { MambaConfig } from './config.js';
import { Mamba } from './mamba.js';

/** RMSNorm over the last axis (Mamba's norm; weight only). */
export class RMSNorm extends Module {
  weight: Parameter;

  constructor(
    readonly dim: number,
    readonly eps = 1e-5,
  ) {
    super();
    this.weight = constantParameter([dim], 1);
  }

  forward(x: Tensor): Tensor {
    const ms = ops.mean(ops.mul(x, x), -1, true);
    return ops.mul(ops.mul(x, ops.rsqrt(ops.add(ms, this.eps))), this.weight);
  }
}

/**
 * One residual layer of a Mamba stack: x + mixer(norm(x)), names as state-spaces/mamba `Block`
 * (`norm`, `mixer`), so `backbone.layers.i.` prefixes map one to one.
 */
export class MambaLayer extends Module {
  norm: RMSNorm;
  mixer: Mamba;

  constructor(config: MambaConfig, eps = 1e-5) {
    super();
    this.norm = new RMSNorm(config.dModel, eps);
    this.mixer = new Mamba(config);
    this.inputNames = ['x'];
    this.outputNames = ['y'];
  }

  forward(x: Tensor): Tensor {
    return ops.add(x, this.mixer.forward(this.norm.forward(x)));
  }
}
