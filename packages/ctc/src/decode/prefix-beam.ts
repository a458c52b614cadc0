import { LOG_ZERO, logAddExp } from './log-math.js';
import { type Node, newNode } from './prefix-node.js';
import type { PrefixScorer } from './prefix-scorer.js';
import { TokenCandidates } from './token-candidates.js';

export interface PrefixBeamConfig {
  C: number;
  blank: number;
  beamWidth: number;
  /** Per frame, extend only the k most likely tokens (default all). */
  tokenTopK: number;
  /** Per frame, extend only tokens with log-prob ≥ this (the frame's best token always qualifies). */
  tokenMinLogProb: number;
  /** Drop prefixes scoring below best + this (≤ 0; default −∞: keep the beam width only). */
  beamPruneLogProb: number;
  scorers: readonly PrefixScorer[];
}

/** A prefix read out of the beam. */
export interface BeamEntry {
  tokens: Int32Array;
  /** Frame of each token in the prefix's best alignment. */
  timesteps: Int32Array;
  /** Acoustic log-probability (all alignments). */
  acoustic: number;
  /** Context score: LM, bonuses, hotwords (with their end-of-hypothesis terms when final). */
  context: number;
  score: number;
}

/**
 * CTC prefix beam search, frame by frame. Each prefix keeps the log-probabilities of all its
 * alignments ending in blank and in non-blank; the beam ranks prefixes by their sum plus the context
 * score, which depends on the prefix only. Whole-input and streaming decoding both drive `step`.
 */
export class PrefixBeam {
  private beam: Node[];
  private readonly root: Node;
  private stamp = 0;
  private touched: Node[] = [];
  private readonly cand: TokenCandidates;
  /** Σ of the scorers' bounds on one extension's context score (∞ when one has none). */
  private readonly gain: number;
  private readonly perState: boolean;
  frames = 0;

  constructor(private readonly cfg: PrefixBeamConfig) {
    const root = newNode(-1, null);
    root.ctx = 0;
    root.states = cfg.scorers.map((s) => s.initial());
    root.pb = 0;
    root.vb = 0;
    root.inBeam = true;
    this.beam = [root];
    this.root = root;
    this.cand = new TokenCandidates(cfg.C, cfg.blank, cfg.tokenTopK, cfg.tokenMinLogProb);
    this.gain = cfg.scorers.reduce((g, s) => g + (s.maxGain ?? Number.POSITIVE_INFINITY), 0);
    this.perState = cfg.scorers.some((s) => s.maxGainFrom);
  }

  /**
   * Memory check: nodes reachable from the root through child maps, and the nodes the beam needs (its
   * prefixes and their ancestors). Releasing dead prefixes keeps the two equal.
   */
  nodeCounts(): { reachable: number; needed: number } {
    let reachable = 0;
    const stack = [this.root];
    while (stack.length > 0) {
      const n = stack.pop()!;
      reachable++;
      if (n.children) stack.push(...n.children.values());
    }
    const needed = new Set<Node>([this.root]);
    for (const b of this.beam) {
      for (let n: Node | null = b; n && !needed.has(n); n = n.parent) needed.add(n);
    }
    return { reachable, needed: needed.size };
  }

  /**
   * A score below which a prefix that is not in the beam cannot survive this frame. Every beam prefix
   * keeps at least its blank and repeat mass (a lower bound of its new score), and a new prefix gets
   * mass from its parent only, so a new prefix below the beamWidth-th lower bound, or below the best
   * lower bound + beamPruneLogProb, would be pruned: skipping it changes nothing.
   */
  private threshold(row: Float32Array, off: number): number {
    if (this.gain === Number.POSITIVE_INFINITY && !this.perState) return LOG_ZERO;
    const lpBlank = row[off + this.cfg.blank];
    let lo = Number.POSITIVE_INFINITY;
    let hi = LOG_ZERO;
    for (const h of this.beam) {
      const stay = logAddExp(
        logAddExp(h.pb, h.pnb) + lpBlank,
        h.token >= 0 ? h.pnb + row[off + h.token] : LOG_ZERO,
      );
      const lb = stay + h.ctx;
      lo = Math.min(lo, lb);
      hi = Math.max(hi, lb);
    }
    const full = this.beam.length >= this.cfg.beamWidth ? lo : LOG_ZERO;
    const thr = Math.max(full, hi + this.cfg.beamPruneLogProb);
    // A hair of slack so that rounding in a different summation order never skips a tie.
    return Number.isFinite(thr) ? thr - 1e-9 * (1 + Math.abs(thr)) : thr;
  }

  private child(h: Node, c: number): Node {
    let n = h.children?.get(c);
    if (n) return n;
    n = newNode(c, h);
    let ctx = h.ctx;
    const { scorers } = this.cfg;
    n.states = new Array(scorers.length);
    for (let i = 0; i < scorers.length; i++) {
      const r = scorers[i].extend(h.states[i], c);
      n.states[i] = r.state;
      ctx += r.score;
    }
    n.ctx = ctx;
    h.children ??= new Map();
    h.children.set(c, n);
    h.refs++;
    return n;
  }

  private touch(n: Node): void {
    if (n.stamp === this.stamp) return;
    n.stamp = this.stamp;
    n.npb = n.npnb = n.nvb = n.nvnb = LOG_ZERO;
    n.ncb = n.ncnb = null;
    this.touched.push(n);
  }

  /** Upper bound of the context score one extension of `h` can add. */
  private gainOf(h: Node): number {
    if (!this.perState) return this.gain;
    let g = 0;
    const { scorers } = this.cfg;
    for (let i = 0; i < scorers.length; i++) {
      const s = scorers[i];
      g += s.maxGainFrom ? s.maxGainFrom(h.states[i]) : (s.maxGain ?? Number.POSITIVE_INFINITY);
    }
    return g;
  }

