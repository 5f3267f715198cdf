"""What every command shares about output: where it goes, its colours, one-line notes and errors,
and the mapping from a command's outcome to its exit code (:mod:`jsonl_lint.outcome`, which the Python
API shares)."""

from __future__ import annotations

import gc
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, TextIO

from jsonl_lint.errors import UsageError
from jsonl_lint.files.sources import discover
from jsonl_lint.outcome import EXIT_CODES, Outcome, exit_code, judge
from jsonl_lint.reporters.text import Style, printable

__all__ = [
    "EXIT_CODES",
    "Outcome",
    "errors",
    "exit_code",
    "judge",
    "notes",
    "output",
    "own_process",
    "refuse_inputs",
    "say",
    "settle",
    "style",
]


_own_process = False  # main() runs as its process's command (see settle())


def own_process() -> None:
    """Tell :func:`settle` that this process is the command's own (the console script, ``python -m``),
    not a caller's that runs a command in-process."""
    global _own_process
    _own_process = True


def settle() -> None:
    """Start-up is done (modules, rules, tables): in a process of the command's own, what it made lives
    until exit, and ``gc.freeze()`` keeps the cycle collector from walking it again at every full
    collection and at exit (33 M instructions of a 1 MB run's 1,085 M). A caller's process is left as
    it is: frozen objects are never collected."""
    if _own_process:
        gc.freeze()


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
