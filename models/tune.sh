#!/usr/bin/env bash
# Compares training settings for the default model: 5-fold cross-validated
# macro-F1 on datasets/claims/train.csv, and macro-F1 on the labelled dev set
# (STANCE_DEV, default ../shared/labels/dev.csv) when it is present.
# Usage: bash models/tune.sh [FOLDS]        (takes ~15 min on 2 cores)
set -euo pipefail
cd "$(dirname "$0")/.."
folds=${1:-5}
dev=${STANCE_DEV:-../shared/labels/dev.csv}
train=datasets/claims/train.csv
cargo build --release -q
bin=target/release/stance
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
[ -f "$dev" ] || echo "note: $dev not found; dev column left empty" >&2

configs=(
  "--algorithm logistic-regression"
  "--algorithm logistic-regression --c 3"
  "--algorithm logistic-regression --c 0.3"
  "--algorithm logistic-regression --min-df 5"
  "--algorithm logistic-regression --min-df 5 --c 3"
  "--algorithm logistic-regression --max-features 3000"
  "--algorithm logistic-regression --ngram-max 1"
  "--algorithm logistic-regression --stop-words none"
  "--algorithm logistic-regression --class-weight balanced"
  "--algorithm naive-bayes --smoothing 1"
  "--algorithm naive-bayes --smoothing 0.1"
  "--algorithm linear-svm --c 1"
)
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
