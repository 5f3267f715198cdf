"""Diagnostics: what every rule reports and every reporter prints."""

from __future__ import annotations

import enum
from array import array
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


class Edit(NamedTuple):
    """One change to a record, where a JSON path points: its value written anew (``value``, JSON text), or
    its key renamed (``key``). Everything else in the line stays as it was written."""

    path: str
    value: str | None = None
    key: str | None = None


class Fix(NamedTuple):
    """What ``--fix`` would do about a finding: ``applicability`` "safe" (``--fix``) or "unsafe" (it also
    needs ``--unsafe-fixes``: the repair may change what the data means), a one-line ``message``, and the
    ``edits`` that make it (none: the rule's ``fix_line`` does)."""

    applicability: str
    message: str
    edits: tuple[Edit, ...] = ()


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
    end_column: int | None = None  # just past the offending text, where a rule knows its extent
    fix: Fix | None = None  # what --fix would do, when the finding can be repaired
    #: occurrences this diagnostic stands for: more than 1 when a finding that repeats on most lines of
    #: a file is reported once (its message then says how many more, ``related`` lists the first ones)
    count: int = 1
    #: every line a collapsed finding stands for (``--fix`` repairs each; a keep-mask drops each)
    lines: array | None = field(default=None, repr=False, compare=False)
    #: 0-based row of an input numbered by rows (records linted in memory, a Parquet file): ``line - 1``
    row: int | None = None
    #: duplicates and leakage: the same for every finding about one group of alike examples (the content
    #: key of the group's first member, 16 hex digits), so that one member of each can be kept
    group: str | None = None
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
            "count": self.count,
            "related": [loc.to_dict() for loc in self.related],
            "fingerprint": self.fingerprint,
            "group": self.group,
            "fix": None if self.fix is None else {"applicability": self.fix.applicability, "message": self.fix.message},
        }


def snippet(text: str, column: int | None, end_column: int | None = None) -> tuple[str, int]:
    """A window of at most SNIPPET_CHARS of ``text`` around ``column`` (centred on the span up to
    ``end_column`` when there is one), and the caret's place in it."""
    text = text.rstrip("\r\n")
    offset = (column or 1) - 1
    width = (end_column - column) if end_column and column else 0
    lead = max(SNIPPET_CHARS // 3, (SNIPPET_CHARS - width) // 2) if width else SNIPPET_CHARS // 3
    start = max(0, min(offset - lead, len(text) - SNIPPET_CHARS))
    window = text[start : start + SNIPPET_CHARS]
    caret = offset - start
    if start:
        window, caret = "…" + window, caret + 1
    if start + SNIPPET_CHARS < len(text):
        window += "…"
    return window, caret
