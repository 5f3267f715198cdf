"""The findings on the benchmarks' generated data (bench/bench_core.py, bench/bench_language.py), pinned:
speed-ups must not change them (issue 16)."""

from __future__ import annotations

import random
import sys
from collections import Counter

import orjson
import pytest
from conftest import ROOT

from jsonl_lint import Settings, lint

sys.path.insert(0, str(ROOT / "bench"))
import bench_core  # noqa: E402
import bench_language  # noqa: E402

N = 3000


def findings(path, jobs=1, **options):
    result = lint([str(path)], Settings(options=options), jobs=jobs, collapse=False)
    return sorted((d.line or 0, d.code, d.message) for d in result.diagnostics)


@pytest.fixture(scope="module")
def core(tmp_path_factory):
    path = tmp_path_factory.mktemp("bench") / "core.jsonl"
    bench_core.generate(str(path), N)
    return path


@pytest.fixture(scope="module")
def portuguese(tmp_path_factory):
    path = tmp_path_factory.mktemp("bench") / "language.jsonl"
    rng = random.Random(0)
    path.write_bytes(b"".join(orjson.dumps(bench_language.example(rng, "pt", "en")) + b"\n" for _ in range(N)))
    return path


def test_bench_core_findings(core):
    found = findings(core)
    assert Counter(code for _, code, _ in found) == {"C002": 7, "C005": 30, "C008": 29, "D004": 6}
    assert found == findings(core, jobs=2)


def test_bench_language_findings(portuguese):
    found = findings(portuguese, languages=["pt"])
    assert Counter(code for _, code, _ in found) == {"L001": 92, "L002": 1, "T004": 97}
    assert found == findings(portuguese, jobs=2, languages=["pt"])
