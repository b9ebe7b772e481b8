#!/usr/bin/env python3
"""FNC-1 benchmark: `stance` pair models against scikit-learn peers.

Trains on FNC-1 train (49,972 pairs) and scores competition_test (25,413
pairs), printing for each system the FNC score, macro-F1 over the four
classes (F1m), per-class F1, training time and the training process's peak
memory, and the ratios of stance's figures to each peer's, all from the same
run. Every system is scored by the same function here from its predictions
(stance's own `fnc_score` is printed beside it as a check).

  stance     `stance train --bodies` (two-stage logistic regression on pair
             features), then `stance evaluate --predictions`
  ucl-lr     bench/fnc1_peer.py: UCL's TF features + cosine -> LogisticRegression
  tfidf-svc  bench/fnc1_peer.py: TF-IDF 1-2 grams + cosine -> LinearSVC

Training time is the whole `stance train` process (reading the CSVs and the
sentence model included) against the peers' feature extraction and fit
inside their process; peak memory is each training process's own. Figures
are medians over --runs runs.

FNC-1 is read from --fnc1-dir, else $FNC1_DIR, else ../shared/data/fnc-1
beside the repository; it is never copied into the repository.
scikit-learn is installed into target/bench-venv (bench/requirements.txt).

Usage: python3 bench/fnc1.py [--runs 3] [--fnc1-dir DIR] [--stance-args "--c 0.3 --tune-bias 3"]
"""
import argparse
import csv
import json
import os
import shlex
import statistics
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from side_by_side import ROOT, STANCE, log, run, venv_python  # noqa: E402

LABELS = ["agree", "disagree", "discuss", "unrelated"]
PEER = os.path.join(ROOT, "bench", "fnc1_peer.py")
# The settings the closing figures were measured with (see README).
DEFAULT_STANCE_ARGS = "--c 0.3 --tune-bias 3"


def scores(pairs):
    """FNC score (percent), F1m and per-class F1 of (gold, predicted) pairs."""
    got = best = 0.0
    for gold, predicted in pairs:
        gold_related, predicted_related = gold != "unrelated", predicted != "unrelated"
        best += 1.0 if gold_related else 0.25
        if gold_related == predicted_related:
            got += 0.25
        if gold_related and gold == predicted:
            got += 0.75
    f1 = {}
    for label in LABELS:
        tp = sum(1 for g, p in pairs if g == label and p == label)
        predicted = sum(1 for _, p in pairs if p == label)
        support = sum(1 for g, _ in pairs if g == label)
        precision = tp / predicted if predicted else 0.0
        recall = tp / support if support else 0.0
        f1[label] = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return 100.0 * got / best, sum(f1.values()) / len(f1), f1


def confusion(pairs):
    matrix = {g: {p: 0 for p in LABELS} for g in LABELS}
    for g, p in pairs:
        matrix[g][p] += 1
    return matrix


def read_pairs(path, gold="gold", predicted="predicted"):
    with open(path, newline="", encoding="utf-8") as f:
        return [(r[gold], r[predicted]) for r in csv.DictReader(f)]


def run_stance(fnc1, tmp, stance_args):
    model = os.path.join(tmp, "fnc1.model")
    train_s, train_rss, _ = run([STANCE, "train", "--data", f"{fnc1}/train_stances.csv",
                              "--bodies", f"{fnc1}/train_bodies.csv", "--out", model,
                              *shlex.split(stance_args)], os.path.join(tmp, "time"))
    predictions = os.path.join(tmp, "stance-predictions.csv")
    evaluation = subprocess.run(
        [STANCE, "evaluate", "--format", "json", "--model", model,
         "--data", f"{fnc1}/competition_test_stances.csv",
         "--bodies", f"{fnc1}/competition_test_bodies.csv", "--predictions", predictions],
        check=True, capture_output=True).stdout
    own_score = json.loads(evaluation)["fnc_score"]
    return train_s, train_rss, read_pairs(predictions), own_score


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--fnc1-dir", default=os.environ.get(
        "FNC1_DIR", os.path.join(ROOT, "..", "shared", "data", "fnc-1")))
    parser.add_argument("--stance-args", default=DEFAULT_STANCE_ARGS,
                        help=f"extra options for stance train (default: {DEFAULT_STANCE_ARGS!r})")
    args = parser.parse_args()
    fnc1 = os.path.abspath(args.fnc1_dir)
    needed = ["train_stances.csv", "train_bodies.csv", "competition_test_stances.csv",
              "competition_test_bodies.csv"]
    missing = [n for n in needed if not os.path.isfile(os.path.join(fnc1, n))]
    if missing:
        sys.exit(f"FNC-1 not found in {fnc1} (missing {', '.join(missing)}); "
                 "pass --fnc1-dir or set FNC1_DIR")
    log("building stance (release) ...")
    subprocess.run(["cargo", "build", "--release", "--quiet"], cwd=ROOT, check=True)
    python = venv_python()

    systems = {"stance": [], "ucl-lr": [], "tfidf-svc": []}
    with tempfile.TemporaryDirectory() as tmp:
        for i in range(args.runs):
            log(f"run {i + 1}/{args.runs}")
            train_s, rss, pairs, own = run_stance(fnc1, tmp, args.stance_args)
            systems["stance"].append((train_s, rss, pairs, own))
            for name in ["ucl-lr", "tfidf-svc"]:
                out = os.path.join(tmp, f"{name}.csv")
                _, rss, _ = run([python, PEER, name, fnc1, out], os.path.join(tmp, "time"))
                with open(out + ".json") as f:
                    train_s = json.load(f)["train_seconds"]
                systems[name].append((train_s, rss, read_pairs(out), None))

    print(f"FNC-1 competition_test, {args.runs} runs (medians); stance train {args.stance_args}")
    print(f"{'system':<10} {'FNC':>6} {'F1m':>6} " + " ".join(f"{l:>9}" for l in LABELS)
          + f" {'train s':>8} {'peak MB':>8}")
    summary = {}
    for name, results in systems.items():
        fnc, f1m, per_class = scores(results[-1][2])  # predictions are deterministic
        train_s = statistics.median(r[0] for r in results)
        rss = statistics.median(r[1] for r in results) / 2**20
        summary[name] = (fnc, f1m, train_s, rss)
        print(f"{name:<10} {fnc:6.2f} {f1m:6.3f} "
              + " ".join(f"{per_class[l]:9.3f}" for l in LABELS)
              + f" {train_s:8.1f} {rss:8.0f}")
    own = systems["stance"][-1][3]
    print(f"(stance's own evaluate printed fnc_score {own:.2f})")
    stance = summary["stance"]
    for peer in ["ucl-lr", "tfidf-svc"]:
        other = summary[peer]
        print(f"stance / {peer}: FNC {stance[0] / other[0]:.3f}x, F1m {stance[1] / other[1]:.3f}x, "
              f"training {other[2] / stance[2]:.2f}x faster, peak memory {stance[3] / other[3]:.2f}x")
    print("\nstance confusion (rows gold, columns predicted):")
    matrix = confusion(systems["stance"][-1][2])
    print(f"{'':<10}" + "".join(f"{l:>10}" for l in LABELS))
    for g in LABELS:
        print(f"{g:<10}" + "".join(f"{matrix[g][p]:>10}" for p in LABELS))


if __name__ == "__main__":
    main()
