"""The Dask executor: tasks run on the workers of a Dask cluster (``--executor dask``, the ``dask`` extra).

The cluster is a running scheduler's (``tcp://HOST:PORT``), or a LocalCluster of ``local:N`` worker
processes on the loopback interface, started for the run and closed after it. Each worker opens its
task's span itself, builds its runner once per run from the settings, and sends back what a process
of the pool sends back; results are yielded in the order of the specs, so the output is the same as a
local run's. The summaries of the rules that reduce by parts (``DatasetRule.partition``) and of the
near-duplicate rules stay on the workers, and are shuffled and reduced there (:meth:`Dask.reduce`):
only their findings come back, or, for near-duplicates, the verified pairs the client groups. A
worker that dies has its tasks run again elsewhere (the scheduler's ``allowed-failures``); a task
the cluster cannot run ends the run with a :class:`ClusterError`, never with a partial report.
"""

from __future__ import annotations

import logging
import operator
import pickle
from array import array
from collections import deque
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import replace
from typing import Any

import numpy as np
from distributed import Client, Future, LocalCluster

from jsonl_lint.diagnostics import Diagnostic, Location
from jsonl_lint.engine.executors import (
    Executor,
    Reduced,
    Setup,
    TaskSpec,
    cores,
    pickle_result,
    run_task,
    run_task_in_worker,
    runner,
)
from jsonl_lint.engine.records import (
    RULE_ERRORS,
    RuleFailure,
    Task,
    TaskResult,
    TaskRunner,
    failure,
    fetcher,
)
from jsonl_lint.errors import ClusterError
from jsonl_lint.files.open import portable
from jsonl_lint.files.sources import Source
from jsonl_lint.progress import Meter
from jsonl_lint.rules.base import DatasetRule
from jsonl_lint.rules.dataset import Edge, NearDuplicateRule
from jsonl_lint.rules.summaries import Summaries

LOCAL = "local:"
#: How long to wait for a scheduler to answer before the run fails.
CONNECT_TIMEOUT = "20s"


