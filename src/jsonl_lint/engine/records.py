"""One task: read a span of a file, adapt each record, run the record rules and the dataset rules' map.

A :class:`TaskRunner` is built once per process from the resolved settings; it never changes
while tasks run (what a task needs of its file, the dataset rules' contexts, comes with the task).
"""

from __future__ import annotations

import pickle
import zlib
from array import array
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from operator import itemgetter
from typing import Any

from jsonl_lint.codes import J003
from jsonl_lint.config import Resolved
from jsonl_lint.diagnostics import Edit
from jsonl_lint.engine.findings import Findings, Gathered
from jsonl_lint.example import Example, Problem
from jsonl_lint.files.open import Span, open_span, opened, read_at
from jsonl_lint.files.reader import Reader, Stats, parse_line
from jsonl_lint.formats.detect import Detector
from jsonl_lint.plugins import registry
from jsonl_lint.progress import TICK_BYTES, Meter
from jsonl_lint.rules.base import DatasetRule, Finding, RecordRule, RoleFinding, RoleRule, Rule, role_finding_path
from jsonl_lint.rules.summaries import Fetch

#: Distinct role sequences whose role-rule findings are remembered.
MEMO_LIMIT = 10_000
MEMO_KEY_CHARS = 4_096  # role sequences longer than this (absurd roles) are not remembered
_ROLE = itemgetter(0)  # a Turn's role


@dataclass
class Task:
    """One unit of work: a span of source ``index``, and what the run decided of its file: the dataset rules'
    contexts and the codes per-file-ignores switch off there (decided where the run's folder is known)."""

    index: int
    span: Span
    contexts: dict[str, Any] = field(default_factory=dict)  # rule code -> what its ``prepare`` found in the file
    ignored: frozenset[str] = frozenset()


#: What a rule (a plugin's, mostly) may raise that must not take the run down with it: ``sys.exit()`` too.
RULE_ERRORS = (Exception, SystemExit)


@dataclass
class RuleFailure:
    """A rule that raised or gave what is not a finding, where it first did (line None: in reduce)."""

    code: str
    line: int | None
    error: str  # "ValueError: boom"
    path: str | None = None


def failure(code: str, line: int | None, exc: BaseException) -> RuleFailure:
    text = str(exc)
    text = text if len(text) <= 200 else text[:200] + "…"
    return RuleFailure(code, line, f"{type(exc).__name__}: {text}" if text else type(exc).__name__)


@dataclass
class TaskResult:
    """What a task found; line numbers count from 1 within the task's span."""

    diagnostics: Gathered
    #: summary key -> (lines, summaries, places), line by line; places (bytes of the file where each line
    #: starts) for the rules that read records again, when the file can be read by seeking, else empty
    summaries: dict[Any, tuple[array, list | bytearray, array]]
    stats: Stats
    formats: dict[str, int]
    first_lines: dict[str, int]
    error: str | None = None
    #: rules that failed in the task, by code (their findings are left out of the run)
    failures: dict[str, RuleFailure] = field(default_factory=dict)


def summary_keys(rules: Iterable[DatasetRule]) -> dict[str, Any]:
    """Each dataset rule's summary key: rules whose map gives the same summaries (D005 and V002 with the
    same options) share them."""
    return {r.code: r.summary_key() or r.code for r in rules}


def _applies(rule: Rule, format_name: str, kind: str) -> bool:
    return (rule.kinds is None or kind in rule.kinds) and (rule.formats is None or format_name in rule.formats)


