import type { Rng } from '@seqzoo/core';

/** Mamba (Mamba-1) mixer configuration; defaults are state-spaces/mamba `Mamba`'s. */
export interface MambaConfig {
  /** Model width d. */
  dModel: number;
  /** SSM state size N per channel (default 16). */
  dState?: number;
  /** Causal depthwise conv width (default 4). */
  dConv?: number;
  /** d_inner = expand · d (default 2). */
  expand?: number;
  /** Rank R of Δ's projection; 'auto' = ceil(d / 16) (default). */
  dtRank?: number | 'auto';
  /** Range of the initial Δ (log-uniform), and its floor (defaults 0.001, 0.1, 1e-4). */
  dtMin?: number;
  dtMax?: number;
  dtInitFloor?: number;
  /** Bias on the conv (default true) and on in_proj/out_proj (default false). */
  convBias?: boolean;
  bias?: boolean;
  /** Chunk length of the chunked selective scan (default 8). */
  chunk?: number;
  /**
   * Full-sequence scan: 'chunked' (loop-free, default) or 'recurrent' (an ONNX Scan node; measured
   * 20–40× faster on CPU onnxruntime for Mamba-sized states, a JS loop on tfjs).
   */
  scanMode?: 'chunked' | 'recurrent';
  rng?: Rng;
}

export type ResolvedMambaConfig = Required<Omit<MambaConfig, 'rng' | 'dtRank'>> & {
  dtRank: number;
  dInner: number;
};

export function resolveMambaConfig(c: MambaConfig): ResolvedMambaConfig {
  if (!Number.isInteger(c.dModel) || c.dModel < 1)
    throw new Error(`Mamba: 'dModel' must be a positive integer but is ${c.dModel}`);
  const expand = c.expand ?? 2;
  const dtRank = c.dtRank === undefined || c.dtRank === 'auto' ? Math.ceil(c.dModel / 16) : c.dtRank;
  const r = {
    dModel: c.dModel,
    dState: c.dState ?? 16,
    dConv: c.dConv ?? 4,
    expand,
    dtRank,
    dtMin: c.dtMin ?? 0.001,
    dtMax: c.dtMax ?? 0.1,
    dtInitFloor: c.dtInitFloor ?? 1e-4,
    convBias: c.convBias ?? true,
    bias: c.bias ?? false,
    chunk: c.chunk ?? 8,
    scanMode: c.scanMode ?? 'chunked',
    dInner: Math.round(expand * c.dModel),
  };
  for (const k of ['dState', 'dConv', 'dtRank', 'dInner', 'chunk'] as const) {
    if (!Number.isInteger(r[k]) || r[k] < 1)
      throw new Error(`Mamba: '${k}' must be a positive integer but is ${r[k]}`);
  }
  return r;
}