class Dask(Executor):
    """Tasks on a Dask cluster: ``scheduler`` is an address, ``local:N``, or None (one local worker per core).

    Open for the run (``with``): the summaries of the partitioned rules stay on the workers after
    ``map``, and :meth:`reduce` shuffles them there by the rule's column, one part per worker.
    """

    parallel = True
    reduces = True

    def __init__(self, scheduler: str | None):
        self.scheduler = scheduler or f"{LOCAL}{cores()}"
        self._stack: ExitStack | None = None
        self._kept: list[Future] = []  # per task: its kept summaries, by key, on a worker
        self._setup: Future | None = None

    def __enter__(self) -> Dask:
        self._stack = ExitStack()
        self.client = self._stack.enter_context(self._client())
        return self

    def __exit__(self, *exc: object) -> None:
        self._kept, self._setup = [], None
        if self._stack is not None:
            self._stack.close()

    def map(
        self, specs: list[TaskSpec], kept: frozenset = frozenset(), meter: Meter | None = None
    ) -> Iterator[TaskResult]:
        """As :class:`~jsonl_lint.engine.executors.Executor`; ``meter`` is told each task's bytes and
        records as its result comes back (a meter in shared memory does not reach another machine)."""
        client = self.client
        # A run's setup (its settings) is sent once, as a task of its own, not with each of its tasks;
        # a task rather than scattered data: when the workers holding it die, it is made again.
        runs = {spec.setup.key: spec.setup for spec in specs}
        setups = {key: client.submit(_given, setup, key=f"setup-{key}") for key, setup in runs.items()}
        self._setup = next(iter(setups.values()), None)
        tasks = [_portable(spec.task) for spec in specs]
        shared = [setups[spec.setup.key] for spec in specs]
        done = client.map(_run, tasks, shared, kept=kept, pure=False)
        self._kept = client.map(operator.itemgetter(1), done, pure=False) if kept else []
        futures = deque(client.map(operator.itemgetter(0), done, pure=False) if kept else done)
        del done
        while futures:
            future = futures.popleft()  # let go of each result once it is read: the client stays small
            result = pickle.loads(self._result(future))
            if meter is not None:
                meter.add(result.stats.size, result.stats.records)
            yield result

    def reduce(self, rule: DatasetRule, key: Any, placed: list, sources: list[Source], contexts: dict) -> Reduced:
        if isinstance(rule, NearDuplicateRule):
            return self._near(rule, key, placed, sources, contexts)
        client, code = self.client, rule.code
        parts = max(1, len(client.nthreads()))  # one part per worker
        if rule.per_file:  # each task's rows go whole to its file's part
            files = {path: index for index, path in enumerate(dict.fromkeys(p[0] for p in placed if p))}
            owner = [None if p is None else files[p[0]] % parts for p in placed]
            whole = client.map(_task_rows, self._kept, summary=key, pure=False)
            pieces = [[piece if owner[i] == part else None for i, piece in enumerate(whole)] for part in range(parts)]
        else:
            split = client.map(_split, self._kept, summary=key, code=code, setup=self._setup, parts=parts, pure=False)
            pieces = [self._part(split, part) for part in range(parts)]
        found: list[Diagnostic] = []
        names = _names(sources)
        reduced = [
            client.submit(
                _reduce_part,
                pieces[part],
                placed,
                sources,
                names,
                code=code,
                setup=self._setup,
                pure=False,
            )
            for part in range(parts)
        ]
        for future in reduced:
            diagnostics, failed = self._result(future)
            if failed is not None:
                return [], failed
            found.extend(diagnostics)
        order = {source.path: index for index, source in enumerate(sources)}
        if rule.per_file:  # file by file, each file's as its part gave them
            found.sort(key=lambda d: order.get(d.path, len(order)))
        else:  # row order, as one reduce gives
            found.sort(key=lambda d: (order.get(d.path, len(order)), d.line or 0))
        return found, None

    def _near(
        self, rule: NearDuplicateRule, key: Any, placed: list, sources: list[Source], contexts: dict[str, Any]
    ) -> Reduced:
        """Near-duplicates in two shuffles: the rows by the rule's screen key (exact repeats, same prompts),
        then the rows that pass it by each band key; only the verified pairs come back, which the rule's
        ``report`` turns into findings here, as one local reduce does."""
        if not rule.compares(sources) or not self._kept:
            return [], None
        client, code = self.client, rule.code
        parts = max(1, len(client.nthreads()))  # one part per worker, in each shuffle
        common = {"code": code, "setup": self._setup, "pure": False}
        split = client.map(
            _split_rows, self._kept, range(len(self._kept)), summary=key, placed=placed, parts=parts, **common
        )
        given = (placed, sources, _names(sources), contexts)
        screened = [
            client.submit(_screen_part, self._part(split, part), *given, parts, **common) for part in range(parts)
        ]
        onward = [client.submit(operator.itemgetter(1), future, pure=False) for future in screened]
        banded = [
            client.submit(_band_part, self._part(onward, part), *given, part, parts, **common) for part in range(parts)
        ]
        edges: list[Edge] = []
        where: dict[int, tuple[Location, int]] = {}
        for future in [client.submit(operator.itemgetter(0), f, pure=False) for f in screened] + banded:
            found, places, failed = self._result(future)
            if failed is not None:
                return [], failed
            edges.extend(found)
            where.update(places)
        try:
            return list(rule.report(edges, lambda row: where[row][0], lambda row: where[row][1])), None
        except RULE_ERRORS as exc:
            return [], failure(code, None, exc)

    def _part(self, split: list[Future], part: int) -> list[Future]:
        """Part ``part`` of each task's split pieces (a shuffle's gather, one future per task)."""
        return [self.client.submit(operator.itemgetter(part), piece, pure=False) for piece in split]

    def _result(self, future: Future) -> Any:
        try:
            return future.result()
        except Exception as exc:  # noqa: BLE001 - KilledWorker, CancelledError, a lost scheduler
            raise ClusterError(f"{self.scheduler}: the cluster failed a task: {_brief(exc)}") from exc

    @contextmanager
    def _client(self) -> Iterator[Client]:
        if self.scheduler.startswith(LOCAL):
            workers = int(self.scheduler[len(LOCAL) :])
            try:
                cluster = LocalCluster(
                    n_workers=workers,
                    threads_per_worker=1,
                    processes=True,
                    host="127.0.0.1",  # loopback only: nothing of the run is reachable from elsewhere
                    dashboard_address="127.0.0.1:0",  # its HTTP server too, on a free port
                    silence_logs=logging.ERROR,
                )
            except Exception as exc:  # noqa: BLE001 - whatever keeps workers from starting
                raise ClusterError(f"{self.scheduler}: cannot start the local cluster: {_brief(exc)}") from exc
            with cluster, Client(cluster, set_as_default=False) as client:
                yield client
            return
        try:
            client = Client(self.scheduler, timeout=CONNECT_TIMEOUT, set_as_default=False)
        except Exception as exc:  # noqa: BLE001 - OSError, TimeoutError, a scheduler of another version
            raise ClusterError(f"{self.scheduler}: cannot reach the scheduler: {_brief(exc)}") from exc
        with client:
            yield client


