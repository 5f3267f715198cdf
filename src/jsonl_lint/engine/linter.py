"""A lint run: discover -> prepare -> tasks -> executor -> merge -> reduce -> result.

Work is cut into tasks: a whole file, or a span of a large file's lines. A task runs read, adapt,
record rules and the map step of the dataset rules, wherever the executor runs it; the parent
merges the tasks' results in order (shifting their line numbers), adds the findings about whole
files, then runs every dataset rule's reduce. Output is the same whatever the number of jobs.
"""

from __future__ import annotations

import uuid
import zlib
from collections.abc import Callable, Iterator
from contextlib import ExitStack, nullcontext
from dataclasses import dataclass
from typing import Any

from jsonl_lint.codes import F006, F007
from jsonl_lint.config import Resolved, Settings
from jsonl_lint.diagnostics import Diagnostic
from jsonl_lint.engine.executors import Executor, ProcessPool, Setup, TaskSpec, adopt, cores
from jsonl_lint.engine.findings import Gathered, collapse_bound, number_fingerprints
from jsonl_lint.engine.records import RULE_ERRORS, RuleFailure, Task, TaskResult, TaskRunner, failure, fetcher
from jsonl_lint.engine.result import Result
from jsonl_lint.errors import ConfigError
from jsonl_lint.files.open import Span, cut, file_size, open_span, spooled
from jsonl_lint.files.reader import SNIFF_BYTES, Stats, file_findings, sniff
from jsonl_lint.files.sources import Source, discover
from jsonl_lint.plugins import owner
from jsonl_lint.progress import Meter, watching
from jsonl_lint.rules.base import Collector
from jsonl_lint.rules.dataset import NearDuplicateRule
from jsonl_lint.rules.summaries import Fetch, Summaries

#: Inputs at least this large are linted by one worker per core (starting a pool costs ~0.1 s).
PARALLEL_BYTES = 8_000_000
#: Lines of a large file are cut into spans of at most about this many bytes, one task each
#: (:func:`chunk_bytes`), and at least MIN_CHUNK_BYTES.
CHUNK_BYTES = 16_000_000
MIN_CHUNK_BYTES = 1_000_000
#: Records from the head of each file that a dataset rule's ``prepare`` sees.
PREPARE_SAMPLE = 200

#: ``progress(done, total, records)``: bytes read so far, of all, and records read.
Progress = Callable[[int, int, int], None]


def default_jobs(jobs: int | None, sources: list[Source]) -> int:
    """``jobs`` as asked, or one per core for inputs of PARALLEL_BYTES or more, else 1 (the pool itself
    never starts more workers than there are cores or tasks)."""
    if jobs is not None:
        return max(1, jobs)
    if sum(s.size for s in sources) < PARALLEL_BYTES:
        return 1
    return cores()


