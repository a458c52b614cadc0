/**
 * Per-frame token pruning for beam search: the non-blank tokens whose log-probability is at least
 * `minLogProb`, at most the `topK` likeliest of them (ties to the lower id); the frame's likeliest
 * non-blank token always qualifies. Top-k uses a size-k heap, O(C log k) per frame.
 */
export class TokenCandidates {
  /** Selected ids, ascending, in [0, count). */
  readonly ids: Int32Array;
  private readonly heap: Int32Array;

  constructor(
    private readonly C: number,
    private readonly blank: number,
    private readonly topK: number,
    private readonly minLogProb: number,
  ) {
    this.ids = new Int32Array(C);
    this.heap = new Int32Array(Math.min(C, topK));
  }

  /** Selects the candidates of the frame `row[off .. off + C)`; returns their count. */
  select(row: Float32Array, off: number): number {
    const { C, blank, minLogProb, ids } = this;
    let best = -1;
    for (let c = 0; c < C; c++) if (c !== blank && (best < 0 || row[off + c] > row[off + best])) best = c;
    if (this.topK >= C - 1) {
      let n = 0;
      for (let c = 0; c < C; c++) if (c !== blank && (row[off + c] >= minLogProb || c === best)) ids[n++] = c;
      return n;
    }
    // a ranks below b: lower log-prob, or equal and a higher id.
    const worse = (a: number, b: number) =>
      row[off + a] < row[off + b] || (row[off + a] === row[off + b] && a > b);
    const h = this.heap;
    const k = h.length;
    let size = 0;
    const down = (i: number) => {
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < size && worse(h[l], h[m])) m = l;
        if (r < size && worse(h[r], h[m])) m = r;
        if (m === i) return;
        const tmp = h[i];
        h[i] = h[m];
        h[m] = tmp;
        i = m;
      }
    };
    for (let c = 0; c < C; c++) {
      if (c === blank || (row[off + c] < minLogProb && c !== best)) continue;
      if (size < k) {
        // Sift up: the root holds the worst kept token.
        let i = size++;
        h[i] = c;
        while (i > 0) {
          const p = (i - 1) >> 1;
          if (!worse(h[i], h[p])) break;
          const tmp = h[i];
          h[i] = h[p];
          h[p] = tmp;
          i = p;
        }
      } else if (worse(h[0], c)) {
        h[0] = c;
        down(0);
      }
    }
    const out = h.subarray(0, size).slice().sort();
    ids.set(out);
    return size;
  }
}
