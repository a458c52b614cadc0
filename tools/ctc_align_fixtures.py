#!/usr/bin/python3
"""Reference fixtures for @seqzoo/ctc forced alignment, token spans and SentencePiece models.

Run with Debian's Python:  /usr/bin/python3 tools/ctc_align_fixtures.py

Debian's torchaudio 0.13 has no `forced_align` (it appeared in torchaudio 2.1), so this script holds its
own Viterbi reference, written from torchaudio's documented semantics:
  * blank-extended states s = 0..2L (even: blank, odd: token (s-1)//2);
  * predecessor choice at (t, s): s-2 (skip, distinct neighbours only) if strictly better than both s-1
    and s, else s-1 if strictly better than s, else s (ties stay);
  * final state: the final blank if strictly better than the last token, else the last token.
It is cross-checked here against brute force over every alignment on small cases and against torch's
ctc_loss (the best path can never beat the sum over all paths).

Outputs (committed, tests never need Python):
  packages/ctc/src/align/fixtures/forced-align.json
  packages/ctc/src/text/fixtures/tiny-unigram.model, tiny-bpe.model, tiny-bytes.model
  packages/ctc/src/text/fixtures/edit-distance.json (torchaudio.functional.edit_distance on word and
  character sequences, the reference for WER/CER distances)
"""

import itertools
import json
import math
import os
import random
import struct

import numpy as np
import torch

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ALIGN_DIR = os.path.join(ROOT, "packages/ctc/src/align/fixtures")
TEXT_DIR = os.path.join(ROOT, "packages/ctc/src/text/fixtures")
NEG = -math.inf


