"""Human output in the style of ruff: ``path:line:col: CODE message``."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import TextIO

from jsonl_lint.diagnostics import Diagnostic, Severity, snippet
from jsonl_lint.files.open import read_lines

#: Control characters from the data must not reach a terminal (an ESC could rewrite the
#: screen); each becomes one visible character so carets stay aligned.
_CONTROL = {c: "\ufffd" for c in (*range(32), *range(127, 160))} | {9: " "}


def printable(text: str) -> str:
    return text.translate(_CONTROL)


@dataclass(frozen=True)
class Style:
    """ANSI colours, or none (when the output is not a terminal)."""

    color: bool = False

    def _wrap(self, code: str, text: str) -> str:
        return f"\x1b[{code}m{text}\x1b[0m" if self.color else text

    def bold(self, text: str) -> str:
        return self._wrap("1", text)

    def dim(self, text: str) -> str:
        return self._wrap("2", text)

    def severity(self, severity: Severity, text: str) -> str:
        return self._wrap({Severity.ERROR: "1;31", Severity.WARNING: "1;33", Severity.INFO: "1;36"}[severity], text)


def location(d: Diagnostic, style: Style) -> str:
    parts = [style.bold(printable(d.path))]
    if d.line is not None:
        parts.append(str(d.line))
        if d.column is not None:
            parts.append(str(d.column))
    return ":".join(parts) + ":"


def headline(d: Diagnostic, style: Style) -> str:
    return f"{location(d, style)} {style.severity(d.severity, d.code)} {printable(d.message)}"


def concise(result, out: TextIO, style: Style) -> None:
    for d in result.diagnostics:
        out.write(headline(d, style) + "\n")


def full(result, out: TextIO, style: Style) -> None:
    """Each diagnostic with the offending part of its line and a caret under the column."""
    # the text of the lines dataset rules point at (they carry no snippet), read once per file
    wanted: dict[str, set[int]] = {}
    for d in result.diagnostics:
        if d.snippet is None and d.line is not None:
            wanted.setdefault(d.path, set()).add(d.line)
    fetched = read_lines(wanted)
    for d in result.diagnostics:
        out.write(headline(d, style) + "\n")
        shown = d.snippet
        if shown is None and (d.path, d.line) in fetched:
            line = fetched[d.path, d.line]
            for rule in result.resolved.rules:  # secrets stay masked (P003)
                line = rule.redact(line)
            shown = snippet(line, d.column)
        if shown is not None:
            gutter = " " * len(str(d.line))
            window, caret = shown
            out.write(style.dim(f"{gutter} |") + "\n")
            out.write(style.dim(f"{d.line} |") + f" {printable(window)}\n")
            if d.column is not None:
                out.write(
                    style.dim(f"{gutter} |") + " " * (caret + 1) + style.severity(d.severity, f"^ {d.name}") + "\n"
                )
        for related in d.related:
            where = f"{related.path}:{related.line}" if related.line is not None else related.path
            out.write(style.dim(f"  = related: {printable(where)}") + "\n")
        out.write("\n")


def summary(result, out: TextIO, style: Style) -> None:
    diagnostics = result.diagnostics
    files = len(result.sources)
    records = sum(s.records for s in result.sources)
    scope = f"{files:,} file{'s' if files != 1 else ''}, {records:,} record{'s' if records != 1 else ''}"
    failed = len(result.errors)
    unread = f"; {failed:,} input{'s' if failed > 1 else ''} could not be linted (see above)" if failed else ""
    if not diagnostics:
        if failed:
            out.write(f"No problems found in {scope}{unread}.\n")
        else:
            out.write(f"{style.bold('All checks passed!')} ({scope})\n")
        return
    by_severity = Counter(d.severity for d in diagnostics)
    parts = [
        f"{by_severity[level]:,} {str(level)}{'s' if by_severity[level] > 1 and level != Severity.INFO else ''}"
        for level in (Severity.ERROR, Severity.WARNING, Severity.INFO)
        if by_severity[level]
    ]
    affected = len({d.path for d in diagnostics})
    noun = "problem" if len(diagnostics) == 1 else "problems"
    out.write(f"Found {len(diagnostics):,} {noun} ({', '.join(parts)}) in {affected:,} of {scope}{unread}.\n")