def _given(setup: Setup) -> Setup:
    return setup


def _run(task: Task, setup: Setup, kept: frozenset = frozenset()) -> Any:
    """A task's result as the pool sends it; with ``kept`` keys, (that, their summaries), which stay here."""
    if not kept:
        return run_task_in_worker(TaskSpec(setup, task))
    result = run_task(TaskSpec(setup, task))
    summaries = {key: result.summaries.pop(key) for key in kept if key in result.summaries}
    return pickle_result(result), summaries


def _dataset_rule(built: TaskRunner, code: str) -> DatasetRule:
    """The dataset rule of ``code`` in a worker's runner."""
    return next(r for r in built.dataset_rules if r.code == code)


def _task_rows(kept: dict, summary: Any) -> tuple[array, Any, array]:
    """One task's summaries of key ``summary``, whole: (lines, summaries, where the lines start or empty)."""
    return kept.get(summary, (array("I"), b"", array("Q")))


def _split(kept: dict, summary: Any, code: str, setup: Setup, parts: int) -> list[tuple[array, bytes, array]]:
    """One task's summaries of key ``summary`` as ``parts`` parts, by rule ``code``'s column (lines kept)."""
    rule = _dataset_rule(runner(setup), code)
    lines, values, places = _task_rows(kept, summary)
    table = np.frombuffer(bytes(values), np.uint8).reshape(len(lines), rule.width)
    column = table.view("<u8")[:, rule.partition] if len(lines) else np.empty(0, np.uint64)
    where = (column % parts).astype(np.int64)  # the values are hashes: their remainders spread evenly
    numbers = np.frombuffer(lines, np.uint32) if len(lines) else np.empty(0, np.uint32)
    starts = np.frombuffer(places, np.uint64) if places else None
    return [
        (
            array("I", numbers[where == part].tobytes()),
            table[where == part].tobytes(),
            array("Q", b"" if starts is None else starts[where == part].tobytes()),
        )
        for part in range(parts)
    ]


def _reduce_part(
    pieces: list[tuple[array, Any, array] | None],
    placed: list,
    sources: list[Source],
    names: dict[str, str],
    code: str,
    setup: Setup,
) -> Reduced:
    """Rule ``code``'s reduce over one part of the rows (every row of each of its values, or of its files), in
    task order; ``pieces`` has None for a task with no rows in the part."""
    built = runner(setup)
    rule = _dataset_rule(built, code)
    items = Summaries(rule.width, fetcher(names, built.detector))
    for where, piece in zip(placed, pieces, strict=True):
        if where is not None and piece is not None:
            lines, values, places = piece
            items.add(where[0], where[1], lines, values if rule.width is None else bytearray(values), places)
    try:
        return list(rule.reduce(items, sources)), None
    except RULE_ERRORS as exc:
        return [], failure(code, None, exc)


#: Rows on their way between the parts of a near-duplicate reduce: (row ids, lines in their task, summaries,
#: bytes where the lines start in their files, 2**64 - 1 where that is not known); a row's id is its task's
#: index times 2**32 plus its place among the task's rows, so ids sort in row order.
Rows = tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]
UNKNOWN = np.uint64(2**64 - 1)


def _split_rows(kept: dict, task: int, summary: Any, placed: list, code: str, setup: Setup, parts: int) -> list[Rows]:
    """One task's rows of ``summary`` as ``parts`` parts, by near-duplicate rule ``code``'s screen key."""
    rule = _dataset_rule(runner(setup), code)
    lines, values, places = _task_rows(kept, summary)
    if placed[task] is None:  # a task past the file's last one merged (a read error)
        lines, values, places = array("I"), b"", array("Q")
    table = np.frombuffer(bytes(values), np.uint8).reshape(len(lines), rule.width)
    ids = (np.uint64(task) << np.uint64(32)) + np.arange(len(lines), dtype=np.uint64)
    numbers = np.frombuffer(lines, np.uint32) if len(lines) else np.empty(0, np.uint32)
    starts = np.frombuffer(places, np.uint64) if places else np.full(len(lines), UNKNOWN)
    where = rule.screen_key(table[:, :24].view("<u8")) % np.uint64(parts)
    chosen = (where == part for part in range(parts))
    return [(ids[rows], numbers[rows], table[rows], starts[rows]) for rows in chosen]


