/** Prefix-tree nodes of the beam search (see prefix-beam.ts). */
import { LOG_ZERO } from './log-math.js';

/** Emission frames of a prefix's best alignment, newest first (shared, immutable). */
export interface Cell {
  frame: number;
  prev: Cell | null;
}

/** A prefix: one node per token sequence, linked to its parent. */
export interface Node {
  token: number;
  parent: Node | null;
  depth: number;
  /** Live children: one node per prefix, so alignments of the same prefix always merge. */
  children: Map<number, Node> | null;
  /** Number of live children; a node lives while it is in the beam or has live children. */
  refs: number;
  inBeam: boolean;
  attached: boolean;
  /** Context score (LM, bonuses, hotwords) of the prefix, and the scorers' states. */
  ctx: number;
  states: unknown[];
  /** Acoustic log-probabilities of the prefix ending in blank / non-blank (sum over alignments)… */
  pb: number;
  pnb: number;
  /** …and of the best single alignment, with its emission frames. */
  vb: number;
  vnb: number;
  cb: Cell | null;
  cnb: Cell | null;
  /** The same for the frame being processed. */
  npb: number;
  npnb: number;
  nvb: number;
  nvnb: number;
  ncb: Cell | null;
  ncnb: Cell | null;
  stamp: number;
  score: number;
}

/** A fresh prefix node extending `parent` by `token` (the root has token −1 and no parent). */
export function newNode(token: number, parent: Node | null): Node {
  return {
    token,
    parent,
    depth: parent ? parent.depth + 1 : 0,
    children: null,
    refs: 0,
    inBeam: false,
    attached: parent !== null,
    ctx: 0,
    states: [],
    pb: LOG_ZERO,
    pnb: LOG_ZERO,
    vb: LOG_ZERO,
    vnb: LOG_ZERO,
    cb: null,
    cnb: null,
    npb: LOG_ZERO,
    npnb: LOG_ZERO,
    nvb: LOG_ZERO,
    nvnb: LOG_ZERO,
    ncb: null,
    ncnb: null,
    stamp: -1,
    score: LOG_ZERO,
  };
}
