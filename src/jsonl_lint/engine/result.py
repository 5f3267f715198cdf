"""What a lint run hands back: every diagnostic, the inputs, the errors, and views of them for
scripts and notebooks (exit code, counts, JSON, a DataFrame, keep-masks over rows)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import orjson

from jsonl_lint import docs
from jsonl_lint.codes import ABOUT_THE_FILE
from jsonl_lint.config import Resolved, specificity
from jsonl_lint.diagnostics import Diagnostic, Severity
from jsonl_lint.files.sources import Source
from jsonl_lint.outcome import exit_code, judge
from jsonl_lint.rules.base import Rule
from jsonl_lint.text.scan import mask_pii

#: The columns of :meth:`Result.to_pandas`, in order.
COLUMNS = (
    "path", "row", "line", "column", "code", "name", "severity", "message", "json_path", "related", "fingerprint",
    "group",
)  # fmt: skip


@dataclass
class Result:
    """Everything a reporter needs, and what a script asks of a run."""

    diagnostics: list[Diagnostic]
    sources: list[Source]
    errors: list[str]  # one-line errors: missing or unreadable paths, internal failures
    resolved: Resolved
    rules: dict[str, Rule] = field(default_factory=dict)  # every rule that reported, by code
    collected: dict[str, Any] = field(default_factory=dict)  # what each collector's reduce returned, by code
    notes: list[str] = field(default_factory=list)  # what the run skipped and why (a named pipe in a folder)
    fail_on: Severity = Severity.WARNING  # the settings' `fail-on`, for the exit code

    @property
    def exit_code(self) -> int:
        """What ``jsonl-lint`` would exit with: 0 clean, 1 findings at or above ``fail-on``, 2 unreadable input."""
        return exit_code(judge(self, self.fail_on))

    @property
    def ok(self) -> bool:
        """No finding at or above ``fail-on`` and every input read (exit code 0)."""
        return self.exit_code == 0

    @property
    def by_severity(self) -> dict[str, int]:
        """Findings per severity, most severe first: ``{"error": 2, "warning": 5, "info": 0}``."""
        counts = Counter(d.severity for d in self.diagnostics)
        return {str(level): counts[level] for level in sorted(Severity, reverse=True)}

    @property
    def by_code(self) -> dict[str, int]:
        """Findings per rule code, in code order (as ``--statistics`` counts them: a collapsed finding is one)."""
        return dict(sorted(Counter(d.code for d in self.diagnostics).items()))

    def objects(self, show_pii: bool = False) -> list[dict[str, Any]]:
        """One JSON object per finding, with its rule's page (``url``), fix and fingerprint; e-mail
        addresses and phone numbers in messages masked unless ``show_pii`` (``--show-pii``)."""
        urls = {code: docs.help_uri(rule) for code, rule in self.rules.items()}
        found = []
        for d in self.diagnostics:
            item = d.to_dict()
            if not show_pii:
                item["message"] = mask_pii(d.message)
            item["url"] = urls.get(d.code)
            found.append(item)
        return found

    def to_json(self, show_pii: bool = False) -> str:
        """The findings as ``--output-format json`` writes them."""
        return orjson.dumps(self.objects(show_pii), option=orjson.OPT_INDENT_2).decode()

    def to_pandas(self) -> Any:
        """The findings as a pandas DataFrame, one row per finding (pandas is imported only here)."""
        import pandas as pd  # an optional dependency: only this view needs it

        records = [
            {
                **{name: getattr(d, name) for name in COLUMNS if hasattr(d, name)},
                "severity": str(d.severity),
                "related": [f"{loc.path}:{loc.line}" if loc.line is not None else loc.path for loc in d.related],
            }
            for d in self.diagnostics
        ]
        frame = pd.DataFrame(records, columns=list(COLUMNS))
        for name in ("row", "line", "column"):
            frame[name] = frame[name].astype("Int64")  # missing stays missing, numbers stay integers
        return frame

    def rows(self, code: str, name: str | None = None) -> list[int]:
        """The 0-based rows that ``code`` (a code, prefix or rule name, as in ``select``) hit, in order,
        repeats of a collapsed finding included. ``name``: the input, when the run had several."""
        source = self._rowed(name)
        return sorted({line - 1 for d in self._of(source) if self._selects(code, d) for line in record_lines(d)})

    def mask(self, min_severity: str | Severity = "error", codes: Any = None, name: str | None = None) -> list[bool]:
        """A keep-list, one boolean per row: False for each row with a finding at or above
        ``min_severity`` (of ``codes`` only, when given: codes, prefixes or names), for
        ``Dataset.filter`` and ``df[mask]``. Findings about the input as a whole (D002, F008) or as bytes
        (F002, F003, F005) drop no row (:func:`record_lines`)."""
        source = self._rowed(name)
        least = min_severity if isinstance(min_severity, Severity) else Severity.parse(min_severity)
        chosen = [codes] if isinstance(codes, str) else codes
        keep = [True] * source.lines
        for d in self._of(source):
            if d.severity >= least and (chosen is None or any(self._selects(c, d) for c in chosen)):
                for line in record_lines(d):
                    keep[line - 1] = False
        return keep

    def _selects(self, selector: str, d: Diagnostic) -> bool:
        return specificity(selector, type(self.rules[d.code])) > 0

    def _of(self, source: Source) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.path == source.path]

    def _rowed(self, name: str | None) -> Source:
        """The input numbered by rows that ``name`` names (the only one, when None)."""
        rowed = [s for s in self.sources if s.by_rows]
        found = [s for s in rowed if name is None or name in (s.path, s.split)]
        if len(found) == 1:
            return found[0]
        known = ", ".join(repr(s.path) for s in rowed) or "none: lint_records, lint_splits or a Parquet file have rows"
        if not found:
            raise ValueError(f"no input with rows named {name!r} (inputs with rows: {known})")
        raise ValueError(f"name one of the inputs with rows: {known}")


def record_lines(d: Diagnostic) -> Sequence[int]:
    """The lines of the records ``d`` is about: every line of a collapsed finding; none for a finding
    about the file as bytes (:data:`~jsonl_lint.codes.ABOUT_THE_FILE`, even where it names a line) or
    about no line in particular."""
    if d.code in ABOUT_THE_FILE or d.line is None:
        return ()
    return d.lines if d.lines is not None else (d.line,)
