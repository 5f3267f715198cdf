"""What every benchmark here shares: best-of-N wall time, and the bare parsing loop it is compared with."""

from __future__ import annotations

import time

import orjson


def best_of(runs: int, fn, clock=time.perf_counter) -> float:
    """The shortest of ``runs`` times of ``fn()``, in seconds: wall time, or ``clock`` (``time.process_time``)."""
    times = []
    for _ in range(runs):
        start = clock()
        fn()
        times.append(clock() - start)
    return min(times)


def bare_loop(path: str) -> None:
    """The floor: ``orjson.loads`` on every line of the file, nothing else."""
    loads = orjson.loads
    with open(path, "rb") as stream:
        for line in stream:
            loads(line)
