"""A Markdown summary (GitHub job summary, pull-request comment): a table per rule, a table per file.

GitHub rejects a step summary over 1 MiB as a whole, so the summary is built within a byte
budget: rows that would overflow it are left out and counted in a closing note.
"""

from __future__ import annotations

import io
import os
from collections import Counter
from collections.abc import Mapping
from typing import TextIO
from urllib.parse import quote

from jsonl_lint import docs
from jsonl_lint.diagnostics import Diagnostic, Severity
from jsonl_lint.reporters.github import annotated
from jsonl_lint.reporters.text import Style, printable
from jsonl_lint.reporters.text import summary as summary_line

#: GitHub's limit for one step's summary is 1 MiB; stay below it with room to spare.
MAX_BYTES = 1_000_000
#: Room kept for the closing notes whatever the tables took.
RESERVE = 2_000
FIRST_LOCATIONS = 5
CELL_CHARS = 200
#: Annotations GitHub shows per step, for each of error, warning and notice (and 50 per job).
ANNOTATIONS_PER_STEP = 10
_ANNOTATION_KIND = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}
#: Characters that could start Markdown or HTML inside a table cell; each gets a backslash.
_SPECIAL = {ord(c): "\\" + c for c in "\\`*_[]<>|~&#@$"}


def cell(text: str) -> str:
    """Text shown literally in one table cell: one line, at most CELL_CHARS, Markdown escaped."""
    text = printable(text.replace("\r\n", " ").replace("\n", " ").replace("\r", " "))
    if len(text) > CELL_CHARS:
        text = text[: CELL_CHARS - 1] + "…"
    return text.translate(_SPECIAL)


def blob_url(path: str, line: int | None, environ: Mapping[str, str]) -> str | None:
    """The file at the commit being checked, on GitHub (in a workflow run; paths are relative to the checkout)."""
    server, repository, sha = (environ.get(k) for k in ("GITHUB_SERVER_URL", "GITHUB_REPOSITORY", "GITHUB_SHA"))
    if not (server and repository and sha) or path == "-" or os.path.isabs(path) or path.startswith(".."):
        return None
    return f"{server}/{repository}/blob/{sha}/{quote(path)}" + (f"#L{line}" if line is not None else "")


def _where(d: Diagnostic, environ: Mapping[str, str]) -> str:
    shown = cell(d.path if d.line is None else f"{d.path}:{d.line}")
    url = blob_url(d.path, d.line, environ)
    return f"[{shown}]({url})" if url else shown


class _Budget:
    """Lines written while they fit in ``left`` bytes less RESERVE; after one that does not, only closing lines.

    ``omitted`` counts the rows left out, for the closing note.
    """

    def __init__(self, out: TextIO, limit: int):
        self.out = out
        self.left = limit
        self.full = False
        self.omitted = 0

    def write(self, line: str, closing: bool = False) -> bool:
        """Write ``line``; a closing line (the end of a block, the final note) may use the reserve."""
        size = len(line.encode("utf-8")) + 1
        if size > self.left - (0 if closing else RESERVE) or (self.full and not closing):
            self.full = True
            return False
        self.out.write(line + "\n")
        self.left -= size
        return True

    def table(self, header: list[str], rows: list[list[str]], numeric: tuple[str, ...] = ()) -> None:
        """A table, its ``numeric`` columns aligned right."""
        if not rows:
            return
        rule = "|" + "".join("--:|" if name in numeric else "---|" for name in header)
        if not (self.write("| " + " | ".join(header) + " |") and self.write(rule)):
            self.omitted += len(rows)
            return
        for i, row in enumerate(rows):
            if not self.write("| " + " | ".join(row) + " |"):
                self.omitted += len(rows) - i
                return


