"""Turning what the reader, the formats and the rules report into diagnostics.

Each finding gets its place (the column of its JSON path in the raw line), a snippet of the line
with secrets masked, and a fingerprint from the record's content; a finding that repeats on most
lines of a file is reported once with a count (collapsed); identical fingerprints are numbered.

Collapsing streams: a task keeps the first KEEP findings of each (rule, message template) whole
and only a compact row for each later one (line, column, content hash and two small indexes: about
24 bytes), so a file of 5,000,000 lines that all break one rule never builds 5,000,000 diagnostics.
Whether a finding collapses is decided for the whole file once its tasks are merged in order
(:meth:`Gathered.finish`): the output does not depend on how the file was cut into tasks.
"""

from __future__ import annotations

import re
from array import array
from collections.abc import Callable, Collection, Iterator

from jsonl_lint.diagnostics import Diagnostic, Fix, Location, snippet
from jsonl_lint.errors import InternalError
from jsonl_lint.jsonpath import locate, string_span
from jsonl_lint.rules.base import Rule
from jsonl_lint.text.keys import stable_hash
from jsonl_lint.text.scan import mask_secrets

LINE_ENDING = b"\r\n"
#: A finding collapses in a file when its rule reports it, with the same message template, on at least
#: COLLAPSE_MIN lines and on at least COLLAPSE_SHARE of the file's lines.
COLLAPSE_MIN = 10
COLLAPSE_SHARE = 0.5
#: Other occurrences a collapsed finding lists in ``related``.
RELATED = 3
#: Occurrences of each (rule, template) a task keeps whole; later ones are compact rows.
KEEP = 1 + RELATED
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")

#: ``report(code, line, column, message, json_path=None, raw=None, fix=None, span=None, edits=(), unsafe=False,
#: end_line=None)``
Report = Callable[..., None]


def template(message: str) -> str:
    """A message with its numbers left out: "line 5" and "line 7", "turn 2" and "turn 3" are alike."""
    return _NUMBER.sub("#", message)


class Rows:
    """Compact occurrences of one (rule, template) in a task: what rebuilds each diagnostic."""

    def __init__(self) -> None:
        self.lines = array("I")
        self.columns = array("I")  # 0: none
        self.hashes = array("Q")  # content hash of the record (the fingerprint), 0: none
        self.messages = array("I")  # index into texts
        self.paths = array("I")  # index into texts (0: no JSON path)
        self.end_columns = array("I")  # 0: none
        self.end_lines = array("I")  # 0: none (a finding on one line)
        self.fixes = array("I")  # index into texts (0: no fix): what --fix would do, its edits aside
        self.texts: list[str | Fix | None] = [None]
        self._index: dict[str | Fix | None, int] = {None: 0}
        #: dataset rules' rows: (fingerprint, related) each, kept as they gave them
        self.extra: list[tuple[str | None, tuple[Location, ...]]] = []

    def __len__(self) -> int:
        return len(self.lines)

    def __getstate__(self) -> dict:
        state = self.__dict__.copy()
        del state["_index"]  # rebuilt from the texts
        return state

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(state)
        self._index = {text: i for i, text in enumerate(self.texts)}

    def _text(self, text: str | Fix | None) -> int:
        found = self._index.get(text)
        if found is None:
            found = self._index[text] = len(self.texts)
            self.texts.append(text)
        return found

    def add(self, d: Diagnostic, content: int) -> None:
        self.lines.append(d.line or 0)
        self.columns.append(d.column or 0)
        self.hashes.append(content)
        self.messages.append(self._text(d.message))
        self.paths.append(self._text(d.json_path))
        self.end_columns.append(d.end_column or 0)
        self.end_lines.append(d.end_line or 0)
        # the edits are made again from the line itself when --fix repairs it (fix.py): not kept per row
        self.fixes.append(self._text(None if d.fix is None else d.fix._replace(edits=())))
        if content == 0:
            self.extra.append((d.fingerprint, d.related))

    def rebuild(self, first: Diagnostic, offset: int) -> Iterator[Diagnostic]:
        """Each row as the diagnostic it was (without a snippet: the full format reads the line again)."""
        extra = iter(self.extra)
        for i, line in enumerate(self.lines):
            json_path = self.texts[self.paths[i]]
            end_line = self.end_lines[i]
            d = Diagnostic(
                first.path, line + offset if line else None, first.code, first.name, first.severity,
                self.texts[self.messages[i]], column=self.columns[i] or None, json_path=json_path,  # type: ignore[arg-type]
                end_column=self.end_columns[i] or None, fix=self.texts[self.fixes[i]],  # type: ignore[arg-type]
                end_line=end_line + offset if end_line else None,
            )  # fmt: skip
            content = self.hashes[i]
            if content:
                d.fingerprint = _fingerprint(d.code, content, json_path)
            else:
                d.fingerprint, d.related = next(extra)
            yield d


