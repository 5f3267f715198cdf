"""The engine: sources -> read -> adapt -> record rules and map -> reduce -> diagnostics.

It is the only place that wires the stages together and the only one that
knows about processes. Work is cut into tasks: a whole file, or a range of a
large file's lines. A task runs read, adapt, record rules and the map step of
the dataset rules, in this process or in a worker; the parent merges the
tasks' results in order (shifting their line numbers), adds the findings
about whole files, then runs every dataset rule's reduce. Output is the same
whatever the number of jobs.
"""

from __future__ import annotations

import gzip
import io
import multiprocessing
import os
import sys
import zlib
from array import array
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from itertools import islice
from typing import Any, BinaryIO

from jsonl_lint.config import Resolved, Settings, resolve
from jsonl_lint.diagnostics import Diagnostic, Location, snippet
from jsonl_lint.formats import FORMATS, Format, Problem, explain_unknown, unknown_keys_message
from jsonl_lint.locate import locate, member
from jsonl_lint.reader import SNIFF_BYTES, Reader, Stats, file_findings, sniff
from jsonl_lint.rule import DatasetRule, RecordRule, RoleFinding, RoleRule, Rule, role_finding_path
from jsonl_lint.schema import problems as schema_problems
from jsonl_lint.sources import Source, discover
from jsonl_lint.text import stable_hash

READ_BUFFER = 1 << 20
GZIP_MAGIC = b"\x1f\x8b"
#: Distinct role sequences whose role-rule findings are remembered.
MEMO_LIMIT = 10_000
MEMO_KEY_CHARS = 4_096  # role sequences longer than this (absurd roles) are not remembered
#: Inputs at least this large are linted by one worker per core (starting a pool costs ~0.1 s).
PARALLEL_BYTES = 8_000_000
#: Lines of a large file are cut into ranges of about this many bytes, one task each.
CHUNK_BYTES = 16_000_000


@dataclass
class Result:
    """Everything a reporter needs."""

    diagnostics: list[Diagnostic]
    sources: list[Source]
    errors: list[str]  # one-line errors: missing or unreadable paths, internal failures
    resolved: Resolved
    rules: dict[str, Rule] = field(default_factory=dict)  # every rule that reported, by code


class Summaries:
    """What one dataset rule's ``map`` returned over a run, with where: its ``reduce`` input.

    Iterating yields ``(Location, summary)`` in input order, and may be done more than
    once. Line numbers are kept in compact arrays (8 bytes each), per range of a file.
    """

    def __init__(self) -> None:
        self.parts: list[tuple[str, int, array, list]] = []  # (path, line offset, lines, summaries)

    def add(self, path: str, offset: int, lines: array, values: list) -> None:
        if values:
            self.parts.append((path, offset, lines, values))

    def __iter__(self) -> Iterator[tuple[Location, Any]]:
        for path, offset, lines, values in self.parts:
            for line, value in zip(lines, values, strict=True):
                yield Location(path, line + offset), value


@dataclass
class Task:
    """Lines ``start`` to ``end`` (bytes; None: to the end) of source ``index``."""

    index: int
    path: str
    start: int = 0
    end: int | None = None

    @property
    def head(self) -> bool:
        return self.start == 0


@dataclass
class TaskResult:
    """What a task found; line numbers count from 1 within the task's range."""

    diagnostics: list[Diagnostic]
    summaries: dict[str, tuple[array, list]]  # rule code -> (lines, summaries), line by line
    stats: Stats
    formats: dict[str, int]
    first_lines: dict[str, int]
    error: str | None = None


@contextmanager
def _open(task: Task) -> Iterator[BinaryIO]:
    """A buffered binary stream of the task's lines; ``.gz`` files are decompressed as they are read."""
    if task.path == "-":
        yield sys.stdin.buffer
        return
    with open(task.path, "rb", buffering=READ_BUFFER) as stream:
        if task.end is not None:
            stream.seek(task.start)
            yield io.BufferedReader(io.BytesIO(stream.read(task.end - task.start)))  # type: ignore[arg-type]
        elif task.path.endswith(".gz") and stream.peek(2)[:2] == GZIP_MAGIC:
            with io.BufferedReader(gzip.GzipFile(fileobj=stream), READ_BUFFER) as unzipped:  # type: ignore[arg-type]
                yield unzipped  # type: ignore[misc]
        else:
            yield stream


