"""Times torch.nn.functional.ctc_loss (forward + backward, CPU) for bench/ctc-loss.ts.

Usage: /usr/bin/python3 tools/ctc_loss_bench_torch.py '<json list of cases>' <threads>
Each case is {"name", "T", "N", "C", "S", "seed"}; inputs are regenerated with the same hash as
packages/ctc/src/loss/hash-random.ts (via ctc_loss_fixtures.py), so both sides time identical data.
The process then serves timing requests so that the benchmark can alternate single runs of torch and
of ours (both then see the same machine load): it prints {"ready": version}, and for each input line
holding a case index it runs that case once and prints {"ms": wall time, "loss": value}.
"""

import json
import os
import sys
import time

import torch

sys.path.insert(0, os.path.dirname(__file__))
from ctc_loss_fixtures import random_labels, random_log_probs  # noqa: E402


def main():
    cases = json.loads(sys.argv[1])
    torch.set_num_threads(int(sys.argv[2]))
    data = []
    for c in cases:
        T, N, C, S = c['T'], c['N'], c['C'], c['S']
        data.append((
            torch.tensor(random_log_probs(c['seed'], T, N, C, 3.0)),
            torch.tensor(random_labels(c['seed'] + 1, N * S, C, 0), dtype=torch.long),
            torch.full((N,), T, dtype=torch.long),
            torch.full((N,), S, dtype=torch.long),
        ))
    print(json.dumps({'ready': torch.__version__}), flush=True)
    for line in sys.stdin:
        lp, targets, il, tl = data[int(line)]
        x = lp.clone().requires_grad_()
        t0 = time.perf_counter()
        loss = torch.nn.functional.ctc_loss(x, targets, il, tl, reduction='mean')
        loss.backward()
        ms = (time.perf_counter() - t0) * 1000
        print(json.dumps({'ms': ms, 'loss': float(loss)}), flush=True)


if __name__ == '__main__':
    main()
