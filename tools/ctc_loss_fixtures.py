"""Reference fixtures for @seqzoo/ctc's CTC loss (packages/ctc/src/loss/fixtures/).

Run with Debian's PyTorch:  /usr/bin/python3 tools/ctc_loss_fixtures.py

Inputs are regenerated from a seed on both sides (the counter-based hash below mirrors
packages/ctc/src/loss/hash-random.ts bit for bit), so the fixtures hold only targets, lengths and
results. References are computed in float64:
  * torch.nn.functional.ctc_loss (losses for every reduction, torch-convention gradients);
  * an independent log-domain alpha recursion differentiated by autograd, for the true
    d loss / d log_probs (torch's own gradient is softmax - occupancy, see pytorch#52241).
torch 1.13 reads uninitialised memory for items with input length 0 (it returns garbage such as
-2e204); for those items the expected values follow the definition instead (loss 0 for an empty
target, else inf; zero gradient), which is what newer torch returns.
"""

import json
import math
import os
import sys

import numpy as np
import torch

OUT = os.path.join(os.path.dirname(__file__), '..', 'packages', 'ctc', 'src', 'loss', 'fixtures')
MASK = 0xFFFFFFFF


def hash_uniform(seed, idx):
    """Vectorised twin of hashUniform(seed, i) in hash-random.ts."""
    x = (idx.astype(np.uint64) + np.uint64((seed * 0x9E3779B9) & MASK)) & np.uint64(MASK)
    x ^= x >> np.uint64(16)
    x = (x * np.uint64(0x7FEB352D)) & np.uint64(MASK)
    x ^= x >> np.uint64(15)
    x = (x * np.uint64(0x846CA68B)) & np.uint64(MASK)
    x ^= x >> np.uint64(16)
    return (x >> np.uint64(8)).astype(np.float64) / 16777216.0


def random_log_probs(seed, T, N, C, scale):
    idx = np.arange(T * N * C, dtype=np.uint64)
    logits = ((hash_uniform(seed, idx) * 2 - 1) * scale).reshape(T * N, C)
    m = logits.max(axis=1, keepdims=True)
    lse = m + np.log(np.exp(logits - m).sum(axis=1, keepdims=True))
    return (logits - lse).astype(np.float32).reshape(T, N, C)


def random_labels(seed, count, C, blank):
    k = np.floor(hash_uniform(seed, np.arange(count, dtype=np.uint64)) * (C - 1)).astype(np.int64)
    return np.where(k >= blank, k + 1, k)


def enc(x):
    """JSON-safe float list: non-finite values become strings."""
    out = []
    for v in np.asarray(x, dtype=np.float64).ravel().tolist():
        if math.isnan(v):
            out.append('NaN')
        elif math.isinf(v):
            out.append('Infinity' if v > 0 else '-Infinity')
        else:
            out.append(float('%.12g' % v))
    return out


def torch_ctc(lp, targets, il, tl, blank, reduction, zero_infinity):
    # float64 unless given float32 (to measure torch's own float32 drift)
    dtype = torch.float32 if lp.dtype == np.float32 else torch.float64
    x = torch.tensor(lp, dtype=dtype, requires_grad=True)
    loss = torch.nn.functional.ctc_loss(
        x, torch.tensor(targets, dtype=torch.long), torch.tensor(il, dtype=torch.long),
        torch.tensor(tl, dtype=torch.long), blank=blank, reduction=reduction, zero_infinity=zero_infinity)
    loss.sum().backward()
    return loss.detach().numpy().astype(np.float64), x.grad.numpy().astype(np.float64)


def autograd_nll(lp, tgt, Tn, blank):
    """Log-domain alpha recursion in float64; autograd gives the true d nll / d lp.

    States that cannot be reached yet (s > 2t + 1) are left out rather than set to -inf, so that
    logsumexp never sees only -inf terms (whose gradient is NaN)."""
    L = len(tgt)
    ext = [blank]
    for k in tgt:
        ext += [int(k), blank]
    S = len(ext)
    alpha = [lp[0, ext[0]]] + ([lp[0, ext[1]]] if S > 1 else []) + [None] * (S - min(S, 2))
    for t in range(1, Tn):
        new = []
        for s in range(S):
            terms = [alpha[s]]
            if s > 0:
                terms.append(alpha[s - 1])
            if s > 1 and ext[s] != blank and ext[s] != ext[s - 2]:
                terms.append(alpha[s - 2])
            terms = [x for x in terms if x is not None]
            new.append(torch.logsumexp(torch.stack(terms), 0) + lp[t, ext[s]] if terms else None)
        alpha = new
    fin = [x for x in [alpha[S - 1]] + ([alpha[S - 2]] if L > 0 else []) if x is not None]
    if not fin:
        return torch.tensor(float('inf'), dtype=torch.float64)
    return -torch.logsumexp(torch.stack(fin), 0)


