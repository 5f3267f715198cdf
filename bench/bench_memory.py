"""Peak memory of a whole lint, and what the dataset rules keep per example.

    python bench/bench_memory.py [N] [--keep PATH]    # default N = 1,000,000 examples (about 1.8 GB)

Writes N examples as bench_core.py does (or reuses PATH when it exists), then runs
``jsonl-lint`` in a subprocess twice, with the default rules and with the dataset
rules (D, V) ignored, sampling the resident memory of the main process and of its
workers every 50 ms. Prints the peaks and the difference per example: the memory
the dataset rules' summaries and reduce cost.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time

from bench_core import generate


def rss(pid: int) -> int:
    """Resident bytes of one process (0 once it is gone)."""
    try:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def children(pid: int) -> list[int]:
    try:
        with open(f"/proc/{pid}/task/{pid}/children") as listed:
            return [int(p) for p in listed.read().split()]
    except OSError:
        return []


def peak(command: list[str], timeout: float | None = None, stdin=None) -> tuple[float, int, int]:
    """(seconds, peak RSS of the main process, peak RSS of main and workers together).

    With ``timeout``, the run is ended (SIGTERM, then SIGKILL) after that many seconds; ``stdin`` is
    passed to the process (a pipe from an endless source, say).
    """
    start = time.perf_counter()
    process = subprocess.Popen(command, stdin=stdin, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    main_peak = total_peak = 0
    while process.poll() is None:
        main = rss(process.pid)
        main_peak = max(main_peak, main)
        total_peak = max(total_peak, main + sum(rss(child) for child in children(process.pid)))
        if timeout is not None and time.perf_counter() - start > timeout:
            process.terminate()
            try:
                process.wait(5)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
            break
        time.sleep(0.05)
    return time.perf_counter() - start, main_peak, total_peak


def main() -> None:
    args = sys.argv[1:]
    keep = args[args.index("--keep") + 1] if "--keep" in args else None
    numbers = [a for i, a in enumerate(args) if a.isdigit() and (i == 0 or args[i - 1] != "--keep")]
    n = int(numbers[0]) if numbers else 1_000_000
    with tempfile.TemporaryDirectory() as folder:
        path = keep or os.path.join(folder, "train.jsonl")
        if not os.path.exists(path):
            generate(path, n)
        size = os.path.getsize(path)
        base = [sys.executable, "-m", "jsonl_lint", path, "--isolated", "--no-progress", "-q"]
        print(f"{n:,} examples, {size / 1e9:.2f} GB")
        print(f"{'run':<34}{'seconds':>8}{'main MB':>9}{'all MB':>8}")
        runs = {}
        for name, extra in (("default rules", []), ("without D and V rules", ["--ignore", "D,V"])):
            runs[name] = seconds, main_rss, total = peak([*base, *extra])
            print(f"{name:<34}{seconds:>8.1f}{main_rss / 1e6:>9.0f}{total / 1e6:>8.0f}")
        extra = runs["default rules"][1] - runs["without D and V rules"][1]
        print(f"dataset rules: {extra / n:,.0f} bytes per example at the main process's peak")


if __name__ == "__main__":
    main()
