"""The engine runs a lint: :mod:`~jsonl_lint.engine.linter` (the run), ``records`` (one task),
``findings`` (rule output to diagnostics), ``executors`` (where tasks run), ``result`` (what a run hands back)."""

from jsonl_lint.engine.linter import Linter, default_jobs
from jsonl_lint.engine.result import Result

__all__ = ["Linter", "Result", "default_jobs"]