def _tasks(index: int, source: Source) -> list[Task]:
    """One task per source, or one per range of lines for a large plain file (for workers)."""
    if source.is_stdin or source.path.endswith(".gz") or source.size <= CHUNK_BYTES:
        return [Task(index, source.path)]
    tasks, start = [], 0
    with open(source.path, "rb") as stream:
        if sniff(stream.read(SNIFF_BYTES)) is not None:
            return [Task(index, source.path)]  # not JSONL: one finding from the head, nothing to cut
        while start < source.size:
            stream.seek(min(start + CHUNK_BYTES, source.size))
            stream.readline()  # ranges end on a line boundary
            end = min(stream.tell(), source.size)
            tasks.append(Task(index, source.path, start, end))
            start = end
    return tasks


class Linter:
    """Runs one configuration over any number of sources."""

    def __init__(self, resolved: Resolved):
        self.resolved = resolved
        self.rules = {rule.code: rule for rule in resolved.rules}
        self.record_rules = [r for r in resolved.rules if isinstance(r, RecordRule)]
        self.dataset_rules = [r for r in resolved.rules if isinstance(r, DatasetRule)]
        self.formats = profile_formats(resolved.profile)
        self.accepted = [(f.title, f.signature) for f in self.formats]
        # Rules that apply to each format, decided once rather than per record.
        self.rules_for = {f.name: [r for r in self.record_rules if _applies(r, f.name, f.kind)] for f in self.formats}
        # Rules that mask what they find (secrets) in every snippet, whichever rule the snippet is for.
        self.redactors = [r.redact for r in resolved.rules if type(r).redact is not Rule.redact]

    # -- the run ------------------------------------------------------------

    def run(self, paths: list[str], settings: Settings, jobs: int | None = None) -> Result:
        """Lint ``paths``; ``jobs`` worker processes (None: one per core for large inputs)."""
        sources, errors = discover(paths, settings.exclude, settings.root)
        diagnostics: list[Diagnostic] = []
        tasks: list[Task] = []
        jobs = None if jobs is None else max(1, jobs)
        for source in sources:
            if not source.is_stdin:
                try:
                    source.size = os.stat(source.path).st_size
                except OSError as exc:
                    errors.append(f"{source.path}: {exc.strerror}")
                    continue
                diagnostics.extend(self._size_findings(source))
        jobs = default_jobs(jobs, sources)
        for index, source in enumerate(sources):
            tasks.extend(_tasks(index, source) if jobs > 1 else [Task(index, source.path)])
        summaries = {r.code: Summaries() for r in self.dataset_rules}
        for index, parts in self._run_tasks(tasks, settings, jobs):
            source = sources[index]
            found, error = self._merge(source, parts, summaries)
            diagnostics.extend(found)
            if error:
                errors.append(error)
        ignored = {s.path: self.resolved.ignored_in(s.path) for s in sources}
        for rule in self.dataset_rules:
            for diagnostic in rule.reduce(summaries[rule.code], sources):
                if diagnostic.code not in ignored.get(diagnostic.path, ()):
                    diagnostics.append(diagnostic)
        diagnostics.sort(key=Diagnostic.sort_key)
        codes = {d.code for d in diagnostics}
        reported = {code: rule for code, rule in self.rules.items() if code in codes}  # catalogue order
        return Result(diagnostics, sources, errors, self.resolved, reported)

    def _run_tasks(self, tasks: list[Task], settings: Settings, jobs: int) -> Iterator[tuple[int, list[TaskResult]]]:
        """Yield each source's task results, in order, from this process or a pool."""
        if jobs <= 1 or len(tasks) <= 1:
            results: Iterator[TaskResult] = map(self.run_task, tasks)
            yield from _group(tasks, results)
            return
        context = multiprocessing.get_context()
        with context.Pool(jobs, initializer=_init_worker, initargs=(settings,)) as pool:
            yield from _group(tasks, pool.imap(_run_in_worker, tasks))

    def _merge(self, source: Source, parts: list[TaskResult], summaries: dict) -> tuple[list[Diagnostic], str | None]:
        """Join the results of one source's tasks: shift line numbers, add whole-file findings."""
        stats = Stats()
        found: list[Diagnostic] = []
        error = None
        for part in parts:
            offset = stats.lines
            for d in part.diagnostics:
                if d.line is not None:
                    d.line += offset
            found.extend(part.diagnostics)
            for code, (lines, values) in part.summaries.items():
                summaries[code].add(source.path, offset, lines, values)
            for name, count in part.formats.items():
                if name not in source.formats:
                    source.first_lines[name] = part.first_lines[name] + offset
                source.formats[name] += count
            stats = stats + part.stats
            if part.error:
                error = f"{source.path}: {part.error}"
                break
            if part.stats.not_jsonl:
                break  # the rest of the file is not JSONL either
        source.records = stats.records
        if source.is_stdin or source.path.endswith(".gz"):
            source.size = stats.size
        if error is None:
            file_findings(stats, self._reporter(source.path, found), self.resolved.profile.bom)
        found = _collapse(found, self.rules)
        _number_fingerprints(found)
        return found, error

    def _size_findings(self, source: Source) -> list[Diagnostic]:
        found: list[Diagnostic] = []
        limit = self.resolved.options["max-file-size-mb"]
        if limit is not None and source.size > limit * 1_000_000:
            self._reporter(source.path, found)(
                "F007", None, None, f"File is {source.size / 1e6:,.1f} MB; the limit is {limit:,} MB"
            )
        return found

    # -- one task -------------------------------------------------------------

    def _reporter(self, path: str, out: list[Diagnostic]):
        """A ``report(code, line, column, message, json_path, raw)`` that appends to ``out``."""
        rules, redactors = self.rules, self.redactors
        ignored = self.resolved.ignored_in(path)

        def report(
            code: str,
            line: int | None,
            column: int | None,
            message: str,
            json_path: str | None = None,
            raw: bytes | None = None,
        ) -> None:
            rule = rules.get(code)
            if rule is None or code in ignored:
                return
            diagnostic = Diagnostic(
                path, line, code, rule.name, rule.severity, message, column=column, json_path=json_path
            )
            if raw is not None:
                text = raw.decode("utf-8", "replace")
                for redact in redactors:
                    text = redact(text)
                if column is None and json_path is not None:
                    offset = locate(text, json_path)
                    diagnostic.column = None if offset is None else offset + 1
                diagnostic.snippet = snippet(text, diagnostic.column)
                diagnostic.fingerprint = f"{code}:{stable_hash(raw):016x}:{json_path or ''}"
            out.append(diagnostic)

        return report

    def run_task(self, task: Task) -> TaskResult:
        out: list[Diagnostic] = []
        summaries = {r.code: (array("l"), []) for r in self.dataset_rules}
        result = TaskResult(out, summaries, Stats(), {}, {})
        report = self._reporter(task.path, out)
        ignored = self.resolved.ignored_in(task.path)
        try:
            with _open(task) as stream:
                reader = Reader(
                    stream, report, check_duplicate_keys="J003" in self.rules and "J003" not in ignored, head=task.head
                )
                self._lint_records(task.index, reader, report, ignored, summaries, result)
                result.stats = reader.stats
        except (OSError, EOFError, zlib.error) as exc:
            result.error = str(getattr(exc, "strerror", None) or exc)
        except Exception as exc:  # a bug must not hide the other files' findings
            result.error = f"internal error: {type(exc).__name__}: {exc}"
        return result

    def _lint_records(self, index, reader, report, ignored, summaries, result) -> None:
        accepted, profile = self.accepted, self.resolved.profile.name
        # In `auto` a format must show its signature; a profile that names its formats needs only
        # their required keys (Bedrock's optional `system`). (keys, format, role rules, other rules):
        auto = not self.resolved.profile.formats
        plans = []
        for fmt in self.formats:
            rules = [r for r in self.rules_for[fmt.name] if r.code not in ignored]
            roles = [r for r in rules if isinstance(r, RoleRule)]
            plans.append((fmt.key_sets(auto), fmt, roles, [r for r in rules if not isinstance(r, RoleRule)]))
        mappers = [(r.map, *summaries[r.code]) for r in self.dataset_rules if r.code not in ignored]
        memo: dict[tuple, list[tuple[Rule, RoleFinding]]] = {}
        detected: dict[tuple, list] = {}
        counts, first_lines = result.formats, result.first_lines
        profile_keys, title = self.resolved.profile.keys, self.resolved.profile.title
        validator = self.resolved.schema
        replace = validator is not None and self.resolved.schema_mode == "replace"
        for lineno, raw, record in reader:
            if validator is not None:
                for problem in schema_problems(validator, record):
                    report(problem.code, lineno, None, problem.message, problem.json_path, raw)
            keys = tuple(record)
            candidates = detected.get(keys)
            if candidates is None:  # records of a file mostly share their keys: detect once per key set
                candidates = [plan for plan in plans if any(needs.issubset(keys) for needs in plan[0])]
                if len(detected) < MEMO_LIMIT:
                    detected[keys] = candidates
            match = None
            for plan in candidates:
                problems: list[Problem] = []
                adapted = plan[1].adapt(record, problems)
                # `auto`: a record that breaks the first format it resembles may be valid in another.
                if not auto or not problems or not any(p.code == "S002" for p in problems):
                    match = (plan, adapted, problems)
                    break
                match = match or (plan, adapted, problems)
            if match is None:
                if not replace:  # the user's schema is the format
                    report("S001", lineno, None, explain_unknown(record, profile, accepted), "$", raw)
                continue
            (_, fmt, role_rules, checks), example, problems = match
            if profile_keys is not None and not profile_keys.issuperset(keys):
                narrowed = [k for k in record if k not in profile_keys and k in fmt.keys]  # the others: adapter's
                if narrowed:
                    problems.append(
                        Problem("S003", unknown_keys_message(narrowed, profile_keys, title), member("$", narrowed[0]))
                    )
            if problems:
                for problem in problems:
                    if not (replace and problem.code in ("S002", "S003")):  # the user's schema rules shapes and keys
                        report(problem.code, lineno, None, problem.message, problem.json_path, raw)
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
                    found = [(rule, f) for rule in role_rules for f in rule.check_roles(key[1:], fmt)]
                    if len(memo) < MEMO_LIMIT and sum(len(r or "") for r in key) < MEMO_KEY_CHARS:
                        memo[key] = found
                for rule, f in found:
                    report(
                        rule.code, lineno, None, f.message, role_finding_path(f, turns, example.turns_path, fmt), raw
                    )
            for rule in checks:
                for finding in rule.check(example):
                    report(rule.code, lineno, None, finding.message, finding.json_path, raw)
            for map_, lines, values in mappers:
                summary = map_(example)
                if summary is not None:
                    lines.append(lineno)
                    values.append(summary)


