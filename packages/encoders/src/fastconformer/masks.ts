import { ops, type Size, type Tensor } from '@seqzoo/core';
import type { AttContextSize, AttContextStyle } from './config.js';

/**
 * NeMo `ConformerEncoder._create_masks`, as keep-masks (true = visible / valid) over L = cache + T
 * positions, returned for the last T query rows only (the cache rows are dropped, as NeMo does).
 *
 * - context: 'regular' = band i − left ≤ j ≤ i + right; 'chunked_limited' = chunk index ⌊t/(right+1)⌋
 *   and query chunk a sees key chunk b iff 0 ≤ a − b ≤ ⌊left/(right+1)⌋ (−1 = unlimited).
 * - padding: position t is valid iff offset[b] ≤ t < validEnd[b]; streaming uses
 *   validEnd = length + cache and offset = cache − cacheLen (hides unfilled cache rows).
 */
export function createMasks(
  like: Tensor,
  ctx: AttContextSize,
  style: AttContextStyle,
  total: Size,
  queries: Size,
  validEnd: Tensor,
  offset?: Tensor,
): { attKeep: Tensor; padKeep: Tensor } {
  const pos = ops.arange(like, 0, total, 'float32'); // [L]
  const qi = ops.unsqueeze(pos, 1); // [L, 1]
  const kj = ops.unsqueeze(pos, 0); // [1, L]
  const [left, right] = ctx;
  let context: Tensor | undefined;
  const and = (a: Tensor | undefined, b: Tensor) => (a ? ops.logicalAnd(a, b) : b);
  if (style === 'regular' || right < 0) {
    const diff = ops.sub(qi, kj); // i − j
    if (left >= 0) context = and(context, ops.lessEqual(diff, left));
    if (right >= 0 && style === 'regular') context = and(context, ops.greaterEqual(diff, -right));
  } else {
    const chunk = ops.floor(ops.div(pos, right + 1));
    const diff = ops.sub(ops.unsqueeze(chunk, 1), ops.unsqueeze(chunk, 0)); // a − b
    context = ops.logicalAnd(
      ops.greaterEqual(diff, 0),
      ops.lessEqual(diff, left >= 0 ? Math.floor(left / (right + 1)) : 10000),
    );
  }
  const ipos = ops.arange(like, 0, total); // int32 [L]
  let valid = ops.less(ops.unsqueeze(ipos, 0), ops.unsqueeze(validEnd, 1)); // [B, L]
  if (offset)
    valid = ops.logicalAnd(valid, ops.greaterEqual(ops.unsqueeze(ipos, 0), ops.unsqueeze(offset, 1)));
  const start =
    typeof total === 'number' && typeof queries === 'number' ? total - queries : ops.sub(total, queries);
  const padKeep = ops.slice(valid, 1, start, total); // [B, T]
  let attKeep = ops.logicalAnd(ops.unsqueeze(padKeep, 2), ops.unsqueeze(valid, 1)); // [B, T, L]
  if (context) attKeep = ops.logicalAnd(attKeep, ops.unsqueeze(ops.slice(context, 0, start, total), 0));
  return { attKeep, padKeep };
}
