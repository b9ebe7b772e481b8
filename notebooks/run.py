#!/usr/bin/env python3
"""Execute the notebooks in notebooks/ and fail if any cell raises.

    python notebooks/run.py [--timeout S] [--out DIR] [--strip] [NOTEBOOK ...]

Run it with the Python of the virtual environment that has
notebooks/requirements.txt installed (.ci/run makes `.venv-notebooks`): the
notebooks' kernel is that same Python.

1. Every notebook must be committed without outputs, execution counts or
   execution timestamps;
   otherwise this fails before running anything (`--strip` removes them in
   place and exits).
2. Each notebook is executed in memory with nbclient, with notebooks/ as the
   working directory, and `--timeout` seconds per cell. Executed notebooks are
   never written into the repository: `--out DIR` (outside it) saves copies
   to look at.
3. Prints each notebook's wall time, then `notebooks: N passed, N failed`;
   exits 1 if any notebook failed.
"""

import argparse
import json
import os
import re
import sys
import tempfile
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
KERNEL = "stance-notebooks"


def unstripped(nb):
    """Indices of code cells that carry outputs, an execution count or
    execution timestamps."""
    return [
        i
        for i, cell in enumerate(nb.cells)
        if cell.cell_type == "code"
        and (cell.outputs or cell.execution_count is not None or "execution" in cell.metadata)
    ]


def strip(nb):
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
            cell.metadata.pop("execution", None)


def kernel_dir(tmp):
    """A kernelspec that runs this very Python, so the kernel sees the same
    packages whatever else is installed (JUPYTER_PATH is searched first)."""
    spec = Path(tmp) / "kernels" / KERNEL
    spec.mkdir(parents=True)
    argv = [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"]
    kernel = {"argv": argv, "display_name": "stance notebooks", "language": "python"}
    (spec / "kernel.json").write_text(json.dumps(kernel))
    return tmp


def execute(path, timeout, out):
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(
        nb, timeout=timeout, kernel_name=KERNEL, resources={"metadata": {"path": str(HERE)}}
    )
    start = time.monotonic()
    try:
        client.execute()
        error = None
    except (CellExecutionError, CellTimeoutError, DeadKernelError) as e:
        error = e
    seconds = time.monotonic() - start
    if out is not None:
        nbformat.write(nb, out / path.name)
    return error, seconds


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="*", type=Path,
                        help="notebooks to run [default: notebooks/[0-9]*.ipynb]")
    parser.add_argument("--timeout", type=int, default=600,
                        help="seconds a cell may run [default: 600]")
    parser.add_argument("--out", type=Path,
                        help="also write the executed notebooks to this directory (not in the repo)")
    parser.add_argument("--strip", action="store_true",
                        help="remove outputs and execution counts in place, then exit")
    args = parser.parse_args()
    paths = [p.resolve() for p in args.notebooks] or sorted(HERE.glob("[0-9]*.ipynb"))
    if not paths:
        sys.exit("run.py: no notebooks found")

    if args.strip:
        for path in paths:
            nb = nbformat.read(path, as_version=4)
            if unstripped(nb):
                strip(nb)
                nbformat.write(nb, path)
                print(f"stripped {os.path.relpath(path, REPO)}")
        return

    dirty = {p: unstripped(nbformat.read(p, as_version=4)) for p in paths}
    dirty = {p: cells for p, cells in dirty.items() if cells}
    for path, cells in dirty.items():
        print(f"run.py: {os.path.relpath(path, REPO)}: cells {cells} have outputs or "
              "execution counts; commit notebooks stripped (run.py --strip)", file=sys.stderr)
    if dirty:
        sys.exit(1)

    out = args.out.resolve() if args.out else None
    if out is not None:
        if out == REPO or REPO in out.parents:
            sys.exit(f"run.py: --out {out} is inside the repository; executed notebooks stay out of it")
        out.mkdir(parents=True, exist_ok=True)

    failed = 0
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["JUPYTER_PATH"] = os.pathsep.join(
            filter(None, [kernel_dir(tmp), os.environ.get("JUPYTER_PATH")]))
        for path in paths:
            print(f"== {os.path.relpath(path, REPO)}", flush=True)
            error, seconds = execute(path, args.timeout, out)
            if error is not None:
                failed += 1
                # nbclient's traceback is coloured for a terminal; logs want plain text
                print(re.sub(r"\x1b\[[0-9;]*m", "", str(error)), file=sys.stderr)
            print(f"{'FAILED' if error else 'ok'} in {seconds:.1f} s", flush=True)
    print(f"notebooks: {len(paths) - failed} passed, {failed} failed")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
