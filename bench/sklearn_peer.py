#!/usr/bin/env python3
"""The scikit-learn peer of `stance train` and `stance classify --format jsonl`.

What a user would otherwise write in Python, for bench/side_by_side.py:

  train     read a labelled CSV (`text`, `label` columns), fit
            TfidfVectorizer + LogisticRegression with the settings of
            `stance train`'s defaults, pickle the fitted pipeline;
  classify  stream plain-text articles in blocks cut at blank lines, split
            them into sentences with a regular expression, and write one JSON
            line per sentence with the keys and order `stance classify
            --format jsonl` writes (source, sentence, start, end, text, label,
            confidence, scores), byte offsets included.

Same features as stance where scikit-learn has them: word unigrams and
bigrams, lowercase, English stop words, sublinear tf, smooth idf, L2 norm,
min_df 2, at most 50,000 terms; multinomial logistic regression with L2 and
the same C and iteration limit (L-BFGS, as stance). scikit-learn has no
stemmer, so this side does a little less work per sentence than stance.

Usage:
  sklearn_peer.py train --data FILE.csv --out MODEL.pkl [--c 3]
  sklearn_peer.py classify --model MODEL.pkl FILE [FILE ...]
"""
import argparse
import csv
import json
import pickle
import re
import sys
import time

from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression

# A sentence ends at . ! ? (and closing quotes or brackets after it) when
# whitespace and a capital, digit, opening quote or bracket follow.
BOUNDARY = re.compile(r"(?<=[.!?\u2026])([\"'\u201d\u2019)\]]*)\s+(?=[\"'\u201c\u2018(\[]?[A-Z0-9])")
PARAGRAPH = re.compile(r"\n[ \t\r]*\n\s*")
READ_BYTES = 1 << 20


def train(args):
    started = time.monotonic()
    texts, labels = [], []
    csv.field_size_limit(sys.maxsize)
    with open(args.data, newline="", encoding="utf-8-sig") as f:
        for row in csv.DictReader(f):
            texts.append(row["text"])
            labels.append(row["label"])
    vectorizer = TfidfVectorizer(
        lowercase=True,
        stop_words="english",
        ngram_range=(1, 2),
        min_df=2,
        max_features=50_000,
        sublinear_tf=True,
        smooth_idf=True,
        norm="l2",
    )
    x = vectorizer.fit_transform(texts)
    model = LogisticRegression(C=args.c, max_iter=args.max_iterations, solver="lbfgs")
    model.fit(x, labels)
    with open(args.out, "wb") as f:
        pickle.dump((vectorizer, model), f, protocol=pickle.HIGHEST_PROTOCOL)
    print(
        f"trained logistic-regression on {len(texts)} rows, {len(model.classes_)} classes "
        f"({', '.join(model.classes_)}), vocabulary {len(vectorizer.vocabulary_)} terms, "
        f"in {time.monotonic() - started:.1f} s -> {args.out}"
    )


def sentences(paragraph):
    """(start, end) character spans of the sentences of one paragraph."""
    start = 0
    for m in BOUNDARY.finditer(paragraph):
        yield start, m.end(1)
        start = m.end()
    if paragraph[start:].strip():
        yield start, len(paragraph.rstrip())


def blocks(path):
    """(byte offset, text) of pieces of the file that end at blank lines."""
    with open(path, "rb") as f:
        offset, pending = 0, b""
        while True:
            data = f.read(READ_BYTES)
            pending += data
            cut = pending.rfind(b"\n\n") if data else len(pending)
            if cut > 0:
                yield offset, pending[:cut].decode("utf-8", errors="replace")
                offset += cut
                pending = pending[cut:]
            if not data:
                return


def classify(args):
    with open(args.model, "rb") as f:
        vectorizer, model = pickle.load(f)
    labels = list(model.classes_)
    out = sys.stdout
    for path in args.files:
        index = 0
        for block_offset, text in blocks(path):
            spans, texts = [], []
            ascii_only = text.isascii()
            # Character offsets to byte offsets, walking forward once.
            char_cursor, byte_cursor = 0, 0

            def to_bytes(c):
                nonlocal char_cursor, byte_cursor
                if ascii_only:
                    return c
                byte_cursor += len(text[char_cursor:c].encode())
                char_cursor = c
                return byte_cursor

            position = 0
            for paragraph in PARAGRAPH.split(text):
                p_start = text.index(paragraph, position) if paragraph else position
                position = p_start + len(paragraph)
                for start, end in sentences(paragraph):
                    s, e = p_start + start, p_start + end
                    sentence = text[s:e].strip()
                    if not sentence:
                        continue
                    s += len(text[s:e]) - len(text[s:e].lstrip())
                    e = s + len(sentence)
                    spans.append((block_offset + to_bytes(s), block_offset + to_bytes(e)))
                    texts.append(sentence)
            if not texts:
                continue
            probs = model.predict_proba(vectorizer.transform(texts))
            lines = []
            for (start, end), sentence, row in zip(spans, texts, probs):
                best = int(row.argmax())
                lines.append(json.dumps({
                    "source": path,
                    "sentence": index,
                    "start": start,
                    "end": end,
                    "text": sentence,
                    "label": labels[best],
                    "confidence": float(row[best]),
                    "scores": {label: float(p) for label, p in zip(labels, row)},
                }, ensure_ascii=False, separators=(",", ":")))
                index += 1
            out.write("\n".join(lines))
            out.write("\n")
    out.flush()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    t = sub.add_parser("train")
    t.add_argument("--data", required=True)
    t.add_argument("--out", required=True)
    t.add_argument("--c", type=float, default=1.0)
    t.add_argument("--max-iterations", type=int, default=100)
    c = sub.add_parser("classify")
    c.add_argument("--model", required=True)
    c.add_argument("files", nargs="+")
    args = parser.parse_args()
    {"train": train, "classify": classify}[args.command](args)


if __name__ == "__main__":
    main()
