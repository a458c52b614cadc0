"""Anchor for bench/ctc-decode.ts: times pyctcdecode's beam search on the same posteriors.

Usage: python3 tools/ctc_decode_bench_pyctcdecode.py SPEC.json
SPEC: {"cases": [{"file": f32 log-probs, "T", "C", "labels": [...], "beams": [...],
        "beam_prune_logp", "token_min_logp", "repeats"}]}
pyctcdecode is imported from $PYCTCDECODE_SRC (a directory holding the `pyctcdecode` package; it is
pure Python). When pygtrie is not installed a small stand-in with the two trie calls pyctcdecode makes is
registered (with no hotwords and no LM the trie is empty, so it costs nothing). Prints one JSON line: per case and beam width, the best CPU time in ms (time.process_time) and
the best hypothesis' text.
"""

import json
import os
import sys
import time
import types

import numpy as np

src = os.environ.get("PYCTCDECODE_SRC")
if src:
    sys.path.insert(0, src)
try:
    import pygtrie  # noqa: F401
except ImportError:
    stub = types.ModuleType("pygtrie")

    class CharTrie(dict):
        """The two pygtrie calls pyctcdecode makes (hotword / unigram prefix tests), by linear scan."""

        def has_node(self, prefix):  # pygtrie: 1 = key, 2 = longer keys below, 0 = neither
            return (1 if prefix in self else 0) | (2 if any(k != prefix and k.startswith(prefix) for k in self) else 0)

        def iterkeys(self, prefix, shallow=False):
            return iter(sorted((k for k in self if k.startswith(prefix)), key=len))

    stub.CharTrie = CharTrie
    sys.modules["pygtrie"] = stub

import logging

logging.disable(logging.WARNING)
from pyctcdecode import build_ctcdecoder  # noqa: E402


def main() -> None:
    spec = json.load(open(sys.argv[1]))
    out = []
    for case in spec["cases"]:
        T, C = case["T"], case["C"]
        lp = np.fromfile(case["file"], dtype=np.float32).reshape(T, C)
        decoder = build_ctcdecoder(case["labels"])
        res = {}
        for beam in case["beams"]:
            best = float("inf")
            text = None
            for _ in range(case["repeats"]):
                t0 = time.process_time()
                beams = decoder.decode_beams(
                    lp,
                    beam_width=beam,
                    beam_prune_logp=case["beam_prune_logp"],
                    token_min_logp=case["token_min_logp"],
                )
                best = min(best, (time.process_time() - t0) * 1000)
                text = beams[0].text
            res[str(beam)] = {"ms": best, "text": text}
        out.append(res)
    print(json.dumps(out))


if __name__ == "__main__":
    main()
