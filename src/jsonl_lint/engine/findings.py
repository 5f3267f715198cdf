"""Turning what the reader, the formats and the rules report into diagnostics.

Each finding gets its place (the column of its JSON path in the raw line), a snippet of the line
with secrets masked, and a fingerprint from the record's content; findings of collapsible rules
that repeat in a file are merged into their first; identical fingerprints are numbered.
"""

from __future__ import annotations

from collections.abc import Callable, Collection

from jsonl_lint.diagnostics import Diagnostic, snippet
from jsonl_lint.errors import InternalError
from jsonl_lint.jsonpath import locate
from jsonl_lint.rules.base import Rule
from jsonl_lint.text.keys import stable_hash

LINE_ENDING = b"\r\n"

#: ``report(code, line, column, message, json_path=None, raw=None, end_line=None)``
Report = Callable[..., None]


class Findings:
    """Builds the diagnostics of one run's enabled ``rules`` (by code); ``known`` is every registered code."""

    def __init__(self, rules: dict[str, Rule], known: Collection[str]):
        self.rules = rules
        self.known = known
        # Rules that mask what they find (secrets) in every snippet, whichever rule the snippet is for.
        self.redactors = [r.redact for r in rules.values() if type(r).redact is not Rule.redact]

    def reporter(self, path: str, ignored: Collection[str], out: list[Diagnostic]) -> Report:
        """A ``report(code, line, column, message, json_path, raw, end_line)`` that appends to ``out``.

        A code that is not enabled (or is ignored for ``path``) reports nothing; a code that no
        rule has is a bug, and raises :class:`InternalError`.
        """
        rules, redactors, known = self.rules, self.redactors, self.known

        def report(
            code: str,
            line: int | None,
            column: int | None,
            message: str,
            json_path: str | None = None,
            raw: bytes | None = None,
            end_line: int | None = None,
        ) -> None:
            rule = rules.get(code)
            if rule is None or code in ignored:
                if code not in known:
                    raise InternalError(f"a finding with the unregistered code {code!r}: {message}")
                return
            diagnostic = Diagnostic(
                path,
                line,
                code,
                rule.name,
                rule.severity,
                message,
                column=column,
                end_line=end_line,
                json_path=json_path,
            )
            if raw is not None:
                text = raw.decode("utf-8", "replace")
                for redact in redactors:
                    text = redact(text)
                if column is None and json_path is not None:
                    offset = locate(text, json_path)
                    diagnostic.column = None if offset is None else offset + 1
                diagnostic.snippet = snippet(text, diagnostic.column)
                # The record's content, not where it stands: line endings (F003, --fix) do not count.
                content = stable_hash(raw.rstrip(LINE_ENDING))
                diagnostic.fingerprint = f"{code}:{content:016x}:{json_path or ''}"
            out.append(diagnostic)

        return report

    def check(self, diagnostic: object, rule: Rule) -> Diagnostic:
        """A dataset rule's diagnostic, checked: a Diagnostic with a code the run knows."""
        if not isinstance(diagnostic, Diagnostic) or diagnostic.code not in self.known:
            raise InternalError(f"{rule.code} reduce yielded {diagnostic!r}, not a diagnostic of a registered rule")
        return diagnostic


def collapse(diagnostics: list[Diagnostic], rules: dict[str, Rule]) -> list[Diagnostic]:
    """Merge repeats of collapsible findings of one file into their first occurrence."""
    first: dict[tuple[str, str], Diagnostic] = {}
    repeats: dict[tuple[str, str], int] = {}
    kept = []
    for diagnostic in diagnostics:
        key = (diagnostic.code, diagnostic.message)
        if rules[diagnostic.code].collapse and key in first:
            repeats[key] = repeats.get(key, 0) + 1
            continue
        first.setdefault(key, diagnostic)
        kept.append(diagnostic)
    for key, count in repeats.items():
        diagnostic = first[key]
        diagnostic.message += f" (and {count:,} more line{'s' if count > 1 else ''} like it)"
        diagnostic.fingerprint = f"{diagnostic.code}:{diagnostic.path}:{stable_hash(key[1].encode()):016x}"
    return kept


def number_fingerprints(diagnostics: list[Diagnostic]) -> None:
    """Identical records give identical fingerprints: number the repeats, in line order."""
    seen: dict[str, int] = {}
    for diagnostic in sorted(diagnostics, key=Diagnostic.sort_key):
        if diagnostic.fingerprint is not None:
            seen[diagnostic.fingerprint] = repeat = seen.get(diagnostic.fingerprint, 0) + 1
            if repeat > 1:
                diagnostic.fingerprint += f":{repeat}"
