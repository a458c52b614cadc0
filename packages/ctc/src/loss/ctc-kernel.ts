// Type-only (erased at compile time), so ctcKernelRange stays import-free for the worker's toString.
import type { ExpRow } from './wasm-exp.js';

/**
 * The CTC forward–backward kernel for a contiguous range of batch items.
 *
 * This function is deliberately self-contained (no imports, no references to module scope): the
 * async variant ships its source text to worker threads with `Function.prototype.toString`, so it
 * must not close over anything. Keep helpers nested inside it.
 *
 * Numerics: the recursion runs in the probability domain in float64 with per-frame rescaling
 * (Graves 2006, §4.1, "rescaling"), so `exp` runs once per (frame, target label) instead of once per
 * `logsumexp` term. Emissions are shifted by the per-frame maximum over the labels this item uses,
 * so very negative log-probabilities do not underflow. If rescaling still underflows (a path forced
 * through a label > 745 nats below the best label of that frame) or a probability is exactly zero,
 * the item is recomputed by an exact log-domain recursion in float64.
 */
export interface CtcKernelArgs {
  /** log-probabilities, time-major [T, N, C] */
  logProbs: Float32Array;
  T: number;
  N: number;
  C: number;
  /** concatenated targets */
  targets: Int32Array;
  /** start of each item's targets in `targets` */
  targetOffsets: Int32Array;
  inputLengths: Int32Array;
  targetLengths: Int32Array;
  blank: number;
  /** SIMD exp for whole gradient rows (torch convention); null uses the JS exp */
  expRow: ExpRow | null;
  /** entry point named in error messages */
  fn: string;
  /** 0: torch convention (softmax − occupancy), 1: true ∂loss/∂logProbs (−occupancy) */
  gradMode: number;
  zeroInfinity: boolean;
  /** per-item factor applied to the gradient (reduction scaling) */
  gradScale: Float64Array;
  /** output, per-item negative log-likelihood */
  losses: Float64Array;
  /** output [T, N, C], must be zero-filled; null when no gradient is wanted */
  grad: Float32Array | null;
  n0: number;
  n1: number;
  /**
   * Optional buffers kept by the caller between calls: large scratch arrays are then reused
   * instead of being allocated (and page-faulted in) on every call.
   */
  scratch?: { gathered?: Float32Array; sparse?: Float32Array; alpha?: Float64Array; emit?: Float64Array };
}