  /** Consumes the frame `row[off .. off + C)`. */
  step(row: Float32Array, off: number): void {
    const t = this.frames++;
    const { blank } = this.cfg;
    this.stamp++;
    this.touched = [];
    const nc = this.cand.select(row, off);
    const cand = this.cand.ids;
    const thr = this.threshold(row, off);
    const lpBlank = row[off + blank];
    for (const h of this.beam) {
      const pt = logAddExp(h.pb, h.pnb);
      if (pt === LOG_ZERO) continue;
      const vBest = Math.max(h.vb, h.vnb);
      const cBest = h.vb >= h.vnb ? h.cb : h.cnb;
      // New children whose acoustic + parent context score falls below this cannot survive.
      const skipBelow = thr === LOG_ZERO ? LOG_ZERO : thr - this.gainOf(h);
      this.touch(h);
      // Blank: the prefix stays, now ending in blank.
      h.npb = logAddExp(h.npb, pt + lpBlank);
      if (vBest + lpBlank > h.nvb) {
        h.nvb = vBest + lpBlank;
        h.ncb = cBest;
      }
      // Repeat of the last token without a blank between: the prefix stays (same emission).
      if (h.token >= 0) {
        const lp = row[off + h.token];
        h.npnb = logAddExp(h.npnb, h.pnb + lp);
        if (h.vnb + lp > h.nvnb) {
          h.nvnb = h.vnb + lp;
          h.ncnb = h.cnb;
        }
      }
      for (let i = 0; i < nc; i++) {
        const c = cand[i];
        const lp = row[off + c];
        // A repeated token needs a blank in between: only alignments ending in blank extend.
        const p = c === h.token ? h.pb + lp : pt + lp;
        if (p === LOG_ZERO) continue;
        if (p + h.ctx < skipBelow) {
          const old = h.children?.get(c);
          if (!old?.inBeam) continue; // a new prefix that pruning would drop
        }
        const v = c === h.token ? h.vb + lp : vBest + lp;
        const n = this.child(h, c);
        this.touch(n);
        n.npnb = logAddExp(n.npnb, p);
        if (v > n.nvnb) {
          n.nvnb = v;
          n.ncnb = { frame: t, prev: c === h.token ? h.cb : cBest };
        }
      }
    }
    for (const n of this.touched) {
      n.pb = n.npb;
      n.pnb = n.npnb;
      n.vb = n.nvb;
      n.vnb = n.nvnb;
      n.cb = n.ncb;
      n.cnb = n.ncnb;
      n.score = logAddExp(n.pb, n.pnb) + n.ctx;
    }
    const next = this.prune(this.touched);
    for (const n of this.beam) n.inBeam = false;
    for (const n of this.touched) n.inBeam = false;
    for (const n of next) n.inBeam = true;
    for (const n of this.beam) this.release(n);
    for (const n of this.touched) this.release(n);
    this.beam = next;
  }

  /** Detaches dead nodes (out of the beam, no live children) so pruned subtrees can be collected. */
  private release(n: Node): void {
    while (n.parent && n.attached && !n.inBeam && n.refs === 0) {
      const p: Node = n.parent;
      p.children?.delete(n.token);
      p.refs--;
      n.attached = false;
      n = p;
    }
  }

  private prune(nodes: Node[]): Node[] {
    // Stable sort: ties keep creation order, so results are deterministic.
    const kept = nodes.filter((n) => n.score > LOG_ZERO).sort((a, b) => b.score - a.score);
    if (kept.length === 0) return []; // no prefix has a finite score: nothing to decode
    const floor = kept[0].score + this.cfg.beamPruneLogProb;
    let k = Math.min(kept.length, this.cfg.beamWidth);
    while (k > 1 && kept[k - 1].score < floor) k--;
    return kept.slice(0, k);
  }

  private read(n: Node, final: boolean): BeamEntry {
    const tokens = new Int32Array(n.depth);
    const timesteps = new Int32Array(n.depth);
    let cell = n.vb >= n.vnb ? n.cb : n.cnb;
    for (let m: Node | null = n, i = n.depth - 1; m && i >= 0; m = m.parent, i--) {
      tokens[i] = m.token;
      timesteps[i] = cell ? cell.frame : -1;
      cell = cell ? cell.prev : null;
    }
    let context = n.ctx;
    if (final) {
      this.cfg.scorers.forEach((s, i) => {
        context += s.finish(n.states[i]);
      });
    }
    const acoustic = logAddExp(n.pb, n.pnb);
    return { tokens, timesteps, acoustic, context, score: acoustic + context };
  }

  /** The beam, best first; `final` adds the scorers' end terms and re-ranks. */
  entries(final: boolean): BeamEntry[] {
    const out = this.beam.map((n) => this.read(n, final));
    if (final) out.sort((a, b) => b.score - a.score);
    return out;
  }

  /** The token prefix shared by every hypothesis in the beam: later frames cannot change it. */
  stablePrefix(): { tokens: Int32Array; timesteps: Int32Array } {
    if (this.beam.length === 0) return { tokens: new Int32Array(0), timesteps: new Int32Array(0) };
    let common = this.beam[0];
    for (const n of this.beam) {
      let a: Node | null = n;
      let b: Node | null = common;
      while (a && b && a.depth > b.depth) a = a.parent;
      while (a && b && b.depth > a.depth) b = b.parent;
      while (a && b && a !== b) {
        a = a.parent;
        b = b.parent;
      }
      common = b ?? common;
    }
    const best = this.read(this.beam[0], false);
    return { tokens: best.tokens.slice(0, common.depth), timesteps: best.timesteps.slice(0, common.depth) };
  }
}
