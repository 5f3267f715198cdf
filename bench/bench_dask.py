"""A 2-worker Dask LocalCluster against ``--jobs 2`` on the same machine, at growing sizes.

    python bench/bench_dask.py [N ...]    # default 250,000 500,000 1,000,000 examples

For each size, writes N examples as bench_core.py does, times the orjson.loads loop over them (the
floor), then runs ``jsonl-lint`` in a subprocess twice: ``--jobs 2``, and ``--executor dask`` against
a LocalCluster of 2 worker processes started here beforehand (its start is timed once, apart).
Memory is sampled every 50 ms: the resident memory of the client (the jsonl-lint process), and of
each Dask worker; the workers are restarted before each run so that their peaks are this run's.
Both runs must give the same report. Prints, per size: wall times, their ratio, µs per example,
peak MB of the client, of the whole ``--jobs 2`` run and of each worker; then how much the client
grew per example (no summary comes back to it: what it holds grows with the findings alone, docs/scale.md).
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time

from bench_core import generate
from bench_memory import children, rss
from timing import bare_loop, best_of


def sampled(command: list[str], workers: list[int]) -> tuple[float, int, int, list[int], bytes]:
    """(seconds, peak RSS of the client, of the client and its own children, of each worker, its output)."""
    start = time.perf_counter()
    with tempfile.TemporaryFile() as out:
        process = subprocess.Popen(command, stdout=out, stderr=subprocess.DEVNULL)
        client = total = 0
        peaks = [0] * len(workers)
        while process.poll() is None:
            main = rss(process.pid)
            client = max(client, main)
            total = max(total, main + sum(rss(child) for child in children(process.pid)))
            peaks = [max(p, rss(w)) for p, w in zip(peaks, workers, strict=True)]
            time.sleep(0.05)
        seconds = time.perf_counter() - start
        out.seek(0)
        return seconds, client, total, peaks, out.read()


def main() -> None:
    from distributed import Client, LocalCluster

    sizes = [int(a) for a in sys.argv[1:]] or [250_000, 500_000, 1_000_000]
    started = time.perf_counter()
    cluster = LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1", dashboard_address="127.0.0.1:0"
    )
    client = Client(cluster)
    client.wait_for_workers(2)
    print(f"LocalCluster of 2 workers started in {time.perf_counter() - started:.1f} s (not in the times below)")
    print(
        f"{'examples':>10}{'GB':>6}{'loads s':>9}{'jobs2 s':>9}{'dask s':>8}{'ratio':>7}{'µs/ex dask':>11}"
        f"{'client MB':>10}{'jobs2 MB':>9}{'worker MB':>14}"
    )
    rows = []
    try:
        for n in sizes:
            with tempfile.TemporaryDirectory() as folder:
                path = os.path.join(folder, "train.jsonl")
                generate(path, n)
                size = os.path.getsize(path)
                bare = best_of(1, lambda path=path: bare_loop(path))
                base = [
                    sys.executable,
                    "-m",
                    "jsonl_lint",
                    path,
                    "--isolated",
                    "--no-progress",
                    "--output-format",
                    "json",
                ]
                local_s, _, local_total, _, local_out = sampled([*base, "--jobs", "2"], [])
                client.restart()
                pids = list(client.run(os.getpid).values())
                dask_s, client_peak, _, worker_peaks, dask_out = sampled(
                    [*base, "--executor", "dask", "--scheduler", cluster.scheduler_address], pids
                )
            assert local_out and dask_out == local_out, "the Dask run must give the report of the local one"
            rows.append((n, client_peak))
            workers = "/".join(f"{p / 1e6:.0f}" for p in worker_peaks)
            print(
                f"{n:>10,}{size / 1e9:>6.2f}{bare:>9.1f}{local_s:>9.1f}{dask_s:>8.1f}{dask_s / local_s:>7.2f}"
                f"{dask_s / n * 1e6:>11.1f}{client_peak / 1e6:>10.0f}{local_total / 1e6:>9.0f}{workers:>14}"
            )
    finally:
        client.close()
        cluster.close()
    if len(rows) > 1:
        (n0, m0), (n1, m1) = rows[0], rows[-1]
        print(f"client growth: {(m1 - m0) / (n1 - n0):,.0f} bytes per example between {n0:,} and {n1:,}")


if __name__ == "__main__":
    main()
