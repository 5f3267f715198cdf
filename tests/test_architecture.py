"""The layered house: the import contracts hold, and no module imports its way back in a circle."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import grimp
from conftest import ROOT


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