def true_grad_unit(lp32, targets, il, tl, blank):
    T, N, C = lp32.shape
    g = np.zeros((T, N, C))
    off = 0
    for n in range(N):
        tgt = targets[off:off + tl[n]]
        off += tl[n]
        Tn = il[n]
        if Tn == 0:
            continue
        x = torch.tensor(lp32[:Tn, n, :].astype(np.float64), requires_grad=True)
        nll = autograd_nll(x, tgt, Tn, blank)
        if not torch.isfinite(nll):
            g[:Tn, n, :] = np.nan
            continue
        nll.backward()
        g[:Tn, n, :] = x.grad.numpy()
    return g


def fix_zero_length(il, tl, losses, grads):
    """Replaces torch 1.13's garbage for input length 0 by the defined values (see module doc)."""
    for n in range(len(il)):
        if il[n] == 0:
            losses[n] = 0.0 if tl[n] == 0 else math.inf
            for g in grads:
                g[:, n, :] = 0.0


def small_case(name, seed, T, N, C, scale, blank, il, tl, targets=None):
    lp32 = random_log_probs(seed, T, N, C, scale)
    if targets is None:
        targets = random_labels(seed + 1, int(sum(tl)), C, blank).tolist()
    lp64 = lp32.astype(np.float64)
    losses, g_sum = torch_ctc(lp64, targets, il, tl, blank, 'none', False)
    losses_zi, g_sum_zi = torch_ctc(lp64, targets, il, tl, blank, 'none', True)
    fix_zero_length(il, tl, losses, [g_sum])
    fix_zero_length(il, tl, losses_zi, [g_sum_zi])
    losses_zi[np.isinf(losses_zi)] = 0.0
    g_true = true_grad_unit(lp32, targets, il, tl, blank)
    div = np.maximum(np.asarray(tl, dtype=np.float64), 1)
    return {
        'name': name, 'seed': seed, 'scale': scale, 'dims': [T, N, C], 'blank': blank,
        'targets': [int(v) for v in targets], 'inputLengths': list(il), 'targetLengths': list(tl),
        'lossNone': enc(losses), 'lossNoneZeroInf': enc(losses_zi),
        'lossSum': enc([losses.sum()]), 'lossMean': enc([(losses / div).mean()]),
        'lossMeanZeroInf': enc([(losses_zi / div).mean()]),
        # reduction 'none' backward with ones == unit weight per item
        'gradTorchUnit': enc(g_sum), 'gradTorchUnitZeroInf': enc(g_sum_zi), 'gradTrueUnit': enc(g_true),
    }


def check_reductions(case):
    """Guards the reduction formulas stored above against torch itself (finite cases only)."""
    T, N, C = case['dims']
    lp = random_log_probs(case['seed'], T, N, C, case['scale']).astype(np.float64)
    args = (lp, case['targets'], case['inputLengths'], case['targetLengths'], case['blank'])
    if 0 in case['inputLengths']:
        return
    for red, key in (('sum', 'lossSum'), ('mean', 'lossMean')):
        got = torch_ctc(*args, red, False)[0]
        want = case[key][0]
        if isinstance(want, float) and not np.isclose(got, want, rtol=1e-12):
            sys.exit(f'{case["name"]}: torch {red} {got} != {want}')
    got = torch_ctc(*args, 'mean', True)[0]
    if not np.isclose(got, case['lossMeanZeroInf'][0], rtol=1e-12):
        sys.exit(f'{case["name"]}: torch mean zero_infinity {got} != {case["lossMeanZeroInf"][0]}')


