"""Times torch.nn.functional.ctc_loss (forward + backward, CPU) for bench/ctc-loss.ts.

Usage: /usr/bin/python3 tools/ctc_loss_bench_torch.py '<json list of cases>' <threads> <reps>
Each case is {"name", "T", "N", "C", "S", "seed"}; inputs are regenerated with the same hash as
packages/ctc/src/loss/hash-random.ts (via ctc_loss_fixtures.py), so both sides time identical data.
Prints one JSON line: {"torch": version, "threads": n, "results": [{"name", "ms": [per run], "loss"}]}
(two warm-up runs per case are not reported).
"""

import json
import os
import sys
import time

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(__file__))
from ctc_loss_fixtures import random_labels, random_log_probs  # noqa: E402


def main():
    cases = json.loads(sys.argv[1])
    threads = int(sys.argv[2])
    reps = int(sys.argv[3])
    torch.set_num_threads(threads)
    results = []
    for c in cases:
        T, N, C, S = c['T'], c['N'], c['C'], c['S']
        lp = torch.tensor(random_log_probs(c['seed'], T, N, C, 3.0))
        targets = torch.tensor(random_labels(c['seed'] + 1, N * S, C, 0), dtype=torch.long)
        il = torch.full((N,), T, dtype=torch.long)
        tl = torch.full((N,), S, dtype=torch.long)
        times = []
        loss_value = 0.0
        for _ in range(reps + 2):
            x = lp.clone().requires_grad_()
            t0 = time.perf_counter()
            loss = torch.nn.functional.ctc_loss(x, targets, il, tl, reduction='mean')
            loss.backward()
            times.append((time.perf_counter() - t0) * 1000)
            loss_value = float(loss)
        results.append({'name': c['name'], 'ms': times[2:], 'loss': loss_value})
    print(json.dumps({'torch': torch.__version__, 'threads': threads, 'results': results}))


if __name__ == '__main__':
    main()
