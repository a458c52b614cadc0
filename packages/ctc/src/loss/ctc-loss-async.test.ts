import { afterAll, describe, expect, it } from 'vitest';
import { ctcLoss } from './ctc-loss.js';
import { ctcLossAsync, disposeCtcLossWorkers } from './ctc-loss-async.js';
import type { CtcLossOptions } from './ctc-loss-types.js';
import { randomLabels, randomLogProbs } from './hash-random.js';

afterAll(async () => {
  await disposeCtcLossWorkers();
});

function batch(): CtcLossOptions {
  const [T, N, C] = [40, 7, 30];
  const targetLengths = Int32Array.of(12, 0, 5, 19, 3, 8, 25);
  const inputLengths = Int32Array.of(40, 33, 10, 40, 2, 28, 40);
  const total = targetLengths.reduce((a, b) => a + b, 0);
  return {
    logProbs: randomLogProbs(5, T, N, C, 3),
    dims: [T, N, C],
    targets: randomLabels(6, total, C, 0),
    inputLengths,
    targetLengths,
  };
}

describe('ctcLossAsync', () => {
  for (const threads of [1, 2, 3]) {
    for (const gradMode of ['logits', 'logProbs'] as const) {
      it(`equals ctcLoss with ${threads} thread(s), gradMode ${gradMode}`, async () => {
        // item 4 (2 frames, 3 labels) is impossible: its Infinity and NaN rows must match too
        const o = { ...batch(), reduction: 'none' as const, gradMode };
        const want = ctcLoss(o);
        const got = await ctcLossAsync({ ...o, threads });
        expect(Array.from(got.loss)).toEqual(Array.from(want.loss));
        expect(Array.from(got.grad as Float32Array)).toEqual(Array.from(want.grad as Float32Array));
      });
    }
  }

  it('keeps concurrent calls apart', async () => {
    const a = { ...batch(), reduction: 'none' as const };
    const b = { ...a, logProbs: randomLogProbs(8, 40, 7, 30, 5) };
    const [ra, rb] = await Promise.all([ctcLossAsync(a), ctcLossAsync(b)]);
    expect(Array.from(ra.loss)).toEqual(Array.from(ctcLoss(a).loss));
    expect(Array.from(rb.loss)).toEqual(Array.from(ctcLoss(b).loss));
  });

  it('reports a NaN found by a worker with its coordinates', async () => {
    const o = batch();
    o.logProbs[(3 * 7 + 6) * 30 + 4] = Number.NaN;
    await expect(ctcLossAsync({ ...o, threads: 2 })).rejects.toThrow(
      'ctcLossAsync: logProbs[3, 6, 4] is NaN (batch item 6, frame 3, class 4)',
    );
    await expect(ctcLossAsync({ ...o, threads: 2, gradMode: 'logProbs' })).rejects.toThrow(
      'ctcLossAsync: logProbs[3, 6, 4] is NaN (batch item 6, frame 3, class 4)',
    );
  });

  it('writes into a shared gradOut', async () => {
    const o = batch();
    const want = ctcLoss(o).grad as Float32Array;
    const out = new Float32Array(new SharedArrayBuffer(4 * want.length)).fill(7);
    const r = await ctcLossAsync({ ...o, gradOut: out });
    expect(r.grad).toBe(out);
    expect(Array.from(out)).toEqual(Array.from(want));
    await expect(ctcLossAsync({ ...o, gradOut: new Float32Array(want.length) })).rejects.toThrow(
      'ctcLossAsync: gradOut must live on a SharedArrayBuffer',
    );
  });

  it('rejects a bad thread count', async () => {
    await expect(ctcLossAsync({ ...batch(), threads: 0 })).rejects.toThrow(
      'ctcLossAsync: threads must be a positive integer, got 0',
    );
  });
});
