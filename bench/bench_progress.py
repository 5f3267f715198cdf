"""How the progress bar moves: when it first shows and the longest wait between two moves.

    python bench/bench_progress.py [N]        # default N = 40,000 examples (about 80 MB)

Generates N chat examples as bench_core.py does and lints them (every default rule) with --jobs 1
and --jobs 2, recording each time the bar is called with more bytes done than before. Prints, beside
the bare ``orjson.loads`` loop over the same file: the run's wall time, the seconds until the bar
first shows (it is drawn with 0 bytes at once) and until it first moves, and the longest gap
between two moves. Issue 14 measured 4.5 s of nothing, then a jump from 35% to 100%, in a 7 s run.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time

from bench_core import generate
from timing import bare_loop, best_of

from jsonl_lint import Settings
from jsonl_lint.config import resolve
from jsonl_lint.engine import Linter


def watch(path: str, jobs: int) -> tuple[float, float, float, float, float]:
    """(wall seconds, first call, first move, longest gap between moves, last share) of one run."""
    start = time.perf_counter()
    moves: list[tuple[float, int]] = []
    first: list[float] = []

    def bar(done: int, total: int, records: int) -> None:
        now = time.perf_counter() - start
        if not first:
            first.append(now)
        if done > (moves[-1][1] if moves else 0):
            moves.append((now, done))

    settings = Settings()
    Linter(resolve(settings)).run([path], settings, jobs, bar, 0)
    wall = time.perf_counter() - start
    times = [t for t, _ in moves]
    gaps = [b - a for a, b in zip(times, times[1:], strict=False)] or [0.0]
    return wall, first[0], times[0], max(gaps), moves[-1][1] / os.path.getsize(path)


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 40_000
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "train.jsonl")
        generate(path, n)
        size = os.path.getsize(path) / 1e6
        print(f"{n:,} examples, {size:,.1f} MB")
        print(f"orjson.loads loop: {best_of(3, lambda: bare_loop(path)):.2f} s")
        print("run        wall s  first shown s  first move s  longest gap s  last share")
        for jobs in (1, 2):
            wall, shown, moved, gap, share = watch(path, jobs)
            print(f"--jobs {jobs}  {wall:7.2f}  {shown:13.2f}  {moved:12.2f}  {gap:13.2f}  {share:10.0%}")


if __name__ == "__main__":
    main()
