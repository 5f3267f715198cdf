"""A lint run: discover -> prepare -> tasks -> executor -> merge -> reduce -> result.

Work is cut into tasks: a whole file, or a span of a large file's lines. A task runs read, adapt,
record rules and the map step of the dataset rules, wherever the executor runs it; the parent
merges the tasks' results in order (shifting their line numbers), adds the findings about whole
files, then runs every dataset rule's reduce. Output is the same whatever the number of jobs.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterable, Iterator
from contextlib import ExitStack
from dataclasses import dataclass, field
from typing import Any

from jsonl_lint.codes import F007
from jsonl_lint.config import Resolved, Settings, resolve
from jsonl_lint.diagnostics import Diagnostic
from jsonl_lint.engine.executors import Executor, ProcessPool, Setup, TaskSpec, adopt, cores
from jsonl_lint.engine.findings import collapse, number_fingerprints
from jsonl_lint.engine.records import Task, TaskResult, TaskRunner, read_examples
from jsonl_lint.example import Example
from jsonl_lint.files.open import Span, cut, spooled_stdin
from jsonl_lint.files.reader import Stats, file_findings
from jsonl_lint.files.sources import Source, discover
from jsonl_lint.rules.base import Collector, Rule
from jsonl_lint.rules.summaries import Fetch, Summaries

#: Inputs at least this large are linted by one worker per core (starting a pool costs ~0.1 s).
PARALLEL_BYTES = 8_000_000
#: Lines of a large file are cut into spans of about this many bytes, one task each.
CHUNK_BYTES = 16_000_000
#: Records from the head of each file that a dataset rule's ``prepare`` sees.
PREPARE_SAMPLE = 200

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
    collected: dict[str, Any] = field(default_factory=dict)  # what each collector's reduce returned, by code


def default_jobs(jobs: int | None, sources: list[Source]) -> int:
    """``jobs`` as asked, or one per core for inputs of PARALLEL_BYTES or more, else 1."""
    if jobs is not None:
        return jobs
    if sum(s.size for s in sources) < PARALLEL_BYTES:
        return 1
    return cores()


class Linter:
    """Runs one configuration over any number of sources; ``collectors`` are mapped like dataset rules
    and their reduce's value is handed back (the ``stats`` report's numbers)."""

    def __init__(self, resolved: Resolved, collectors: tuple[type[Collector], ...] = ()):
        self.resolved = resolved
        self.collectors = collectors
        self.runner = TaskRunner(resolved, collectors)
        self.rules = self.runner.rules
        self.dataset_rules = self.runner.dataset_rules
        self.summary_keys = self.runner.summary_keys

    def run(
        self,
        paths: list[str],
        settings: Settings,
        jobs: int | None = None,
        progress: Progress | None = None,
        progress_bytes: int = 0,
        executor: Executor | None = None,
    ) -> Result:
        """Lint ``paths``; ``jobs`` worker processes (None: one per core for large inputs), or ``executor``.

        ``progress(done, total, records)`` is called with bytes and records read as tasks
        finish, when the inputs hold at least ``progress_bytes``.
        """
        sources, errors = discover(paths, settings.exclude, settings.root, settings.splits)
        diagnostics: list[Diagnostic] = []
        jobs = None if jobs is None else max(1, jobs)
        with ExitStack() as stack:
            for source in sources:
                if source.is_stdin and any(rule.rereads for rule in self.dataset_rules):
                    source.file = stack.enter_context(spooled_stdin())  # read again to verify candidates
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
            cutting = jobs > 1 or progress is not None  # spans of a large file: the bar moves as they finish
            fetch = self._fetcher(sources)
            contexts = self._prepare(sources, fetch)
            tasks = []
            for index, source in enumerate(sources):
                whole = Span(source.path, source.file)
                for span in cut(whole, source.size, CHUNK_BYTES) if cutting else [whole]:
                    tasks.append(Task(index, span, contexts.get(source.path, {})))
            setup = Setup(uuid.uuid4().hex, settings, self.collectors)
            adopt(setup.key, self.runner)
            results = (executor or ProcessPool(jobs)).map([TaskSpec(setup, task) for task in tasks])
            summaries = {self.summary_keys[r.code]: Summaries(r.width, fetch) for r in self.dataset_rules}
            for index, parts in _group(tasks, results, progress, total):
                found, error = self._merge(sources[index], parts, summaries)
                diagnostics.extend(found)
                if error:
                    errors.append(error)
            diagnostics.extend(self._reduce(sources, summaries, contexts))
            collected = {
                c.code: c.reduce(summaries.pop(self.summary_keys[c.code]), sources)
                for c in self.dataset_rules
                if isinstance(c, Collector)
            }
        shown = {s.path for s in sources if s.reported}
        diagnostics = [d for d in diagnostics if d.path in shown]
        diagnostics.sort(key=Diagnostic.sort_key)
        codes = {d.code for d in diagnostics}
        reported = {code: rule for code, rule in self.rules.items() if code in codes}  # catalogue order
        return Result(diagnostics, [s for s in sources if s.reported], errors, self.resolved, reported, collected)

    def _reduce(
        self, sources: list[Source], summaries: dict[Any, Summaries], contexts: dict[str, dict[str, Any]]
    ) -> Iterator[Diagnostic]:
        """Every dataset rule's findings; each rule's summaries let go of once the last rule reading them is done."""
        ignored = {s.path: self.resolved.ignored_in(s.path) for s in sources}
        reducing = [r for r in self.dataset_rules if not isinstance(r, Collector)]
        collecting = {self.summary_keys[c.code] for c in self.dataset_rules if isinstance(c, Collector)}
        check = self.runner.findings.check
        for i, rule in enumerate(reducing):
            key = self.summary_keys[rule.code]
            items = summaries[key]
            items.contexts = {path: found[rule.code] for path, found in contexts.items() if rule.code in found}
            if key not in collecting and all(self.summary_keys[later.code] != key for later in reducing[i + 1 :]):
                del summaries[key]  # the last rule to read them: let go of them once it is done
            for diagnostic in rule.reduce(items, sources):
                diagnostic = check(diagnostic, rule)
                if diagnostic.code not in ignored.get(diagnostic.path, ()):
                    yield diagnostic
            del items

    def _prepare(self, sources: list[Source], fetch: Fetch) -> dict[str, dict[str, Any]]:
        """Per file, per rule that prepares: what ``prepare`` makes of the file's first examples
        (``context_of`` of what it found in every file)."""
        preparing = [r for r in self.dataset_rules if r.prepares()]
        found: dict[str, dict[str, Any]] = {}
        if not preparing:
            return found
        own: dict[str, dict[str, Any]] = {rule.code: {} for rule in preparing}
        for source in sources:
            if source.is_stdin and source.file is None:
                continue  # read once only: no sample
            head = [example for _, example in fetch(source.path, range(1, PREPARE_SAMPLE + 1))]
            for rule in preparing:
                if rule.code not in self.resolved.ignored_in(source.path):
                    own[rule.code][source.path] = rule.prepare(head)
        for rule in preparing:
            for path in own[rule.code]:
                found.setdefault(path, {})[rule.code] = rule.context_of(path, own[rule.code])
        return found

    def _fetcher(self, sources: list[Source]) -> Fetch:
        spans = {s.path: Span(s.path, s.file) for s in sources}
        detector = self.runner.detector

        def fetch(path: str, lines: Iterable[int]) -> Iterator[tuple[int, Example]]:
            return read_examples(spans[path], lines, detector)

        return fetch

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
                if d.end_line is not None:
                    d.end_line += offset
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
            file_findings(stats, self._report(source.path, found), self.resolved.profile.bom)
        found = collapse(found, self.rules)
        number_fingerprints(found)
        return found, error

    def _report(self, path: str, out: list[Diagnostic]):
        return self.runner.findings.reporter(path, self.resolved.ignored_in(path), out)

    def _size_findings(self, source: Source) -> list[Diagnostic]:
        found: list[Diagnostic] = []
        limit = self.resolved.options["max-file-size-mb"]
        if limit is not None and source.size > limit * 1_000_000:
            self._report(source.path, found)(
                F007, None, None, f"File is {source.size / 1e6:,.1f} MB; the limit is {limit:,} MB"
            )
        return found


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


def lint(paths: list[str], settings: Settings | None = None, jobs: int | None = None) -> Result:
    """Lint ``paths`` (files, folders, or ``-`` for stdin) and return the result."""
    settings = settings or Settings()
    return Linter(resolve(settings)).run(paths, settings, jobs)
