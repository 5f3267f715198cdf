"""Helpers for testing rules, plugin rules above all: these JSONL lines give these codes.

::

    from jsonl_lint.testing import assert_codes

    def test_a_missing_system_prompt_is_reported():
        assert_codes([GOOD, MISSING, GOOD], {"H001": [2]})

The lines are written to a temporary file (``train.jsonl`` unless ``path`` says
otherwise) and linted with only the rules named in ``expected`` (or ``select``)
enabled. ``config`` is a table as in ``[tool.jsonl-lint]``, so a rule's options
are given exactly as a user gives them: ``{"H001": {"system-prompt": "..."}}``.
A plugin that is not installed is loaded by module name with
``config={"plugins": ["my_rules"]}`` (and ``"plugin-paths"``, relative to the
current folder).
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import orjson

from jsonl_lint.api import lint
from jsonl_lint.config import Settings
from jsonl_lint.diagnostics import Diagnostic

Line = str | bytes | Mapping[str, Any]


def _encode(line: Line) -> bytes:
    if isinstance(line, Mapping):
        return orjson.dumps(line)
    return line.encode("utf-8") if isinstance(line, str) else line


def lint_lines(
    lines: Iterable[Line],
    select: Iterable[str] = ("ALL",),
    config: Mapping[str, Any] | None = None,
    path: str = "train.jsonl",
) -> list[Diagnostic]:
    """Lint ``lines`` (JSON text, bytes, or dicts; one record each) as the file ``path`` and return the diagnostics.

    Each line gets a newline; pass bytes with their own line ending to test a file's bytes exactly.
    """
    settings = Settings()
    if config:
        settings.apply(dict(config), "config")
    settings.select = list(select)
    with tempfile.TemporaryDirectory() as folder:
        file = Path(folder) / path
        file.parent.mkdir(parents=True, exist_ok=True)
        file.write_bytes(b"".join(_encode(line) + (b"" if isinstance(line, bytes) else b"\n") for line in lines))
        result = lint([str(file)], settings)
        if result.errors:
            raise AssertionError(f"the run failed: {'; '.join(result.errors)}")
        for diagnostic in result.diagnostics:
            diagnostic.path = path
    return result.diagnostics


def _sorted(codes: Mapping[str, list[int | None]]) -> dict[str, list[int | None]]:
    """Codes that report, each with its lines in order (file-level findings, None, first)."""
    return {code: sorted(lines, key=lambda line: line or 0) for code, lines in codes.items() if lines}


def assert_codes(
    lines: Iterable[Line],
    expected: Mapping[str, list[int | None]],
    *,
    select: Iterable[str] | None = None,
    config: Mapping[str, Any] | None = None,
    path: str = "train.jsonl",
) -> None:
    """Assert that ``lines`` give exactly ``expected``: rule code -> the sorted lines it reports (None: the file).

    Only the codes in ``expected`` run, unless ``select`` names the rules (``select=["H001"]`` with
    ``expected={}`` checks that H001 reports nothing).
    """
    chosen = list(expected) if select is None else list(select)
    if not chosen:
        raise ValueError("assert_codes: name the rules to run in `expected` or `select`")
    diagnostics = lint_lines(lines, chosen, config, path)
    got: dict[str, list[int | None]] = {}
    for d in diagnostics:
        got.setdefault(d.code, []).append(d.line)
    got, want = _sorted(got), _sorted(expected)
    if got != want:
        listing = "\n".join(f"  {path}:{d.line or '-'}: {d.code} {d.message}" for d in diagnostics) or "  (none)"
        raise AssertionError(f"expected {want}, got {got}; the diagnostics:\n{listing}")