export function ctcKernelRange(a: CtcKernelArgs): void {
  const { logProbs: lp, N, C, targets, targetOffsets, inputLengths, targetLengths, blank } = a;
  // Every field is read once here: the loops below never touch `a` (a property load on an object
  // whose shape changes between calls would deoptimise the whole function).
  const { n0, n1, gradScale, losses, zeroInfinity, fn } = a;
  const grad = a.grad;
  const torchMode = a.gradMode === 0;
  const expRow = a.expRow;

  // exp(x) = 2^(k/256)·e^r with k = round(x·256/ln 2), |r| ≤ ln2/512: a table lookup and a
  // cubic (relative error < 2e-13), about twice as fast as Math.exp in V8.
  const EXP_K = 256 / Math.LN2;
  const EXP_R = Math.LN2 / 256;
  const ROUND = 6755399441055744; // 1.5·2^52: adding it rounds a double to an integer
  const frac = new Float64Array(256);
  for (let j = 0; j < 256; j++) frac[j] = 2 ** (j / 256);
  const pow2 = new Float64Array(2200); // 2^(e − 1100)
  for (let i = 0; i < 2200; i++) pow2[i] = 2 ** (i - 1100);
  const fastExp = (x: number): number => {
    if (!(x > -745)) return 0; // also −Infinity
    if (x > 709) return Math.exp(x);
    const kf = x * EXP_K + ROUND - ROUND;
    const k = kf | 0;
    const r = x - kf * EXP_R;
    return (1 + r * (1 + r * (0.5 + r * 0.16666666666666666))) * frac[k & 255] * pow2[(k >> 8) + 1100];
  };

  // Scratch buffers grow on demand and are reused across items.
  const scratch = a.scratch ?? {};
  let alpha = scratch.alpha ?? new Float64Array(0);
  let emit = scratch.emit ?? new Float64Array(0);
  // per frame: p = exp(logProb) of a label is emit·pFactor
  let pFactor = new Float64Array(0);
  let betaCur = new Float64Array(0);
  let betaNext = new Float64Array(0);
  let occ = new Float64Array(0);
  let labels = new Int32Array(0);
  let canon = new Int32Array(0);
  let skip = new Uint8Array(0);

  // Infinite loss: torch's gradient is 0/0 = NaN on the item's frames, or 0 under zeroInfinity.
  const fillInfiniteRows = (n: number, Tn: number): void => {
    if (grad === null) return;
    const v = zeroInfinity ? 0 : Number.NaN;
    for (let t = 0; t < Tn; t++) grad.fill(v, (t * N + n) * C, (t * N + n + 1) * C);
  };

  // Sparse part of one gradient row: the values of the L + 1 entries of this item's labels at
  // frame t, from the occupancies `occ[j]` of target positions j (0: blank) times `scale`.
  // Positions holding the same label are summed, and every such position gets the sum. The values
  // go to `sparse` (laid out like `gathered`) and reach `grad` in a final sweep in memory order.
  // In torch mode the dense row already holds softmax·w, and p is recomputed from the gathered
  // log-prob at g.
  // target positions whose label already occurs earlier (canon[j] < j)
  let dups = new Int32Array(0);
  let nDups = 0;
  // pf > 0: p_j = emit[e + j]·pf (the scaled emissions of the frame), else exp(gathered)
  const writeRow = (g: number, e: number, pf: number, L: number, w: number, scale: number): void => {
    if (grad === null) return;
    for (let d = 0; d < nDups; d++) {
      const j = dups[d];
      occ[canon[j]] += occ[j];
      occ[j] = 0;
    }
    if (!torchMode) {
      for (let j = 0; j <= L; j++) sparse[g + j] = -occ[canon[j]] * scale * w;
    } else if (pf > 0 && pf < Number.POSITIVE_INFINITY) {
      for (let j = 0; j <= L; j++) sparse[g + j] = (emit[e + j] * pf - occ[canon[j]] * scale) * w;
    } else {
      for (let j = 0; j <= L; j++) sparse[g + j] = (fastExp(gathered[g + j]) - occ[canon[j]] * scale) * w;
    }
  };

  // Sweeps over memory go in order, frame by frame and item by item (rows (t, n0..n1) are
  // contiguous), instead of per item with a stride of N·C. The first gathers each item's label
  // log-probs into a contiguous block; the last writes the gradient rows.
  let gatherSize = 0;
  const gOff = new Int32Array(n1 - n0 + 1);
  for (let n = n0; n < n1; n++) {
    gOff[n - n0] = gatherSize;
    gatherSize += inputLengths[n] * (targetLengths[n] + 1);
  }
  if (scratch.gathered === undefined || scratch.gathered.length < gatherSize) {
    scratch.gathered = new Float32Array(gatherSize);
  }
  const gathered = scratch.gathered;
  let sparse = gathered;
  if (grad !== null) {
    if (scratch.sparse === undefined || scratch.sparse.length < gatherSize) {
      scratch.sparse = new Float32Array(gatherSize);
    }
    sparse = scratch.sparse;
  }
  // 1 where the final sweep must copy an item's sparse values (finite loss with a gradient)
  const useSparse = new Uint8Array(n1 - n0);
  let Tmax = 0;
  for (let n = n0; n < n1; n++) Tmax = Math.max(Tmax, inputLengths[n]);
  for (let t = 0; t < Tmax; t++) {
    for (let n = n0; n < n1; n++) {
      if (t >= inputLengths[n]) continue;
      const row = (t * N + n) * C;
      const L = targetLengths[n];
      const g = gOff[n - n0] + t * (L + 1);
      const off = targetOffsets[n] - 1;
      // Read the row in order first: it validates it (a NaN or +Infinity makes the sum NaN or
      // +Infinity) and streams it into cache, so the scattered label reads below do not each
      // wait for memory (for C = 1024 and 60 labels they would touch most cache lines at random).
      let s0 = 0;
      let s1 = 0;
      let s2 = 0;
      let s3 = 0;
      let k = 0;
      for (; k + 3 < C; k += 4) {
        s0 += lp[row + k];
        s1 += lp[row + k + 1];
        s2 += lp[row + k + 2];
        s3 += lp[row + k + 3];
      }
      for (; k < C; k++) s0 += lp[row + k];
      const sum = s0 + s1 + s2 + s3;
      if (Number.isNaN(sum) || sum === Number.POSITIVE_INFINITY) {
        const bad = lp
          .subarray(row, row + C)
          .findIndex((x) => Number.isNaN(x) || x === Number.POSITIVE_INFINITY);
        throw new Error(
          `${fn}: logProbs[${t}, ${n}, ${bad}] is ${lp[row + bad]} (batch item ${n}, frame ${t}, class ${bad})`,
        );
      }
      gathered[g] = lp[row + blank];
      for (let j = 1; j <= L; j++) gathered[g + j] = lp[row + targets[off + j]];
    }
  }

  // Exact log-domain fallback (float64), over the same band of states as the fast path, with a
  // three-term log-sum-exp (one log per state). Returns the NLL and writes the gradient rows.
  const NEG = Number.NEGATIVE_INFINITY;
  const lse3 = (x: number, y: number, z: number): number => {
    const m = Math.max(x, y, z);
    if (m === NEG) return NEG;
    return m + Math.log(fastExp(x - m) + fastExp(y - m) + fastExp(z - m));
  };
  const logDomain = (Tn: number, L: number, w: number, g0: number): number => {
    const S = 2 * L + 1;
    const L1 = L + 1;
    const la = new Float64Array(Tn * S).fill(NEG);
    // log emission of state s at frame t
    const le = (t: number, s: number): number => gathered[g0 + t * L1 + (s & 1 ? (s + 1) >> 1 : 0)];
    la[0] = le(0, 0);
    if (S > 1) la[1] = le(0, 1);
    for (let t = 1; t < Tn; t++) {
      const p = (t - 1) * S;
      const c = t * S;
      const sMax = Math.min(S, 2 * t + 2);
      for (let s = Math.max(0, S - 2 * (Tn - t)) & ~1; s < sMax; s++) {
        const v = lse3(la[p + s], s > 0 ? la[p + s - 1] : NEG, skip[s] ? la[p + s - 2] : NEG);
        la[c + s] = v + le(t, s);
      }
    }
    const last = (Tn - 1) * S;
    const logP = S > 1 ? lse3(la[last + S - 1], la[last + S - 2], NEG) : la[last];
    const nll = -logP;
    if (grad === null) return nll;
    if (!Number.isFinite(nll)) return nll; // the caller fills the rows
    // beta' excludes the emission at t, so occupancy(t, s) = exp(alpha + beta' − logP).
    let bc = new Float64Array(S).fill(NEG);
    let bn = new Float64Array(S);
    bc[S - 1] = 0;
    if (S > 1) bc[S - 2] = 0;
    for (let t = Tn - 1; t >= 0; t--) {
      occ.fill(0, 0, L1);
      const sMax = Math.min(S, 2 * t + 2);
      for (let s = Math.max(0, S - 2 * (Tn - t)) & ~1; s < sMax; s++) {
        occ[canon[s & 1 ? (s + 1) >> 1 : 0]] += fastExp(la[t * S + s] + bc[s] - logP);
      }
      writeRow(g0 + t * L1, 0, 0, L, w, 1);
      if (t === 0) break;
      bn.fill(NEG);
      const sMaxPrev = Math.min(S, 2 * t);
      for (let s = Math.max(0, S - 2 * (Tn - t + 1)) & ~1; s < sMaxPrev; s++) {
        bn[s] = lse3(
          bc[s] + le(t, s),
          s + 1 < S ? bc[s + 1] + le(t, s + 1) : NEG,
          s + 2 < S && skip[s + 2] ? bc[s + 2] + le(t, s + 2) : NEG,
        );
      }
      const tmp = bc;
      bc = bn;
      bn = tmp;
    }
    return nll;
  };

  for (let n = n0; n < n1; n++) {
    const Tn = inputLengths[n];
    const L = targetLengths[n];
    const off = targetOffsets[n];
    const w = gradScale[n];
    const S = 2 * L + 1;
    const g0 = gOff[n - n0];

    // No frames: only the empty target has a path (of probability 1).
    if (Tn === 0) {
      losses[n] = L === 0 || zeroInfinity ? 0 : Number.POSITIVE_INFINITY;
      continue;
    }

    if (labels.length < L + 1) {
      labels = new Int32Array(2 * (L + 1));
      canon = new Int32Array(2 * (L + 1));
      occ = new Float64Array(2 * (L + 1));
    }
    if (skip.length < S) skip = new Uint8Array(2 * S);
    labels[0] = blank;
    canon[0] = 0;
    nDups = 0;
    if (dups.length < L + 1) dups = new Int32Array(2 * (L + 1));
    let repeats = 0;
    for (let j = 1; j <= L; j++) {
      const k = targets[off + j - 1];
      labels[j] = k;
      canon[j] = j;
      for (let i = 1; i < j; i++) {
        if (labels[i] === k) {
          canon[j] = i;
          dups[nDups++] = j;
          break;
        }
      }
      if (j > 1 && labels[j - 1] === k) repeats++;
    }
    skip.fill(0, 0, S);
    for (let s = 3; s < S; s += 2) skip[s] = labels[(s + 1) >> 1] !== labels[(s - 1) >> 1] ? 1 : 0;

    // Each label needs a frame, and each repeat a blank between: otherwise no alignment exists.
    if (L + repeats > Tn) {
      // torch: NaN gradient on the item's frames (0/0 occupancy), or 0 loss and gradient.
      losses[n] = zeroInfinity ? 0 : Number.POSITIVE_INFINITY;
      fillInfiniteRows(n, Tn);
      continue;
    }

    // Emissions exp(lp − m_t) for the L + 1 labels of this item, m_t = their max at frame t.
    const L1 = L + 1;
    let nll = Number.NaN;
    if (emit.length < Tn * L1) scratch.emit = emit = new Float64Array(Math.max(Tn * L1, 2 * emit.length));
    if (alpha.length < Tn * S) scratch.alpha = alpha = new Float64Array(Math.max(Tn * S, 2 * alpha.length));
    if (pFactor.length < Tn) pFactor = new Float64Array(2 * Tn);
    let logScale = 0;
    let ok = true;
    for (let t = 0; t < Tn && ok; t++) {
      const e = t * L1;
      const g = g0 + e;
      let m = Number.NEGATIVE_INFINITY;
      for (let j = 0; j < L1; j++) {
        const v = gathered[g + j];
        if (v > m) m = v;
      }
      if (!(m > Number.NEGATIVE_INFINITY) || m === Number.POSITIVE_INFINITY) ok = false;
      logScale += m;
      pFactor[t] = m; // exp(m) and the alpha scale are folded in by the forward pass
      // fastExp inlined by hand: as a call, V8 may box every returned double on the heap.
      // Repeated labels are computed once (canon) and copied below.
      for (let j = 0; j < L1; j++) {
        if (canon[j] !== j) continue;
        const x = gathered[g + j] - m;
        if (!(x > -745)) {
          emit[e + j] = 0;
          continue;
        }
        const kf = x * EXP_K + ROUND - ROUND;
        const k = kf | 0;
        const r = x - kf * EXP_R;
        emit[e + j] =
          (1 + r * (1 + r * (0.5 + r * 0.16666666666666666))) * frac[k & 255] * pow2[(k >> 8) + 1100];
      }
      for (let d = 0; d < nDups; d++) emit[e + dups[d]] = emit[e + canon[dups[d]]];
    }

    // Forward pass. Instead of rescaling alpha_t to sum 1, the factor 1/c_{t-1} is folded into the
    // L + 1 emissions of frame t (cheaper than S multiplies); emit then holds the scaled
    // emissions, which the backward pass can use as they are because occupancies are normalised
    // per frame. States beyond 2t + 1 are unreachable at frame t and are not computed.
    let fin = 0;
    if (ok) {
      alpha[0] = emit[0];
      if (S > 1) alpha[1] = emit[1];
      if (S > 2) alpha[2] = 0;
      if (S > 3) alpha[3] = 0;
      let c = alpha[0] + (S > 1 ? alpha[1] : 0);
      pFactor[0] = Math.exp(pFactor[0]);
      for (let t = 1; t < Tn; t++) {
        if (!(c > 0) || c === Number.POSITIVE_INFINITY) {
          ok = false;
          break;
        }
        logScale += Math.log(c);
        const inv = 1 / c;
        const e = t * L1;
        for (let j = 0; j < L1; j++) emit[e + j] *= inv;
        pFactor[t] = Math.exp(pFactor[t]) * c;
        const p = (t - 1) * S;
        const q = t * S;
        const sMax = Math.min(S, 2 * t + 2);
        const eb = emit[e];
        // States below sLo cannot reach the end any more (each frame advances at most 2 states)
        // and only feed other such states: they are not computed either.
        const sLo = Math.max(0, S - 2 * (Tn - t)) & ~1;
        // pairs (blank 2i, label 2i+1); prev values carried in registers
        let am1: number; // alpha_{t-1}(2i-1) for the next pair
        let sFrom: number;
        if (sLo === 0) {
          am1 = alpha[p];
          let v = am1 * eb;
          alpha[q] = v;
          c = v;
          if (sMax > 1) {
            v = (alpha[p + 1] + am1) * emit[e + 1];
            alpha[q + 1] = v;
            c += v;
          }
          am1 = alpha[p + 1];
          sFrom = 2;
        } else {
          am1 = alpha[p + sLo - 1];
          c = 0;
          sFrom = sLo;
        }
        for (let s = sFrom; s < sMax; s += 2) {
          const a0 = alpha[p + s];
          let v = (a0 + am1) * eb;
          alpha[q + s] = v;
          c += v;
          if (s + 1 < sMax) {
            const a1 = alpha[p + s + 1];
            v = (a1 + a0 + skip[s + 1] * am1) * emit[e + ((s + 2) >> 1)];
            alpha[q + s + 1] = v;
            c += v;
            am1 = a1;
          }
        }
        // the next frame reads up to two states past this band: keep them zero
        if (sMax < S) alpha[q + sMax] = 0;
        if (sMax + 1 < S) alpha[q + sMax + 1] = 0;
      }
      if (ok) {
        const last = (Tn - 1) * S;
        fin = S > 1 ? alpha[last + S - 1] + alpha[last + S - 2] : alpha[last];
        if (fin > 0 && fin < Number.POSITIVE_INFINITY) nll = -(logScale + Math.log(fin));
        else ok = false;
      }
    }

    // Backward pass (beta' excludes the emission at t), fused with the occupancies and the
    // gradient rows: each step computes beta'_{t-1} and, while it is in registers, the occupancy
    // alpha·beta' of frame t-1. The emissions beta' multiplies carry the forward pass's factors
    // 1/c_{t-1} (Rabiner's scaling: sum alpha·beta' = fin at every frame), and beta' is also
    // divided by its maximum at every step, which keeps it from overflowing on states that alpha
    // barely reaches (long near-uniform inputs). Those divisions are tracked as log M, and the
    // products are taken as (alpha·f)·(beta'·f) with f² = M / fin so that they sum to about 1
    // instead of underflowing. A non-finite or zero sum still sends the item to the log-domain
    // fallback. Only the states of the forward pass's band are visited.
    if (ok && grad !== null) {
      if (betaCur.length < S) {
        betaCur = new Float64Array(2 * S);
        betaNext = new Float64Array(2 * S);
      }
      betaCur.fill(0, 0, S);
      betaCur[S - 1] = 1;
      if (S > 1) betaCur[S - 2] = 1;
      // occupancy of the last frame: only the two final states have beta' = 1
      {
        const q = (Tn - 1) * S;
        occ.fill(0, 0, L1);
        const zb = alpha[q + S - 1] / fin;
        const zl = S > 1 ? alpha[q + S - 2] / fin : 0;
        occ[0] = zb;
        if (S > 1) occ[L] = zl;
        const z = zb + zl;
        if (!(z > 0) || z === Number.POSITIVE_INFINITY) ok = false;
        else writeRow(g0 + (Tn - 1) * L1, (Tn - 1) * L1, pFactor[Tn - 1], L, w, 1 / z);
      }
      const logFin = Math.log(fin);
      let bmax = 1;
      let logM = 0;
      for (let t = Tn - 1; t >= 1 && ok; t--) {
        const e = t * L1;
        if (!(bmax > 0) || bmax === Number.POSITIVE_INFINITY) {
          ok = false;
          break;
        }
        const ib = 1 / bmax;
        logM += Math.log(bmax);
        const f = Math.exp(0.5 * (logM - logFin));
        if (!(f < Number.POSITIVE_INFINITY)) {
          ok = false;
          break;
        }
        const eb = emit[e] * ib;
        const q = (t - 1) * S; // alpha of frame t-1
        const sLoA = Math.max(0, S - 2 * (Tn - t + 1)) & ~1; // band of frame t-1
        const sB = Math.max(0, sLoA - 2); // lowest beta' the next step reads
        // u(s) = beta'_t(s)·E_t(s); beta'_{t-1}(2i) = u(2i) + u(2i+1),
        // beta'_{t-1}(2i+1) = u(2i+1) + u(2i+2) + skip(2i+3)·u(2i+3); s < 2t only.
        let uNext: number;
        let uNext2 = 0;
        let zb = 0;
        let z = 0;
        let bmaxNext = 0;
        let s: number;
        if (2 * t >= S) {
          uNext = betaCur[S - 1] * eb; // u(S-1), a blank
          betaNext[S - 1] = uNext;
          bmaxNext = uNext;
          zb = alpha[q + S - 1] * f * (uNext * f);
          s = S - 2;
        } else {
          uNext = betaCur[2 * t] * eb;
          uNext2 = 2 * t + 1 < S ? betaCur[2 * t + 1] * emit[e + t + 1] * ib : 0;
          s = 2 * t - 1;
        }
        // pairs (label s, blank s-1) inside the band, with their occupancies
        for (; s > sLoA; s -= 2) {
          const uOdd = betaCur[s] * emit[e + ((s + 1) >> 1)] * ib;
          const bOdd = uOdd + uNext + (s + 2 < S ? skip[s + 2] * uNext2 : 0);
          betaNext[s] = bOdd;
          const uEven = betaCur[s - 1] * eb;
          const bEven = uEven + uOdd;
          betaNext[s - 1] = bEven;
          if (bOdd > bmaxNext) bmaxNext = bOdd;
          if (bEven > bmaxNext) bmaxNext = bEven;
          const g = alpha[q + s] * f * (bOdd * f);
          occ[(s + 1) >> 1] = g;
          z += g;
          zb += alpha[q + s - 1] * f * (bEven * f);
          uNext = uEven;
          uNext2 = uOdd;
        }
        // the pair just below the band (read by the next step), then two zeros under it
        for (; s > sB; s -= 2) {
          const uOdd = betaCur[s] * emit[e + ((s + 1) >> 1)] * ib;
          betaNext[s] = uOdd + uNext + (s + 2 < S ? skip[s + 2] * uNext2 : 0);
          const uEven = betaCur[s - 1] * eb;
          betaNext[s - 1] = uEven + uOdd;
          uNext = uEven;
          uNext2 = uOdd;
        }
        if (sB >= 1) betaNext[sB - 1] = 0;
        if (sB >= 2) betaNext[sB - 2] = 0;
        const sMaxPrev = Math.min(S, 2 * t);
        for (let k = 1; k < sLoA; k += 2) occ[(k + 1) >> 1] = 0;
        for (let k = sMaxPrev + 1; k < S; k += 2) occ[(k + 1) >> 1] = 0;
        occ[0] = zb;
        z += zb;
        if (!(z > 0) || z === Number.POSITIVE_INFINITY) {
          ok = false;
          break;
        }
        writeRow(g0 + (t - 1) * L1, (t - 1) * L1, pFactor[t - 1], L, w, 1 / z);
        bmax = bmaxNext;
        const tmp = betaCur;
        betaCur = betaNext;
        betaNext = tmp;
      }
    }
    if (!ok) nll = logDomain(Tn, L, w, g0);

    if (nll === Number.POSITIVE_INFINITY) {
      losses[n] = zeroInfinity ? 0 : nll;
      fillInfiniteRows(n, Tn);
    } else {
      losses[n] = nll;
      useSparse[n - n0] = 1;
    }
  }

  // Final sweep in memory order: dense softmax·w rows (torch mode), then the sparse label entries
  // while the row is still in cache. When every item of the range covers all frames with the same
  // weight (reduction 'sum' or 'none', or equal target lengths), a frame's rows are one
  // contiguous block and take a single SIMD call.
  if (grad === null) return;
  let block = torchMode && expRow !== null;
  for (let n = n0; n < n1 && block; n++) {
    block = useSparse[n - n0] === 1 && inputLengths[n] === Tmax && gradScale[n] === gradScale[n0];
  }
  for (let t = 0; t < Tmax; t++) {
    if (block && expRow !== null) {
      const row0 = (t * N + n0) * C;
      expRow(lp, row0, grad, row0, (n1 - n0) * C, gradScale[n0]);
    }
    for (let n = n0; n < n1; n++) {
      if (t >= inputLengths[n]) continue;
      const row = (t * N + n) * C;
      const w = gradScale[n];
      if (useSparse[n - n0] === 0) continue; // rows already final (infinite loss)
      if (torchMode && !block) {
        // (the first sweep has validated the row)
        if (expRow !== null) expRow(lp, row, grad, row, C, w);
        else for (let k = 0; k < C; k++) grad[row + k] = fastExp(lp[row + k]) * w;
      }
      const L = targetLengths[n];
      const g = gOff[n - n0] + t * (L + 1);
      const off = targetOffsets[n] - 1;
      grad[row + blank] = sparse[g];
      for (let j = 1; j <= L; j++) grad[row + targets[off + j]] = sparse[g + j];
    }
  }
}
