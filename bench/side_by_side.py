#!/usr/bin/env python3
"""`stance` against scikit-learn, side by side, in one go on the same data.

Cases (whole processes: wall time and peak resident set size of each run):

  classify-fnc1     `stance classify --format jsonl` over the FNC-1 article
                    bodies (train + competition test) concatenated, against
                    bench/sklearn_peer.py classify (regex splitter, TF-IDF +
                    logistic regression trained on datasets/claims/train.csv,
                    the same JSON lines); output to /dev/null
  classify-100mb    the same bodies repeated to --size-mb megabytes
  classify-short    one short article (datasets/examples/), the built-in
                    default model: loading it is most of the work
  train-claims      `stance train` on datasets/claims/train.csv against the
                    peer's TfidfVectorizer + LogisticRegression fit
  train-200k        the same on a --rows-row CSV: the corpus sentences and the
                    FNC-1 body sentences (labelled by the default model),
                    cycled until there are --rows rows

Each case runs --runs times, stance and the peer alternating so that load
from other processes falls on both; a figure is the median over runs and a
ratio is the peer's median over stance's, from the same invocation. Peak RSS
is each process's own (through GNU time when installed; see `run`). CPU
seconds (user + system) show the work done whatever the load: on a busy
machine stance cannot use both cores and its wall-time ratio drops, its
CPU-time ratio much less.

scikit-learn is installed into a virtual environment (target/bench-venv,
pinned by bench/requirements.txt) on first use; generated data goes to a
temporary directory. FNC-1 is read from --fnc1-dir, else $FNC1_DIR, else
../shared/data/fnc-1 relative to the repository root.

Usage: python3 bench/side_by_side.py [--runs 5] [--size-mb 100] [--rows 200000]
                                     [--cases classify-fnc1,train-claims,...]
"""
import argparse
import csv
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
VENV = os.path.join(ROOT, "target", "bench-venv")
PEER = os.path.join(ROOT, "bench", "sklearn_peer.py")
STANCE = os.path.join(ROOT, "target", "release", "stance")
CASES = ["classify-fnc1", "classify-100mb", "classify-short", "train-claims", "train-200k"]


def log(message):
    print(message, file=sys.stderr, flush=True)


def venv_python():
    """The venv's python, creating the venv and installing scikit-learn once."""
    python = os.path.join(VENV, "bin", "python")
    requirements = os.path.join(ROOT, "bench", "requirements.txt")
    stamp = os.path.join(VENV, "requirements.txt")
    wanted = open(requirements).read()
    if not (os.path.exists(stamp) and open(stamp).read() == wanted):
        log(f"installing scikit-learn into {VENV} ...")
        subprocess.run([sys.executable, "-m", "venv", VENV], check=True)
        subprocess.run([python, "-m", "pip", "install", "-q", "-r", requirements], check=True)
        with open(stamp, "w") as f:
            f.write(wanted)
    return python


def gnu_time():
    """GNU time, if installed: it reports its child's peak RSS (%M)."""
    path = shutil.which("time") or "/usr/bin/time"
    try:
        probe = subprocess.run([path, "-f", "%M", "-o", os.devnull, "true"], capture_output=True)
    except OSError:
        return None
    return path if probe.returncode == 0 else None


def run(argv, report):
    """Runs argv with output to /dev/null; returns (wall seconds, peak RSS
    in bytes, CPU seconds (user + system)) of that process alone.

    Linux's ru_maxrss of a child counts the memory of the process that
    forked it up to exec (this script holds the generated data), so the
    child is started by GNU time, a small process, whose figure for its own
    child is the command's. Without GNU time the peak is read from
    /proc/PID/status (VmHWM) every 2 ms, which can miss a rise in the last
    2 ms of a run. CPU time is os.wait4's, which includes GNU time's own
    (about a millisecond).
    """
    timer = gnu_time()
    if timer:
        argv = [timer, "-f", "%M", "-o", report] + argv
    errors = open(report + ".stderr", "w+b")
    started = time.perf_counter()
    process = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=errors)
    peak_kb = 0
    while True:
        pid, status, usage = os.wait4(process.pid, 0 if timer else os.WNOHANG)
        if pid:
            break
        try:
            with open(f"/proc/{process.pid}/status") as f:
                for line in f:
                    if line.startswith("VmHWM:"):
                        peak_kb = max(peak_kb, int(line.split()[1]))
        except OSError:
            pass
        time.sleep(0.002)
    seconds = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    errors.seek(0)
    error = errors.read().decode(errors="replace")
    errors.close()
    if process.returncode != 0:
        sys.exit(f"failed: {' '.join(argv)}\n{error}")
    if timer:
        with open(report) as f:
            peak_kb = int(f.read().split()[-1])
    return seconds, peak_kb * 1024, usage.ru_utime + usage.ru_stime


