"""Diagnostics: what every rule reports and every reporter prints."""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import NamedTuple

SNIPPET_CHARS = 160


class Severity(enum.IntEnum):
    """Ordered so that ``severity >= Severity.WARNING`` reads naturally."""

    INFO = 1
    WARNING = 2
    ERROR = 3

    def __str__(self) -> str:
        return self.name.lower()

    @classmethod
    def parse(cls, value: str) -> Severity:
        try:
            return cls[value.upper()]
        except KeyError:
            raise ValueError(f"unknown severity {value!r} (expected error, warning or info)") from None


class Location(NamedTuple):
    """A place in a file: ``line`` is 1-based, ``None`` for the file as a whole."""

    path: str
    line: int | None = None

    def to_dict(self) -> dict:
        return {"path": self.path, "line": self.line}


@dataclass
class Diagnostic:
    """One finding.

    ``column`` is 1-based and counts characters of the decoded line, except for
    F001 (invalid UTF-8), where it counts bytes because there are no characters.
    ``json_path`` (``$.messages[2].role``) lets the engine find the column of the
    offending element in the raw line. ``fingerprint`` identifies the finding
    across commits (SARIF ``partialFingerprints``, baselines): the engine fills
    it from the rule code, a hash of the record's bytes (without the line
    ending) and the JSON path; a dataset rule from the content keys of the
    records it compares. It never holds a line number.
    """

    path: str
    line: int | None
    code: str
    name: str
    severity: Severity
    message: str
    column: int | None = None
    end_line: int | None = None
    json_path: str | None = None
    related: tuple[Location, ...] = ()
    fingerprint: str | None = None
    #: 0-based row of an input numbered by rows (records linted in memory, a Parquet file): ``line - 1``
    row: int | None = None
    #: lines of the repeats merged into this finding (a collapsed rule's); they count as its rows too
    repeats: Sequence[int] = field(default=(), repr=False, compare=False)
    #: (window of the offending line, caret index in it), for ``--output-format full``
    snippet: tuple[str, int] | None = field(default=None, repr=False, compare=False)

    def sort_key(self) -> tuple:
        return (self.path, self.line or 0, self.column or 0, self.code, self.message)

    def to_dict(self) -> dict:
        row = {} if self.row is None else {"row": self.row}
        return {
            "path": self.path,
            **row,
            "line": self.line,
            "column": self.column,
            "end_line": self.end_line if self.end_line is not None else self.line,
            "code": self.code,
            "name": self.name,
            "severity": str(self.severity),
            "message": self.message,
            "related": [loc.to_dict() for loc in self.related],
        }


def snippet(text: str, column: int | None) -> tuple[str, int]:
    """A window of at most SNIPPET_CHARS around ``column`` and the caret's place in it."""
    text = text.rstrip("\r\n")
    offset = (column or 1) - 1
    start = max(0, min(offset - SNIPPET_CHARS // 3, len(text) - SNIPPET_CHARS))
    window = text[start : start + SNIPPET_CHARS]
    caret = offset - start
    if start:
        window, caret = "…" + window, caret + 1
    if start + SNIPPET_CHARS < len(text):
        window += "…"
    return window, caret