def _rule_rows(result, environ: Mapping[str, str]) -> list[list[str]]:
    by_code: dict[str, list[Diagnostic]] = {}
    for d in result.diagnostics:
        by_code.setdefault(d.code, []).append(d)
    rows = []
    ranked = sorted(by_code.items(), key=lambda item: (-max(d.severity for d in item[1]), -len(item[1]), item[0]))
    for code, found in ranked:
        rule = result.rules.get(code)
        name = cell(code) if rule is None else f"[{cell(code)}]({docs.help_uri(rule)})"
        first = ", ".join(_where(d, environ) for d in found[:FIRST_LOCATIONS])
        more = len(found) - FIRST_LOCATIONS
        if more > 0:
            first += f" and {more:,} more"
        severity = max(d.severity for d in found)
        rows.append([name, cell(found[0].name), str(severity), f"{len(found):,}", first])
    return rows


def _file_rows(result) -> list[list[str]]:
    counts = Counter(d.path for d in result.diagnostics)
    return [
        [cell(s.path), cell(s.split or ""), cell(s.main_format or ""), f"{s.records:,}", f"{counts[s.path]:,}"]
        for s in result.sources
    ]


def _annotation_note(result) -> str | None:
    """What the step's annotations leave out: GitHub shows the first 10 of each kind, in the order
    :func:`~jsonl_lint.reporters.github.annotated` writes them (the most important first)."""
    shown: Counter = Counter()
    left_out: dict[str, Counter] = {}
    for d in annotated(result.diagnostics):
        kind = _ANNOTATION_KIND[d.severity]
        if shown[kind] < ANNOTATIONS_PER_STEP:
            shown[kind] += 1
        else:
            left_out.setdefault(kind, Counter())[d.code] += 1
    if not left_out:
        return None
    parts = []
    for kind in ("error", "warning", "notice"):
        if kind in left_out:
            codes = ", ".join(f"{code} {n:,}" for code, n in left_out[kind].most_common())
            count = sum(left_out[kind].values())
            parts.append(f"{count:,} {kind}{'s' if count != 1 else ''} ({codes})")
    return (
        f"> [!NOTE]\n> GitHub shows at most {ANNOTATIONS_PER_STEP} error, {ANNOTATIONS_PER_STEP} warning and "
        f"{ANNOTATIONS_PER_STEP} notice annotations per step (50 per job), the most important first (errors, then "
        f"leakage and structure before style); not annotated: {'; '.join(parts)}. "
        "Every finding is in the step's log, and in the SARIF report when one is written."
    )


def summary(result, out: TextIO, style: Style | None = None, *, max_bytes: int = MAX_BYTES, environ=None) -> None:
    """The Markdown summary of ``result`` in at most ``max_bytes`` UTF-8 bytes."""
    environ = os.environ if environ is None else environ
    budget = _Budget(out, max_bytes)
    line = io.StringIO()
    summary_line(result, line, Style(False))
    budget.write("### jsonl-lint")
    budget.write("")
    budget.write(cell(line.getvalue().strip().replace("(see above)", "(listed below)")))
    budget.write("")
    if result.diagnostics:
        budget.table(
            ["rule", "name", "severity", "findings", "first locations"], _rule_rows(result, environ), ("findings",)
        )
        budget.write("")
    note = _annotation_note(result)
    if note is not None:
        budget.write(note)
        budget.write("")
    if result.sources:
        rows = _file_rows(result)
        if budget.write(f"<details><summary>Files ({len(result.sources):,})</summary>") and budget.write(""):
            budget.table(["file", "split", "format", "records", "findings"], rows, ("records", "findings"))
            budget.write("", closing=True)
            budget.write("</details>", closing=True)
            budget.write("", closing=True)
        else:
            budget.omitted += len(rows)
    if result.errors:
        budget.write("**Could not lint:**")
        budget.write("")
        for i, error in enumerate(result.errors):
            if not budget.write(f"- {cell(error)}"):
                budget.omitted += len(result.errors) - i
                break
        budget.write("")
    if budget.omitted:
        budget.write(
            f"_{budget.omitted:,} more row{'s' if budget.omitted > 1 else ''} left out to keep this summary "
            f"within {max_bytes:,} bytes (GitHub's limit is 1 MiB); every finding is in the step's log._",
            closing=True,
        )
