"""The findings on the benchmarks' generated data (bench/bench_core.py, bench/bench_language.py,
bench/bench_dedup.py), pinned: speed-ups must not change them, and the compiled accelerators give
the Python code's findings (issue 16)."""

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
import bench_dedup  # noqa: E402
import bench_language  # noqa: E402

from jsonl_lint.rules import schema  # noqa: E402
from jsonl_lint.text import keys, language, minhash, scan  # noqa: E402

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


@pytest.fixture(scope="module")
def near_copies(tmp_path_factory):
    folder = tmp_path_factory.mktemp("dedup")
    bench_dedup.generate(2000, str(folder))
    return folder


#: The modules with a compiled twin.
TWINS = (minhash, keys, language, scan, schema)


@pytest.mark.skipif(all(module._C is None for module in TWINS), reason="no compiled accelerator is built here")
def test_the_accelerators_find_what_the_python_code_finds(core, near_copies, portuguese, monkeypatch):
    golden = ROOT / "tests" / "fixtures" / "golden" / "data"
    inputs = [
        ([str(core)], Settings()),
        ([str(near_copies)], Settings()),
        ([str(golden)], Settings()),
        ([str(portuguese)], Settings(options={"languages": ["pt"]})),
    ]
    compiled = [lint(paths, settings, jobs=1) for paths, settings in inputs]
    for module in TWINS:
        monkeypatch.setattr(module, "_C", None)
    assert [r.to_json() for r in compiled] == [lint(paths, settings, jobs=1).to_json() for paths, settings in inputs]
    near = compiled[1].by_code
    assert near["D005"] >= 15 and near["V002"] >= 5 and near["V001"] >= 5  # 2,000 examples, 2 % of them near copies
