"""The layered house: the import contracts hold, and no module imports its way back in a circle."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import grimp
import pytest
from conftest import ROOT

import jsonl_lint


def test_the_import_contracts_hold():
    lint_imports = Path(sys.executable).with_name("lint-imports")
    run = subprocess.run([str(lint_imports)], cwd=ROOT, capture_output=True, text=True)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "0 broken" in run.stdout


def _cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected groups of more than one module (Tarjan's algorithm, without recursion)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found = []
    for start in sorted(edges):
        if start in index:
            continue
        work = [(start, iter(sorted(edges[start])))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(edges[child]))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                group = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    group.append(member)
                    if member == node:
                        break
                if len(group) > 1:
                    found.append(sorted(group))
    return found


def test_no_import_cycle_even_counting_imports_inside_functions():
    # grimp reads every import statement, those inside functions and under TYPE_CHECKING included.
    graph = grimp.build_graph("jsonl_lint", include_external_packages=False)
    edges = {module: set(graph.find_modules_directly_imported_by(module)) for module in graph.modules}
    assert _cycles(edges) == []


def test_the_cycle_finder_finds_a_cycle():
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_the_package_root_is_imported_by_no_module_of_its_own():
    """``jsonl_lint/__init__.py`` re-exports the public API; a module importing it would import everything."""
    graph = grimp.build_graph("jsonl_lint", include_external_packages=False)
    importers = graph.find_modules_that_directly_import("jsonl_lint") - {"jsonl_lint.__main__"}
    assert importers == set()


def test_tests_mirror_the_package():
    for package in ("files", "text", "formats", "rules", "engine", "cli", "reporters"):
        assert (ROOT / "src" / "jsonl_lint" / package).is_dir()
        assert list((ROOT / "tests" / package).glob("test_*.py")), f"tests/{package}/ has no tests"


#: What a lint of a clean JSONL file never needs, imported where it is used: each took milliseconds of
#: every run's start, most of a pre-commit run's budget (issue 16).
NOT_AT_START = (
    "multiprocessing",  # a run on one core never forks
    "tempfile",  # a pipe's spool, an atomic write, a fix's diff, in-memory rows
    "importlib.resources",  # it imports tempfile and shutil
    "decimal",  # in-memory rows' values
    "numpy.random",  # the MinHash seeds are read from minhash.seeds
    "langdetect",  # a text the stop words leave in doubt
    "tiktoken",  # a token rule with an exact tokenizer
    "jsonschema",  # a schema rule
    "pyarrow",  # a Parquet file
)


def test_a_lint_of_a_clean_file_imports_only_what_it_uses(tmp_path):
    answer = "The capital of France is Paris, which is also the largest city in the country."
    record = {"messages": [{"role": "user", "content": "What is the capital of France?"}]}
    record["messages"].append({"role": "assistant", "content": answer})
    data = tmp_path / "train.jsonl"
    data.write_text("".join(json.dumps(record).replace("France", f"France ({i})") + "\n" for i in range(20)))
    probe = (
        "import os, sys; from jsonl_lint.cli import main; code = main(sys.argv[1:]); "
        f"print(code, os.environ['OPENBLAS_NUM_THREADS'], [name for name in {NOT_AT_START!r} if name in sys.modules])"
    )
    env = {name: value for name, value in os.environ.items() if name != "OPENBLAS_NUM_THREADS"}
    command = [sys.executable, "-c", probe, str(data)]
    run = subprocess.run(command, cwd=tmp_path, env=env, capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    code, threads, imported = run.stdout.strip().splitlines()[-1].split(" ", 2)
    assert code in {"0", "1"}, run.stdout
    assert threads == "1", run.stdout  # set before numpy was imported: no BLAS thread per core
    assert imported == "[]", run.stdout


def test_start_up_is_frozen_only_in_the_commands_own_process(tmp_path):
    """gc.freeze() after start-up where main() runs the process (no argv: the console script, python -m);
    a caller's in-process call leaves its collector as it is."""
    data = tmp_path / "train.jsonl"
    data.write_text('{"messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello"}]}\n')
    probe = (
        "import gc, sys; from jsonl_lint.cli import main; main([sys.argv[1], '-q']); called = gc.get_freeze_count(); "
        "sys.argv[1:] = [sys.argv[1], '-q']; main(); print(called, gc.get_freeze_count() > 1000)"
    )
    run = subprocess.run([sys.executable, "-c", probe, str(data)], capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    assert run.stdout.split()[-2:] == ["0", "True"], run.stdout


def test_the_package_root_gives_each_public_name_when_asked_for():
    probe = (
        "import sys, jsonl_lint; assert 'jsonl_lint.api' not in sys.modules; "
        "import jsonl_lint.cli; assert 'jsonl_lint.api' not in sys.modules; "
        "names = {name: getattr(jsonl_lint, name) for name in jsonl_lint.__all__}; "
        "assert set(jsonl_lint.__all__) <= set(dir(jsonl_lint)); "
        "from jsonl_lint import lint, Settings; import jsonl_lint.api, jsonl_lint.config, jsonl_lint.stats; "
        "assert lint is jsonl_lint.api.lint and Settings is jsonl_lint.config.Settings; "
        "assert jsonl_lint.stats is jsonl_lint.api.stats, 'the function, not its module'; "
        "print(len(names), sorted(n for n, v in names.items() if v is None))"
    )
    run = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    assert run.stdout.split() == ["19", "[]"]
    with pytest.raises(AttributeError, match="no attribute 'nothing'"):
        jsonl_lint.nothing  # noqa: B018
