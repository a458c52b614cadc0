import type { PieceVocab, Segment } from './piece-vocab.js';
import { PieceType } from './sentencepiece-proto.js';

interface Pair {
  left: number;
  right: number;
  piece: string;
  score: number;
}

/** Max-heap on score; on equal scores the leftmost pair first (SentencePiece `bpe_model.cc` order). */
class PairHeap {
  private items: Pair[] = [];
  private before(a: Pair, b: Pair): boolean {
    return a.score > b.score || (a.score === b.score && a.left < b.left);
  }
  get size(): number {
    return this.items.length;
  }
  push(p: Pair): void {
    const h = this.items;
    h.push(p);
    let i = h.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.before(h[i], h[parent])) break;
      [h[i], h[parent]] = [h[parent], h[i]];
      i = parent;
    }
  }
  pop(): Pair {
    const h = this.items;
    const top = h[0];
    const last = h.pop()!;
    if (h.length > 0) {
      h[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < h.length && this.before(h[l], h[m])) m = l;
        if (r < h.length && this.before(h[r], h[m])) m = r;
        if (m === i) break;
        [h[i], h[m]] = [h[m], h[i]];
        i = m;
      }
    }
    return top;
  }
}

/**
 * BPE segmentation as SentencePiece's `bpe_model.cc`: start from single units (user-defined symbols stay
 * whole), then repeatedly merge the adjacent pair whose concatenation is a vocabulary piece with the
 * highest score (leftmost on ties) until no pair is in the vocabulary. A final symbol not in the
 * vocabulary is unknown. (SentencePiece also re-splits UNUSED pieces after merging; here an UNUSED piece
 * may chain merges but is re-split into its units if it survives to the end.)
 */
export function bpeSegment(units: readonly string[], vocab: PieceVocab): Segment[] {
  const n = units.length;
  const sym = [...units];
  const prev = Int32Array.from({ length: n }, (_, i) => i - 1);
  const next = Int32Array.from({ length: n }, (_, i) => (i + 1 < n ? i + 1 : -1));
  const heap = new PairHeap();
  const tryPair = (left: number, right: number) => {
    if (left < 0 || right < 0) return;
    const piece = sym[left] + sym[right];
    const id = vocab.lookup.get(piece);
    if (id === undefined) return;
    heap.push({ left, right, piece, score: vocab.scores[id] });
  };
  for (let i = 0; i + 1 < n; i++) tryPair(i, i + 1);
  while (heap.size > 0) {
    const p = heap.pop();
    // Skip pairs made stale by an earlier merge of either side.
    if (sym[p.left] === '' || sym[p.right] === '' || next[p.left] !== p.right) continue;
    if (sym[p.left] + sym[p.right] !== p.piece) continue;
    sym[p.left] = p.piece;
    sym[p.right] = '';
    next[p.left] = next[p.right];
    if (next[p.right] >= 0) prev[next[p.right]] = p.left;
    tryPair(prev[p.left], p.left);
    tryPair(p.left, next[p.left]);
  }
  const out: Segment[] = [];
  for (let i = n > 0 ? 0 : -1; i >= 0; i = next[i]) {
    const id = vocab.lookup.get(sym[i]);
    if (id !== undefined && vocab.types[id] !== PieceType.UNUSED) {
      out.push({ id, surface: sym[i] });
    } else if (id !== undefined) {
      // An UNUSED piece is not emitted: fall back to its units, each looked up alone.
      for (const u of Array.from(sym[i])) out.push({ id: vocab.lookup.get(u) ?? vocab.unkId, surface: u });
    } else {
      out.push({ id: vocab.unkId, surface: sym[i] });
    }
  }
  return out;
}
