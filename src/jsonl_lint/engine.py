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
import shutil
import sys
import tempfile
import zlib
from array import array
from bisect import bisect_right
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from itertools import islice
from typing import TYPE_CHECKING, Any, BinaryIO

from jsonl_lint.config import Resolved, Settings, resolve
from jsonl_lint.diagnostics import Diagnostic, Location, snippet
from jsonl_lint.formats import FORMATS, Example, Format, Problem, explain_unknown, unknown_keys_message
from jsonl_lint.locate import locate, member
from jsonl_lint.reader import SNIFF_BYTES, Reader, Stats, file_findings, parse_line, sniff
from jsonl_lint.rule import DatasetRule, RecordRule, RoleFinding, RoleRule, Rule, role_finding_path
from jsonl_lint.schema import problems as schema_problems
from jsonl_lint.sources import Source, discover
from jsonl_lint.text import stable_hash

if TYPE_CHECKING:
    import numpy as np

READ_BUFFER = 1 << 20
GZIP_MAGIC = b"\x1f\x8b"
LINE_ENDING = b"\r\n"
#: Distinct role sequences whose role-rule findings are remembered.
MEMO_LIMIT = 10_000
MEMO_KEY_CHARS = 4_096  # role sequences longer than this (absurd roles) are not remembered
#: Inputs at least this large are linted by one worker per core (starting a pool costs ~0.1 s).
PARALLEL_BYTES = 8_000_000
#: Lines of a large file are cut into ranges of about this many bytes, one task each.
CHUNK_BYTES = 16_000_000
#: Records from the head of each file that a dataset rule's ``prepare`` sees.
PREPARE_SAMPLE = 200

#: Re-reads records: ``fetch(path, lines)`` yields ``(line, example)`` for the wanted lines of a file.
Fetch = Callable[[str, Iterable[int]], Iterator[tuple[int, Example]]]
#: ``progress(done, total, records)``: bytes read so far, of all, and records read.
Progress = Callable[[int, int, int], None]


@dataclass
class Result:
    """Everything a reporter needs."""

    diagnostics: list[Diagnostic]
    sources: list[Source]
    errors: list[str]  # one-line errors: missing or unreadable paths, internal failures
    resolved: Resolved
    rules: dict[str, Rule] = field(default_factory=dict)  # every rule that reported, by code
    summaries: dict[str, Summaries] = field(default_factory=dict)  # the collectors' map output, by code


