import { Module } from '../module/module.js';
import type { Tensor } from '../tensor.js';

/**
 * Runs modules in order. Children are stored under numeric keys so parameter names read
 * `seq.0.weight`, as PyTorch's nn.Sequential names them.
 */
export class Sequential extends Module {
  [index: number]: Module;
  readonly length: number;

  constructor(...modules: Module[]) {
    super();
    modules.forEach((m, i) => {
      this[i] = m;
    });
    this.length = modules.length;
  }

  forward(x: Tensor): Tensor {
    let y = x;
    for (let i = 0; i < this.length; i++) {
      const out = this[i].forward(y);
      if (!('handle' in out))
        throw new Error(`Sequential: module ${i} (${this[i].constructor.name}) must return a single tensor`);
      y = out as Tensor;
    }
    return y;
  }
}
