import { Conv1d, defaultRng, LayerNorm, Linear, Module, ops, type Rng, type Tensor } from '@seqzoo/core';

export interface GatedCnnConfig {
  dModel: number;
  /** hidden = floor(expansion · d) (MambaOut: 8/3). */
  expansion?: number;
  /** Depthwise conv width (MambaOut: 7). */
  kernelSize?: number;
  /** Fraction of the hidden channels that go through the conv; the rest are identity (MambaOut: 1). */
  convRatio?: number;
  /** Causal conv (all padding on the left, like Mamba's) instead of centred (MambaOut's 'same'). */
  causal?: boolean;
  /** LayerNorm epsilon (MambaOut: 1e-6). */
  eps?: number;
  rng?: Rng;
}

/**
 * MambaOut's Gated CNN block (Yu & Wang 2024), the Mamba block with the SSM removed, for sequences:
 * x + fc2(GELU(g) ⊙ [i ‖ dwconv(c)]) with [g ‖ i ‖ c] = fc1(LN(x)). Parameter names as MambaOut's
 * `GatedCNNBlock` (norm, fc1, conv, fc2) with a 1-D depthwise conv instead of the image 2-D one.
 * Input/output [B, L, d]. Swap it for a Mamba block to run the paper's ablation.
 */
export class GatedCnnBlock extends Module {
  readonly hidden: number;
  readonly convChannels: number;
  norm: LayerNorm;
  fc1: Linear;
  conv: Conv1d;
  fc2: Linear;

  constructor(readonly config: GatedCnnConfig) {
    super();
    const rng = config.rng ?? defaultRng();
    const d = config.dModel;
    this.hidden = Math.floor((config.expansion ?? 8 / 3) * d);
    this.convChannels = Math.floor((config.convRatio ?? 1) * this.hidden);
    if (this.hidden < 1 || this.convChannels < 1 || this.convChannels > this.hidden) {
      throw new Error(
        `GatedCnnBlock: expansion and convRatio give hidden ${this.hidden} and conv channels ${this.convChannels} (need 1 ≤ conv ≤ hidden)`,
      );
    }
    const k = config.kernelSize ?? 7;
    this.norm = new LayerNorm(d, config.eps ?? 1e-6);
    this.fc1 = new Linear(d, 2 * this.hidden, { rng });
    const c = this.convChannels;
    this.conv = new Conv1d(c, c, k, { groups: c, padding: config.causal ? 'causal' : 'same', rng });
    this.fc2 = new Linear(this.hidden, d, { rng });
    this.inputNames = ['x'];
    this.outputNames = ['y'];
  }

  forward(x: Tensor): Tensor {
    const d = x.shape[2];
    if (x.rank !== 3 || (typeof d === 'number' && d !== this.config.dModel)) {
      throw new Error(
        `GatedCnnBlock: argument 'x' expected shape [batch, time, ${this.config.dModel}] but received [${x.shape}]`,
      );
    }
    const h = this.hidden;
    const split = 2 * h - this.convChannels;
    const f = this.fc1.forward(this.norm.forward(x)); // [B, L, 2h]
    const g = ops.slice(f, -1, 0, h);
    const c = ops.swapAxes(this.conv.forward(ops.swapAxes(ops.slice(f, -1, split, 2 * h), 1, 2)), 1, 2); // [B, L, conv]
    const mixed = split > h ? ops.concat([ops.slice(f, -1, h, split), c], -1) : c; // [B, L, h]
    return ops.add(x, this.fc2.forward(ops.mul(ops.gelu(g), mixed)));
  }
}