class Summaries:
    """What one dataset rule's ``map`` returned over a run, with where: its ``reduce`` input.

    Iterating yields ``(Location, summary)`` in input order, and may be done more than
    once. Line numbers are kept in compact arrays (4 bytes each), per range of a file; so are the
    summaries of a rule with a fixed ``width`` (bytes), which :meth:`array` returns as
    one numpy array, a row per summary, with no Python object per example.
    """

    def __init__(self, width: int | None, fetch: Fetch) -> None:
        self.width = width
        self.parts: list[tuple[str, int, array, Any]] = []  # (path, line offset, lines, summaries)
        self._fetch = fetch
        self._starts: list[int] = []  # first row of each part

    def add(self, path: str, offset: int, lines: array, values: list | bytearray) -> None:
        if lines:
            self._starts.append(len(self))
            self.parts.append((path, offset, lines, values))

    def __len__(self) -> int:
        return self._starts[-1] + len(self.parts[-1][2]) if self.parts else 0

    def __iter__(self) -> Iterator[tuple[Location, Any]]:
        width = self.width
        for path, offset, lines, values in self.parts:
            if width is None:
                for line, value in zip(lines, values, strict=True):
                    yield Location(path, line + offset), value
            else:
                for i, line in enumerate(lines):
                    yield Location(path, line + offset), bytes(values[i * width : (i + 1) * width])

    def array(self, dtype: str = "<u8") -> np.ndarray:
        """Every summary of a fixed-width rule, one row each, viewed as ``dtype`` (a 2-D array)."""
        import numpy as np

        assert self.width is not None, "only rules with a fixed summary width have an array"
        data = np.empty(len(self) * self.width, np.uint8)
        # Each part becomes a view of the joined array as it is copied: the summaries are never
        # held twice (a part at a time at most).
        start = 0
        for i, (path, offset, lines, values) in enumerate(self.parts):
            end = start + len(values)
            data[start:end] = np.frombuffer(values, np.uint8)
            self.parts[i] = (path, offset, lines, memoryview(data[start:end]))
            start = end
        return data.view(dtype).reshape(len(self), -1)

    def paths(self) -> np.ndarray:
        """The index (into :attr:`files`) of each row's file."""
        import numpy as np

        counts = [len(lines) for _, _, lines, _ in self.parts]
        index = {path: i for i, path in enumerate(self.files)}
        return np.repeat(np.array([index[path] for path, *_ in self.parts], np.int32), counts)

    @property
    def files(self) -> list[str]:
        """The files with rows, in input order."""
        return list(dict.fromkeys(path for path, *_ in self.parts))

    def location(self, row: int) -> Location:
        part = bisect_right(self._starts, row) - 1
        path, offset, lines, _ = self.parts[part]
        return Location(path, lines[row - self._starts[part]] + offset)

    def examples(self, rows: Iterable[int]) -> Iterator[tuple[int, Example]]:
        """Read the records of ``rows`` again (in input order) and yield ``(row, example)``.

        For the few records a reduce needs whole, such as candidate near-duplicates to
        verify: each file is read once more, and only the wanted lines are parsed.
        """
        wanted: dict[str, dict[int, int]] = {}
        for row in sorted(set(rows)):
            location = self.location(row)
            wanted.setdefault(location.path, {})[location.line] = row  # type: ignore[index]
        for path in self.files:
            if path in wanted:
                for line, example in self._fetch(path, wanted[path]):
                    yield wanted[path][line], example


@dataclass
class Task:
    """Lines ``start`` to ``end`` (bytes; None: to the end) of source ``index``."""

    index: int
    path: str
    start: int = 0
    end: int | None = None
    file: str | None = None  # what to open, when not ``path`` (standard input kept in a temporary file)
    contexts: dict[str, Any] = field(default_factory=dict)  # rule code -> what its ``prepare`` found in the file

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
    name = task.file or task.path
    if name == "-":
        yield sys.stdin.buffer
        return
    with open(name, "rb", buffering=READ_BUFFER) as stream:
        if task.end is not None:
            stream.seek(task.start)
            yield io.BufferedReader(io.BytesIO(stream.read(task.end - task.start)))  # type: ignore[arg-type]
        elif name.endswith(".gz") and stream.peek(2)[:2] == GZIP_MAGIC:
            with io.BufferedReader(gzip.GzipFile(fileobj=stream), READ_BUFFER) as unzipped:  # type: ignore[arg-type]
                yield unzipped  # type: ignore[misc]
        else:
            yield stream


def _tasks(index: int, source: Source) -> list[Task]:
    """One task per source, or one per range of lines for a large plain file (for workers)."""
    file = source.file or source.path
    whole = [Task(index, source.path, file=source.file)]
    if file == "-" or file.endswith(".gz") or source.size <= CHUNK_BYTES:
        return whole
    tasks, start = [], 0
    with open(file, "rb") as stream:
        if sniff(stream.read(SNIFF_BYTES)) is not None:
            return whole  # not JSONL: one finding from the head, nothing to cut
        while start < source.size:
            stream.seek(min(start + CHUNK_BYTES, source.size))
            stream.readline()  # ranges end on a line boundary
            end = min(stream.tell(), source.size)
            tasks.append(Task(index, source.path, start, end, source.file))
            start = end
    return tasks