# -- workers ---------------------------------------------------------------------

_WORKER: Linter | None = None


def _init_worker(settings: Settings) -> None:
    global _WORKER
    _WORKER = Linter(resolve(settings))


def _run_in_worker(task: Task) -> TaskResult:
    assert _WORKER is not None
    return _WORKER.run_task(task)


def default_jobs(jobs: int | None, sources: list[Source]) -> int:
    """``jobs`` as asked, or one per core for inputs of PARALLEL_BYTES or more, else 1."""
    if jobs is not None:
        return jobs
    if sum(s.size for s in sources) < PARALLEL_BYTES:
        return 1
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def _group(tasks: list[Task], results: Iterator[TaskResult]) -> Iterator[tuple[int, list[TaskResult]]]:
    """Regroup results (in task order) by source."""
    current: int | None = None
    parts: list[TaskResult] = []
    for task, result in zip(tasks, results, strict=True):
        if task.index != current and parts:
            yield current, parts  # type: ignore[misc]
            parts = []
        current = task.index
        parts.append(result)
    if parts:
        yield current, parts  # type: ignore[misc]


# -- post-processing ---------------------------------------------------------------


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


def _number_fingerprints(diagnostics: list[Diagnostic]) -> None:
    """Identical records give identical fingerprints: number the repeats, in line order."""
    seen: dict[str, int] = {}
    for diagnostic in sorted(diagnostics, key=Diagnostic.sort_key):
        if diagnostic.fingerprint is not None:
            seen[diagnostic.fingerprint] = repeat = seen.get(diagnostic.fingerprint, 0) + 1
            if repeat > 1:
                diagnostic.fingerprint += f":{repeat}"


