"""The Dask executor: tasks run on the workers of a Dask cluster (``--executor dask``, the ``dask`` extra).

The cluster is a running scheduler's (``tcp://HOST:PORT``), or a LocalCluster of ``local:N`` worker
processes on the loopback interface, started for the run and closed after it. Each worker opens its
task's span itself, builds its runner once per run from the settings, and sends back what a process
of the pool sends back; results are yielded in the order of the specs, so the output is the same as a
local run's. A worker that dies has its tasks run again elsewhere (the scheduler's ``allowed-failures``);
a task the cluster cannot run ends the run with a :class:`ClusterError`, never with a partial report.
"""

from __future__ import annotations

import logging
import pickle
from collections import deque
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace

from distributed import Client, LocalCluster

from jsonl_lint.engine.executors import Executor, Setup, TaskSpec, cores, run_task_in_worker
from jsonl_lint.engine.records import Task, TaskResult
from jsonl_lint.errors import ClusterError
from jsonl_lint.files.open import portable

LOCAL = "local:"
#: How long to wait for a scheduler to answer before the run fails.
CONNECT_TIMEOUT = "20s"


class Dask(Executor):
    """Tasks on a Dask cluster: ``scheduler`` is an address, ``local:N``, or None (one local worker per core)."""

    parallel = True

    def __init__(self, scheduler: str | None):
        self.scheduler = scheduler or f"{LOCAL}{cores()}"

    def map(self, specs: list[TaskSpec]) -> Iterator[TaskResult]:
        with self._client() as client:
            # A run's setup (its settings) is sent once, as a task of its own, not with each of its tasks;
            # a task rather than scattered data: when the workers holding it die, it is made again.
            runs = {spec.setup.key: spec.setup for spec in specs}
            setups = {key: client.submit(_given, setup, key=f"setup-{key}") for key, setup in runs.items()}
            tasks = [_portable(spec.task) for spec in specs]
            shared = [setups[spec.setup.key] for spec in specs]
            futures = deque(client.map(_run, tasks, shared, pure=False))
            while futures:
                future = futures.popleft()  # let go of each result once it is read: the client stays small
                try:
                    data = future.result()
                except Exception as exc:  # noqa: BLE001 - KilledWorker, CancelledError, a lost scheduler
                    futures.clear()
                    raise ClusterError(f"{self.scheduler}: the cluster failed a task: {_brief(exc)}") from exc
                yield pickle.loads(data)

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


def _run(task: Task, setup: Setup) -> bytes:
    return run_task_in_worker(TaskSpec(setup, task))


def _portable(task: Task) -> Task:
    """``task`` as a worker can run it: its file named so that a worker with another current folder opens it."""
    return replace(task, span=replace(task.span, file=portable(task.span.name)))


def _brief(exc: BaseException) -> str:
    text = " ".join(str(exc).split())
    text = text if len(text) <= 200 else text[:200] + "…"
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__
