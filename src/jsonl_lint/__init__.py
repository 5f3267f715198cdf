"""jsonl-lint: a fast, streaming data-quality linter for JSONL fine-tuning datasets.

Python API::

    from jsonl_lint import Settings, lint

    result = lint(["data/"], Settings(ignore=["D002"]))
    for d in result.diagnostics:
        print(d.path, d.line, d.code, d.message)
"""

__version__ = "0.1.0"

from jsonl_lint.config import ConfigError, Settings  # noqa: E402
from jsonl_lint.diagnostics import Diagnostic, Location, Severity
from jsonl_lint.engine import Result, lint
from jsonl_lint.formats import Example, Turn
from jsonl_lint.plugins import hookimpl
from jsonl_lint.rule import DatasetRule, Finding, Option, RecordRule, Rule

__all__ = [
    "ConfigError", "DatasetRule", "Diagnostic", "Example", "Finding", "Location", "Option", "RecordRule",
    "Result", "Rule", "Settings", "Severity", "Turn", "hookimpl", "lint",
]  # fmt: skip
