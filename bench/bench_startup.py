"""A pre-commit-sized run: ``jsonl-lint`` on 1 MB, start-up and all, beside Python and an ``orjson.loads`` loop.

    python bench/bench_startup.py [MB]        # default 1 MB of bench_core's examples

Each command runs as a new process, as pre-commit runs it: best of 7, in wall time and in CPU time
(user + system of the child: the figure to trust on a busy machine). The rows:

* ``python -c pass``: the interpreter alone;
* ``orjson.loads loop``: a new Python that imports orjson and parses every line of the file;
* ``import numpy``: what every run's dataset reduces import, a floor under the run;
* ``import jsonl_lint.cli``: start-up before any file is read;
* ``jsonl-lint --version``;
* ``jsonl-lint FILE``: every default rule, the text report (the target is 150 ms).
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import tempfile
import time

import bench_core

RUNS = 7


def best(command: list[str]) -> tuple[float, float]:
    """(wall, CPU) seconds of the fastest of RUNS runs of ``command``."""
    walls, cpus = [], []
    for _ in range(RUNS):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
        walls.append(time.perf_counter() - start)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpus.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    return min(walls), min(cpus)


def main() -> None:
    megabytes = float(sys.argv[1]) if len(sys.argv) > 1 else 1.0
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "train.jsonl")
        bench_core.generate(path, int(megabytes * 1e6 / 1791))  # bench_core's examples: 1,791 bytes each
        size, lines = os.path.getsize(path), sum(1 for _ in open(path, "rb"))
        loop = f"import orjson\nfor line in open({path!r}, 'rb'): orjson.loads(line)"
        lint = os.path.join(os.path.dirname(sys.executable), "jsonl-lint")
        rows = {
            "python -c pass": [sys.executable, "-c", "pass"],
            "orjson.loads loop": [sys.executable, "-c", loop],
            "import numpy": [sys.executable, "-c", "import numpy"],
            "import jsonl_lint.cli": [sys.executable, "-c", "import jsonl_lint.cli"],
            "jsonl-lint --version": [lint, "--version"],
            "jsonl-lint FILE": [lint, path],
        }
        times = {name: best(command) for name, command in rows.items()}
    print(f"{lines:,} examples, {size / 1e6:.2f} MB; best of {RUNS}, each a new process")
    print(f"{'':<24}{'wall ms':>9}{'CPU ms':>9}")
    for name, (wall, cpu) in times.items():
        print(f"{name:<24}{wall * 1e3:>9.0f}{cpu * 1e3:>9.0f}")
    wall, cpu = times["jsonl-lint FILE"]
    print(f"target (issue 16): the 1 MB run <= 150 ms; now {wall * 1e3:.0f} ms wall, {cpu * 1e3:.0f} ms CPU")


if __name__ == "__main__":
    main()