def viterbi(lp, targets, blank, float32=False):
    """lp: list of T rows (lists of float). Returns (path, score).

    float32=True rounds every accumulated alpha to float32, as torchaudio's kernel does for float32
    log_probs (a float64 sum of two float32 values rounded once is the float32 sum).
    """
    acc = (lambda x: float(np.float32(x))) if float32 else (lambda x: x)
    T = len(lp)
    L = len(targets)
    labels = [blank if s % 2 == 0 else targets[s // 2] for s in range(2 * L + 1)]
    S = len(labels)
    alpha = [[NEG] * S for _ in range(T)]
    ptr = [[0] * S for _ in range(T)]
    alpha[0][0] = acc(lp[0][blank])
    if S > 1:
        alpha[0][1] = acc(lp[0][labels[1]])
    for t in range(1, T):
        for s in range(S):
            cands = [alpha[t - 1][s]]
            cands.append(alpha[t - 1][s - 1] if s >= 1 else NEG)
            skip_ok = s % 2 == 1 and s >= 3 and labels[s] != labels[s - 2]
            cands.append(alpha[t - 1][s - 2] if skip_ok else NEG)
            x0, x1, x2 = cands
            if x2 > x1 and x2 > x0:
                k = 2
            elif x1 > x0:
                k = 1
            else:
                k = 0
            alpha[t][s] = acc(cands[k] + lp[t][labels[s]])
            ptr[t][s] = k
    s = S - 1 if S > 1 and alpha[T - 1][S - 1] > alpha[T - 1][S - 2] else max(S - 2, 0)
    path = [0] * T
    for t in range(T - 1, -1, -1):
        path[t] = labels[s]
        s -= ptr[t][s]
    score = math.fsum(lp[t][path[t]] for t in range(T))
    return path, score


def collapse(path, blank):
    out = []
    prev = None
    for p in path:
        if p != prev and p != blank:
            out.append(p)
        prev = p
    return out


def brute_force_best(lp, targets, blank):
    """Max path score over every frame labelling that collapses to targets (tiny cases only)."""
    T, C = len(lp), len(lp[0])
    best = NEG
    for path in itertools.product(range(C), repeat=T):
        if collapse(path, blank) == list(targets):
            best = max(best, math.fsum(lp[t][path[t]] for t in range(T)))
    return best


def merge_tokens(path, scores, blank):
    spans = []
    t = 0
    while t < len(path):
        e = t + 1
        while e < len(path) and path[e] == path[t]:
            e += 1
        if path[t] != blank:
            probs = [math.exp(scores[u]) for u in range(t, e)]
            spans.append({"token": path[t], "start": t, "end": e, "score": sum(probs) / len(probs)})
        t = e
    return spans


def rand_lp(gen, T, C, peaked=0.0):
    x = torch.randn(T, C, generator=gen, dtype=torch.float64) * (1.0 + peaked)
    return torch.log_softmax(x, -1).float()


def case(name, lp, targets, blank=0):
    rows = lp.double().tolist()
    path, score = viterbi(rows, targets, blank)
    assert collapse(path, blank) == list(targets), name
    # The Viterbi path can never beat the total probability of all alignments (torch's ctc_loss).
    if len(targets) > 0 and score > NEG:
        nll = torch.nn.functional.ctc_loss(
            lp.double().unsqueeze(1), torch.tensor([targets]), torch.tensor([len(rows)]),
            torch.tensor([len(targets)]), blank=blank, reduction="sum")
        assert score <= -nll.item() + 1e-9, name
    if len(rows) <= 6 and len(rows[0]) <= 4:
        bf = brute_force_best(rows, targets, blank)
        assert abs(bf - score) < 1e-9, (name, bf, score)
    scores = [rows[t][path[t]] for t in range(len(rows))]
    path32, score32 = viterbi(rows, targets, blank, float32=True)
    assert collapse(path32, blank) == list(targets), name
    return {
        "name": name, "T": len(rows), "C": len(rows[0]), "blank": blank, "targets": targets,
        "logProbs": lp.flatten().tolist(), "path": path, "score": score, "path32": path32, "score32": score32,
        "spans": merge_tokens(path, scores, blank),
    }


def near_tie_case():
    """Log-probs (float32 values such as 0.1 + 0.2 vs 0.3) on which float32 and float64 accumulation pick
    different best paths: only float32 accumulation reproduces torchaudio's path there."""
    rng = random.Random(5)
    vals = [-0.1, -0.2, -0.3, -0.4, -0.7, -1.1, -0.6]
    for _ in range(100000):
        lp = torch.tensor([[rng.choice(vals) for _ in range(3)] for _ in range(4)], dtype=torch.float32)
        rows = lp.double().tolist()
        if viterbi(rows, [1, 2], 0)[0] != viterbi(rows, [1, 2], 0, float32=True)[0]:
            return lp
    raise RuntimeError("no near-tie case found")


def align_fixtures():
    gen = torch.Generator().manual_seed(20261125)
    cases = [
        case("tiny distinct", rand_lp(gen, 5, 4), [1, 2]),
        case("tiny repeat", rand_lp(gen, 6, 3), [1, 1, 2]),
        case("tight T = L + R", rand_lp(gen, 6, 4), [2, 2, 3, 3]),
        case("empty targets", rand_lp(gen, 4, 3), []),
        case("single frame", rand_lp(gen, 1, 3), [2]),
        case("blank = 2", rand_lp(gen, 6, 4), [0, 1, 1], blank=2),
        case("uniform ties", torch.full((7, 4), math.log(0.25)), [1, 2, 2]),
        case("uniform ties no repeat", torch.full((6, 3), math.log(1 / 3)), [1, 2]),
        case("medium peaked", rand_lp(gen, 40, 12, peaked=2.0), [3, 5, 5, 7, 1, 1, 1, 9, 2]),
        case("long", rand_lp(gen, 200, 30), [int(v) for v in torch.randint(1, 30, (60,), generator=gen)]),
        case("float32 near-tie", near_tie_case(), [1, 2]),
    ]
    assert cases[-1]["path"] != cases[-1]["path32"], "the near-tie case must separate the two accumulations"
    # A batch of three with padding; each item equals aligning its valid frames alone (float32 accumulation,
    # the TypeScript default).
    N, T, C = 3, 9, 5
    lp = torch.log_softmax(torch.randn(N, T, C, generator=gen, dtype=torch.float64), -1).float()
    lens, targs = [9, 6, 4], [[1, 2, 2, 3], [4, 4], [3]]
    items = []
    for b in range(N):
        rows = lp[b, : lens[b]].double().tolist()
        path, score = viterbi(rows, targs[b], 0, float32=True)
        items.append({"path": path, "score": score})
    batch = {"N": N, "T": T, "C": C, "logProbs": lp.flatten().tolist(), "inputLengths": lens,
             "targetLengths": [len(t) for t in targs], "targets": [v for t in targs for v in t], "items": items}
    os.makedirs(ALIGN_DIR, exist_ok=True)
    with open(os.path.join(ALIGN_DIR, "forced-align.json"), "w") as f:
        json.dump({"cases": cases, "batch": batch}, f)


# --- Tiny SentencePiece models, written as raw protobuf (sentencepiece_model.proto field numbers) ---

def varint(n):
    out = bytearray()
    n &= (1 << 64) - 1
    while True:
        b = n & 0x7F
        n >>= 7
        if n:
            out.append(b | 0x80)
        else:
            out.append(b)
            return bytes(out)


def field(num, wire, payload):
    key = varint((num << 3) | wire)
    if wire == 0:
        return key + varint(payload)
    if wire == 5:
        return key + struct.pack("<f", payload)
    return key + varint(len(payload)) + payload


def piece(text, score, ptype):
    # SentencePiece { piece = 1; score = 2; type = 3 }; type NORMAL=1 UNKNOWN=2 CONTROL=3 USER_DEFINED=4 BYTE=6
    return field(1, 2, text.encode("utf-8")) + field(2, 5, score) + field(3, 0, ptype)


def model(pieces, model_type, byte_fallback=False, add_dummy_prefix=True, name="identity"):
    body = b"".join(field(1, 2, piece(*p)) for p in pieces)
    # TrainerSpec { model_type = 3; vocab_size = 4; byte_fallback = 35; unk_id = 40; bos_id = 41; eos_id = 42 }
    trainer = field(3, 0, model_type) + field(4, 0, len(pieces)) + field(35, 0, int(byte_fallback))
    trainer += field(40, 0, 0) + field(41, 0, 1) + field(42, 0, 2)
    body += field(2, 2, trainer)
    # NormalizerSpec { name = 1; add_dummy_prefix = 3; remove_extra_whitespaces = 4; escape_whitespaces = 5 }
    norm = field(1, 2, name.encode()) + field(3, 0, int(add_dummy_prefix)) + field(4, 0, 1) + field(5, 0, 1)
    body += field(3, 2, norm)
    return body


SPECIALS = [("<unk>", 0.0, 2), ("<s>", 0.0, 3), ("</s>", 0.0, 3)]
M = "\u2581"


def spm_fixtures():
    os.makedirs(TEXT_DIR, exist_ok=True)
    unigram = SPECIALS + [
        (M, -2.0, 1), (M + "the", -3.0, 1), (M + "th", -4.0, 1), ("e", -2.5, 1), ("t", -3.0, 1),
        ("h", -3.0, 1), (M + "cat", -4.5, 1), ("c", -3.5, 1), ("a", -3.0, 1), ("s", -3.2, 1),
        (M + "c", -4.0, 1), ("at", -3.4, 1), ("cats", -9.0, 1), (M + "a", -3.3, 1), ("<sep>", 0.0, 4),
    ]
    bpe = SPECIALS + [
        (M + "t", -1.0, 1), ("he", -2.0, 1), (M + "the", -3.0, 1), ("at", -4.0, 1), (M + "c", -5.0, 1),
        (M + "cat", -6.0, 1), ("s", -7.0, 1), (M, -8.0, 1), ("t", -9.0, 1), ("h", -10.0, 1),
        ("e", -11.0, 1), ("c", -12.0, 1), ("a", -13.0, 1),
    ]
    byte_pieces = [(f"<0x{b:02X}>", 0.0, 6) for b in range(256)]
    bytes_model = SPECIALS + byte_pieces + [(M, -1.0, 1), ("a", -2.0, 1), ("b", -2.0, 1), (M + "ab", -2.5, 1)]
    for fname, data in [
        ("tiny-unigram.model", model(unigram, 1)),
        ("tiny-bpe.model", model(bpe, 2)),
        ("tiny-bytes.model", model(bytes_model, 1, byte_fallback=True)),
    ]:
        with open(os.path.join(TEXT_DIR, fname), "wb") as f:
            f.write(data)


def edit_distance_fixtures():
    import random

    import torchaudio.functional as AF

    rng = random.Random(3)
    words = ["the", "a", "cat", "sat", "on", "mat", "dog", "ran"]
    pairs = [("the cat sat on the mat", "the cat sit on mat"), ("hello world", "hello big world"),
             ("", "a b"), ("a b c", ""), ("abc d", "abd d")]
    for _ in range(40):
        ref = " ".join(rng.choice(words) for _ in range(rng.randint(0, 8)))
        hyp = " ".join(rng.choice(words) for _ in range(rng.randint(0, 8)))
        pairs.append((ref, hyp))
    out = []
    for ref, hyp in pairs:
        out.append({"ref": ref, "hyp": hyp,
                    "words": AF.edit_distance(ref.split(), hyp.split()),
                    "chars": AF.edit_distance(list(ref), list(hyp))})
    with open(os.path.join(TEXT_DIR, "edit-distance.json"), "w") as f:
        json.dump(out, f, indent=0)


if __name__ == "__main__":
    align_fixtures()
    spm_fixtures()
    edit_distance_fixtures()
    print("wrote", ALIGN_DIR, TEXT_DIR)
