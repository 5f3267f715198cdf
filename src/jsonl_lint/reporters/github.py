"""GitHub Actions workflow commands: ``::error file=…,line=…::message``."""

from __future__ import annotations

from typing import TextIO

from jsonl_lint.diagnostics import Severity

COMMAND = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}


def escape_data(value: str) -> str:
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(value: str) -> str:
    return escape_data(value).replace(":", "%3A").replace(",", "%2C")


def report(result, out: TextIO, style=None) -> None:
    for d in result.diagnostics:
        props = [f"file={escape_property(d.path)}"]
        if d.line is not None:
            props.append(f"line={d.line}")
            props.append(f"endLine={d.end_line or d.line}")
        if d.column is not None:
            props.append(f"col={d.column}")
        props.append(f"title={escape_property(f'jsonl-lint ({d.code})')}")
        out.write(f"::{COMMAND[d.severity]} {','.join(props)}::{escape_data(f'{d.code} {d.name}: {d.message}')}\n")
