"""The engine runs a lint: :mod:`~jsonl_lint.engine.linter` (the run), ``records`` (one task),
``findings`` (rule output to diagnostics), ``executors`` (where tasks run)."""

from jsonl_lint.engine.linter import Linter, Result, default_jobs, lint

__all__ = ["Linter", "Result", "default_jobs", "lint"]
