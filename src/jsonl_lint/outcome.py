"""How a lint ended, and the exit code of each ending: a leaf, so that the command line and the
Python API's ``Result.exit_code`` decide it the same way, in one place."""

from __future__ import annotations

import enum
from typing import Any

from jsonl_lint.diagnostics import Severity


class Outcome(enum.Enum):
    """How a command ended."""

    CLEAN = "clean"  # nothing at or above --fail-on (or --exit-zero)
    FINDINGS = "findings"  # findings at or above --fail-on; --diff: changes it would make
    ERROR = "error"  # a usage, configuration or internal error, or an input that could not be read
    INTERRUPTED = "interrupted"  # Ctrl-C
    TERMINATED = "terminated"  # SIGTERM


#: The exit code of each outcome: the only place that decides one.
EXIT_CODES = {
    Outcome.CLEAN: 0, Outcome.FINDINGS: 1, Outcome.ERROR: 2, Outcome.INTERRUPTED: 130, Outcome.TERMINATED: 143
}  # fmt: skip


def exit_code(outcome: Outcome) -> int:
    return EXIT_CODES[outcome]


def judge(result: Any, fail_on: Severity, exit_zero: bool = False) -> Outcome:
    """The outcome of a lint: an input that could not be linted is an error; else findings at ``fail_on``."""
    if result.errors:
        return Outcome.ERROR
    if exit_zero:
        return Outcome.CLEAN
    return Outcome.FINDINGS if any(d.severity >= fail_on for d in result.diagnostics) else Outcome.CLEAN
