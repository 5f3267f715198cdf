"""The Dask executor: tasks run on the workers of a Dask cluster (``--executor dask``, the ``dask`` extra).

The cluster is a running scheduler's (``tcp://HOST:PORT``), or a LocalCluster of ``local:N`` worker
processes on the loopback interface, started for the run and closed after it. Each worker opens its
task's span itself, builds its runner once per run from the settings, and sends back what a process
of the pool sends back; results are yielded in the order of the specs, so the output is the same as a
local run's. The summaries of the rules that reduce by parts (``DatasetRule.partition``) stay on
the workers, and are shuffled and reduced there (:meth:`Dask.reduce`): only their findings come
back. A worker that dies has its tasks run again elsewhere (the scheduler's ``allowed-failures``);
a task the cluster cannot run ends the run with a :class:`ClusterError`, never with a partial report.
"""

from __future__ import annotations

import logging
import operator
import pickle
from array import array
from collections import deque
from collections.abc import Iterable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import replace
from typing import Any

import numpy as np
from distributed import Client, Future, LocalCluster

from jsonl_lint.diagnostics import Diagnostic
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
from jsonl_lint.engine.records import RULE_ERRORS, Task, TaskResult, failure, read_examples
from jsonl_lint.errors import ClusterError
from jsonl_lint.example import Example
from jsonl_lint.files.open import Span, portable
from jsonl_lint.files.sources import Source
from jsonl_lint.progress import Meter
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

    def reduce(self, code: str, key: Any, placed: list[tuple[str, int] | None], sources: list[Source]) -> Reduced:
        client = self.client
        parts = max(1, len(client.nthreads()))  # one part per worker
        split = client.map(_split, self._kept, summary=key, code=code, setup=self._setup, parts=parts, pure=False)
        found: list[Diagnostic] = []
        names = {s.path: portable(s.file or s.path) for s in sources}  # as the workers open them
        reduced = [
            client.submit(
                _reduce_part,
                [client.submit(operator.itemgetter(part), piece, pure=False) for piece in split],
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
        found.sort(key=lambda d: (order.get(d.path, len(order)), d.line or 0))  # row order, as one reduce gives
        return found, None

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


def _split(kept: dict, summary: Any, code: str, setup: Setup, parts: int) -> list[tuple[array, bytes]]:
    """One task's summaries of key ``summary`` as ``parts`` parts, by rule ``code``'s column (lines kept)."""
    rule = next(r for r in runner(setup).dataset_rules if r.code == code)
    lines, values = kept.get(summary, (array("I"), b""))
    table = np.frombuffer(bytes(values), np.uint8).reshape(len(lines), rule.width)
    column = table.view("<u8")[:, rule.partition] if len(lines) else np.empty(0, np.uint64)
    where = (column % parts).astype(np.int64)  # the values are hashes: their remainders spread evenly
    numbers = np.frombuffer(lines, np.uint32) if len(lines) else np.empty(0, np.uint32)
    return [(array("I", numbers[where == part].tobytes()), table[where == part].tobytes()) for part in range(parts)]


def _reduce_part(
    pieces: list[tuple[array, bytes]],
    placed: list,
    sources: list[Source],
    names: dict[str, str],
    code: str,
    setup: Setup,
) -> Reduced:
    """Rule ``code``'s reduce over one part of the rows (every row of each of its values), in task order."""
    built = runner(setup)
    rule = next(r for r in built.dataset_rules if r.code == code)
    spans = {path: Span(path, name) for path, name in names.items()}

    def fetch(path: str, lines: Iterable[int]) -> Iterator[tuple[int, Example]]:
        """The records a rule reads again (D006's and V003's conflicting answers), read by this worker."""
        return read_examples(spans[path], lines, built.detector)

    items = Summaries(rule.width, fetch)
    for where, (lines, values) in zip(placed, pieces, strict=True):
        if where is not None:
            items.add(where[0], where[1], lines, bytearray(values))
    try:
        return list(rule.reduce(items, sources)), None
    except RULE_ERRORS as exc:
        return [], failure(code, None, exc)


def _portable(task: Task) -> Task:
    """``task`` as a worker can run it: its file named so that a worker with another current folder opens it."""
    return replace(task, span=replace(task.span, file=portable(task.span.name)))


def _brief(exc: BaseException) -> str:
    text = " ".join(str(exc).split())
    text = text if len(text) <= 200 else text[:200] + "…"
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__
