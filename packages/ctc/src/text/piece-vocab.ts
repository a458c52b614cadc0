import { PieceType, type SentencePieceModelData } from './sentencepiece-proto.js';

/** A piece of the segmented text: vocabulary id and the text it covers (needed for byte fallback). */
export interface Segment {
  id: number;
  surface: string;
}

/**
 * Lookup tables shared by the unigram and BPE segmenters. As SentencePiece's `ModelBase`, only NORMAL,
 * USER_DEFINED and UNUSED pieces are matched against text; control, unknown and byte pieces are not.
 */
export interface PieceVocab {
  /** Matchable piece string → id (UNUSED pieces included: BPE needs them to chain merges). */
  lookup: Map<string, number>;
  scores: Float32Array;
  types: Uint8Array;
  /** Longest matchable piece, in code points. */
  maxLen: number;
  unkId: number;
  /** Lowest / highest NORMAL piece score (SentencePiece scores unknowns and user symbols from them). */
  minScore: number;
  maxScore: number;
  /** USER_DEFINED pieces, longest first: matched as whole units before segmentation. */
  userDefined: string[];
}

export function buildPieceVocab(model: SentencePieceModelData): PieceVocab {
  const n = model.pieces.length;
  const lookup = new Map<string, number>();
  const scores = new Float32Array(n);
  const types = new Uint8Array(n);
  let maxLen = 1;
  let minScore = Number.POSITIVE_INFINITY;
  let maxScore = Number.NEGATIVE_INFINITY;
  const userDefined: string[] = [];
  model.pieces.forEach((p, i) => {
    scores[i] = p.score;
    types[i] = p.type;
    if (p.type === PieceType.NORMAL || p.type === PieceType.USER_DEFINED || p.type === PieceType.UNUSED) {
      if (!lookup.has(p.piece)) lookup.set(p.piece, i);
      maxLen = Math.max(maxLen, Array.from(p.piece).length);
    }
    if (p.type === PieceType.NORMAL) {
      minScore = Math.min(minScore, p.score);
      maxScore = Math.max(maxScore, p.score);
    }
    if (p.type === PieceType.USER_DEFINED) userDefined.push(p.piece);
  });
  if (!Number.isFinite(minScore)) {
    minScore = 0;
    maxScore = 0;
  }
  userDefined.sort((a, b) => b.length - a.length);
  return { lookup, scores, types, maxLen, unkId: model.unkId, minScore, maxScore, userDefined };
}

/** Splits text into code points, keeping each user-defined symbol as one unit (longest match first). */
export function splitUnits(text: string, vocab: PieceVocab): string[] {
  const chars = Array.from(text);
  if (vocab.userDefined.length === 0) return chars;
  const units: string[] = [];
  let i = 0;
  while (i < chars.length) {
    const rest = chars.slice(i, i + 64).join('');
    const hit = vocab.userDefined.find((u) => rest.startsWith(u));
    if (hit) {
      units.push(hit);
      i += Array.from(hit).length;
    } else {
      units.push(chars[i]);
      i++;
    }
  }
  return units;
}
