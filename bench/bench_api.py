"""The Python API's costs: records in memory against the same JSONL file, peak memory, Parquet.

    python bench/bench_api.py [N] [--memory N1,N2,...] [--rules all|core]    # N = 0: memory only

With N records as bench_core.py writes them (default 100,000, about 1.8 KB each), one process
(``jobs=1``), best of 3, CPU time per record (the machine is shared: wall time is noise), beside a
bare ``orjson.loads`` loop over the file:

* ``lint`` on the JSONL file, and ``lint_records`` over a generator that parses the same file line
  by line (the generator's own cost is the bare loop's, taken off); the spool alone (``orjson.dumps``
  and a buffered write per record) is timed too;
* the same records as a Parquet file (row groups of 10,000), with Arrow's structs (null-filled
  where messages differ in keys) and with the messages as a JSON column (as `datasets` writes
  them; the very records of the JSONL file): reading its rows as lines alone, and ``lint`` on it.

``--rules core`` (the default) runs the F, J, S and C rules, so that the costs of the input
path stand out; ``--rules all`` every default rule.

``--memory`` runs ``lint_records`` over a generator of each count in a fresh process and prints its
peak resident memory (VmHWM), with the record rules only (what streaming has to keep
flat) and with every default rule (whose dataset rules keep a few hundred bytes per example, as
for a file: ``bench_memory.py``).
"""

from __future__ import annotations

import os
import random
import resource
import subprocess
import sys
import tempfile
import time

import orjson
from bench_core import example, generate
from timing import bare_loop, best_of

from jsonl_lint import Settings, lint, lint_records
from jsonl_lint.files.parquet import ParquetLines
from jsonl_lint.files.rows import write_rows

CORE = ["F", "J", "S", "C"]
ROW_GROUP = 10_000


def records(n: int, seed: int = 0):
    """The records ``generate`` writes, as a generator (the same ones: same seed, same duplicates)."""
    rng = random.Random(seed)
    previous = None
    for i in range(n):
        record = example(rng)
        if i % 500 == 499 and previous is not None:
            record = previous
        previous = record
        yield record


def parsed(path: str):
    """The file's records, parsed one by one: a generator whose own cost is the bare loop's."""
    loads = orjson.loads
    with open(path, "rb") as stream:
        for line in stream:
            yield loads(line)


def to_parquet(jsonl: str, path: str, json_column: bool) -> None:
    """The file's records as Parquet: Arrow's own structs (a key that some messages have, every message
    then has, null-filled), or ``messages`` as a JSON column (as `datasets` stores objects whose keys
    vary), which holds the very records of the JSONL file."""
    import pyarrow as pa
    import pyarrow.json as pj
    import pyarrow.parquet as pq

    if json_column:
        with open(jsonl, "rb") as stream:
            texts = [orjson.dumps(orjson.loads(line)["messages"]).decode() for line in stream]
        table = pa.table({"messages": pa.array(texts, pa.json_())})
    else:
        table = pj.read_json(jsonl, read_options=pj.ReadOptions(block_size=1 << 26))
    pq.write_table(table, path, row_group_size=ROW_GROUP)


def child(n: int, rules: str) -> None:
    """In a fresh process: lint a generator of ``n`` records, print the peak resident memory in bytes."""
    settings = Settings(select=CORE) if rules == "core" else Settings()
    result = lint_records(records(n), settings=settings, jobs=1)
    assert result.sources[0].lines == n
    print(peak_rss())


def peak_rss() -> int:
    """This process's peak resident bytes (VmHWM: ``ru_maxrss`` would count the parent's memory at the fork)."""
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def memory(counts: list[int]) -> None:
    print("\npeak resident memory of lint_records over a generator, jobs=1 (fresh process each)")
    print(f"{'records':>10}{'record rules MB':>17}{'default rules MB':>18}")
    for n in counts:
        peaks = []
        for rules in ("core", "all"):
            run = [sys.executable, __file__, "--child", str(n), rules]
            done = subprocess.run(run, capture_output=True, text=True, check=True, cwd=os.path.dirname(__file__))
            peaks.append(int(done.stdout.split()[-1]) / 1e6)
        print(f"{n:>10,}{peaks[0]:>17.0f}{peaks[1]:>18.0f}")


def main() -> None:
    args = sys.argv[1:]
    if args[:1] == ["--child"]:
        child(int(args[1]), args[2])
        return
    rules = args[args.index("--rules") + 1] if "--rules" in args else "core"
    counts = [int(c) for c in args[args.index("--memory") + 1].split(",")] if "--memory" in args else []
    numbers = [a for a in args if a.isdigit()]
    n = int(numbers[0]) if numbers else 100_000
    if n == 0:  # memory only
        memory(counts)
        return
    settings = Settings(select=CORE) if rules == "core" else Settings()
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "train.jsonl")
        generate(path, n)
        size = os.path.getsize(path)
        print(f"{n:,} records, {size / 1e6:.0f} MB as JSONL; rules: {rules}; jobs=1; best of 3, µs per record")
        per = 1e6 / n
        cpu = time.process_time  # CPU time: the machine is shared, wall time is noise

        def spool_alone():
            with open(os.path.join(folder, "spool.jsonl"), "wb", buffering=1 << 20) as out:
                write_rows(parsed(path), out, "bench")

        floor = best_of(3, lambda: bare_loop(path), cpu) * per
        spool = best_of(3, spool_alone, cpu) * per - floor
        on_file = best_of(3, lambda: lint(path, settings, jobs=1), cpu) * per
        in_memory = best_of(3, lambda: lint_records(parsed(path), settings=settings, jobs=1), cpu) * per - floor
        print(f"{'orjson.loads loop over the file':<52}{floor:>8.1f}")
        print(f"{'spooling the records as JSONL (dumps + write)':<52}{spool:>8.1f}")
        print(f"{'lint(file)':<52}{on_file:>8.1f}")
        extra = f"({in_memory - on_file:+.1f}, x{in_memory / on_file:.2f})"
        print(f"{'lint_records(generator), making the dicts aside':<52}{in_memory:>8.1f}  {extra}")

        parquet = os.path.join(folder, "train.parquet")

        def read_parquet():
            for _ in ParquetLines(parquet):
                pass

        for json_column in (False, True):
            to_parquet(path, parquet, json_column)
            reading = best_of(3, read_parquet, cpu) * per
            on_parquet = best_of(3, lambda: lint(parquet, settings, jobs=1), cpu) * per
            mb = os.path.getsize(parquet) / 1e6
            kind = "messages as a JSON column" if json_column else "Arrow structs, null-filled"
            print(f"\nParquet ({kind}): {mb:.0f} MB, row groups of {ROW_GROUP:,}")
            rate = f"({size / (reading * n):.0f} MB/s of JSONL, {1e6 / reading:,.0f} rows/s)"
            print(f"{'reading its rows as JSONL lines':<52}{reading:>8.1f}  {rate}")
            print(f"{'lint(parquet)':<52}{on_parquet:>8.1f}  ({on_parquet - on_file:+.1f} against the JSONL file)")
    if counts:
        memory(counts)


if __name__ == "__main__":
    main()
