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
}

export function ctcKernelRange(a: CtcKernelArgs): void {
  const { logProbs: lp, N, C, targets, targetOffsets, inputLengths, targetLengths, blank } = a;
  const grad = a.grad;
  const torchMode = a.gradMode === 0;

  // Scratch buffers grow on demand and are reused across items.
  let alpha = new Float64Array(0);
  let emit = new Float64Array(0);
  let betaCur = new Float64Array(0);
  let betaNext = new Float64Array(0);
  let occ = new Float64Array(0);
  let labels = new Int32Array(0);
  let canon = new Int32Array(0);
  let skip = new Uint8Array(0);

  const fillRowNaN = (n: number, Tn: number): void => {
    if (grad === null) return;
    for (let t = 0; t < Tn; t++) grad.fill(Number.NaN, (t * N + n) * C, (t * N + n + 1) * C);
  };

  // Writes one gradient row from the per-label occupancies `occ[j]` (already summed onto the
  // canonical index of repeated labels).
  const writeRow = (row: number, L: number, w: number): void => {
    if (grad === null) return;
    if (torchMode) {
      for (let k = 0; k < C; k++) grad[row + k] = Math.exp(lp[row + k]) * w;
      for (let j = 0; j <= L; j++) {
        if (canon[j] !== j) continue;
        const k = labels[j];
        grad[row + k] = (Math.exp(lp[row + k]) - occ[j]) * w;
      }
    } else {
      for (let j = 0; j <= L; j++) {
        if (canon[j] !== j) continue;
        grad[row + labels[j]] = -occ[j] * w;
      }
    }
  };

  // Exact log-domain fallback (float64). Returns the NLL and writes the gradient rows.
  const logDomain = (n: number, Tn: number, L: number, w: number): number => {
    const S = 2 * L + 1;
    const la = new Float64Array(Tn * S).fill(Number.NEGATIVE_INFINITY);
    const lpAt = (t: number, s: number): number =>
      lp[(t * N + n) * C + (s & 1 ? labels[(s + 1) >> 1] : blank)];
    const lse2 = (x: number, y: number): number => {
      if (x === Number.NEGATIVE_INFINITY) return y;
      if (y === Number.NEGATIVE_INFINITY) return x;
      return x > y ? x + Math.log1p(Math.exp(y - x)) : y + Math.log1p(Math.exp(x - y));
    };
    la[0] = lpAt(0, 0);
    if (S > 1) la[1] = lpAt(0, 1);
    for (let t = 1; t < Tn; t++) {
      const p = (t - 1) * S;
      const c = t * S;
      for (let s = 0; s < S; s++) {
        let v = la[p + s];
        if (s > 0) v = lse2(v, la[p + s - 1]);
        if (skip[s]) v = lse2(v, la[p + s - 2]);
        la[c + s] = v + lpAt(t, s);
      }
    }
    const last = (Tn - 1) * S;
    const logP = S > 1 ? lse2(la[last + S - 1], la[last + S - 2]) : la[last];
    const nll = -logP;
    if (grad === null) return nll;
    if (!Number.isFinite(nll)) {
      if (!a.zeroInfinity) fillRowNaN(n, Tn);
      return nll;
    }
    // beta' excludes the emission at t, so occupancy(t, s) = exp(alpha + beta' − logP).
    let bc = new Float64Array(S).fill(Number.NEGATIVE_INFINITY);
    let bn = new Float64Array(S);
    bc[S - 1] = 0;
    if (S > 1) bc[S - 2] = 0;
    for (let t = Tn - 1; t >= 0; t--) {
      occ.fill(0, 0, L + 1);
      for (let s = 0; s < S; s++) {
        const g = Math.exp(la[t * S + s] + bc[s] - logP);
        occ[canon[s & 1 ? (s + 1) >> 1 : 0]] += g;
      }
      writeRow((t * N + n) * C, L, w);
      if (t === 0) break;
      for (let s = 0; s < S; s++) {
        let v = bc[s] + lpAt(t, s);
        if (s + 1 < S) v = lse2(v, bc[s + 1] + lpAt(t, s + 1));
        if (s + 2 < S && skip[s + 2]) v = lse2(v, bc[s + 2] + lpAt(t, s + 2));
        bn[s] = v;
      }
      const tmp = bc;
      bc = bn;
      bn = tmp;
    }
    return nll;
  };

  for (let n = a.n0; n < a.n1; n++) {
    const Tn = inputLengths[n];
    const L = targetLengths[n];
    const off = targetOffsets[n];
    const w = a.gradScale[n];
    const S = 2 * L + 1;

    // No frames: only the empty target has a path (of probability 1).
    if (Tn === 0) {
      a.losses[n] = L === 0 || a.zeroInfinity ? 0 : Number.POSITIVE_INFINITY;
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
    let repeats = 0;
    for (let j = 1; j <= L; j++) {
      const k = targets[off + j - 1];
      labels[j] = k;
      canon[j] = j;
      for (let i = 1; i < j; i++) {
        if (labels[i] === k) {
          canon[j] = i;
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
      a.losses[n] = a.zeroInfinity ? 0 : Number.POSITIVE_INFINITY;
      if (!a.zeroInfinity) fillRowNaN(n, Tn);
      continue;
    }

    // Emissions exp(lp − m_t) for the L + 1 labels of this item, m_t = their max at frame t.
    const L1 = L + 1;
    if (emit.length < Tn * L1) emit = new Float64Array(Math.max(Tn * L1, 2 * emit.length));
    if (alpha.length < Tn * S) alpha = new Float64Array(Math.max(Tn * S, 2 * alpha.length));
    let logScale = 0;
    let ok = true;
    for (let t = 0; t < Tn && ok; t++) {
      const row = (t * N + n) * C;
      const e = t * L1;
      let m = Number.NEGATIVE_INFINITY;
      for (let j = 0; j < L1; j++) {
        const v = lp[row + labels[j]];
        if (v > m) m = v;
      }
      if (!(m > Number.NEGATIVE_INFINITY) || m === Number.POSITIVE_INFINITY) ok = false;
      logScale += m;
      for (let j = 0; j < L1; j++) emit[e + j] = Math.exp(lp[row + labels[j]] - m);
    }

    // Forward pass, rescaled to sum 1 at every frame.
    if (ok) {
      alpha.fill(0, 0, S);
      alpha[0] = emit[0];
      if (S > 1) alpha[1] = emit[1];
      let c = alpha[0] + (S > 1 ? alpha[1] : 0);
      if (c > 0) {
        alpha[0] /= c;
        if (S > 1) alpha[1] /= c;
        logScale += Math.log(c);
      } else ok = false;
      for (let t = 1; t < Tn && ok; t++) {
        const p = (t - 1) * S;
        const q = t * S;
        const e = t * L1;
        // States beyond 2t+1 are unreachable at frame t; keep them zero without computing.
        const sMax = Math.min(S, 2 * t + 2);
        c = 0;
        let v = alpha[p] * emit[e];
        alpha[q] = v;
        c += v;
        for (let s = 1; s < sMax; s++) {
          if (s & 1) {
            v = alpha[p + s] + alpha[p + s - 1];
            if (skip[s]) v += alpha[p + s - 2];
            v *= emit[e + ((s + 1) >> 1)];
          } else {
            v = (alpha[p + s] + alpha[p + s - 1]) * emit[e];
          }
          alpha[q + s] = v;
          c += v;
        }
        for (let s = sMax; s < S; s++) alpha[q + s] = 0;
        if (!(c > 0) || c === Number.POSITIVE_INFINITY) {
          ok = false;
          break;
        }
        const inv = 1 / c;
        for (let s = 0; s < sMax; s++) alpha[q + s] *= inv;
        logScale += Math.log(c);
      }
    }
    let nll = Number.NaN;
    if (ok) {
      const last = (Tn - 1) * S;
      const fin = S > 1 ? alpha[last + S - 1] + alpha[last + S - 2] : alpha[last];
      if (fin > 0) nll = -(logScale + Math.log(fin));
      else ok = false;
    }

    // Backward pass (beta' excludes the emission at t) fused with the gradient rows.
    if (ok && grad !== null) {
      if (betaCur.length < S) {
        betaCur = new Float64Array(2 * S);
        betaNext = new Float64Array(2 * S);
      }
      betaCur.fill(0, 0, S);
      betaCur[S - 1] = 1;
      if (S > 1) betaCur[S - 2] = 1;
      for (let t = Tn - 1; t >= 0; t--) {
        const q = t * S;
        // Occupancy is proportional to alpha·beta'; normalising per frame cancels all scales.
        occ.fill(0, 0, L1);
        let z = 0;
        for (let s = 0; s < S; s += 2) {
          const g = alpha[q + s] * betaCur[s];
          occ[0] += g;
          z += g;
        }
        for (let s = 1; s < S; s += 2) {
          const g = alpha[q + s] * betaCur[s];
          occ[canon[(s + 1) >> 1]] += g;
          z += g;
        }
        if (!(z > 0) || z === Number.POSITIVE_INFINITY) {
          ok = false;
          break;
        }
        const iz = 1 / z;
        for (let j = 0; j < L1; j++) occ[j] *= iz;
        writeRow((t * N + n) * C, L, w);
        if (t === 0) break;
        const e = t * L1;
        const eb = emit[e];
        let bmax = 0;
        for (let s = 0; s < S; s++) {
          let v: number;
          if (s & 1) {
            v = betaCur[s] * emit[e + ((s + 1) >> 1)];
            if (s + 1 < S) v += betaCur[s + 1] * eb;
            if (s + 2 < S && skip[s + 2]) v += betaCur[s + 2] * emit[e + ((s + 3) >> 1)];
          } else {
            v = betaCur[s] * eb;
            if (s + 1 < S) v += betaCur[s + 1] * emit[e + ((s + 2) >> 1)];
          }
          betaNext[s] = v;
          if (v > bmax) bmax = v;
        }
        if (!(bmax > 0) || bmax === Number.POSITIVE_INFINITY) {
          ok = false;
          break;
        }
        const ib = 1 / bmax;
        for (let s = 0; s < S; s++) betaNext[s] *= ib;
        const tmp = betaCur;
        betaCur = betaNext;
        betaNext = tmp;
      }
    }
    if (!ok) nll = logDomain(n, Tn, L, w);

    if (nll === Number.POSITIVE_INFINITY && a.zeroInfinity) {
      a.losses[n] = 0;
      if (grad !== null) {
        for (let t = 0; t < Tn; t++) grad.fill(0, (t * N + n) * C, (t * N + n + 1) * C);
      }
    } else {
      a.losses[n] = nll;
    }
  }
}
