"""The engine: sources -> read -> adapt -> record rules and map -> reduce -> diagnostics.

It is the only place that wires the stages together, so it is where a later
change runs the per-source part (read, adapt, record rules, map) in worker
processes and keeps the reduce in the parent.
"""

from __future__ import annotations

import gzip
import io
import os
import sys
import zlib
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, BinaryIO, Iterator

from jsonl_lint.config import Resolved, Settings, resolve
from jsonl_lint.diagnostics import Diagnostic, Location, snippet
from jsonl_lint.formats import FORMATS, Problem, explain_unknown
from jsonl_lint.locate import locate
from jsonl_lint.reader import Reader
from jsonl_lint.rule import DatasetRule, RecordRule, RoleFinding, RoleRule, Rule
from jsonl_lint.sources import Source, discover
from jsonl_lint.text import stable_hash

READ_BUFFER = 1 << 20
GZIP_MAGIC = b"\x1f\x8b"
#: Distinct role sequences whose role-rule findings are remembered.
MEMO_LIMIT = 10_000
MEMO_KEY_CHARS = 4_096  # role sequences longer than this (absurd roles) are not remembered


@dataclass
class Result:
    """Everything a reporter needs."""

    diagnostics: list[Diagnostic]
    sources: list[Source]
    errors: list[str]  # one-line errors: missing or unreadable paths, internal failures
    resolved: Resolved
    rules: dict[str, Rule] = field(default_factory=dict)  # every rule that reported, by code


@contextmanager
def _open(source: Source) -> Iterator[BinaryIO]:
    """A buffered binary stream of the source; ``.gz`` files are decompressed as they are read."""
    if source.is_stdin:
        yield sys.stdin.buffer
        return
    with open(source.path, "rb", buffering=READ_BUFFER) as stream:
        if source.path.endswith(".gz") and stream.peek(2)[:2] == GZIP_MAGIC:
            with io.BufferedReader(gzip.GzipFile(fileobj=stream), READ_BUFFER) as unzipped:  # type: ignore[arg-type]
                yield unzipped  # type: ignore[misc]
        else:
            yield stream


