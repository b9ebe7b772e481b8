"""What the notebooks share: where the repository, its data and the `stance`
binary are, how to run the binary and read its JSON, and one confusion-matrix
plot.

The notebooks run with notebooks/ as their working directory (as Jupyter and
notebooks/run.py start them), so they import this module by name.
"""

import json
import os
import subprocess
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
BIN = Path(os.environ.get("STANCE_BIN", REPO / "target" / "release" / "stance"))
TRAIN = REPO / "datasets" / "claims" / "train.csv"
TEST = REPO / "datasets" / "claims" / "test.csv"
DEFAULT_MODEL = REPO / "models" / "default.model"

if not BIN.is_file():
    raise FileNotFoundError(
        f"no stance binary at {BIN}: run `cargo build --release` or set STANCE_BIN"
    )


def stance(*args):
    """Run `stance ARGS...` from the repository root and return its stdout.

    Raises with the binary's own error line when it exits non-zero.
    """
    args = [str(a) for a in args]
    proc = subprocess.run(
        [str(BIN), *args], cwd=REPO, capture_output=True, text=True
    )
    if proc.returncode != 0:
        raise RuntimeError(
            f"stance {' '.join(args)} exited {proc.returncode}: {proc.stderr.strip()}"
        )
    return proc.stdout


def stance_json(*args):
    """Run a subcommand with `--format json` and parse its one JSON object."""
    return json.loads(stance(*args, "--format", "json"))


def stance_jsonl(*args):
    """Run a subcommand with `--format jsonl` and parse one object per line."""
    return [json.loads(line) for line in stance(*args, "--format", "jsonl").splitlines()]


def plot_confusion(ax, confusion, title):
    """Draw a confusion matrix (the `confusion` object of `stance evaluate`):
    colour is the share of each gold row, the numbers are counts."""
    labels, counts = confusion["labels"], confusion["matrix"]
    shares = [[c / max(sum(row), 1) for c in row] for row in counts]
    ax.imshow(shares, cmap="Blues", vmin=0, vmax=1)
    for i, row in enumerate(counts):
        for j, count in enumerate(row):
            ax.text(j, i, count, ha="center", va="center",
                    color="white" if shares[i][j] > 0.5 else "black")
    ax.set_xticks(range(len(labels)), labels, rotation=30)
    ax.set_yticks(range(len(labels)), labels)
    ax.set_xlabel("predicted")
    ax.set_ylabel("gold")
    ax.set_title(title)
