/** One step of an edit alignment between a reference and a hypothesis sequence. */
export interface EditOp<T> {
  op: 'hit' | 'sub' | 'del' | 'ins';
  /** Reference item (null for an insertion). */
  ref: T | null;
  /** Hypothesis item (null for a deletion). */
  hyp: T | null;
}

/** Counts and ops of a minimum-edit (Levenshtein) alignment. */
export interface EditAlignment<T> {
  hits: number;
  substitutions: number;
  deletions: number;
  insertions: number;
  /** substitutions + deletions + insertions: the Levenshtein distance. */
  distance: number;
  ops: EditOp<T>[];
}

/**
 * Levenshtein alignment with unit costs. The distance is unique, but several alignments can reach it
 * (ref "a b" vs hyp "b c": two substitutions, or a deletion and an insertion); we trace back from the end
 * preferring the diagonal (hit or substitution), then deletion, then insertion, so counts are
 * deterministic. Items compare with `===`.
 */
export function editAlign<T>(ref: readonly T[], hyp: readonly T[]): EditAlignment<T> {
  const R = ref.length;
  const H = hyp.length;
  const W = H + 1;
  // d[i*W + j]: distance between ref[0, i) and hyp[0, j).
  const d = new Int32Array((R + 1) * W);
  for (let j = 0; j <= H; j++) d[j] = j;
  for (let i = 1; i <= R; i++) {
    d[i * W] = i;
    for (let j = 1; j <= H; j++) {
      const diag = d[(i - 1) * W + j - 1] + (ref[i - 1] === hyp[j - 1] ? 0 : 1);
      const del = d[(i - 1) * W + j] + 1;
      const ins = d[i * W + j - 1] + 1;
      d[i * W + j] = Math.min(diag, del, ins);
    }
  }
  const ops: EditOp<T>[] = [];
  let hits = 0;
  let substitutions = 0;
  let deletions = 0;
  let insertions = 0;
  let i = R;
  let j = H;
  while (i > 0 || j > 0) {
    const here = d[i * W + j];
    if (i > 0 && j > 0) {
      const same = ref[i - 1] === hyp[j - 1];
      if (here === d[(i - 1) * W + j - 1] + (same ? 0 : 1)) {
        ops.push({ op: same ? 'hit' : 'sub', ref: ref[i - 1], hyp: hyp[j - 1] });
        if (same) hits++;
        else substitutions++;
        i--;
        j--;
        continue;
      }
    }
    if (i > 0 && here === d[(i - 1) * W + j] + 1) {
      ops.push({ op: 'del', ref: ref[i - 1], hyp: null });
      deletions++;
      i--;
    } else {
      ops.push({ op: 'ins', ref: null, hyp: hyp[j - 1] });
      insertions++;
      j--;
    }
  }
  ops.reverse();
  return { hits, substitutions, deletions, insertions, distance: d[R * W + H], ops };
}
