"""What ``jsonl-lint stats`` costs beside the plain lint, and how large its HTML report is.

    python bench/bench_stats.py [N [RUNS]]    # default N = 100,000 training examples, best of 3

Generates ``bench_core``'s N OpenAI chat examples (about 2 KB each, a duplicate every 500) as
``train.jsonl`` and a ``validation.jsonl`` of N/50 examples, one in ten copied from training
(leaks), then times in one process (``--jobs 1``), best of RUNS, on the same files, in CPU time of the
process (``time.process_time``: the machine is shared, and wall time there measures the others):

* ``orjson``: the bare ``orjson.loads`` loop over both files, the floor;
* ``lint``: the configured rules, as ``jsonl-lint`` runs them;
* ``stats``: the same run with the report's collector (every example tokenized in full, its
  language judged), then :func:`jsonl_lint.stats.report` (the samples read again, masked) and
  the HTML page.

Prints microseconds per example, the ratios, what the report's own parts cost, the size of a
Row as pickled (what a worker sends per example) and the size of the HTML page.
"""

from __future__ import annotations

import os
import pickle
import random
import sys
import tempfile
import time

import orjson
from bench_core import example, generate
from timing import bare_loop, best_of

from jsonl_lint.config import Settings, resolve
from jsonl_lint.engine import Linter
from jsonl_lint.reporters import stats_html
from jsonl_lint.stats import ExampleStats, report


def validation(train: str, path: str, n: int) -> None:
    rng = random.Random(1)
    with open(train, "rb") as stream:
        copies = [line for i, line in zip(range(n * 10), stream, strict=False) if i % 10 == 3][: n // 10]
    with open(path, "wb") as out:
        for i in range(n):
            out.write(copies[i // 10] if i % 10 == 0 and i // 10 < len(copies) else orjson.dumps(example(rng)) + b"\n")


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    runs = int(sys.argv[2]) if len(sys.argv) > 2 else 3
    clock = time.process_time
    with tempfile.TemporaryDirectory() as folder:
        train, held = os.path.join(folder, "train.jsonl"), os.path.join(folder, "validation.jsonl")
        generate(train, n)
        validation(train, held, n // 50)
        examples = n + n // 50
        size = os.path.getsize(train) + os.path.getsize(held)
        settings = Settings()
        resolved = resolve(settings)
        parts: dict[str, float] = {}

        def lint():
            Linter(resolved).run([folder], settings, 1)

        def stats():
            start = clock()
            result = Linter(resolved, (ExampleStats,)).run([folder], settings, 1)
            ran = clock()
            data = report(result)
            reported = clock()
            page = stats_html.render(data, None, stats_html.rule_pages(result.resolved.rules))
            done = clock()
            for name, seconds in (("run", ran - start), ("report", reported - ran), ("html", done - reported)):
                parts[name] = min(parts.get(name, seconds), seconds)
            parts["bytes"] = len(page.encode())
            parts["row"] = len(pickle.dumps(result.collected["stats"][train][0]))

        bare = best_of(runs, lambda: (bare_loop(train), bare_loop(held)), clock)
        plain = best_of(runs, lint, clock)
        whole = best_of(runs, stats, clock)
    print(f"{examples:,} examples ({n:,} train, {n // 50:,} validation), {size / 1e6:.1f} MB")
    print(f"best of {runs}, CPU time of this process")
    print(f"{'':<30}{'µs/example':>11}{'ratio':>8}")
    for name, seconds in (("orjson.loads loop", bare), ("lint --jobs 1", plain), ("stats --jobs 1 --html", whole)):
        print(f"{name:<30}{seconds / examples * 1e6:>11.2f}{seconds / bare:>7.2f}x")
    extra = whole - plain
    print(f"stats over the lint: {extra / examples * 1e6:.2f} µs/example ({whole / plain:.2f}x the lint)")
    print(
        f"  of which: run with the collector {parts['run'] / examples * 1e6:.2f} µs/example, "
        f"report() {parts['report'] * 1e3:.0f} ms, HTML {parts['html'] * 1e3:.0f} ms"
    )
    print(f"a Row pickled: {parts['row']} bytes; HTML page: {parts['bytes']:,} bytes")


if __name__ == "__main__":
    main()
