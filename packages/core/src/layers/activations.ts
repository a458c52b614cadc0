import { Module } from '../module/module.js';
import { dropout, gelu, glu, relu, sigmoid, silu, tanh } from '../ops/index.js';
import type { Tensor } from '../tensor.js';

export class ReLU extends Module {
  forward(x: Tensor): Tensor {
    return relu(x);
  }
}

export class GELU extends Module {
  constructor(readonly approximate: 'none' | 'tanh' = 'none') {
    super();
  }

  forward(x: Tensor): Tensor {
    return gelu(x, this.approximate);
  }
}

/** SiLU, also known as Swish: x · sigmoid(x). */
export class SiLU extends Module {
  forward(x: Tensor): Tensor {
    return silu(x);
  }
}

export class GLU extends Module {
  constructor(readonly dim = -1) {
    super();
  }

  forward(x: Tensor): Tensor {
    return glu(x, this.dim);
  }
}

export class Sigmoid extends Module {
  forward(x: Tensor): Tensor {
    return sigmoid(x);
  }
}

export class Tanh extends Module {
  forward(x: Tensor): Tensor {
    return tanh(x);
  }
}

/** Inverted dropout in training mode; the identity in eval mode (and in exported graphs). */
export class Dropout extends Module {
  private calls = 0;

  constructor(
    readonly p = 0.1,
    readonly seed = 0,
  ) {
    super();
  }

  forward(x: Tensor): Tensor {
    this.calls += 1;
    return dropout(x, this.p, this.training, this.seed + this.calls);
  }
}

export type ActivationName = 'relu' | 'gelu' | 'gelu_tanh' | 'silu' | 'swish' | 'sigmoid' | 'tanh';

export function activation(name: ActivationName): Module {
  switch (name) {
    case 'relu':
      return new ReLU();
    case 'gelu':
      return new GELU();
    case 'gelu_tanh':
      return new GELU('tanh');
    case 'silu':
    case 'swish':
      return new SiLU();
    case 'sigmoid':
      return new Sigmoid();
    case 'tanh':
      return new Tanh();
    default:
      throw new Error(`activation: unknown activation '${name as string}'`);
  }
}
