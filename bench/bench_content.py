"""Cost of the content rule families (language, tokens, privacy, hygiene) above the other rules.

    python bench/bench_content.py [N]         # default N = 100,000 examples

Generates N OpenAI chat examples like ``bench_core.py`` does (about 1.8 KB of
English prose and markdown each), with what real data holds mixed in: a quarter
of the examples with Portuguese sentences (non-ASCII text), some numbers and
dates, and now and then an e-mail address, a phone number or a special token.

Then measures the CPU time of one process (``--jobs 1``), best of 3 rounds (each round
runs every configuration in turn, so that a busy machine slows them alike):

* the baseline: every default rule except the content families;
* the baseline plus each content family that is registered (L, T, P, and
  J004/J005), one at a time;
* the baseline plus all of them together.

Prints µs per example for the baseline and, for each family, the µs per
example above the baseline (the issue's target for all of them together: at
most 100 µs per example).
"""

from __future__ import annotations

import os
import random
import sys
import tempfile
import time

import orjson
from bench_core import example
from timing import best_of

from jsonl_lint import Settings, lint
from jsonl_lint.plugins import registry

PORTUGUESE = (
    "O nível de ação é ótimo e você não precisa de mais informações.",
    "A situação em São Paulo melhorou: três reuniões por mês já são suficientes.",
    "Não há razão para pânico; a solução é simples e já está pronta.",
)
EXTRAS = (
    (0.25, lambda rng: " " + rng.choice(PORTUGUESE)),
    (0.10, lambda rng: f" In {rng.randint(1990, 2030)} it cost ${rng.randint(1, 9999):,}.{rng.randint(10, 99)}."),
    (0.05, lambda rng: f" Updated on 2024-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}."),
    (0.01, lambda rng: f" Write to jane.roe{rng.randint(1, 999)}@gmail.com for details."),
    (0.005, lambda rng: f" Call +44 20 7946 {rng.randint(1000, 9999)} after six."),
    (0.002, lambda rng: " <|im_end|>"),
)


def content_example(rng: random.Random) -> dict:
    record = example(rng)
    for message in record["messages"][1:]:
        for share, extra in EXTRAS:
            if rng.random() < share:
                message["content"] += extra(rng)
    return record


def generate(path: str, n: int, seed: int = 0) -> None:
    rng = random.Random(seed)
    with open(path, "wb") as out:
        for _ in range(n):
            out.write(orjson.dumps(content_example(rng)) + b"\n")


def families() -> dict[str, list[str]]:
    """The content families that are registered, each with the selectors that name it."""
    codes = list(registry())
    found = {}
    for family in ("L", "T", "P"):
        if any(code.startswith(family) for code in codes):
            found[family] = [family]
    hygiene = [code for code in ("J004", "J005") if code in codes]
    if hygiene:
        found["J004/J005"] = hygiene
    for code in ("L004", "C012", "S005"):  # issue 13's rules, one row each (L004 is in the L row too)
        if code in codes:
            found[code] = [code]
    return found


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    groups = families()
    content = [selector for selectors in groups.values() for selector in selectors]
    # (name, selectors to ignore): the baseline ignores every content family, each row all but one
    # (name, selectors to ignore, selectors to select again): the most specific selector wins, so a row of
    # one code (L004) ignores its family (L) and selects the code
    configs = [("baseline", content, [])]
    configs += [
        (name, [s for s in content if s not in selectors], selectors if len(selectors[0]) == 4 else [])
        for name, selectors in groups.items()
    ]
    if len(groups) > 1:
        configs.append(("all together", [], []))
    seconds = dict.fromkeys((name for name, *_ in configs), float("inf"))
    findings = {}
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "train.jsonl")
        generate(path, n)
        size = os.path.getsize(path)
        for _ in range(3):  # rounds in turn, so that a busy moment of the machine hits every row alike
            for name, ignore, extend in configs:

                def run(ignore=ignore, extend=extend, name=name):
                    settings = Settings(ignore=ignore, extend_select=extend)
                    findings[name] = len(lint([path], settings, jobs=1).diagnostics)

                seconds[name] = min(seconds[name], best_of(1, run, clock=time.process_time))
    baseline = seconds.pop("baseline")
    print(f"{n:,} examples, {size / 1e6:.1f} MB, {size / n:,.0f} bytes per example, one process, CPU time")
    print(f"{'baseline (no content rules)':<30}{baseline / n * 1e6:>8.2f} µs/example")
    print(f"{'family':<30}{'+µs/example':>12}{'findings':>10}")
    for name, spent in seconds.items():
        print(f"{name:<30}{(spent - baseline) / n * 1e6:>12.2f}{findings[name] - findings['baseline']:>10,}")


if __name__ == "__main__":
    main()