class TaskRunner:
    """Runs tasks for one configuration, plus ``collectors`` (mapped like dataset rules)."""

    def __init__(self, resolved: Resolved, collectors: tuple[type[DatasetRule], ...] = ()):
        self.resolved = resolved
        self.rules = {rule.code: rule for rule in resolved.rules}
        self.findings = Findings(self.rules, registry())
        self.record_rules = [r for r in resolved.rules if isinstance(r, RecordRule)]
        self.dataset_rules = [r for r in resolved.rules if isinstance(r, DatasetRule)]
        self.dataset_rules += [c(resolved.options, None, resolved.profile) for c in collectors]
        self.summary_keys = summary_keys(self.dataset_rules)
        #: the summary keys of rules that read records again: where each record starts is kept with them
        self.rereading = {self.summary_keys[r.code] for r in self.dataset_rules if r.rereads}
        self.detector = Detector(resolved.profile, resolved.schema, resolved.schema_mode)
        # Rules that apply to each format, decided once rather than per record.
        self.rules_for = {
            f.name: [r for r in self.record_rules if _applies(r, f.name, f.kind)] for f in self.detector.formats
        }

    def edits(self, content: bytes, code: str, first: bool = False) -> list[Edit]:
        """The edits rule ``code``'s findings make to one line (``content``, no line ending): what --fix
        writes there, said again from the line itself (a finding collapsed over many lines keeps the
        edits of its first line only). A record rule's, or the adapt stage's (S001, S003: key renames)."""
        rule = self.rules.get(code)
        record = parse_line(content, first)
        if rule is None or not isinstance(record, dict):
            return []
        if not isinstance(rule, RecordRule):
            _, problems = self.detector.adapt(record)
            return [edit for problem in problems if problem.code == code for edit in _fix(problem)[1]]
        found = self.detector.match(record)
        example = None if found is None else found[0]
        if example is None:
            return []
        if isinstance(rule, RoleRule):
            turns, fmt = example.turns, example.format
            found = rule.check_roles(tuple(turn.role for turn in turns), fmt)
            paths = ((role_finding_path(f, turns, example.turns_path, fmt), f.value) for f in found)
            return [Edit(where, value) for where, value in paths if value is not None]
        return [edit for finding in rule.check(example) for edit in finding.edits]

    def _plans(self, ignored: set[str]) -> dict[str, tuple[list[RoleRule], list[RecordRule]]]:
        """Per format name: (role rules, other record rules) that run in a file with ``ignored`` codes."""
        plans = {}
        for name, rules in self.rules_for.items():
            kept = [r for r in rules if r.code not in ignored]
            roles = [r for r in kept if isinstance(r, RoleRule)]
            plans[name] = (roles, [r for r in kept if not isinstance(r, RoleRule)])
        return plans

    def run(self, task: Task, meter: Meter | None = None) -> TaskResult:
        """Lint one task; tell ``meter`` what is read as it is read (every TICK_BYTES)."""
        out = Gathered()
        summaries = {
            self.summary_keys[r.code]: (array("I"), [] if r.width is None else bytearray(), array("Q"))
            for r in self.dataset_rules
        }
        result = TaskResult(out, summaries, Stats(), {}, {})
        span = task.span
        ignored = task.ignored
        report = self.findings.reporter(span.path, ignored, out)
        try:
            with opened(span) as (stream, origin):
                check_keys = J003 in self.rules and J003 not in ignored
                reader = Reader(stream, report, check_duplicate_keys=check_keys, head=span.head)
                records = reader if meter is None else _metered(reader, meter)
                mappers = self._mappers(ignored, task.contexts, summaries, origin is not None)
                self._lint_records(records, reader, origin or 0, report, ignored, mappers, result)
                result.stats = reader.stats
        except (OSError, EOFError, zlib.error) as exc:
            result.error = str(getattr(exc, "strerror", None) or exc)
        except Exception as exc:  # a bug must not hide the other files' findings
            result.error = f"internal error: {type(exc).__name__}: {exc}"
        return result

    def _mappers(self, ignored: set[str], contexts: dict[str, Any], summaries: dict, seeks: bool) -> list[list]:
        """One per summary key: see below (``seeks``: the file's lines can be read again by seeking)."""
        mappers, mapped = [], set()
        for rule in self.dataset_rules:
            key = self.summary_keys[rule.code]
            if rule.code not in ignored and key not in mapped:
                mapped.add(key)
                lines, values, places = summaries[key]
                add = values.append if rule.width is None else values.extend
                place = places.append if seeks and key in self.rereading else None
                # [map, takes a context, the context, add a line, add a summary, code, first summary yet to
                # check, add where the line starts or None]
                mappers.append(
                    [rule.map, rule.prepares(), contexts.get(rule.code), lines.append, add, rule.code, True, place]
                )
        return mappers

    def _lint_records(self, records, reader, origin, report, ignored, mappers, result) -> None:
        """Lint the ``records`` of ``reader``, whose stream starts at byte ``origin`` of its file."""
        plans = self._plans(ignored)
        memo: dict[tuple, list[tuple[Rule, RoleFinding]]] = {}
        counts, first_lines = result.formats, result.first_lines
        adapt = self.detector.adapt
        for lineno, raw, record in records:
            example, problems = adapt(record)
            for problem in problems:
                fix, edits, unsafe = _fix(problem)
                report(problem.code, lineno, None, problem.message, problem.json_path, raw, fix, None, edits, unsafe)
            if example is None:
                continue
            fmt = example.format
            name = fmt.name
            if name in counts:
                counts[name] += 1
            else:
                counts[name] = 1
                first_lines[name] = lineno
            failed = False
            role_rules, checks = plans[name]
            if role_rules:
                turns = example.turns
                key = (name, *map(_ROLE, turns))
                found = memo.get(key)
                if found is None:
                    found = []
                    for rule in role_rules:
                        try:
                            for f in rule.check_roles(key[1:], fmt):
                                if not isinstance(f, RoleFinding):
                                    raise TypeError(f"check_roles() gave {_brief(f)}, not a RoleFinding")
                                found.append((rule, f))
                        except RULE_ERRORS as exc:
                            failed = _failed(result, rule.code, lineno, exc)
                            found = [(r, f) for r, f in found if r is not rule]
                    if not failed and len(memo) < MEMO_LIMIT and sum(len(r or "") for r in key) < MEMO_KEY_CHARS:
                        memo[key] = found
                for rule, f in found:
                    path = role_finding_path(f, turns, example.turns_path, fmt)
                    edits = () if f.value is None else (Edit(path, f.value),)
                    report(rule.code, lineno, None, f.message, path, raw, f.fix, None, edits)
            for rule in checks:
                try:
                    for finding in rule.check(example):
                        if not isinstance(finding, Finding):
                            raise TypeError(f"check() gave {_brief(finding)}, not a Finding")
                        message, json_path, fix, span, edits = finding
                        report(rule.code, lineno, None, message, json_path, raw, fix, span, edits)
                except RULE_ERRORS as exc:
                    failed = _failed(result, rule.code, lineno, exc)
            for mapper in mappers:
                map_, prepares, context, add_line, add_value, code, unchecked, add_place = mapper
                try:
                    summary = map_(example, context) if prepares else map_(example)
                    if unchecked and summary is not None:
                        mapper[6] = False
                        pickle.dumps(summary)  # its first summary: a worker must be able to send them
                except RULE_ERRORS as exc:
                    failed = _failed(result, code, lineno, exc)
                    continue
                if summary is not None:
                    add_line(lineno)
                    add_value(summary)
                    if add_place is not None:
                        add_place(origin + reader.start)
            if failed:  # the failed rules run no more; their findings are left out of the run
                plans = self._plans({*ignored, *result.failures})
                mappers = [m for m in mappers if m[5] not in result.failures]
                memo.clear()


