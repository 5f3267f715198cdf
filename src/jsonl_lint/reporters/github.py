"""GitHub Actions workflow commands: ``::error file=…,line=…::message``.

GitHub shows the first 10 annotations of each kind (error, warning, notice) per step, so they are
written in order of importance: errors first, and within a severity leakage and the file's
structure before conversations, the dataset as a whole, privacy, tokens and language (plugins
last), then in file order. Personal data in messages is masked: annotations are public on public
repositories.
"""

from __future__ import annotations

from typing import TextIO

from jsonl_lint.diagnostics import Diagnostic, Severity
from jsonl_lint.text.scan import mask_pii

COMMAND = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}
#: Families in the order their findings matter most, for the annotations GitHub shows.
IMPORTANCE = "VFJSCDPTL"


def importance(d: Diagnostic) -> tuple:
    family = d.code.rstrip("0123456789")
    return (-d.severity, IMPORTANCE.index(family) if family in IMPORTANCE else len(IMPORTANCE), *d.sort_key())


def annotated(diagnostics: list[Diagnostic]) -> list[Diagnostic]:
    """The diagnostics in the order they are annotated."""
    return sorted(diagnostics, key=importance)


def escape_data(value: str) -> str:
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(value: str) -> str:
    return escape_data(value).replace(":", "%3A").replace(",", "%2C")


def report(result, out: TextIO, style=None) -> None:
    for d in annotated(result.diagnostics):
        props = [f"file={escape_property(d.path)}"]
        if d.line is not None:
            props.append(f"line={d.line}")
            props.append(f"endLine={d.end_line or d.line}")
        if d.column is not None:
            props.append(f"col={d.column}")
        props.append(f"title={escape_property(f'jsonl-lint ({d.code})')}")
        message = mask_pii(d.message)
        out.write(f"::{COMMAND[d.severity]} {','.join(props)}::{escape_data(f'{d.code} {d.name}: {message}')}\n")
