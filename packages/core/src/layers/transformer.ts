import { defaultRng, type Rng } from '../init/rng.js';
import { Module } from '../module/module.js';
import { add, lengthMask, logicalNot } from '../ops/index.js';
import { checkShape } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { type ActivationName, activation, Dropout } from './activations.js';
import { MultiHeadAttention } from './attention.js';
import { LayerNorm } from './layer-norm.js';
import { Linear } from './linear.js';

export interface TransformerLayerConfig {
  dModel: number;
  numHeads: number;
  /** Feed-forward width (default 4·dModel). */
  ffnDim?: number;
  dropout?: number;
  activation?: ActivationName;
  /** Pre-LN (true) or post-LN (false, PyTorch's default). */
  normFirst?: boolean;
  layerNormEps?: number;
  rng?: Rng;
}

/** PyTorch's `nn.TransformerEncoderLayer` (batch-first), with its parameter names. */
export class TransformerEncoderLayer extends Module {
  self_attn: MultiHeadAttention;
  linear1: Linear;
  dropout: Dropout;
  linear2: Linear;
  norm1: LayerNorm;
  norm2: LayerNorm;
  dropout1: Dropout;
  dropout2: Dropout;
  activation: Module;
  readonly normFirst: boolean;

  constructor(config: TransformerLayerConfig) {
    super();
    const { dModel, numHeads } = config;
    const rng = config.rng ?? defaultRng();
    const p = config.dropout ?? 0.1;
    this.self_attn = new MultiHeadAttention(dModel, numHeads, { dropout: p, rng });
    this.linear1 = new Linear(dModel, config.ffnDim ?? 4 * dModel, { rng });
    this.dropout = new Dropout(p);
    this.linear2 = new Linear(config.ffnDim ?? 4 * dModel, dModel, { rng });
    this.norm1 = new LayerNorm(dModel, config.layerNormEps ?? 1e-5);
    this.norm2 = new LayerNorm(dModel, config.layerNormEps ?? 1e-5);
    this.dropout1 = new Dropout(p);
    this.dropout2 = new Dropout(p);
    this.activation = activation(config.activation ?? 'relu');
    this.normFirst = config.normFirst ?? false;
  }

  private ff(x: Tensor): Tensor {
    const h = this.activation.forward(this.linear1.forward(x)) as Tensor;
    return this.dropout2.forward(this.linear2.forward(this.dropout.forward(h)));
  }

  private sa(x: Tensor, keyPaddingMask?: Tensor): Tensor {
    return this.dropout1.forward(this.self_attn.attend(x, x, x, { keyPaddingMask }));
  }

  /** x [B, T, D]; `keyPaddingMask` bool [B, T], true at padding. */
  forward(x: Tensor, keyPaddingMask?: Tensor): Tensor {
    if (this.normFirst) {
      const h = add(x, this.sa(this.norm1.forward(x), keyPaddingMask));
      return add(h, this.ff(this.norm2.forward(h)));
    }
    const h = this.norm1.forward(add(x, this.sa(x, keyPaddingMask)));
    return this.norm2.forward(add(h, this.ff(h)));
  }
}

export interface TransformerEncoderConfig extends TransformerLayerConfig {
  numLayers: number;
  /** A final LayerNorm (usual with pre-LN). */
  finalNorm?: boolean;
}

/** A stack of encoder layers over [B, T, D] features with per-item lengths. */
export class TransformerEncoder extends Module {
  layers: TransformerEncoderLayer[];
  norm?: LayerNorm;

  constructor(readonly config: TransformerEncoderConfig) {
    super();
    this.inputNames = ['x', 'lengths'];
    this.outputNames = ['y'];
    this.layers = Array.from({ length: config.numLayers }, () => new TransformerEncoderLayer(config));
    if (config.finalNorm) this.norm = new LayerNorm(config.dModel, config.layerNormEps ?? 1e-5);
  }

  /** x [B, T, D] float32, lengths [B] int32. */
  forward(x: Tensor, lengths: Tensor): Tensor {
    checkShape(x.shape, [null, null, this.config.dModel], this.label('TransformerEncoder'), 'x');
    checkShape(lengths.shape, [x.shape[0]], this.label('TransformerEncoder'), 'lengths');
    const padding = logicalNot(lengthMask(lengths, x)); // [B, T], true at padding
    let y = x;
    for (const layer of this.layers) y = layer.forward(y, padding);
    return this.norm ? this.norm.forward(y) : y;
  }
}
