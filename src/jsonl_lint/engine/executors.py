"""Where tasks run: the only code that knows about processes and clusters.

An :class:`Executor` runs picklable :class:`TaskSpec` s (the settings and the task, never a resolved
object) and yields their results in order. Each process turns the settings into a
:class:`~jsonl_lint.engine.records.TaskRunner` once, and reuses it for every task of the run.
"""

from __future__ import annotations

import ctypes
import os
import pickle
import signal
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from jsonl_lint.config import Settings, resolve
from jsonl_lint.diagnostics import Diagnostic
from jsonl_lint.engine.records import RuleFailure, Task, TaskResult, TaskRunner
from jsonl_lint.files.sources import Source
from jsonl_lint.progress import Meter
from jsonl_lint.rules.base import DatasetRule


@dataclass(frozen=True)
class Setup:
    """What every task of a run shares: the settings and the collectors, under the run's key."""

    key: str  # unique per run: a process builds its runner once per key
    settings: Settings
    collectors: tuple[type[DatasetRule], ...] = ()


#: what a reduce on the cluster gives: the rule's findings, or how it failed
Reduced = tuple[list[Diagnostic], RuleFailure | None]


@dataclass(frozen=True)
class TaskSpec:
    setup: Setup
    task: Task


#: The runners this process has built, by run key (one or two at a time: a run and its `--fix` rerun).
_RUNNERS: dict[str, TaskRunner] = {}
_KEPT = 4


def runner(setup: Setup) -> TaskRunner:
    """This process's runner for ``setup``, built from its settings the first time."""
    found = _RUNNERS.get(setup.key)
    if found is None:
        found = TaskRunner(resolve(setup.settings), setup.collectors)
        adopt(setup.key, found)
    return found


def adopt(key: str, built: TaskRunner) -> None:
    """Use ``built`` for run ``key`` in this process (the parent's own, so that it is not built twice)."""
    while len(_RUNNERS) >= _KEPT:
        del _RUNNERS[next(iter(_RUNNERS))]
    _RUNNERS[key] = built


#: What this process has read is told to this meter (the run's, when it has a progress bar).
_METER: Meter | None = None


def run_task(spec: TaskSpec) -> TaskResult:
    return runner(spec.setup).run(spec.task, _METER)


def run_task_in_worker(spec: TaskSpec) -> bytes:
    """:func:`run_task`, its result pickled here (:func:`pickle_result`)."""
    return pickle_result(run_task(spec))


def pickle_result(result: TaskResult) -> bytes:
    """A task's result pickled: one that cannot be (a plugin's summary) is an error of the task, told in
    one line, not the pool's traceback with the whole object in it."""
    try:
        return pickle.dumps(result, pickle.HIGHEST_PROTOCOL)
    except Exception as exc:  # noqa: BLE001 - any object may fail to pickle in its own way
        text = str(exc)
        text = text if len(text) <= 200 else text[:200] + "…"
        return pickle.dumps(
            TaskResult(
                type(result.diagnostics)(),
                {},
                result.stats,
                result.formats,
                result.first_lines,
                f"internal error: the task's findings cannot be sent between processes: {type(exc).__name__}: {text}",
            ),  # fmt: skip
        )


def _worker_start(parent: int, meter: Meter | None) -> None:
    """A worker ends with its parent, even a killed one, and leaves Ctrl-C and SIGTERM to it: no tracebacks.
    It tells ``meter`` what it reads."""
    global _METER
    _METER = meter
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent ends the pool
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    try:  # Linux: the kernel sends SIGTERM when the parent dies
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
    except (OSError, AttributeError):
        pass
    if os.getppid() != parent:  # the parent died before prctl was set
        os._exit(1)


PR_SET_PDEATHSIG = 1


class Executor:
    """Runs task specs and yields their results, in the order of the specs; open for the whole run
    (``with executor:``), which a cluster's executor needs to reduce where the summaries are. The
    tasks tell ``meter`` (when given) what they read."""

    #: tasks may run side by side: a large file is cut into spans of lines, one task each
    parallel = False
    #: how many tasks run at once: the spans are cut in a multiple of it (see ``chunk_bytes``)
    slots = 1
    #: the executor keeps the summaries of partitioned rules where the tasks ran, and reduces them there
    #: (:meth:`reduce`); the others send every summary back
    reduces = False

    def __enter__(self) -> Executor:
        return self

    def __exit__(self, *exc: object) -> None:
        return None

    def map(
        self, specs: list[TaskSpec], kept: frozenset = frozenset(), meter: Meter | None = None
    ) -> Iterator[TaskResult]:
        """The results of ``specs``; with ``reduces``, without the summaries of the ``kept`` keys."""
        raise NotImplementedError

    def reduce(
        self,
        rule: DatasetRule,
        key: Any,
        placed: list[tuple[str, int] | None],
        sources: list[Source],
        contexts: dict[str, Any],
    ) -> Reduced:
        """Dataset rule ``rule``'s findings from the kept summaries of ``key``, in row order; ``placed``
        says where each task's lines are (path, line offset), None for a task the run left out;
        ``contexts`` what the rule's ``prepare`` made of each file."""
        raise NotImplementedError


class InProcess(Executor):
    """Every task in this process, one after the other."""

    def map(
        self, specs: list[TaskSpec], kept: frozenset = frozenset(), meter: Meter | None = None
    ) -> Iterator[TaskResult]:
        global _METER
        _METER = meter
        try:
            yield from map(run_task, specs)
        finally:
            _METER = None


class ProcessPool(Executor):
    """A pool of ``jobs`` worker processes of this machine (started for the run, ended with it), never
    more than there are cores or tasks."""

    def __init__(self, jobs: int):
        self.jobs = jobs
        self.parallel = jobs > 1
        self.slots = min(jobs, cores())

    def map(
        self, specs: list[TaskSpec], kept: frozenset = frozenset(), meter: Meter | None = None
    ) -> Iterator[TaskResult]:
        jobs = min(self.slots, len(specs))
        if jobs <= 1:
            yield from InProcess().map(specs, kept, meter)
            return
        import multiprocessing  # 5 ms of every start, for runs that fork

        start = (os.getpid(), meter)
        with multiprocessing.get_context().Pool(jobs, initializer=_worker_start, initargs=start) as pool:
            for data in pool.imap(run_task_in_worker, specs):
                yield pickle.loads(data)


def cores() -> int:
    """The cores this process may run on."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
