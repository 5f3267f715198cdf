"""Near-duplicates and leakage: jsonl-lint's D005/V002 beside the straightforward datasketch usage.

    python bench/bench_dedup.py [N] [--no-naive]     # default N = 100,000 examples

Writes, with a fixed seed, N chat examples of realistic length (a user turn of
40-120 words and an answer of 120-320, about 2.4 KB a line) drawn from a
20,000-word Zipf vocabulary, in which 2% are near-duplicates of another example
made at target Jaccard similarities from 0.5 to 1.0 (words replaced, inserted,
dropped), and a validation split of N/100 examples with known exact and near
copies of training examples. The true similarity of every pair of examples of
the same family is computed exactly (word 5-gram sets, the documented
normalisation), so recall and precision are measured against the truth.

Then, in one run on the same data, it prints:

* jsonl-lint ``--select D005``, ``--jobs 1`` and ``--jobs 2``: wall µs per example,
  recall of the pairs with true Jaccard >= 0.8 (a pair counts as found when its
  two examples end up in one reported group; with D004 and D006 off, D005 also
  reports the exact copies and the pairs that share their prompt), precision of
  the reported pairs;
* the straightforward datasketch usage: ``MinHash(num_perm=128)`` with
  ``update()`` per shingle for every example, ``MinHashLSH(threshold=0.8)``,
  ``insert`` then ``query`` every example, every returned pair reported;
* how many of the leaked validation examples the V rules find (a near copy that
  kept its prompt is V003's: a pair is reported by one rule), and the whole
  default rule set for context.
"""

from __future__ import annotations

import os
import random
import re
import subprocess
import sys
import tempfile
import time
from collections import Counter
from itertools import combinations

import orjson

THRESHOLD = 0.8
N_GRAM = 5


def vocabulary(rng: random.Random, size: int = 20_000) -> list[str]:
    letters = "abcdefghijklmnopqrstuvwxyz"
    return ["".join(rng.choice(letters) for _ in range(rng.randint(2, 10))) for _ in range(size)]


def words(rng: random.Random, vocab: list[str], weights: list[float], n: int) -> list[str]:
    return rng.choices(vocab, cum_weights=weights, k=n)


def normalised(text: str) -> list[str]:
    return re.sub(r"[^\w]+", " ", text.lower()).split()


def shingle_set(text: str) -> set[tuple[str, ...]]:
    w = normalised(text)
    return {tuple(w[i : i + N_GRAM]) for i in range(max(len(w) - N_GRAM + 1, 1))} if w else set()


def jaccard(a: set, b: set) -> float:
    return len(a & b) / len(a | b) if a | b else 1.0


def mutate(rng: random.Random, vocab, weights, turns: list[list[str]], target: float) -> list[list[str]]:
    """Edit words until the shingle Jaccard with the original falls to about ``target``."""
    original = shingle_set(" ".join(" ".join(t) for t in turns))
    out = [list(t) for t in turns]
    while True:
        current = shingle_set(" ".join(" ".join(t) for t in out))
        if jaccard(original, current) <= target + 0.01:
            return out
        turn = out[rng.randrange(len(out))]
        i = rng.randrange(len(turn))
        edit = rng.random()
        if edit < 0.6:
            turn[i] = words(rng, vocab, weights, 1)[0]
        elif edit < 0.8:
            turn.insert(i, words(rng, vocab, weights, 1)[0])
        elif len(turn) > 10:
            del turn[i]


def record(turns: list[list[str]]) -> bytes:
    user, answer = turns
    messages = [
        {"role": "system", "content": "You are a helpful assistant."},
        {"role": "user", "content": " ".join(user).capitalize() + "?"},
        {"role": "assistant", "content": " ".join(answer).capitalize() + "."},
    ]
    return orjson.dumps({"messages": messages}) + b"\n"


