"""Where tasks run: the only code that knows about processes (and, later, clusters).

An :class:`Executor` runs picklable :class:`TaskSpec` s (the settings and the task, never a resolved
object) and yields their results in order. Each process turns the settings into a
:class:`~jsonl_lint.engine.records.TaskRunner` once, and reuses it for every task of the run.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Iterator
from dataclasses import dataclass

from jsonl_lint.config import Settings, resolve
from jsonl_lint.engine.records import Task, TaskResult, TaskRunner
from jsonl_lint.rules.base import DatasetRule


@dataclass(frozen=True)
class Setup:
    """What every task of a run shares: the settings and the collectors, under the run's key."""

    key: str  # unique per run: a process builds its runner once per key
    settings: Settings
    collectors: tuple[type[DatasetRule], ...] = ()


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


def run_task(spec: TaskSpec) -> TaskResult:
    return runner(spec.setup).run(spec.task)


class Executor:
    """Runs task specs and yields their results, in the order of the specs."""

    def map(self, specs: list[TaskSpec]) -> Iterator[TaskResult]:
        raise NotImplementedError


class InProcess(Executor):
    """Every task in this process, one after the other."""

    def map(self, specs: list[TaskSpec]) -> Iterator[TaskResult]:
        return map(run_task, specs)


class ProcessPool(Executor):
    """A pool of ``jobs`` worker processes of this machine (started for the run, ended with it)."""

    def __init__(self, jobs: int):
        self.jobs = jobs

    def map(self, specs: list[TaskSpec]) -> Iterator[TaskResult]:
        if self.jobs <= 1 or len(specs) <= 1:
            yield from InProcess().map(specs)
            return
        with multiprocessing.get_context().Pool(self.jobs) as pool:
            yield from pool.imap(run_task, specs)


def cores() -> int:
    """The cores this process may run on."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