def _fingerprint(code: str, content: int, json_path: str | None) -> str:
    return f"{code}:{content:016x}:{json_path or ''}"


class Gathered:
    """The diagnostics of a task, or of a file as its tasks are merged in order, with the repeats of
    each (rule, message template) beyond the first KEEP held as compact :class:`Rows`."""

    def __init__(self) -> None:
        self.diagnostics: list[Diagnostic] = []  # whole ones, in the order reported
        self.kept: dict[tuple[str, str], int] = {}  # whole ones per key
        #: per key, in order: (line offset, rows) of each task merged
        self.rows: dict[tuple[str, str], list[tuple[int, Rows]]] = {}
        #: once set (the file's collapse bound, known when its lines are all read), repeats of a key
        #: that reaches it keep only their line: it collapses whatever follows
        self.bound: float | None = None
        self.never: Collection[str] = ()  # codes of rules that never collapse
        self.counted: dict[tuple[str, str], array] = {}  # per key, the lines of the repeats past the bound

    def total(self, key: tuple[str, str]) -> int:
        counted = self.counted.get(key)
        return self.kept.get(key, 0) + sum(len(r) for _, r in self.rows.get(key, ())) + (len(counted) if counted else 0)

    def add(self, d: Diagnostic, content: int = 0) -> bool:
        """Keep ``d``; False when only its row was kept (the caller need not finish it)."""
        key = (d.code, template(d.message))
        kept = self.kept.get(key, 0)
        if kept < KEEP:
            self.kept[key] = kept + 1
            self.diagnostics.append(d)
            return True
        if key in self.counted or (
            self.bound is not None and d.code not in self.never and self.total(key) >= self.bound
        ):
            self.counted.setdefault(key, array("I")).append(d.line or 0)
            return False
        parts = self.rows.setdefault(key, [])
        if not parts:
            parts.append((0, Rows()))
        parts[-1][1].add(d, content)
        return False

    def drop(self, code: str) -> None:
        """Leave out every finding of rule ``code``."""
        self.diagnostics = [d for d in self.diagnostics if d.code != code]
        for table in (self.kept, self.rows, self.counted):
            for key in [key for key in table if key[0] == code]:
                del table[key]

    def merge(self, later: Gathered, offset: int) -> None:
        """Add a later task's findings, its lines shifted by ``offset``."""
        for d in later.diagnostics:
            if d.line is not None:
                d.line += offset
            if d.end_line is not None:
                d.end_line += offset
            key = (d.code, template(d.message))
            self.kept[key] = self.kept.get(key, 0) + 1
            self.diagnostics.append(d)
        for key, parts in later.rows.items():
            self.rows.setdefault(key, []).extend((offset + at, rows) for at, rows in parts)

    def finish(self, lines: int, rules: dict[str, Rule], collapse: bool = True) -> list[Diagnostic]:
        """The file's diagnostics: each (rule, template) found on most of its ``lines`` (COLLAPSE_MIN,
        COLLAPSE_SHARE) as one diagnostic with a count, unless ``collapse`` is off; the rest each."""
        bound = collapse_bound(lines)
        totals = {key: self.total(key) for key in self.kept}
        first: dict[tuple[str, str], Diagnostic] = {}
        out: list[Diagnostic] = []
        seen: dict[tuple[str, str], list[Diagnostic]] = {}
        for d in self.diagnostics:
            key = (d.code, template(d.message))
            rule = rules.get(d.code)
            if collapse and totals[key] >= bound and (rule is None or rule.collapse):
                if key not in first:
                    first[key] = d
                    out.append(d)
                seen.setdefault(key, []).append(d)
            else:
                out.append(d)
        for key, d in first.items():
            counted = self.counted.get(key, array("I"))
            _collapsed(d, key[1], seen[key], self.rows.get(key, []), counted, totals[key])
        for key, parts in self.rows.items():
            if key not in first:
                model = next(d for d in self.diagnostics if (d.code, template(d.message)) == key)
                for offset, rows in parts:
                    out.extend(rows.rebuild(model, offset))
        return out


def collapse_bound(lines: int) -> float:
    """How many times a finding must repeat in a file of ``lines`` lines to be reported once."""
    return max(COLLAPSE_MIN, COLLAPSE_SHARE * lines)


