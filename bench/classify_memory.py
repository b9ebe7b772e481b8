#!/usr/bin/env python3
"""Peak memory and throughput of `stance classify` on a large input.

Builds an input of SIZE_MB megabytes by repeating the project's example
articles (blank-line separated), runs `stance classify --format jsonl` over it
with output to /dev/null, and prints wall time, throughput and the peak
resident set size of the stance process. The point: memory stays bounded
(it does not grow with the input), because classify streams its input.

Usage: python3 bench/classify_memory.py [SIZE_MB]   (default 1024)
"""
import glob
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from side_by_side import run  # noqa: E402

size_mb = int(sys.argv[1]) if len(sys.argv) > 1 else 1024
root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
subprocess.run(["cargo", "build", "--release", "-q"], cwd=root, check=True)
binary = os.path.join(root, "target", "release", "stance")
articles = "\n\n".join(open(p, encoding="utf-8").read() for p in sorted(glob.glob(os.path.join(root, "datasets/examples/*.txt"))))
block = (articles + "\n\n").encode()

with tempfile.TemporaryDirectory() as tmp:
    path = os.path.join(tmp, "input.txt")
    with open(path, "wb") as f:
        written = 0
        while written < size_mb << 20:
            f.write(block)
            written += len(block)
    # The stance process's own peak, measured as bench/side_by_side.py does.
    seconds, peak, _ = run([binary, "classify", "--format", "jsonl", path], os.path.join(tmp, "rss.txt"))
    print(f"input {written / 2**20:.0f} MiB  time {seconds:.1f} s  "
          f"throughput {written / 2**20 / seconds:.1f} MiB/s  peak RSS {peak / 2**20:.1f} MiB")