def chunk_bytes(total: int, slots: int) -> int:
    """The size of the spans a parallel run cuts its files into: at most CHUNK_BYTES, and an input of
    ``total`` bytes in a multiple of ``slots`` spans of one size, so that no worker is left reading one
    more while the others wait (36 MB on 2 workers: 4 spans of 9 MB, not 16, 16 and 4 MB); never under
    MIN_CHUNK_BYTES (or CHUNK_BYTES, if that is less), which a worker reads in less time than it takes to start."""
    spans = slots * -(-total // (slots * CHUNK_BYTES))
    return max(-(-total // spans) if spans else 0, min(CHUNK_BYTES, MIN_CHUNK_BYTES))


def executor_for(settings: Settings, jobs: int) -> Executor:
    """The executor ``settings`` ask for: a pool of ``jobs`` processes, or a Dask cluster (imported only then)."""
    if settings.executor == "dask":
        try:
            from jsonl_lint.engine.dask import Dask
        except ImportError as exc:
            raise ConfigError(
                f"--executor dask needs Dask ({exc.name} is not installed): pip install 'jsonl-lint[dask]'"
            ) from None
        return Dask(settings.scheduler)
    return ProcessPool(jobs)


@dataclass
class Kept:
    """The summary keys ``executor`` kept where the tasks ran, and where each task's lines are."""

    executor: Executor
    keys: frozenset
    placed: list[tuple[str, int] | None]


class Linter:
    """Runs one configuration over any number of sources; ``collectors`` are mapped like dataset rules
    and their reduce's value is handed back (the ``stats`` report's numbers)."""

    def __init__(self, resolved: Resolved, collectors: tuple[type[Collector], ...] = (), collapse: bool = True):
        self.resolved = resolved
        self.collapse = collapse  # findings that repeat on most lines of a file reported once, with a count
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
        sources: list[Source] | None = None,
    ) -> Result:
        """Lint ``paths``; ``jobs`` worker processes (None: one per core for large inputs), or the executor
        the settings name (a Dask cluster), or ``executor``.

        ``progress(done, total, records)`` is called with bytes and records read, from the first moment
        and every POLL_SECONDS as the workers read, when the inputs hold at least ``progress_bytes``.
        ``sources``: inputs already found (records spooled by the Python API), linted after those of ``paths``.
        """
        notes: list[str] = []
        found, errors = discover(paths, notes=notes, **settings.discovery())
        sources = found + list(sources or ())
        diagnostics: list[Diagnostic] = []
        self.failures: dict[str, RuleFailure] = {}
        with ExitStack() as stack:
            readable = []
            for source in sources:
                if source.special is not None:  # a device or a socket: one finding, never read
                    self._report(source.path, found := Gathered())(
                        F006, None, None, f"Not a JSONL file: {source.special}"
                    )
                    diagnostics.extend(found.diagnostics)
                    continue
                try:
                    if source.pipe:  # standard input, a named pipe: read once, kept while the run reads it
                        source.file = stack.enter_context(spooled(source.name))
                    source.size, source.mtime = file_size(source.name)
                except OSError as exc:
                    errors.append(f"{source.path}: {exc.strerror or exc}")
                    continue
                diagnostics.extend(self._size_findings(source))
                readable.append(source)
            executor = stack.enter_context(executor or executor_for(settings, default_jobs(jobs, readable)))
            total = sum(s.size for s in readable)
            if total < progress_bytes:
                progress = None
            # spans of a large file for the workers (the bar moves as they read: progress.Meter)
            chunk = chunk_bytes(total, executor.slots) if executor.parallel else None
            fetch = self._fetcher(readable)
            contexts = self._prepare(readable, fetch)
            tasks = []
            for index, source in enumerate(readable):
                whole = Span(source.path, source.file)
                ignored = frozenset(self.resolved.ignored_in(source.path))
                for span in cut(whole, source.size, chunk) if chunk else [whole]:
                    tasks.append(Task(index, span, contexts.get(source.path, {}), ignored))
            setup = Setup(uuid.uuid4().hex, settings, self.collectors)
            adopt(setup.key, self.runner)
            kept = self._partitioned() if executor.reduces else frozenset()
            meter = None if progress is None else Meter()
            results = executor.map([TaskSpec(setup, task) for task in tasks], kept, meter)
            summaries = {self.summary_keys[r.code]: Summaries(r.width, fetch) for r in self.dataset_rules}
            lines: dict[str, int] = {}
            gathered: dict[str, Gathered] = {}
            placed: list[tuple[str, int] | None] = []  # per task: its file and line offset, if merged
            with nullcontext() if meter is None else watching(meter, progress, total):  # type: ignore[arg-type]
                for index, parts in _group(tasks, results):
                    source = readable[index]
                    found, lines[source.path], error = self._merge(source, parts, summaries, placed)
                    gathered[source.path] = found
                    if error:
                        errors.append(error)
            if self.collapse:  # a dataset rule's repeats past the bound are only counted
                never = {code for code, rule in self.rules.items() if not rule.collapse}
                for path, found in gathered.items():
                    found.bound, found.never = collapse_bound(lines.get(path, 0)), never
            self._reduce(readable, summaries, contexts, gathered, Kept(executor, kept, placed))
            for path, found in gathered.items():
                diagnostics.extend(self._finish(path, found, lines.get(path, 0)))
            collected = {
                c.code: c.reduce(summaries.pop(self.summary_keys[c.code]), readable)
                for c in self.dataset_rules
                if isinstance(c, Collector)
            }
        errors.extend(self._failure_messages())
        shown = {s.path for s in sources if s.reported}
        diagnostics = [d for d in diagnostics if d.path in shown and d.code not in self.failures]
        diagnostics.sort(key=Diagnostic.sort_key)
        _number_rows(diagnostics, {s.path for s in sources if s.by_rows})
        codes = {d.code for d in diagnostics}
        reported = {code: rule for code, rule in self.rules.items() if code in codes}  # catalogue order
        kept = [s for s in sources if s.reported]
        return Result(diagnostics, kept, errors, self.resolved, reported, collected, notes, settings.fail_on)

    def _finish(self, path: str, found: Gathered, lines: int) -> list[Diagnostic]:
        """A file's diagnostics, repeats collapsed, identical fingerprints numbered."""
        for code in self.failures:
            found.drop(code)
        diagnostics = found.finish(lines, self.rules, self.collapse)
        number_fingerprints(diagnostics)
        return diagnostics

    def _failure_messages(self) -> list[str]:
        """One line per rule that failed: who registered it, where it failed, what it raised."""
        told = []
        for code, failed in self.failures.items():
            if failed.line is None:
                where = f"{owner(code)}: rule {code} failed in reduce"
            else:
                where = f"{failed.path}:{failed.line}: {owner(code)}: rule {code} failed"
            told.append(f"{where}: {failed.error}; its findings are left out, every other rule's are kept")
        return told

    def _reduce(
        self,
        sources: list[Source],
        summaries: dict[Any, Summaries],
        contexts: dict[str, dict[str, Any]],
        gathered: dict[str, Gathered],
        kept: Kept,
    ) -> None:
        """Every dataset rule's findings, into each file's ``gathered`` (where repeats are kept compact);
        each rule's summaries let go of once the last rule reading them is done. The rules whose
        summaries the executor ``kept`` where the tasks ran are reduced there."""
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
            if rule.code in self.failures:
                continue
            if key in kept.keys:
                found, failed = kept.executor.reduce(rule, key, kept.placed, sources, items.contexts)
                if failed is not None:
                    self.failures[rule.code] = failed
                    continue
            try:
                for diagnostic in found if key in kept.keys else rule.reduce(items, sources):
                    diagnostic = check(diagnostic, rule)
                    if diagnostic.code not in ignored.get(diagnostic.path, ()):
                        target = gathered.get(diagnostic.path)
                        if target is None:
                            target = gathered[diagnostic.path] = Gathered()
                        target.add(diagnostic)
            except RULE_ERRORS as exc:
                self.failures[rule.code] = failure(rule.code, None, exc)
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
            if _not_jsonl(source):
                continue  # binary: its lines may be as long as the file
            head = [example for _, example in fetch(source.path, range(1, PREPARE_SAMPLE + 1))]
            # rules that share their summaries (D005 and V002 of the same options) share the context
            # their mapper is given: it is made once
            made: dict[tuple, Any] = {}
            for rule in preparing:
                if rule.code not in self.resolved.ignored_in(source.path):
                    same = (self.summary_keys[rule.code], type(rule).prepare)
                    if same not in made:
                        made[same] = rule.prepare(head)
                    own[rule.code][source.path] = made[same]
        for rule in preparing:
            for path in own[rule.code]:
                found.setdefault(path, {})[rule.code] = rule.context_of(path, own[rule.code])
        return found

    def _fetcher(self, sources: list[Source]) -> Fetch:
        return fetcher({s.path: s.file or s.path for s in sources}, self.runner.detector)

    def _partitioned(self) -> frozenset:
        """The summary keys whose every rule reduces by parts, file by file, or as near-duplicates do (screen,
        band pairs, report): a cluster keeps them and reduces them there."""
        rules: dict[Any, list] = {}
        for rule in self.dataset_rules:
            rules.setdefault(self.summary_keys[rule.code], []).append(rule)
        return frozenset(
            key
            for key, sharing in rules.items()
            if all(
                (r.per_file or (r.partition is not None or isinstance(r, NearDuplicateRule)) and r.width)
                and not isinstance(r, Collector)
                for r in sharing
            )
        )

    def _merge(
        self, source: Source, parts: list[TaskResult], summaries: dict, placed: list
    ) -> tuple[Gathered, int, str | None]:
        """Join the results of one source's tasks, in order: shift line numbers, add whole-file findings;
        tell ``placed`` each task's file and line offset (None past the last one merged).

        Returns the file's findings (not yet collapsed), its number of lines, and its error if any.
        """
        stats = Stats()
        found = Gathered()
        error = None
        placed.extend([None] * len(parts))
        for number, part in enumerate(parts, len(placed) - len(parts)):
            offset = stats.lines
            placed[number] = (source.path, offset)
            found.merge(part.diagnostics, offset)
            for code, failed in part.failures.items():
                if code not in self.failures:
                    failed.path = source.path
                    failed.line = None if failed.line is None else failed.line + offset
                    self.failures[code] = failed
            for code, (lines, values, places) in part.summaries.items():
                summaries[code].add(source.path, offset, lines, values, places)
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
        source.records, source.lines = stats.records, stats.lines
        if source.is_stdin or source.path.endswith(".gz"):
            source.size = stats.size
        if error is None:
            file_findings(stats, self._report(source.path, found), self.resolved.profile.bom)
        return found, stats.lines, error

    def _report(self, path: str, out: Gathered):
        return self.runner.findings.reporter(path, self.resolved.ignored_in(path), out)

    def _size_findings(self, source: Source) -> list[Diagnostic]:
        found = Gathered()
        limit = self.resolved.options["max-file-size-mb"]
        if limit is not None and source.size > limit * 1_000_000:
            self._report(source.path, found)(
                F007, None, None, f"File is {source.size / 1e6:,.1f} MB; the limit is {limit:,} MB"
            )
        return found.diagnostics


def _not_jsonl(source: Source) -> bool:
    """The file's head shows that it is plainly not JSONL (the reader reports it as F006)."""
    try:
        with open_span(Span(source.path, source.file)) as stream:
            if not hasattr(stream, "peek"):  # Parquet rows, written as JSONL lines
                return False
            return sniff(stream.peek(SNIFF_BYTES)[:SNIFF_BYTES]) is not None
    except (OSError, EOFError, zlib.error):
        return True  # the lint reports it


def _number_rows(diagnostics: list[Diagnostic], rowed: set[str]) -> None:
    """Give the findings of inputs numbered by rows their 0-based row (a row is a line of their JSONL)."""
    if rowed:
        for d in diagnostics:
            if d.line is not None and d.path in rowed:
                d.row = d.line - 1


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
