import { constantParameter } from '../init/initializers.js';
import { defaultRng, type Rng } from '../init/rng.js';
import { Module } from '../module/module.js';
import { Parameter } from '../module/parameter.js';
import {
  add,
  dropout,
  matmul,
  mul,
  reshape,
  sizeOf,
  slice,
  softmax,
  tensorOf,
  transpose,
  unsqueeze,
  where,
} from '../ops/index.js';
import { checkShape, formatShape } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { Linear } from './linear.js';

export interface AttentionOptions {
  /** bool [B, S], true where a key is padding (PyTorch's convention). */
  keyPaddingMask?: Tensor;
  /** bool [T, S] or [B, T, S] (true = not allowed), or a float mask added to the scores. */
  attnMask?: Tensor;
  /** Float [B|1, H|1, T, S] added to the scaled scores: relative positions, query-key biasing. */
  scoreBias?: Tensor;
}

/**
 * A bool mask (true = hidden) as an additive bias: −∞ where hidden, 0 elsewhere. Built at the mask's
 * own small shape and added with broadcasting, so no [B, H, T, S] select is materialised (a broadcast
 * select costs a Tile of the full score tensor on tfjs-wasm and an extra pass in onnxruntime).
 */
function maskBias(hidden: Tensor): Tensor {
  return where(hidden, Number.NEGATIVE_INFINITY, 0);
}

/**
 * Multi-head scaled dot-product attention with PyTorch's `nn.MultiheadAttention` parameter names
 * (in_proj_weight [3D, D], in_proj_bias, out_proj) and batch-first tensors [B, T, D].
 */
export class MultiHeadAttention extends Module {
  in_proj_weight: Parameter;
  in_proj_bias?: Parameter;
  out_proj: Linear;
  readonly headDim: number;

  constructor(
    readonly embedDim: number,
    readonly numHeads: number,
    readonly options: { bias?: boolean; dropout?: number; rng?: Rng } = {},
  ) {
    super();
    if (embedDim % numHeads)
      throw new Error(
        `MultiHeadAttention: embedDim (${embedDim}) must be divisible by numHeads (${numHeads})`,
      );
    this.headDim = embedDim / numHeads;
    const rng = options.rng ?? defaultRng();
    // PyTorch initialises in_proj with xavier_uniform and zero biases.
    const bound = Math.sqrt(6 / (embedDim + 3 * embedDim));
    this.in_proj_weight = new Parameter(rng.uniformArray(3 * embedDim * embedDim, -bound, bound), [
      3 * embedDim,
      embedDim,
    ]);
    if (options.bias ?? true) this.in_proj_bias = constantParameter([3 * embedDim], 0);
    this.out_proj = new Linear(embedDim, embedDim, { bias: options.bias ?? true, rng });
    if (this.out_proj.bias) this.out_proj.bias.set(new Float32Array(embedDim));
  }

  /** Self-attention (the `infer`/export entry point); use `attend` for masks and cross-attention. */
  forward(x: Tensor): Tensor {
    return this.attend(x, x, x);
  }

  private project(x: Tensor, part: number): Tensor {
    const d = this.embedDim;
    const w = slice(tensorOf(x, this.in_proj_weight), 0, part * d, (part + 1) * d); // [D, D]
    let y = matmul(x, transpose(w));
    if (this.in_proj_bias) y = add(y, slice(tensorOf(x, this.in_proj_bias), 0, part * d, (part + 1) * d));
    return y;
  }

  /** [B, T, D] -> [B, H, T, Dh] */
  private heads(x: Tensor): Tensor {
    return transpose(reshape(x, [sizeOf(x, 0), sizeOf(x, 1), this.numHeads, this.headDim]), [0, 2, 1, 3]);
  }

  attend(query: Tensor, key: Tensor, value: Tensor, opts: AttentionOptions = {}): Tensor {
    const where_ = this.label(`MultiHeadAttention(${this.embedDim}, ${this.numHeads})`);
    checkShape(query.shape, [null, null, this.embedDim], where_, 'query');
    checkShape(key.shape, [query.shape[0], null, this.embedDim], where_, 'key');
    checkShape(value.shape, [query.shape[0], key.shape[1], this.embedDim], where_, 'value');
    const selfAttention = query === key && key === value;
    let q: Tensor;
    let k: Tensor;
    let v: Tensor;
    if (selfAttention) {
      // One projection for q, k and v, then split: [B, T, 3D].
      let qkv = matmul(query, transpose(tensorOf(query, this.in_proj_weight)));
      if (this.in_proj_bias) qkv = add(qkv, this.in_proj_bias);
      const d = this.embedDim;
      [q, k, v] = [0, 1, 2].map((i) => slice(qkv, 2, i * d, (i + 1) * d));
    } else {
      [q, k, v] = [this.project(query, 0), this.project(key, 1), this.project(value, 2)];
    }
    const qh = mul(this.heads(q), 1 / Math.sqrt(this.headDim)); // [B, H, T, Dh]
    const kh = this.heads(k); // [B, H, S, Dh]
    const vh = this.heads(v); // [B, H, S, Dh]
    let scores = matmul(qh, transpose(kh, [0, 1, 3, 2])); // [B, H, T, S]
    if (opts.scoreBias) scores = add(scores, opts.scoreBias);
    if (opts.attnMask) {
      const m = opts.attnMask;
      if (m.rank !== 2 && m.rank !== 3)
        throw new Error(`${where_}: 'attnMask' must be [T, S] or [B, T, S] but is ${formatShape(m.shape)}`);
      const m4 = m.rank === 3 ? unsqueeze(m, 1) : m;
      scores = add(scores, m.dtype === 'bool' ? maskBias(m4) : m4);
    }
    if (opts.keyPaddingMask) {
      const m = opts.keyPaddingMask;
      checkShape(m.shape, [query.shape[0], key.shape[1]], where_, 'keyPaddingMask');
      if (m.dtype !== 'bool') throw new Error(`${where_}: 'keyPaddingMask' must be bool but is ${m.dtype}`);
      scores = add(scores, maskBias(unsqueeze(unsqueeze(m, 1), 1))); // + [B, 1, 1, S]
    }
    const probs = dropout(softmax(scores, -1), this.options.dropout ?? 0, this.training);
    const ctx = transpose(matmul(probs, vh), [0, 2, 1, 3]); // [B, T, H, Dh]
    return this.out_proj.forward(reshape(ctx, [sizeOf(ctx, 0), sizeOf(ctx, 1), this.embedDim])); // [B, T, D]
  }
}
