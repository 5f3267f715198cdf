"""Human output in the style of ruff: ``path:line:col: CODE message``."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import TextIO

from jsonl_lint.diagnostics import Diagnostic, Severity, snippet
from jsonl_lint.files.open import read_lines
from jsonl_lint.text.scan import mask_pii

#: Control characters from the data must not reach a terminal (an ESC could rewrite the
#: screen); each becomes one visible character so carets stay aligned.
_CONTROL = {c: "\ufffd" for c in (*range(32), *range(127, 160))} | {9: " "}


def printable(text: str) -> str:
    return text.translate(_CONTROL)


@dataclass(frozen=True)
class Style:
    """How findings are shown: ANSI colours or none (when the output is not a terminal), whether unsafe fixes
    count as available (``--unsafe-fixes``), personal data unmasked (``--show-pii``, local output only), and
    how many findings ``--min-severity`` left out."""

    color: bool = False
    unsafe_fixes: bool = False
    show_pii: bool = False
    hidden: int = 0

    def _wrap(self, code: str, text: str) -> str:
        return f"\x1b[{code}m{text}\x1b[0m" if self.color else text

    def bold(self, text: str) -> str:
        return self._wrap("1", text)

    def dim(self, text: str) -> str:
        return self._wrap("2", text)

    def severity(self, severity: Severity, text: str) -> str:
        return self._wrap({Severity.ERROR: "1;31", Severity.WARNING: "1;33", Severity.INFO: "1;36"}[severity], text)

    def fixable(self, d: Diagnostic) -> bool:
        """Whether ``--fix`` (with ``--unsafe-fixes`` when given) would repair ``d``."""
        return d.fix is not None and (d.fix.applicability == "safe" or self.unsafe_fixes)

    def private(self, text: str) -> str:
        """``text`` as local output shows it: e-mail addresses and phone numbers masked unless ``--show-pii``."""
        return text if self.show_pii else mask_pii(text)


def location(d: Diagnostic, style: Style) -> str:
    parts = [style.bold(printable(d.path))]
    if d.line is not None:
        parts.append(str(d.line))
        if d.column is not None:
            parts.append(str(d.column))
    return ":".join(parts) + ":"


def headline(d: Diagnostic, style: Style) -> str:
    """``path:line:col: CODE [*] severity: message``: the severity in words (logs have no colour), ``[*]``
    where ``--fix`` repairs it, as ruff marks it."""
    mark = " [*]" if style.fixable(d) else ""
    severity = style.severity(d.severity, f"{d.code}{mark} {d.severity}:")
    return f"{location(d, style)} {severity} {printable(style.private(d.message))}"


def concise(result, out: TextIO, style: Style) -> None:
    for d in result.diagnostics:
        out.write(headline(d, style) + "\n")


def full(result, out: TextIO, style: Style) -> None:
    """Each diagnostic with the offending part of its line, underlined, and its fix and fingerprint."""
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
            shown = snippet(line, d.column, d.end_column)
        if shown is not None:
            gutter = " " * len(str(d.line))
            window, caret = shown
            out.write(style.dim(f"{gutter} |") + "\n")
            out.write(style.dim(f"{d.line} |") + f" {printable(style.private(window))}\n")
            if d.column is not None:
                width = max(1, min((d.end_column or d.column + 1) - d.column, len(window) - caret))
                underline = style.severity(d.severity, f"{'^' * width} {d.name}")
                out.write(style.dim(f"{gutter} |") + " " * (caret + 1) + underline + "\n")
        for related in d.related:
            where = f"{related.path}:{related.line}" if related.line is not None else related.path
            out.write(style.dim(f"  = related: {printable(where)}") + "\n")
        if d.fix is not None:
            unsafe = " (unsafe: --fix --unsafe-fixes)" if d.fix.applicability != "safe" else " (--fix)"
            out.write(style.dim(f"  = fix: {d.fix.message}{unsafe}") + "\n")
        if d.fingerprint is not None:
            out.write(style.dim(f"  = fingerprint: {d.fingerprint}") + "\n")
        out.write("\n")


def fixes(diagnostics: list[Diagnostic], out: TextIO, style: Style, done: bool = False) -> None:
    """``--show-fixes``: what ``--fix`` would change (or, ``done``, changed), one line per finding."""
    listed = [d for d in diagnostics if d.fix is not None]
    if not listed:
        out.write("No fixes applied.\n" if done else "No fixes available.\n")
        return
    out.write(f"{'Fixed' if done else 'Fixes'}:\n")
    for d in listed:
        unsafe = "" if d.fix.applicability == "safe" else " (unsafe)"  # type: ignore[union-attr]
        out.write(f"  {location(d, style)} {d.code} {d.fix.message}{unsafe}\n")  # type: ignore[union-attr]


def summary(result, out: TextIO, style: Style) -> None:
    diagnostics = result.diagnostics
    files = len(result.sources)
    records = sum(s.records for s in result.sources)
    scope = f"{files:,} file{'s' if files != 1 else ''}, {records:,} record{'s' if records != 1 else ''}"
    failed = len(result.errors)
    unread = f"; {failed:,} input{'s' if failed > 1 else ''} could not be linted (see above)" if failed else ""
    hidden = f"; {style.hidden:,} below --min-severity not shown" if style.hidden else ""
    if not diagnostics:
        if failed or hidden:
            out.write(f"No problems found in {scope}{unread}{hidden}.\n")
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
    out.write(f"Found {len(diagnostics):,} {noun} ({', '.join(parts)}) in {affected:,} of {scope}{unread}{hidden}.\n")
    fixable = sum(style.fixable(d) for d in diagnostics)
    more = sum(d.fix is not None for d in diagnostics) - fixable
    unsafe = f" ({more:,} more with `--fix --unsafe-fixes`)" if more else ""
    if fixable:
        out.write(f"[*] {fixable:,} fixable with `--fix`{unsafe}.\n")
    elif more:
        out.write(f"No fixes available with `--fix` alone ({more:,} with `--fix --unsafe-fixes`).\n")
