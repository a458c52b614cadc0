import type { PieceVocab, Segment } from './piece-vocab.js';
import { PieceType } from './sentencepiece-proto.js';

/** SentencePiece's penalty below the lowest piece score for an unknown character (`kUnkPenalty`). */
const UNK_PENALTY = 10;

/**
 * Unigram-LM segmentation: the Viterbi path through the lattice of all vocabulary pieces covering
 * `units`, maximising the sum of piece scores (SentencePiece `unigram_model.cc` semantics):
 * - UNUSED pieces are never used; USER_DEFINED pieces score length × maxScore − 0.1 (always preferred);
 * - a unit with no one-unit piece becomes an unknown node scored minScore − 10;
 * - ties go to the piece that starts earliest (the longest), as SentencePiece's lattice order;
 * - consecutive unknowns merge into one unknown segment, as SentencePiece's `Encode`.
 */
export function unigramSegment(units: readonly string[], vocab: PieceVocab): Segment[] {
  const n = units.length;
  const best = new Float64Array(n + 1).fill(Number.NEGATIVE_INFINITY);
  const from = new Int32Array(n + 1).fill(-1);
  const pieceId = new Int32Array(n + 1).fill(-1);
  best[0] = 0;
  // Forward over start positions in increasing order with a strict '>' keeps the earliest start on ties.
  for (let b = 0; b < n; b++) {
    if (best[b] === Number.NEGATIVE_INFINITY) continue;
    let s = '';
    let hasSingle = false;
    for (let e = b + 1; e <= Math.min(n, b + vocab.maxLen); e++) {
      s += units[e - 1];
      const id = vocab.lookup.get(s);
      if (id === undefined || vocab.types[id] === PieceType.UNUSED) continue;
      if (e === b + 1) hasSingle = true;
      const score =
        vocab.types[id] === PieceType.USER_DEFINED
          ? Array.from(s).length * vocab.maxScore - 0.1
          : vocab.scores[id];
      const total = best[b] + score;
      if (total > best[e]) {
        best[e] = total;
        from[e] = b;
        pieceId[e] = id;
      }
    }
    if (!hasSingle) {
      const total = best[b] + vocab.minScore - UNK_PENALTY;
      if (total > best[b + 1]) {
        best[b + 1] = total;
        from[b + 1] = b;
        pieceId[b + 1] = vocab.unkId;
      }
    }
  }
  const out: Segment[] = [];
  for (let e = n; e > 0; e = from[e]) {
    out.push({ id: pieceId[e], surface: units.slice(from[e], e).join('') });
  }
  out.reverse();
  // Merge runs of unknowns into one segment.
  const merged: Segment[] = [];
  for (const seg of out) {
    const last = merged[merged.length - 1];
    if (last && last.id === vocab.unkId && seg.id === vocab.unkId) last.surface += seg.surface;
    else merged.push(seg);
  }
  return merged;
}