def _collapsed(d: Diagnostic, key: str, whole: list[Diagnostic], parts: list, counted: array, count: int) -> None:
    """Make ``d``, the first of its kind in the file, stand for every occurrence: ``d.lines`` holds every
    line (4 bytes each: what --fix repairs, what a keep-mask or `filter` drops)."""
    lines = array("I", (x.line for x in whole if x.line is not None))
    for offset, rows in parts:
        lines.extend(line + offset for line in rows.lines if line)
    lines.extend(line for line in counted if line)
    others = sorted(set(lines) - {d.line})
    d.count = count
    d.message += f" (and {count - 1:,} more line{'s' if count > 2 else ''} like it)"
    d.related = tuple(dict.fromkeys((*d.related, *(Location(d.path, line) for line in others[:RELATED]))))
    d.fingerprint = f"{d.code}:{d.path}:{stable_hash(key.encode()):016x}"
    if lines or d.line:
        d.lines = array("I", sorted({*lines, *([d.line] if d.line else [])}))


class Findings:
    """Builds the diagnostics of one run's enabled ``rules`` (by code); ``known`` is every registered code."""

    def __init__(self, rules: dict[str, Rule], known: Collection[str]):
        self.rules = rules
        self.known = known
        # Rules that mask what they find (secrets) in every snippet, whichever rule the snippet is for.
        self.redactors = [r.redact for r in rules.values() if type(r).redact is not Rule.redact]

    def reporter(self, path: str, ignored: Collection[str], out: Gathered) -> Report:
        """A :data:`Report` that gathers into ``out``.

        A code that is not enabled (or is ignored for ``path``) reports nothing; a code that no
        rule has is a bug, and raises :class:`InternalError`.
        """
        rules, redactors, known = self.rules, self.redactors, self.known
        mask = mask_secrets

        def report(
            code: str,
            line: int | None,
            column: int | None,
            message: str,
            json_path: str | None = None,
            raw: bytes | None = None,
            fix: str | None = None,
            span: tuple[int, int, str] | None = None,
            edits: tuple = (),
            unsafe: bool = False,
            end_line: int | None = None,
        ) -> None:
            rule = rules.get(code)
            if rule is None or code in ignored:
                if code not in known:
                    raise InternalError(f"a finding with the unregistered code {code!r}: {message}")
                return
            message, json_path = mask(message), json_path and mask(json_path)
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
            if rule.fixable is not None and (fix or rule.fix_message):
                applicability = "unsafe" if unsafe else rule.fixable  # a finding's fix may be riskier than its rule's
                diagnostic.fix = Fix(applicability, fix or rule.fix_message, edits)  # type: ignore[arg-type]
            if raw is None:  # a finding about the file's bytes (line endings, blank lines): the file's, numbered
                diagnostic.fingerprint = f"{code}:{path}"
                out.add(diagnostic)
                return
            text = raw.decode("utf-8", "replace")
            if column is None and json_path is not None:
                where = None if span is None else string_span(text, json_path, *span)
                if where is not None:
                    diagnostic.column, diagnostic.end_column = where[0] + 1, where[1] + 1
                else:
                    offset = locate(text, json_path)
                    diagnostic.column = None if offset is None else offset + 1
            # The record's content, not where it stands: line endings (F003, --fix) do not count.
            content = stable_hash(raw.rstrip(LINE_ENDING)) or 1
            diagnostic.fingerprint = _fingerprint(code, content, json_path)
            if out.add(diagnostic, content):
                for redact in redactors:
                    text = redact(text)
                diagnostic.snippet = snippet(text, diagnostic.column, diagnostic.end_column)

        return report

    def check(self, diagnostic: object, rule: Rule) -> Diagnostic:
        """A dataset rule's diagnostic, checked (a Diagnostic with a code the run knows), secrets masked."""
        if not isinstance(diagnostic, Diagnostic):
            shown = repr(diagnostic)
            shown = shown if len(shown) <= 80 else shown[:80] + "…"
            raise InternalError(f"{rule.code} reduce yielded {shown}, not a diagnostic")
        if diagnostic.code not in self.known:
            raise InternalError(f"{rule.code} reduce yielded a diagnostic of {diagnostic.code!r}, a code no rule has")
        diagnostic.message = mask_secrets(diagnostic.message)
        if diagnostic.fingerprint is not None:
            diagnostic.fingerprint = mask_secrets(diagnostic.fingerprint)
        return diagnostic


def number_fingerprints(diagnostics: list[Diagnostic]) -> None:
    """Identical records give identical fingerprints: number the repeats, in line order."""
    seen: dict[str, int] = {}
    for diagnostic in sorted(diagnostics, key=Diagnostic.sort_key):
        if diagnostic.fingerprint is not None:
            seen[diagnostic.fingerprint] = repeat = seen.get(diagnostic.fingerprint, 0) + 1
            if repeat > 1:
                diagnostic.fingerprint += f":{repeat}"
