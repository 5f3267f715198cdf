"""Cost of the T rules (tokens and length) and of the `stats` report, per example.

    python bench/bench_tokens.py [N]          # default N = 100,000 examples

Generates N chat examples (bench_core's generator: about 1.8 KB each) and times, in one
process (``--jobs 1``), on the same file:

* every default rule with and without the T rules (``--ignore T``): the difference is what the
  T rules add to a normal run;
* ``--select T`` beside ``--select S001`` (parsing and adapting, no content rule): the T rules
  alone;
* the worst cases: T001 with a limit so low that every example is counted exactly, and
  ``length-unit = "tokens"`` (T004 counts every example);
* ``jsonl-lint stats`` (an exact count of every example, with every default rule).

Prints microseconds per example (wall time, best of 3; the slow cases once). The tokenizer's
vocabulary is loaded before timing (about 0.3 s, once per process).
"""

from __future__ import annotations

import os
import sys
import tempfile

from bench_core import generate
from timing import best_of

from jsonl_lint import Settings, lint
from jsonl_lint.config import resolve
from jsonl_lint.engine import Linter
from jsonl_lint.stats import ExampleStats, report
from jsonl_lint.text.tokens import encoding


def settings(**options) -> Settings:
    result = Settings()
    result.apply(options, "bench")
    return result


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    encoding("o200k_base")  # load once, outside the timings
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "train.jsonl")
        generate(path, n)
        size = os.path.getsize(path)
        print(f"{n:,} examples, {size / 1e6:.1f} MB, {size / n:,.0f} bytes each; --jobs 1; µs per example")

        def timed(label: str, config: Settings, runs: int = 3) -> float:
            seconds = best_of(runs, lambda: lint([path], config, jobs=1))
            micro = seconds / n * 1e6
            print(f"  {label:<52} {micro:8.1f}")
            return micro

        def stats() -> None:
            config = Settings()
            report(Linter(resolve(config), (ExampleStats,)).run([path], config, 1))

        every = timed("every default rule", Settings())
        without = timed("every default rule but T (--ignore T)", Settings(ignore=["T"]))
        alone = timed("--select T", Settings(select=["T"]))
        floor = timed("--select S001 (parse and adapt only)", Settings(select=["S001"]))
        exact = timed(
            "--select T001, limit 10 (every example counted)",
            settings(select=["T001"], **{"max-tokens-per-example": 10}),
            1,
        )
        tokens = timed(
            '--select T004, length-unit = "tokens"', settings(select=["T004"], **{"length-unit": "tokens"}), 1
        )
        seconds = best_of(1, stats)
        print(f"  {'jsonl-lint stats (every default rule + exact counts)':<52} {seconds / n * 1e6:8.1f}")
        print(
            f"T rules in a default run: {every - without:+.1f} µs per example; "
            f"alone, above parsing: {alone - floor:+.1f}"
        )
        print(
            f"exact counting, above parsing: T001 {exact - floor:+.1f}, "
            f"T004 in tokens {tokens - floor:+.1f} µs per example"
        )


if __name__ == "__main__":
    main()
