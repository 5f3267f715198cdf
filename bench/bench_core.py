"""Throughput of jsonl-lint's core rules beside a bare ``orjson.loads`` loop.

    python bench/bench_core.py [N]            # default N = 100,000 examples

Generates N OpenAI chat examples (system + 1-4 user/assistant exchanges,
about 2 KB each as in DECISIONS.md's measurements, a few defects mixed in) in a temporary file, then times, in
one run and on the same file:

* ``orjson``: ``for line in open(path, "rb"): orjson.loads(line)``, the floor;
* ``jsonl-lint``: the whole lint through the Python API (read, parse, adapt,
  every default rule including duplicate detection), without reporting, in
  one process (``--jobs 1``) and with the default number of jobs (one per
  core for an input this size);
* the core rules alone (F, J, S, C, D001, D002, D004), in one process.

Prints microseconds per record, MB/s and the ratios, in wall time and, for what runs in this
process, in CPU time (``time.process_time``: the figures to trust on a busy machine). Best of 3
runs each.
"""

from __future__ import annotations

import os
import random
import sys
import tempfile
import time

import orjson
from timing import bare_loop, best_of

from jsonl_lint import Settings, lint
from jsonl_lint.engine import default_jobs
from jsonl_lint.files.sources import Source

CORE = ["F", "J", "S", "C", "D001", "D002", "D004"]
BARE, ONE, CORE_ROW = "orjson.loads loop", "jsonl-lint --jobs 1", "core rules, --jobs 1"
WORDS = (
    "the model should answer questions about data quality in fine tuning sets with care and "
    "precision while keeping every reply short clear and friendly to the user who asked it"
).split()


def sentence(rng: random.Random, n: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(n)).capitalize() + "."


def answer(rng: random.Random) -> str:
    """Prose, or now and then markdown with a list, a colon and a quoted word, as real answers have."""
    if rng.random() < 0.3:
        steps = "\n".join(f"{i}. {sentence(rng, 10)}" for i in range(1, rng.randint(3, 7)))
        return f'Here is how: use the "{rng.choice(WORDS)}" option.\n\n{steps}\n\n{sentence(rng, 12)}'
    return " ".join(sentence(rng, 14) for _ in range(rng.randint(2, 9)))


def example(rng: random.Random) -> dict:
    messages = [{"role": "system", "content": "You are a helpful assistant for dataset questions."}]
    for _ in range(rng.randint(1, 4)):
        messages.append({"role": "user", "content": sentence(rng, rng.randint(8, 60))})
        messages.append({"role": "assistant", "content": answer(rng)})
    roll = rng.random()
    if roll < 0.01:
        messages.pop()  # ends on a user message
    elif roll < 0.02:
        messages[1]["weight"] = 1  # weight on a user message
    return {"messages": messages}


def generate(path: str, n: int, seed: int = 0) -> None:
    rng = random.Random(seed)
    with open(path, "wb") as out:
        previous = b""
        for i in range(n):
            line = orjson.dumps(example(rng)) + b"\n"
            if i % 500 == 499:
                line = previous  # an exact duplicate now and then
            out.write(line)
            previous = line


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "train.jsonl")
        generate(path, n)
        size = os.path.getsize(path)
        findings = []
        jobs = default_jobs(None, [Source(path, size=size)])
        several = f"jsonl-lint ({jobs} job{'s' if jobs > 1 else ''})"
        runs = {
            BARE: lambda: bare_loop(path),
            ONE: lambda: findings.append(len(lint([path], Settings(), jobs=1).diagnostics)),
            CORE_ROW: lambda: lint([path], Settings(select=CORE), jobs=1),
            several: lambda: findings.append(len(lint([path], Settings()).diagnostics)),
        }
        wall = {name: best_of(3, run) for name, run in runs.items()}
        cpu = {name: best_of(3, run, time.process_time) for name, run in list(runs.items())[:3]}
    assert len(set(findings)) == 1, "every run must find the same"
    print(f"{n:,} examples, {size / 1e6:.1f} MB, {size / n:,.0f} bytes per example, {findings[-1]:,} findings")
    print(f"{'':<24}{'wall: µs/record':>16}{'MB/s':>8}{'ratio':>8}{'CPU: µs/record':>16}{'MB/s':>8}{'ratio':>8}")
    for name, seconds in wall.items():
        row = f"{name:<24}{seconds / n * 1e6:>16.2f}{size / seconds / 1e6:>8.1f}{seconds / wall[BARE]:>7.2f}x"
        if name in cpu:
            row += f"{cpu[name] / n * 1e6:>16.2f}{size / cpu[name] / 1e6:>8.1f}{cpu[name] / cpu[BARE]:>7.2f}x"
        print(row)
    print("targets (issue 16), CPU time where it is measured:")
    print(f"  every default rule, one process, >= 30 MB/s: {size / cpu[ONE] / 1e6:.1f} MB/s")
    print(f"  core rules, one process, <= 3x the loop: {cpu[CORE_ROW] / cpu[BARE]:.1f}x")
    print(f"  {jobs} jobs >= 1.8x one (wall time): {wall[ONE] / wall[several]:.2f}x")


if __name__ == "__main__":
    main()