def generate(n: int, folder: str, seed: int = 2026):
    """Write train.jsonl and validation.jsonl; return the true near-duplicate pairs and the leaks."""
    rng = random.Random(seed)
    vocab = vocabulary(rng)
    total, weights = 0.0, []
    for rank in range(len(vocab)):
        total += 1 / (rank + 1)
        weights.append(total)
    examples: list[list[list[str]]] = []
    family: list[int] = []  # the family (original example) of each example
    for i in range(n):
        if i > 10 and rng.random() < 0.02:  # a near-duplicate of an earlier example
            source = rng.randrange(i)
            target = rng.choice([0.5, 0.6, 0.7, 0.75, 0.8, 0.85, 0.9, 0.95, 1.0])
            examples.append(mutate(rng, vocab, weights, examples[source], target))
            family.append(family[source])
        else:
            examples.append(
                [words(rng, vocab, weights, rng.randint(40, 120)), words(rng, vocab, weights, rng.randint(120, 320))]
            )
            family.append(i)
    with open(os.path.join(folder, "train.jsonl"), "wb") as out:
        out.writelines(record(e) for e in examples)
    members: dict[int, list[int]] = {}
    for i, f in enumerate(family):
        members.setdefault(f, []).append(i)
    true_pairs, all_pairs = set(), {}
    for rows in members.values():
        if len(rows) > 1:
            sets = {r: shingle_set(" ".join(" ".join(t) for t in examples[r])) for r in rows}
            for a, b in combinations(rows, 2):
                all_pairs[a, b] = similarity = jaccard(sets[a], sets[b])
                if similarity >= THRESHOLD:
                    true_pairs.add((a, b))
    leaks = {}
    validation = []
    for j in range(max(n // 100, 10)):
        kind = j % 4
        if kind == 0:  # an exact copy
            source = rng.randrange(n)
            validation.append(examples[source])
            leaks[j + 1] = ("V001", source + 1)
        elif kind == 1:  # a near copy
            source = rng.randrange(n)
            validation.append(mutate(rng, vocab, weights, examples[source], 0.9))
            leaks[j + 1] = ("V002", source + 1)
        else:
            validation.append(
                [words(rng, vocab, weights, rng.randint(40, 120)), words(rng, vocab, weights, rng.randint(120, 320))]
            )
    with open(os.path.join(folder, "validation.jsonl"), "wb") as out:
        out.writelines(record(e) for e in validation)
    return true_pairs, all_pairs, leaks


def scores(found: set[tuple[int, int]], groups: list[set[int]] | None, true_pairs, all_pairs):
    """Recall of the true pairs (by group when given), precision of the found pairs."""
    if groups is not None:
        group_of = {row: k for k, members in enumerate(groups) for row in members}
        hit = sum(1 for a, b in true_pairs if a in group_of and group_of.get(a) == group_of.get(b))
    else:
        hit = len(true_pairs & found)
    recall = hit / len(true_pairs) if true_pairs else 1.0
    good = sum(1 for pair in found if all_pairs.get(pair, 0.0) >= THRESHOLD)
    precision = good / len(found) if found else 1.0
    return recall, precision


def run_jsonl_lint(folder: str, jobs: int, select: str) -> tuple[float, list[dict]]:
    command = [sys.executable, "-m", "jsonl_lint", folder, "--isolated", "--select", select, "--jobs", str(jobs)]
    start = time.perf_counter()
    done = subprocess.run([*command, "--output-format", "json", "--no-progress"], capture_output=True, check=False)
    elapsed = time.perf_counter() - start
    if done.returncode not in (0, 1):
        sys.exit(done.stderr.decode())
    return elapsed, orjson.loads(done.stdout)


def groups_of(findings: list[dict]) -> tuple[set[tuple[int, int]], list[set[int]]]:
    pairs = set()
    parent: dict[int, int] = {}

    def root(x: int) -> int:
        while parent.get(x, x) != x:
            x = parent[x]
        return x

    for d in findings:
        a, b = d["related"][0]["line"] - 1, d["line"] - 1
        pairs.add((min(a, b), max(a, b)))
        parent[root(max(a, b))] = root(min(a, b))
        parent.setdefault(min(a, b), min(a, b))
    groups: dict[int, set[int]] = {}
    for x in list(parent):
        groups.setdefault(root(x), set()).add(x)
    return pairs, list(groups.values())


def naive_datasketch(path: str) -> tuple[float, set[tuple[int, int]]]:
    """What a user writes from datasketch's documentation."""
    from datasketch import MinHash, MinHashLSH

    start = time.perf_counter()
    lsh = MinHashLSH(threshold=THRESHOLD, num_perm=128)
    signatures = []
    with open(path, "rb") as stream:
        for i, line in enumerate(stream):
            record = orjson.loads(line)
            text = " ".join(m["content"] for m in record["messages"] if m["role"] != "system")
            m = MinHash(num_perm=128)
            for shingle in shingle_set(text):
                m.update(" ".join(shingle).encode("utf-8"))
            lsh.insert(i, m)
            signatures.append(m)
    found = set()
    for i, m in enumerate(signatures):
        for j in lsh.query(m):
            if j != i:
                found.add((min(i, j), max(i, j)))
    return time.perf_counter() - start, found


def row(method: str, seconds: float, recall: float, precision: float) -> None:
    print(f"{method:<34} {seconds * 1e6:>11.1f} {recall:>8.3f} {precision:>10.3f}")


def main() -> None:
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    n = int(args[0]) if args else 100_000
    with tempfile.TemporaryDirectory() as folder:
        start = time.perf_counter()
        true_pairs, all_pairs, leaks = generate(n, folder)
        train = os.path.join(folder, "train.jsonl")
        size = os.path.getsize(train)
        took = time.perf_counter() - start
        print(f"{n:,} training examples ({size / 1e6:,.0f} MB), {len(all_pairs):,} pairs of related examples, ")
        print(f"{len(true_pairs):,} at true Jaccard >= {THRESHOLD}; generated in {took:.0f} s")
        print(f"\n{'method':<34} {'µs/example':>11} {'recall':>8} {'precision':>10}")
        figures = {}
        for jobs in (1, 2):
            elapsed, findings = run_jsonl_lint(train, jobs, "D005")
            pairs, groups = groups_of(findings)
            recall, precision = scores(pairs, groups, true_pairs, all_pairs)
            figures[jobs] = elapsed
            row(f"jsonl-lint --select D005 --jobs {jobs}", elapsed / n, recall, precision)
        if "--no-naive" not in sys.argv:
            elapsed, pairs = naive_datasketch(train)
            recall, precision = scores(pairs, None, true_pairs, all_pairs)
            row("datasketch MinHash + MinHashLSH", elapsed / n, recall, precision)
            print(f"\njsonl-lint --jobs 1 is {elapsed / figures[1]:.1f}x faster than the datasketch usage")
        print(f"--jobs 2 is {figures[1] / figures[2]:.2f}x faster than --jobs 1")
        elapsed, findings = run_jsonl_lint(folder, 2, "V")
        reported = {d["line"]: (d["code"], d["related"][0]["line"]) for d in findings if "validation" in d["path"]}
        for kind, label in (("V001", "exact copies"), ("V002", "near copies")):
            wanted = {line: source for line, (c, source) in leaks.items() if c == kind}
            hits = [line for line, source in wanted.items() if reported.get(line, ("", 0))[1] == source]
            by = Counter(reported[line][0] for line in hits)
            found = ", ".join(f"{n} by {code}" for code, n in sorted(by.items()))
            print(f"{label}: {sum(by.values())} of {len(wanted)} leaked validation examples found ({found})")
        extra = sum(1 for line in reported if line not in leaks)
        print(f"V findings on validation examples that were not leaked: {extra}")
        elapsed, _ = run_jsonl_lint(folder, 2, "ALL")
        print(f"every default rule, train + validation, --jobs 2: {elapsed / n * 1e6:.1f} µs per training example")


if __name__ == "__main__":
    main()