def _metered(reader: Reader, meter: Meter) -> Iterator[tuple[int, bytes, dict]]:
    """The reader's records, telling ``meter`` every TICK_BYTES of them, and the rest of what the reader
    read (the lines that are no record too) once it is done."""
    size = records = told_size = told_records = 0
    for item in reader:
        size += len(item[1])
        records += 1
        if size - told_size >= TICK_BYTES:
            meter.add(size - told_size, records - told_records)
            told_size, told_records = size, records
        yield item
    meter.add(reader.stats.size - told_size, reader.stats.records - told_records)


def _failed(result: TaskResult, code: str, line: int, exc: BaseException) -> bool:
    result.failures.setdefault(code, failure(code, line, exc))
    return True


def _brief(value: object) -> str:
    shown = repr(value)
    return shown if len(shown) <= 80 else shown[:80] + "…"


def _fix(problem: Problem) -> tuple[str | None, tuple[Edit, ...], bool]:
    """The fix of an adapt-stage problem: its message, edits, and whether it is unsafe. Renaming keys is
    safe; converting a record of another format is not (what was meant by its fields is a guess)."""
    if problem.renames:
        told = "; ".join(f"Rename `{path.rsplit('.', 1)[-1]}` to `{new}`" for path, new in problem.renames)
        return told, tuple(Edit(path, key=new) for path, new in problem.renames), False
    if problem.converted is not None:
        title, text = problem.converted
        return f"Convert the record to {title}", (Edit("$", text),), True
    return None, (), False


def _record(raw: bytes, first: bool, detector: Detector) -> Example | None:
    record = parse_line(raw, first)
    found = detector.match(record) if isinstance(record, dict) else None
    return None if found is None else found[0]


def fetcher(names: dict[str, str], detector: Detector) -> Fetch:
    """What a reduce reads records again with (candidate pairs, conflicting answers): ``names`` is what to open
    for each path."""
    spans = {path: Span(path, name) for path, name in names.items()}

    def fetch(path: str, lines: Iterable[int], places: Iterable[int] | None = None) -> Iterator[tuple[int, Example]]:
        return read_examples(spans[path], lines, detector, places)

    return fetch


def read_examples(
    span: Span, lines: Iterable[int], detector: Detector, places: Iterable[int] | None = None
) -> Iterator[tuple[int, Example]]:
    """``(line, example)`` for the wanted ``lines`` of a file (in order), read again and adapted (nothing
    reported): each line alone at its byte in ``places`` when given (one per line), else the file up to the
    last of them."""
    try:
        if places is not None:
            for line, raw in read_at(span.name, zip(lines, places, strict=True)):
                example = _record(raw, line == 1, detector)
                if example is not None:
                    yield line, example
            return
        wanted = set(lines)
        last = max(wanted, default=0)
        with open_span(span) as stream:
            for line, raw in enumerate(stream, 1):  # numbered as the Reader numbers them
                if line in wanted:
                    example = _record(raw, line == 1, detector)
                    if example is not None:
                        yield line, example
                if line >= last:
                    break
    except (OSError, EOFError, zlib.error):
        return  # the first read reported it
