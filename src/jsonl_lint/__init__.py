"""jsonl-lint: a fast, streaming data-quality linter for JSONL fine-tuning datasets.

Python API (``docs/python-api.md``)::

    from jsonl_lint import Settings, lint, lint_records

    result = lint("data/", Settings(ignore=["D002"]))
    for d in result.diagnostics:
        print(d.path, d.line, d.code, d.message)

    result = lint_records(dataset)  # a Dataset, a DataFrame, a generator of dicts: each finding has its row
    keep = result.mask()            # False for each row with an error
    clean = dataset.filter(lambda _, i: keep[i], with_indices=True)

The names are imported when first asked for (PEP 562): ``import jsonl_lint.cli`` does not import the
engine, numpy among it, before the command line has said what to run.
"""

from __future__ import annotations

import importlib
import sys
import types
from typing import TYPE_CHECKING, Any

from jsonl_lint._version import __version__

#: public name -> the module that defines it
_WHERE = {
    "lint": "api", "lint_records": "api", "lint_splits": "api", "Settings": "config",
    "Diagnostic": "diagnostics", "Location": "diagnostics", "Severity": "diagnostics", "Result": "engine",
    "ConfigError": "errors", "Example": "example", "Turn": "example", "hookimpl": "hooks",
    "DatasetRule": "rules.base", "Finding": "rules.base", "Option": "rules.base", "RecordRule": "rules.base",
    "Rule": "rules.base",
}  # fmt: skip

__all__ = [
    "ConfigError", "DatasetRule", "Diagnostic", "Example", "Finding", "Location", "Option", "RecordRule",
    "Result", "Rule", "Settings", "Severity", "Turn", "__version__", "hookimpl", "lint", "lint_records",
    "lint_splits", "stats",
]  # fmt: skip


def __getattr__(name: str) -> Any:
    where = _WHERE.get(name)
    if where is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{where}"), name)
    globals()[name] = value  # asked for once
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_WHERE, "stats"})


class _Package(types.ModuleType):
    """The package, whose ``stats`` is :func:`jsonl_lint.api.stats` even once its module of the same name
    (``jsonl_lint/stats.py``) is imported: the import system sets a package's attribute to each submodule
    it loads, after the package, which eager imports used to win by importing it first."""

    @property
    def stats(self):
        from jsonl_lint.api import stats

        return stats

    @stats.setter
    def stats(self, module: types.ModuleType) -> None:
        pass  # the submodule stays in sys.modules; the name stays the function


sys.modules[__name__].__class__ = _Package


if TYPE_CHECKING:
    from jsonl_lint.api import lint, lint_records, lint_splits, stats
    from jsonl_lint.config import Settings
    from jsonl_lint.diagnostics import Diagnostic, Location, Severity
    from jsonl_lint.engine import Result
    from jsonl_lint.errors import ConfigError
    from jsonl_lint.example import Example, Turn
    from jsonl_lint.hooks import hookimpl
    from jsonl_lint.rules.base import DatasetRule, Finding, Option, RecordRule, Rule
