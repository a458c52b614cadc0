import type { Rng } from '../init/rng.js';
import { Module } from '../module/module.js';
import type { Tensor } from '../tensor.js';
import { type ActivationName, activation, Dropout } from './activations.js';
import { Linear } from './linear.js';

/** Position-wise feed-forward: linear1 → activation → dropout → linear2 (PyTorch's names). */
export class FeedForward extends Module {
  linear1: Linear;
  activation: Module;
  dropout: Dropout;
  linear2: Linear;

  constructor(
    dModel: number,
    hidden: number,
    options: { activation?: ActivationName; dropout?: number; rng?: Rng } = {},
  ) {
    super();
    this.linear1 = new Linear(dModel, hidden, { rng: options.rng });
    this.activation = activation(options.activation ?? 'relu');
    this.dropout = new Dropout(options.dropout ?? 0);
    this.linear2 = new Linear(hidden, dModel, { rng: options.rng });
  }

  forward(x: Tensor): Tensor {
    return this.linear2.forward(
      this.dropout.forward(this.activation.forward(this.linear1.forward(x)) as Tensor),
    );
  }
}