def profile_formats(profile) -> list[Format]:
    """The formats a profile accepts, in detection order; ``auto``: every format, most specific first."""
    if profile.formats:
        return [FORMATS[name] for name in profile.formats]
    return sorted(FORMATS.values(), key=lambda fmt: -len(fmt.signature))  # stable: ties keep registration order


def detect_formats(source: Source, formats: list[Format], auto: bool, limit: int = 1000) -> Counter:
    """Records per format among the first ``limit`` records of a file (for --show-settings)."""
    found: Counter = Counter()
    plans = [(fmt.key_sets(auto), fmt.name) for fmt in formats]
    if source.is_stdin:
        return found
    try:
        with _open(Task(0, source.path)) as stream:
            for _, _, record in islice(Reader(stream, lambda *_: None, check_duplicate_keys=False), limit):
                keys = record.keys()
                found[next((name for sets, name in plans if any(s <= keys for s in sets)), "unknown")] += 1
    except (OSError, EOFError, zlib.error):
        pass  # the lint itself reports an unreadable file
    return found


def main_format(counts: Counter) -> str | None:
    """The format most records of a file have, if any."""
    return counts.most_common(1)[0][0] if counts else None


def _applies(rule: Rule, format_name: str, kind: str) -> bool:
    return (rule.kinds is None or kind in rule.kinds) and (rule.formats is None or format_name in rule.formats)


def lint(paths: list[str], settings: Settings | None = None, jobs: int | None = None) -> Result:
    """Lint ``paths`` (files, folders, or ``-`` for stdin) and return the result."""
    settings = settings or Settings()
    return Linter(resolve(settings)).run(paths, settings, jobs)