def long_case(name, seed, T, N, C, scale, blank, il, tl):
    """Large case: only losses and gradient slices/checksums are stored."""
    lp32 = random_log_probs(seed, T, N, C, scale)
    targets = random_labels(seed + 1, int(sum(tl)), C, blank).tolist()
    losses, g = torch_ctc(lp32.astype(np.float64), targets, il, tl, blank, 'none', False)
    losses32, g32 = torch_ctc(lp32, targets, il, tl, blank, 'none', False)
    idx = np.arange(T * N * C, dtype=np.uint64)
    weights = hash_uniform(seed + 7, idx).reshape(T, N, C)
    slices = []
    off = 0
    for n in range(N):
        tgt = targets[off:off + tl[n]]
        off += tl[n]
        cols = sorted(set([blank] + tgt[:4] + [1, C // 2, C - 1]))
        for t in (0, 1, il[n] // 2, il[n] - 1):
            slices.append({'t': t, 'n': n, 'cols': cols, 'torch64': enc(g[t, n, cols]), 'torch32': enc(g32[t, n, cols])})
    return {
        'name': name, 'seed': seed, 'scale': scale, 'dims': [T, N, C], 'blank': blank,
        'targets': targets, 'inputLengths': list(il), 'targetLengths': list(tl),
        'lossNone': enc(losses), 'lossNoneTorch32': enc(losses32),
        'checksumSeed': seed + 7,
        'gradChecksum': enc([(g * weights).sum()]), 'gradChecksumTorch32': enc([(g32 * weights).sum()]),
        'gradSlices': slices,
    }


def main():
    torch.set_num_threads(2)
    os.makedirs(OUT, exist_ok=True)
    cases = [
        small_case('basic', 11, 12, 3, 6, 2.0, 0, [12, 12, 12], [4, 3, 5]),
        small_case('repeats-tight-and-loose', 12, 9, 3, 5, 1.5, 0, [5, 9, 7], [3, 5, 4],
                   targets=[1, 1, 2, 3, 3, 3, 2, 2, 4, 4, 1, 4]),
        small_case('empty-targets', 13, 7, 3, 5, 2.0, 0, [7, 4, 1], [0, 2, 0]),
        small_case('impossible', 14, 6, 3, 5, 2.0, 0, [6, 3, 6], [3, 3, 7], targets=[1, 2, 3, 2, 2, 4, 1, 2, 3, 4, 1, 2, 3]),
        small_case('t-equals-1', 15, 1, 4, 5, 2.0, 0, [1, 1, 1, 1], [0, 1, 1, 2], targets=[3, 2, 1, 2]),
        small_case('variable-lengths', 16, 20, 4, 7, 3.0, 0, [20, 13, 7, 16], [8, 5, 2, 1]),
        small_case('zero-input-length', 17, 5, 3, 4, 2.0, 0, [0, 0, 5], [0, 2, 2]),
        small_case('blank-last', 18, 10, 3, 6, 2.0, 5, [10, 8, 10], [4, 3, 5]),
        small_case('blank-middle', 19, 10, 2, 6, 2.0, 2, [10, 9], [4, 4], targets=[1, 3, 3, 5, 0, 4, 4, 1]),
        small_case('peaky', 20, 15, 3, 8, 20.0, 0, [15, 15, 11], [5, 7, 3]),
        small_case('underflow-fallback', 21, 8, 2, 5, 1000.0, 0, [8, 8], [3, 2]),
        small_case('medium', 22, 50, 4, 20, 3.0, 0, [50, 41, 30, 50], [15, 20, 9, 0]),
    ]
    for c in cases:
        check_reductions(c)
    long = [
        long_case('long-t2000-c5000', 31, 2000, 2, 5000, 4.0, 0, [2000, 1700], [300, 120]),
        # a second shape: fewer classes, longer targets relative to T
        long_case('long-t1000-c500', 32, 1000, 2, 500, 3.0, 0, [1000, 900], [150, 100]),
    ]
    with open(os.path.join(OUT, 'ctc-loss-small.json'), 'w') as f:
        json.dump({'generator': 'tools/ctc_loss_fixtures.py', 'torch': torch.__version__, 'cases': cases}, f)
    with open(os.path.join(OUT, 'ctc-loss-long.json'), 'w') as f:
        json.dump({'generator': 'tools/ctc_loss_fixtures.py', 'torch': torch.__version__, 'cases': long}, f)
    print('wrote', len(cases), 'small and', len(long), 'long cases to', os.path.normpath(OUT))


if __name__ == '__main__':
    main()