def _rows_items(
    pieces: list[Rows], placed: list, names: dict[str, str], contexts: dict, built: TaskRunner, width: int
) -> tuple[Summaries, Rows]:
    """The rows of ``pieces`` as one reduce's input, in row order, and as rows again (sorted)."""
    ids = np.concatenate([piece[0] for piece in pieces])
    order = np.argsort(ids, kind="stable")
    rows = (ids[order], np.concatenate([piece[1] for piece in pieces])[order],
            np.concatenate([piece[2] for piece in pieces]).reshape(-1, width)[order],
            np.concatenate([piece[3] for piece in pieces])[order])  # fmt: skip
    ids, lines, table, places_of = rows
    items = Summaries(width, fetcher(names, built.detector))
    items.contexts = contexts
    tasks = (ids >> np.uint64(32)).astype(np.int64)
    starts = np.flatnonzero(np.r_[True, tasks[1:] != tasks[:-1]]) if len(ids) else []
    for start, end in zip(starts, [*starts[1:], len(ids)], strict=True):
        path, offset = placed[tasks[start]]
        known = places_of[start:end]
        places = array("Q", known.tobytes()) if len(known) and (known != UNKNOWN).all() else None
        items.add(path, offset, array("I", lines[start:end].tobytes()), bytearray(table[start:end].tobytes()), places)
    return items, rows


def _found(items: Summaries, ids: np.ndarray, edges: list[Edge], rule: NearDuplicateRule) -> tuple[list, dict]:
    """``edges`` between row ids, and the place and example key of each row they name."""
    keys = rule.table(items)[0][:, 0] if len(items) else None
    rows = {row for a, b, _, _ in edges for row in (a, b)}
    places = {int(ids[row]): (items.location(row), int(keys[row])) for row in rows}  # type: ignore[index]
    return [(int(ids[a]), int(ids[b]), similarity, same) for a, b, similarity, same in edges], places


def _screen_part(
    pieces: list[Rows],
    placed: list,
    sources: list[Source],
    names: dict[str, str],
    contexts: dict,
    parts: int,
    code: str,
    setup: Setup,
) -> tuple[tuple[list, dict, RuleFailure | None], list[Rows]]:
    """One part of the screen shuffle: its pairs found by keys, and the rows that pass on, split by band keys
    (a row goes to each part that one of its band keys falls in, once)."""
    built = runner(setup)
    rule = _dataset_rule(built, code)
    items, (ids, lines, table, places) = _rows_items(pieces, placed, names, contexts, built, rule.width)
    try:
        rows, edges = rule.screen(items, sources) if len(items) else (np.empty(0, np.int64), [])
    except RULE_ERRORS as exc:
        rows, edges, failed = np.empty(0, np.int64), [], failure(code, None, exc)
    else:
        failed = None
    bands = table[rows, 24:].view("<u4") % np.uint32(parts)
    onward = []
    for part in range(parts):
        going = rows[(bands == part).any(axis=1)]
        onward.append((ids[going], lines[going], table[going], places[going]))
    return (*_found(items, ids, edges, rule), failed), onward


def _band_part(
    pieces: list[Rows],
    placed: list,
    sources: list[Source],
    names: dict[str, str],
    contexts: dict,
    part: int,
    parts: int,
    code: str,
    setup: Setup,
) -> tuple[list, dict, RuleFailure | None]:
    """One part of the band shuffle: the verified pairs among its rows sharing a band key in it."""
    built = runner(setup)
    rule = _dataset_rule(built, code)
    items, (ids, *_) = _rows_items(pieces, placed, names, contexts, built, rule.width)
    if not len(items):
        return [], {}, None
    bands = rule.table(items)[1]
    chosen = [np.flatnonzero(bands[:, band] % parts == part) for band in range(rule.bands)]
    try:
        edges = rule.band_pairs(items, sources, chosen)
    except RULE_ERRORS as exc:
        return [], {}, failure(code, None, exc)
    return (*_found(items, ids, edges, rule), None)


def _portable(task: Task) -> Task:
    """``task`` as a worker can run it: its file named so that a worker with another current folder opens it."""
    return replace(task, span=replace(task.span, file=portable(task.span.name)))


def _names(sources: list[Source]) -> dict[str, str]:
    """Each file's name as the workers open it."""
    return {s.path: portable(s.file or s.path) for s in sources}


def _brief(exc: BaseException) -> str:
    text = " ".join(str(exc).split())
    text = text if len(text) <= 200 else text[:200] + "…"
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__