class Linter:
    """Runs one configuration over any number of sources."""

    def __init__(self, resolved: Resolved):
        self.resolved = resolved
        self.rules = {rule.code: rule for rule in resolved.rules}
        self.record_rules = [r for r in resolved.rules if isinstance(r, RecordRule)]
        self.dataset_rules = [r for r in resolved.rules if isinstance(r, DatasetRule)]
        profile = resolved.profile
        self.formats = [FORMATS[name] for name in profile.formats]
        self.accepted = [(f.title, f.signature) for f in self.formats]
        # Rules that apply to each format, decided once rather than per record.
        self.rules_for = {
            f.name: [r for r in self.record_rules if _applies(r, f.name, f.kind)] for f in self.formats
        }

    def run(self, paths: list[str], settings: Settings) -> Result:
        sources, errors = discover(paths, settings.exclude, settings.root)
        diagnostics: list[Diagnostic] = []
        summaries: dict[str, list[tuple[int, int, Any]]] = {r.code: [] for r in self.dataset_rules}
        for index, source in enumerate(sources):
            try:
                self._lint_source(index, source, diagnostics, summaries)
            except (OSError, EOFError, zlib.error) as exc:
                errors.append(f"{source.path}: {getattr(exc, 'strerror', None) or exc}")
            except Exception as exc:  # a bug must not hide the other files' findings
                errors.append(f"{source.path}: internal error: {type(exc).__name__}: {exc}")
        ignored = {s.path: self.resolved.ignored_in(s.path) for s in sources}
        for rule in self.dataset_rules:
            items = [(Location(sources[i].path, line), summary) for i, line, summary in summaries[rule.code]]
            for diagnostic in rule.reduce(items, sources):
                if diagnostic.code not in ignored.get(diagnostic.path, ()):
                    diagnostics.append(diagnostic)
        diagnostics.sort(key=Diagnostic.sort_key)
        codes = {d.code for d in diagnostics}
        reported = {code: rule for code, rule in self.rules.items() if code in codes}  # catalogue order
        return Result(diagnostics, sources, errors, self.resolved, reported)

    def _lint_source(self, index: int, source: Source, out: list[Diagnostic], summaries: dict) -> None:
        rules = self.rules
        ignored = self.resolved.ignored_in(source.path)
        path = source.path
        seen: dict[str, int] = {}  # fingerprints so far: identical records keep distinct ones

        def report(code: str, line: int | None, column: int | None, message: str,
                   json_path: str | None = None, raw: bytes | None = None) -> None:
            rule = rules.get(code)
            if rule is None or code in ignored:
                return
            diagnostic = Diagnostic(path, line, code, rule.name, rule.severity, message, column=column,
                                    json_path=json_path)
            if raw is not None:
                text = raw.decode("utf-8", "replace")
                if column is None and json_path is not None:
                    offset = locate(text, json_path)
                    diagnostic.column = None if offset is None else offset + 1
                diagnostic.snippet = snippet(text, diagnostic.column)
                fingerprint = f"{code}:{stable_hash(raw):016x}:{json_path or ''}"
                seen[fingerprint] = repeat = seen.get(fingerprint, 0) + 1
                diagnostic.fingerprint = fingerprint if repeat == 1 else f"{fingerprint}:{repeat}"
            out.append(diagnostic)

        start = len(out)
        with _open(source) as stream:
            if not source.is_stdin:
                source.size = os.fstat(stream.fileno()).st_size
                limit = self.resolved.options["max-file-size-mb"]
                if source.size > limit * 1_000_000:
                    report("F007", None, None, f"File is {source.size / 1e6:,.1f} MB; the limit is {limit:,} MB")
            reader = Reader(stream, report, check_duplicate_keys="J003" in rules and "J003" not in ignored)
            self._lint_records(index, source, reader, report, ignored, summaries)
        if source.is_stdin:
            source.size = reader.size
        if not reader.not_jsonl and reader.lines == reader.blank:
            report("F008", None, None, "File has no records" if reader.lines else "File is empty")
        out[start:] = _collapse(out[start:], rules)

    def _lint_records(self, index, source, reader, report, ignored, summaries) -> None:
        accepted, profile = self.accepted, self.resolved.profile.name
        plans = []  # (signature, format, role rules, other record rules) per accepted format
        for fmt in self.formats:
            rules = [r for r in self.rules_for[fmt.name] if r.code not in ignored]
            roles = [r for r in rules if isinstance(r, RoleRule)]
            plans.append((fmt.signature, fmt, roles, [r for r in rules if not isinstance(r, RoleRule)]))
        mappers = [(r.map, summaries[r.code]) for r in self.dataset_rules if r.code not in ignored]
        memo: dict[tuple, list[tuple[Rule, RoleFinding]]] = {}
        counts, first_lines = source.formats, source.first_lines
        problems: list[Problem] = []
        for lineno, raw, record in reader:
            keys = record.keys()
            for signature, fmt, role_rules, checks in plans:
                if signature <= keys:
                    break
            else:
                report("S001", lineno, None, explain_unknown(record, profile, accepted), "$", raw)
                continue
            example = fmt.adapt(record, problems)
            if problems:
                for problem in problems:
                    report(problem.code, lineno, None, problem.message, problem.json_path, raw)
                problems.clear()
            name = fmt.name
            if name in counts:
                counts[name] += 1
            else:
                counts[name] = 1
                first_lines[name] = lineno
            if role_rules:
                turns = example.turns
                key = (name, *[turn.role for turn in turns])
                found = memo.get(key)
                if found is None:
                    found = [(rule, f) for rule in role_rules for f in rule.check_roles(key[1:])]
                    if len(memo) < MEMO_LIMIT and sum(len(r or "") for r in key) < MEMO_KEY_CHARS:
                        memo[key] = found
                for rule, f in found:
                    path = example.turns_path if f.index is None else turns[f.index].path + f.field
                    report(rule.code, lineno, None, f.message, path, raw)
            for rule in checks:
                for finding in rule.check(example):
                    report(rule.code, lineno, None, finding.message, finding.json_path, raw)
            for map_, items in mappers:
                summary = map_(example)
                if summary is not None:
                    items.append((index, lineno, summary))
        source.records = reader.records


def _collapse(diagnostics: list[Diagnostic], rules: dict[str, Rule]) -> list[Diagnostic]:
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


def _applies(rule: Rule, format_name: str, kind: str) -> bool:
    return (rule.kinds is None or kind in rule.kinds) and (rule.formats is None or format_name in rule.formats)


def lint(paths: list[str], settings: Settings | None = None) -> Result:
    """Lint ``paths`` (files, folders, or ``-`` for stdin) and return the result."""
    settings = settings or Settings()
    return Linter(resolve(settings)).run(paths, settings)
