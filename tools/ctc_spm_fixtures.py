#!/usr/bin/env python3
"""Real SentencePiece models and reference encodings for @seqzoo/ctc's SentencePieceTokenizer tests.

Needs the `sentencepiece` Python package (Debian: python3-sentencepiece; or a throwaway venv:
`/usr/bin/python3 -m venv /tmp/spvenv && /tmp/spvenv/bin/pip install sentencepiece`), then:

    /tmp/spvenv/bin/python tools/ctc_spm_fixtures.py

Trains tiny unigram and BPE models (one with byte fallback, one with the default nmt_nfkc normaliser,
one with identity normalisation and whitespace-as-suffix) on a generated corpus, and records
`encode`/`decode` results of the real library on test sentences chosen to hit unknown characters, byte
fallback, Unicode normalisation, extra whitespace and ties. Writes packages/ctc/src/text/fixtures/spm-*.
Tests never need Python.
"""

import io
import json
import os
import random

import sentencepiece as spm

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "packages/ctc/src/text/fixtures")

WORDS = ("the cat sat on a mat and the dog ran to the park while birds sang over there "
         "she sells sea shells by the sea shore three thin thinkers thinking thick thoughts "
         "speech recognition with connectionist temporal classification aligns text to audio frames "
         "numbers like 12 and 345 appear too as do words such as isn't can't won't").split()

TESTS = [
    "the cat sat on the mat",
    "  the   dog ran  ",
    "speech recognition aligns frames",
    "thinkers thinking thoughts",
    "café naïve façade",          # characters absent from training: unknown / byte fallback
    "ｔｈｅ ｃａｔ",                 # full-width letters: NFKC folds them to ASCII
    "ﬁne ligature ½",             # compatibility characters
    "日本語 text",                  # CJK: unknown
    "emoji 😀 here",
    "isn't 12345",
    "",
    "a",
    "thethethe",
    "sea shells sea shore",
    # Where nmt_nfkc's map differs from plain NFKC: control characters, zero-width and other odd spaces,
    # soft hyphen, byte-order mark, combining marks.
    "the\x01cat\x7fsat",
    "the\u200bcat\u200dsat\u2028on",
    "sea\u00adshells\ufeff\u00a0shore",
    "e\u0301 cafe\u0301 \u2163 \u2460 x\u00b2",
    "\t\n the\r\ncat \u3000",
]


def stress_tests(n=120):
    """Random word sequences with typos, odd characters and odd whitespace: exercises ties and fallbacks."""
    rng = random.Random(1)
    noise = list("abcdefghijklmnopqrstuvwxyz0123456789'.,!?-éüßçñ€½ﬁｔ日😀") + ["  ", "\t", "\n", "\u00a0", "\u3000"]
    out = []
    for _ in range(n):
        words = [rng.choice(WORDS) for _ in range(rng.randint(1, 6))]
        text = " ".join(words)
        chars = list(text)
        for _ in range(rng.randint(0, 4)):
            chars.insert(rng.randint(0, len(chars)), rng.choice(noise))
        out.append("".join(chars))
    return out


def corpus():
    rng = random.Random(0)
    lines = []
    for _ in range(3000):
        lines.append(" ".join(rng.choice(WORDS) for _ in range(rng.randint(3, 12))))
    return lines


def train(name, **kw):
    buf = io.BytesIO()
    spm.SentencePieceTrainer.train(sentence_iterator=iter(corpus()), model_writer=buf, minloglevel=2,
                                   character_coverage=1.0, hard_vocab_limit=False, **kw)
    data = buf.getvalue()
    sp = spm.SentencePieceProcessor(model_proto=data)
    cases = []
    for text in TESTS + stress_tests():
        ids = sp.encode(text)
        cases.append({"text": text, "ids": ids, "pieces": sp.id_to_piece(ids), "decoded": sp.decode(ids)})
    with open(os.path.join(OUT, f"spm-{name}.model"), "wb") as f:
        f.write(data)
    with open(os.path.join(OUT, f"spm-{name}.json"), "w") as f:
        json.dump({"vocabSize": sp.get_piece_size(), "cases": cases}, f, ensure_ascii=False)
    print(name, len(data), "bytes", sp.get_piece_size(), "pieces")


if __name__ == "__main__":
    os.makedirs(OUT, exist_ok=True)
    train("unigram-nfkc", model_type="unigram", vocab_size=80)
    train("bpe-bytes", model_type="bpe", vocab_size=330, byte_fallback=True, normalization_rule_name="identity")
    train("unigram-suffix", model_type="unigram", vocab_size=330, normalization_rule_name="identity",
          treat_whitespace_as_suffix=True, byte_fallback=True)
