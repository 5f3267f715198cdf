"""What every command shares about output: where it goes, its colours, one-line notes and errors,
and the one mapping from a command's outcome to its exit code."""

from __future__ import annotations

import enum
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, TextIO

from jsonl_lint.diagnostics import Severity
from jsonl_lint.errors import UsageError
from jsonl_lint.files.sources import discover
from jsonl_lint.reporters.text import Style, printable


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


def judge(result: Any, fail_on: Severity, exit_zero: bool) -> Outcome:
    """The outcome of a lint: an input that could not be linted is an error; else findings at ``fail_on``."""
    if result.errors:
        return Outcome.ERROR
    if exit_zero:
        return Outcome.CLEAN
    return Outcome.FINDINGS if any(d.severity >= fail_on for d in result.diagnostics) else Outcome.CLEAN


def style(choice: str, stream: TextIO) -> Style:
    """Colours for ``--color``: ``auto`` colours a terminal (NO_COLOR and FORCE_COLOR respected)."""
    if choice != "auto":
        return Style(choice == "always")
    if os.environ.get("NO_COLOR"):
        return Style(False)
    if os.environ.get("FORCE_COLOR"):
        return Style(True)
    return Style(hasattr(stream, "isatty") and stream.isatty())


@contextmanager
def output(path: str | None, option: str = "--output-file", stdout: bool = True) -> Iterator[Any]:
    """``path`` opened for writing (a usage error, naming ``option``, if it cannot be); without
    a path, standard output (or None when not ``stdout``)."""
    if not path:
        yield sys.stdout if stdout else None
        return
    try:
        stream = open(path, "w", encoding="utf-8")
    except OSError as exc:
        raise UsageError(f"{option} {path}: {exc.strerror}") from None
    with stream:
        yield stream


def say(line: str) -> None:
    """One line on standard error, whatever it holds: a path with a line break (or an escape sequence)
    cannot start a line of its own, such as a GitHub workflow command (``::error ...``)."""
    print(printable(line), file=sys.stderr)


def errors(found: list[str]) -> None:
    """One line on standard error per input that could not be linted."""
    for error in found:
        say(f"jsonl-lint: error: {error}")


def notes(quiet: bool, *lines: str) -> None:
    """What a command tells besides its report, on standard error (not with ``--quiet``)."""
    if not quiet:
        for line in lines:
            say(f"jsonl-lint: {line}")


def refuse_inputs(paths: list[str], settings: Any, *outputs: tuple[str | None, str]) -> None:
    """A usage error when an output file (path, option) is one of the inputs, or their split partners:
    opening it for writing would truncate the data before it is read."""
    written = [(path, option) for path, option in outputs if path and os.path.exists(path)]
    if not written:
        return
    sources, _ = discover(paths, **settings.discovery())
    for path, option in written:
        for source in sources:
            try:
                same = not source.pipe and os.path.samefile(path, source.name)
            except OSError:
                continue
            if same:
                raise UsageError(f"{option} {path} is an input of this run ({source.path}); it would be overwritten")