def fnc1_bodies(fnc1_dir):
    bodies = []
    for name in ["train_bodies.csv", "competition_test_bodies.csv"]:
        path = os.path.join(fnc1_dir, name)
        with open(path, newline="", encoding="utf-8") as f:
            bodies.extend(row["articleBody"].strip() for row in csv.DictReader(f))
    return bodies


def make_data(tmp, args, python):
    """Writes the inputs of every case into tmp; returns their paths."""
    fnc1_dir = args.fnc1_dir
    paths = {}
    text = "\n\n".join(fnc1_bodies(fnc1_dir)) + "\n\n"
    paths["fnc1"] = os.path.join(tmp, "fnc1-bodies.txt")
    with open(paths["fnc1"], "w", encoding="utf-8") as f:
        f.write(text)
    paths["100mb"] = os.path.join(tmp, f"fnc1-bodies-{args.size_mb}mb.txt")
    block = text.encode()
    with open(paths["100mb"], "wb") as f:
        written = 0
        while written < args.size_mb * 1_000_000:
            f.write(block)
            written += len(block)
    paths["short"] = os.path.join(ROOT, "datasets", "examples", "port-blockade-article.txt")
    paths["claims"] = os.path.join(ROOT, "datasets", "claims", "train.csv")

    # The 200k-row CSV: corpus rows as they are, then FNC-1 body sentences
    # with the default model's labels, cycled to --rows rows.
    rows = []
    for name in ["train.csv", "test.csv"]:
        with open(os.path.join(ROOT, "datasets", "claims", name), newline="", encoding="utf-8") as f:
            rows.extend((r["text"], r["label"]) for r in csv.DictReader(f))
    labelled = subprocess.run([STANCE, "classify", "--format", "jsonl", paths["fnc1"]],
                              check=True, capture_output=True).stdout.decode().splitlines()
    sentences = [(p["text"], p["label"]) for p in map(json.loads, labelled)]
    corpus_rows = len(rows)
    i = 0
    while len(rows) < args.rows:
        rows.append(sentences[i % len(sentences)])
        i += 1
    del rows[args.rows:]
    paths["200k"] = os.path.join(tmp, f"train-{args.rows}.csv")
    with open(paths["200k"], "w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(["text", "label"])
        writer.writerows(rows)
    log(f"data: FNC-1 bodies {len(block) / 1e6:.1f} MB; {written / 1e6:.0f} MB repeated; "
        f"{len(rows)} training rows ({corpus_rows} corpus, {len(sentences)} distinct FNC-1 sentences, cycled)")

    # The peer's model, trained once on the CSV the default model comes from.
    paths["peer-model"] = os.path.join(tmp, "peer.pkl")
    subprocess.run([python, PEER, "train", "--data", paths["claims"], "--out", paths["peer-model"],
                    "--c", "3"], check=True, stdout=subprocess.DEVNULL)
    return paths


def cases(paths, python, tmp):
    """(name, size for throughput, unit, stance argv, peer argv) per case."""
    out = os.path.join(tmp, "out")
    size = {k: os.path.getsize(paths[k]) for k in ["fnc1", "100mb", "short"]}
    with open(paths["200k"], encoding="utf-8") as f:
        big_rows = sum(1 for _ in csv.reader(f)) - 1
    with open(paths["claims"], encoding="utf-8") as f:
        claims_rows = sum(1 for _ in csv.reader(f)) - 1

    def classify(key):
        return ([STANCE, "classify", "--format", "jsonl", paths[key]],
                [python, PEER, "classify", "--model", paths["peer-model"], paths[key]])

    def train(key):
        return ([STANCE, "train", "--data", paths[key], "--out", out + ".model", "--c", "3"],
                [python, PEER, "train", "--data", paths[key], "--out", out + ".pkl", "--c", "3"])

    return {
        "classify-fnc1": (size["fnc1"] / 1e6, "MB/s", *classify("fnc1")),
        "classify-100mb": (size["100mb"] / 1e6, "MB/s", *classify("100mb")),
        "classify-short": (size["short"] / 1e6, "MB/s", *classify("short")),
        "train-claims": (claims_rows, "rows/s", *train("claims")),
        "train-200k": (big_rows, "rows/s", *train("200k")),
    }


def check_outputs(paths, python, tmp):
    """Both sides label the same article text: compare their sentence counts."""
    counts = []
    for argv in [[STANCE, "classify", "--format", "jsonl", paths["fnc1"]],
                 [python, PEER, "classify", "--model", paths["peer-model"], paths["fnc1"]]]:
        lines = subprocess.run(argv, check=True, capture_output=True).stdout.splitlines()
        json.loads(lines[0])
        counts.append(len(lines))
    log(f"sentences in the FNC-1 bodies: stance {counts[0]}, scikit-learn peer {counts[1]}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="runs per case and tool (median)")
    parser.add_argument("--size-mb", type=int, default=100, help="size of the repeated classify input")
    parser.add_argument("--rows", type=int, default=200_000, help="rows of the large training CSV")
    parser.add_argument("--cases", default=",".join(CASES), help="comma-separated subset of: " + ", ".join(CASES))
    parser.add_argument("--fnc1-dir", default=os.environ.get("FNC1_DIR", os.path.join(ROOT, "..", "shared", "data", "fnc-1")))
    parser.add_argument("--json", metavar="FILE", help="also write every run's figures as JSON")
    args = parser.parse_args()
    chosen = args.cases.split(",")
    unknown = [c for c in chosen if c not in CASES]
    if unknown:
        sys.exit(f"unknown case(s) {', '.join(unknown)}; expected some of {', '.join(CASES)}")

    missing = [n for n in ["train_bodies.csv", "competition_test_bodies.csv"]
               if not os.path.isfile(os.path.join(args.fnc1_dir, n))]
    if missing:
        sys.exit(f"FNC-1 data not found: {', '.join(missing)} missing in {args.fnc1_dir}\n"
                 "pass --fnc1-dir DIR or set FNC1_DIR to the folder holding the "
                 "FNC-1 CSV files (train_bodies.csv, competition_test_bodies.csv)")
    subprocess.run(["cargo", "build", "--release", "-q"], cwd=ROOT, check=True)
    python = venv_python()
    versions = subprocess.run([python, "-c", "import sklearn, numpy, scipy, sys; "
                               "print(f'Python {sys.version.split()[0]}, scikit-learn {sklearn.__version__}, "
                               "numpy {numpy.__version__}, scipy {scipy.__version__}')"],
                              check=True, capture_output=True, text=True).stdout.strip()
    with tempfile.TemporaryDirectory(prefix="stance-bench-") as tmp:
        paths = make_data(tmp, args, python)
        check_outputs(paths, python, tmp)
        table = cases(paths, python, tmp)
        results = {}
        # Other processes on the machine change the figures (the ratios
        # less, as both tools share the load): record the load average.
        loads = [os.getloadavg()[0]]
        for name in chosen:
            amount, unit, stance_argv, peer_argv = table[name]
            runs = {"stance": [], "scikit-learn": []}
            for i in range(args.runs):
                for tool, argv in [("stance", stance_argv), ("scikit-learn", peer_argv)]:
                    runs[tool].append(run(argv, os.path.join(tmp, "rss.txt")))
                log(f"{name} run {i + 1}/{args.runs}: stance {runs['stance'][-1][0]:.3f} s, "
                    f"scikit-learn {runs['scikit-learn'][-1][0]:.3f} s")
            results[name] = (amount, unit, runs)
            loads.append(os.getloadavg()[0])

    print(f"\n{os.cpu_count()} CPUs; {versions}; median of {args.runs} runs; "
          "ratio = scikit-learn / stance from this invocation")
    print(f"1-minute load average at the start and after each case: "
          f"{', '.join(f'{l:.1f}' for l in loads)}\n")
    header = (f"{'case':<16}{'tool':<14}{'wall s':>9}{'throughput':>18}{'CPU s':>9}{'peak RSS MiB':>14}"
              f"{'time ratio':>12}{'CPU ratio':>11}{'RSS ratio':>11}")
    print(header)
    print("-" * len(header))
    report = {"cpus": os.cpu_count(), "versions": versions, "runs": args.runs,
              "load_averages": loads, "cases": {}}
    for name, (amount, unit, runs) in results.items():
        medians = {}
        for tool, figures in runs.items():
            seconds = statistics.median(f[0] for f in figures)
            rss = statistics.median(f[1] for f in figures) / 2**20
            cpu = statistics.median(f[2] for f in figures)
            medians[tool] = (seconds, rss, cpu)
        peer = medians["scikit-learn"]
        for tool, (seconds, rss, cpu) in medians.items():
            ratios = ["", "", ""]
            if tool == "stance":
                ratios = [f"{peer[0] / seconds:.1f}x", f"{peer[2] / cpu:.1f}x", f"{peer[1] / rss:.1f}x"]
            print(f"{name:<16}{tool:<14}{seconds:>9.3f}{amount / seconds:>13.1f} {unit:<5}{cpu:>8.2f}"
                  f"{rss:>13.1f}{ratios[0]:>12}{ratios[1]:>11}{ratios[2]:>11}")
        report["cases"][name] = {
            "amount": amount, "unit": unit,
            "runs": {t: [{"seconds": s, "peak_rss_bytes": r, "cpu_seconds": c} for s, r, c in f]
                     for t, f in runs.items()},
            "median_seconds": {t: m[0] for t, m in medians.items()},
            "median_peak_rss_mib": {t: m[1] for t, m in medians.items()},
            "median_cpu_seconds": {t: m[2] for t, m in medians.items()},
        }
    if args.json:
        with open(args.json, "w") as f:
            json.dump(report, f, indent=1)


if __name__ == "__main__":
    main()