@contextmanager
def _spooled_stdin() -> Iterator[str]:
    """Standard input copied to a temporary file (removed afterwards), so that it can be read twice."""
    with tempfile.NamedTemporaryFile(prefix="jsonl-lint-", suffix=".jsonl", delete=False) as spool:
        shutil.copyfileobj(sys.stdin.buffer, spool, READ_BUFFER)
    try:
        yield spool.name
    finally:
        os.unlink(spool.name)


class Linter:
    """Runs one configuration over any number of sources."""

    def __init__(self, resolved: Resolved, collectors: tuple[type[DatasetRule], ...] = ()):
        self.resolved = resolved
        self.rules = {rule.code: rule for rule in resolved.rules}
        self.record_rules = [r for r in resolved.rules if isinstance(r, RecordRule)]
        self.dataset_rules = [r for r in resolved.rules if isinstance(r, DatasetRule)]
        # Collectors (the `stats` report): mapped like dataset rules, their summaries returned as they are.
        self.collectors = collectors
        self.dataset_rules += [c(resolved.options, None, resolved.profile) for c in collectors]
        # Rules whose map gives the same summaries (D005 and V002 with the same options) share them.
        self.summary_keys = {r.code: r.summary_key() or r.code for r in self.dataset_rules}
        self.formats = profile_formats(resolved.profile)
        self.auto = not resolved.profile.formats  # `auto`: every format, detected per record
        self.accepted = [(f.title, f.signature) for f in self.formats]
        # Rules that apply to each format, decided once rather than per record.
        self.rules_for = {f.name: [r for r in self.record_rules if _applies(r, f.name, f.kind)] for f in self.formats}
        # Rules that mask what they find (secrets) in every snippet, whichever rule the snippet is for.
        self.redactors = [r.redact for r in resolved.rules if type(r).redact is not Rule.redact]

    # -- the run ------------------------------------------------------------

    def run(
        self,
        paths: list[str],
        settings: Settings,
        jobs: int | None = None,
        progress: Progress | None = None,
        progress_bytes: int = 0,
    ) -> Result:
        """Lint ``paths``; ``jobs`` worker processes (None: one per core for large inputs).

        ``progress(done, total, records)`` is called with bytes and records read as tasks
        finish, when the inputs hold at least ``progress_bytes``.
        """
        sources, errors = discover(paths, settings.exclude, settings.root, settings.splits)
        diagnostics: list[Diagnostic] = []
        tasks: list[Task] = []
        jobs = None if jobs is None else max(1, jobs)
        with ExitStack() as stack:
            for source in sources:
                if source.is_stdin and any(rule.rereads for rule in self.dataset_rules):
                    source.file = stack.enter_context(_spooled_stdin())  # read again to verify candidates
                if source.file is not None or not source.is_stdin:
                    try:
                        source.size = os.stat(source.file or source.path).st_size
                    except OSError as exc:
                        errors.append(f"{source.path}: {exc.strerror}")
                        continue
                    diagnostics.extend(self._size_findings(source))
            jobs = default_jobs(jobs, sources)
            total = sum(s.size for s in sources)
            if total < progress_bytes:
                progress = None
            cut = jobs > 1 or progress is not None  # ranges of a large file: the bar moves as they finish
            fetch = self._fetcher(sources)
            contexts = self._prepare(sources, fetch)
            for index, source in enumerate(sources):
                for task in _tasks(index, source) if cut else [Task(index, source.path, file=source.file)]:
                    task.contexts = contexts.get(source.path, {})
                    tasks.append(task)
            summaries = {self.summary_keys[r.code]: Summaries(r.width, fetch) for r in self.dataset_rules}
            for index, parts in _group(tasks, self._run_tasks(tasks, settings, jobs), progress, total):
                source = sources[index]
                found, error = self._merge(source, parts, summaries)
                diagnostics.extend(found)
                if error:
                    errors.append(error)
            ignored = {s.path: self.resolved.ignored_in(s.path) for s in sources}
            collected = {c.code: summaries[self.summary_keys[c.code]] for c in self.collectors}
            reducing = [r for r in self.dataset_rules if r.code not in collected]
            for i, rule in enumerate(reducing):
                key = self.summary_keys[rule.code]
                items = summaries[key]
                if all(self.summary_keys[later.code] != key for later in reducing[i + 1 :]):
                    del summaries[key]  # the last rule to read them: let go of them once it is done
                for diagnostic in rule.reduce(items, sources):
                    if diagnostic.code not in ignored.get(diagnostic.path, ()):
                        diagnostics.append(diagnostic)
                del items
        shown = {s.path for s in sources if s.reported}
        diagnostics = [d for d in diagnostics if d.path in shown]
        diagnostics.sort(key=Diagnostic.sort_key)
        codes = {d.code for d in diagnostics}
        reported = {code: rule for code, rule in self.rules.items() if code in codes}  # catalogue order
        return Result(diagnostics, [s for s in sources if s.reported], errors, self.resolved, reported, collected)

    def _prepare(self, sources: list[Source], fetch: Fetch) -> dict[str, dict[str, Any]]:
        """Per file, per rule that prepares: what ``prepare`` makes of the file's first examples.

        Each rule also keeps them all, by path, in ``rule.contexts`` (for its reduce).
        """
        preparing = [r for r in self.dataset_rules if type(r).prepare is not DatasetRule.prepare]
        found: dict[str, dict[str, Any]] = {}
        for rule in preparing:
            rule.contexts = {}
        if not preparing:
            return found
        for source in sources:
            if source.is_stdin and source.file is None:
                continue  # read once only: no sample
            head = [example for _, example in fetch(source.path, range(1, PREPARE_SAMPLE + 1))]
            for rule in preparing:
                if rule.code not in self.resolved.ignored_in(source.path):
                    rule.contexts[source.path] = rule.prepare(head)
        for rule in preparing:
            own = rule.contexts
            rule.contexts = {path: rule.context_of(path, own) for path in own}
            for path, context in rule.contexts.items():
                found.setdefault(path, {})[rule.code] = context
        return found

    def _fetcher(self, sources: list[Source]) -> Fetch:
        files = {s.path: (i, s.file) for i, s in enumerate(sources)}

        def fetch(path: str, lines: Iterable[int]) -> Iterator[tuple[int, Example]]:
            index, file = files[path]
            wanted = set(lines)
            last = max(wanted, default=0)
            plans, detected = self._plans(self.resolved.ignored_in(path)), {}
            try:
                with _open(Task(index, path, file=file)) as stream:
                    for line, raw in enumerate(stream, 1):  # numbered as the Reader numbers them
                        if line in wanted:
                            record = parse_line(raw, line == 1)
                            match = self._match(record, plans, detected) if isinstance(record, dict) else None
                            if match is not None:
                                yield line, match[1]
                        if line >= last:
                            break
            except (OSError, EOFError, zlib.error):
                return  # the first read reported it

        return fetch

    def _run_tasks(self, tasks: list[Task], settings: Settings, jobs: int) -> Iterator[TaskResult]:
        """Yield the tasks' results, in order, from this process or a pool."""
        if jobs <= 1 or len(tasks) <= 1:
            yield from map(self.run_task, tasks)
            return
        context = multiprocessing.get_context()
        with context.Pool(jobs, initializer=_init_worker, initargs=(settings, self.collectors)) as pool:
            yield from pool.imap(_run_in_worker, tasks)

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
            part.summaries = {}  # held by the run's summaries alone, which let go of them as they reduce
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
                # The record's content, not where it stands: line endings (F003, --fix) do not count.
                content = stable_hash(raw.rstrip(LINE_ENDING))
                diagnostic.fingerprint = f"{code}:{content:016x}:{json_path or ''}"
            out.append(diagnostic)

        return report

    def run_task(self, task: Task) -> TaskResult:
        out: list[Diagnostic] = []
        summaries = {
            self.summary_keys[r.code]: (array("I"), [] if r.width is None else bytearray()) for r in self.dataset_rules
        }
        result = TaskResult(out, summaries, Stats(), {}, {})
        report = self._reporter(task.path, out)
        ignored = self.resolved.ignored_in(task.path)
        for rule in self.dataset_rules:
            rule.context = task.contexts.get(rule.code)
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

    def _plans(self, ignored) -> list[tuple]:
        """Per accepted format: (key sets that identify it, format, role rules, other record rules)."""
        # In `auto` a format must show its signature; a profile that names its formats needs only
        # their required keys (Bedrock's optional `system`).
        plans = []
        for fmt in self.formats:
            rules = [r for r in self.rules_for[fmt.name] if r.code not in ignored]
            roles = [r for r in rules if isinstance(r, RoleRule)]
            plans.append((fmt.key_sets(self.auto), fmt, roles, [r for r in rules if not isinstance(r, RoleRule)]))
        return plans

    def _match(self, record: dict, plans: list[tuple], detected: dict) -> tuple[tuple, Example, list] | None:
        """The plan whose format the record is in, its example and the adapter's problems; None: no format."""
        keys = tuple(record)
        candidates = detected.get(keys)
        if candidates is None:  # records of a file mostly share their keys: detect once per key set
            candidates = [plan for plan in plans if any(needs.issubset(keys) for needs in plan[0])]
            if len(detected) < MEMO_LIMIT:
                detected[keys] = candidates
        auto = self.auto
        match = None
        for plan in candidates:
            problems: list[Problem] = []
            adapted = plan[1].adapt(record, problems)
            # `auto`: a record that breaks the first format it resembles may be valid in another.
            if not auto or not problems or not any(p.code == "S002" for p in problems):
                return plan, adapted, problems
            match = match or (plan, adapted, problems)
        return match

    def _lint_records(self, index, reader, report, ignored, summaries, result) -> None:
        accepted, profile = self.accepted, self.resolved.profile.name
        plans = self._plans(ignored)
        mappers, mapped = [], set()
        for rule in self.dataset_rules:
            key = self.summary_keys[rule.code]
            if rule.code not in ignored and key not in mapped:
                mapped.add(key)
                lines, values = summaries[key]
                mappers.append((rule.map, lines.append, values.append if rule.width is None else values.extend))
        memo: dict[tuple, list[tuple[Rule, RoleFinding]]] = {}
        detected: dict[tuple, list] = {}
        counts, first_lines = result.formats, result.first_lines
        profile_keys, title = self.resolved.profile.keys, self.resolved.profile.title
        validator = self.resolved.schema
        replace = validator is not None and self.resolved.schema_mode == "replace"
        match = self._match
        for lineno, raw, record in reader:
            if validator is not None:
                for problem in schema_problems(validator, record):
                    report(problem.code, lineno, None, problem.message, problem.json_path, raw)
            found_match = match(record, plans, detected)
            if found_match is None:
                if not replace:  # the user's schema is the format
                    report("S001", lineno, None, explain_unknown(record, profile, accepted), "$", raw)
                continue
            (_, fmt, role_rules, checks), example, problems = found_match
            keys = record.keys()
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
            for map_, add_line, add_value in mappers:
                summary = map_(example)
                if summary is not None:
                    add_line(lineno)
                    add_value(summary)


# -- workers ---------------------------------------------------------------------

_WORKER: Linter | None = None


def _init_worker(settings: Settings, collectors: tuple[type[DatasetRule], ...] = ()) -> None:
    global _WORKER
    _WORKER = Linter(resolve(settings), collectors)


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


def _group(
    tasks: list[Task], results: Iterator[TaskResult], progress: Progress | None = None, total: int = 0
) -> Iterator[tuple[int, list[TaskResult]]]:
    """Regroup results (in task order) by source, telling ``progress`` as each task's result arrives."""
    current: int | None = None
    parts: list[TaskResult] = []
    done = records = 0
    for task, result in zip(tasks, results, strict=True):
        if progress is not None:
            done, records = done + result.stats.size, records + result.stats.records
            progress(done, total, records)
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
