#!/usr/bin/env bash
# Compares training settings for the default model: k-fold cross-validated
# macro-F1 on datasets/claims/train.csv, and macro-F1 on the labelled dev set
# (STANCE_DEV, default ../shared/labels/dev.csv) when it is present.
# Usage: bash models/tune.sh [FOLDS]   (default 3 folds; a few minutes on 2 cores)
set -euo pipefail
cd "$(dirname "$0")/.."
folds=${1:-3}
dev=${STANCE_DEV:-../shared/labels/dev.csv}
train=datasets/claims/train.csv
cargo build --release -q
bin=target/release/stance
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
[ -f "$dev" ] || echo "note: $dev not found; dev column left empty" >&2

configs=(
  "--algorithm logistic-regression"
  "--algorithm logistic-regression --c 3"
  "--algorithm logistic-regression --c 10"
  "--algorithm logistic-regression --c 3 --stop-words english-news"
  "--algorithm logistic-regression --c 1 --stop-words english-news"
  "--algorithm logistic-regression --c 10 --stop-words english-news"
  "--algorithm logistic-regression --c 3 --stop-words english-news --min-df 5"
  "--algorithm logistic-regression --c 3 --stop-words english-news --ngram-max 1"
  "--algorithm logistic-regression --stop-words none"
  "--algorithm naive-bayes --smoothing 1 --stop-words english-news"
)
# linear-svm is left out: linfa-svm builds a dense n x n kernel, which at the
# corpus size (~10,000 rows) takes tens of minutes per fit on 2 cores.
printf '%-60s %-16s %s\n' "settings" "cv macro-F1" "dev macro-F1"
for args in "${configs[@]}"; do
  # shellcheck disable=SC2086
  cv=$($bin cross-validate --data "$train" --folds "$folds" --format json $args |
    python3 -c 'import json,sys; d=json.load(sys.stdin)["macro_f1"]; print("%.3f ± %.3f" % (d["mean"], d["std"]))')
  devf1=""
  if [ -f "$dev" ]; then
    # shellcheck disable=SC2086
    $bin train --data "$train" --out "$tmp/m.model" $args >/dev/null
    devf1=$($bin evaluate --model "$tmp/m.model" --data "$dev" --format json |
      python3 -c 'import json,sys; print("%.3f" % json.load(sys.stdin)["macro_f1"])')
  fi
  printf '%-60s %-16s %s\n' "$args" "$cv" "$devf1"
done
