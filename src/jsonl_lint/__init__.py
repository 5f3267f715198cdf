"""jsonl-lint: a fast, streaming data-quality linter for JSONL fine-tuning datasets.

Python API (``docs/python-api.md``)::

    from jsonl_lint import Settings, lint, lint_records

    result = lint("data/", Settings(ignore=["D002"]))
    for d in result.diagnostics:
        print(d.path, d.line, d.code, d.message)

    result = lint_records(dataset)  # a Dataset, a DataFrame, a generator of dicts: each finding has its row
    keep = result.mask()            # False for each row with an error
    clean = dataset.filter(lambda _, i: keep[i], with_indices=True)
"""

from jsonl_lint._version import __version__
from jsonl_lint.api import lint, lint_records, lint_splits, stats
from jsonl_lint.config import Settings
from jsonl_lint.diagnostics import Diagnostic, Location, Severity
from jsonl_lint.engine import Result
from jsonl_lint.errors import ConfigError
from jsonl_lint.example import Example, Turn
from jsonl_lint.hooks import hookimpl
from jsonl_lint.rules.base import DatasetRule, Finding, Option, RecordRule, Rule

__all__ = [
    "ConfigError", "DatasetRule", "Diagnostic", "Example", "Finding", "Location", "Option", "RecordRule",
    "Result", "Rule", "Settings", "Severity", "Turn", "__version__", "hookimpl", "lint", "lint_records",
    "lint_splits", "stats",
]  # fmt: skip
