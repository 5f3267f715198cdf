"""The Python API: lint files, records in memory and splits, and build the stats report, from a
notebook or a data pipeline (``docs/python-api.md``).

Records in memory (a list, a generator, a pandas DataFrame, a Hugging Face ``Dataset`` or
``IterableDataset``, a pyarrow Table) are written as they come, as compact JSONL, to a private
temporary file (:mod:`jsonl_lint.files.rows`), which is then linted like any file: every rule
applies, the dataset and leakage rules included, the findings are those of the same records
written to a JSONL file, and each carries its 0-based ``row``. A generator is never held in
memory; the spool is removed when the run ends.
"""

from __future__ import annotations

import itertools
import os
from collections.abc import Iterable, Iterator, Mapping
from contextlib import ExitStack
from typing import Any, Union

from jsonl_lint.config import Settings, resolve
from jsonl_lint.engine import Linter, Result
from jsonl_lint.files.sources import Source, discover
from jsonl_lint.rules.base import Collector
from jsonl_lint.stats import MIN_CLASS_SHARE, ExampleStats, public, report

Path = Union[str, "os.PathLike[str]"]


def lint(
    paths: Path | Iterable[Path], settings: Settings | None = None, *, jobs: int | None = None, collapse: bool = True
) -> Result:
    """Lint files and folders (``-`` for standard input), as ``jsonl-lint PATHS`` does.

    ``paths`` is one path (a ``str`` or ``os.PathLike``: one string is one path) or an iterable of
    them. Without ``settings``, the nearest config file up from the current folder is used, as the
    command line does (:meth:`Settings.discover`); pass ``Settings()`` for none. ``collapse=False``
    lists a finding that repeats on most lines of a file once per line (``--no-collapse``).
    """
    settings = Settings.discover() if settings is None else settings
    return Linter(resolve(settings), collapse=collapse).run(_paths(paths, "lint"), settings, jobs)


def lint_records(
    records: Any,
    *,
    split: str = "train",
    name: str | None = None,
    settings: Settings | None = None,
    jobs: int | None = None,
) -> Result:
    """Lint records in memory: any iterable of dicts, a DataFrame, a ``Dataset``, a pyarrow Table.

    ``split`` is the records' split role ("train", or a held-out split such as "validation", which
    is not held to the example-count rules); ``name`` is the path the findings name (the split by
    default). Each diagnostic has its 0-based ``row``; its ``line`` and ``column`` are those of the
    record in compact JSONL (``row + 1``). A row that JSON cannot hold raises ``TypeError``.
    """
    return lint_splits({split: records}, settings=settings, jobs=jobs, names={split: name or split})


def lint_splits(
    splits: Mapping[str, Any],
    *,
    settings: Settings | None = None,
    jobs: int | None = None,
    names: Mapping[str, str] | None = None,
) -> Result:
    """Lint several splits at once, for leakage across them: ``{"train": records, "validation": records2}``.

    Each value is records (as for :func:`lint_records`) or a path (a JSONL or Parquet file or a folder),
    so that an in-memory validation set is checked against a training file on disk. ``"train"`` is
    the training split, every other name a held-out one. ``names``: the path each split's findings name
    (the split's name by default).
    """
    return _run(splits, settings, jobs, names or {})


def stats(
    data: Any,
    *,
    settings: Settings | None = None,
    split: str = "train",
    name: str | None = None,
    min_class_share: float = MIN_CLASS_SHARE,
    jobs: int | None = None,
) -> dict:
    """The dataset report as a JSON-serialisable dict: what ``jsonl-lint stats --output-format json`` prints.

    ``data`` is paths (as for :func:`lint`), records (as for :func:`lint_records`, with ``split`` and
    ``name``), or a mapping of splits (as for :func:`lint_splits`).
    """
    if not 0 <= min_class_share <= 1:
        raise ValueError("min_class_share must be between 0 and 1")
    if isinstance(data, Mapping):
        splits = data
    else:
        paths, records = _paths_or_records(data)
        splits = {split: records} if paths is None else {None: paths}
    result = _run(splits, settings, jobs, {split: name or split}, (ExampleStats,))
    return public(report(result, min_class_share, result.fail_on))


def _run(
    splits: Mapping[str | None, Any],
    settings: Settings | None,
    jobs: int | None,
    names: Mapping[str | None, str],
    collectors: tuple[type[Collector], ...] = (),
) -> Result:
    """Lint each split's records (spooled) or paths; the split None holds paths linted as the command line does."""
    settings = Settings.discover() if settings is None else settings
    linter = Linter(resolve(settings), collectors)
    with ExitStack() as stack:
        sources: list[Source] = []
        errors: list[str] = []
        for split, value in splits.items():
            if split is None:
                found, missing = discover(_paths(value, "stats"), **settings.discovery())
                sources += found
            elif isinstance(value, (str, os.PathLike)):
                found, missing = discover([os.fspath(value)], **{**settings.discovery(), "splits": None})
                for source in found:
                    source.split = split  # the split named, whatever the file's name says
                sources += [s for s in found if s.reported]  # no partners: the splits are given
            else:
                from jsonl_lint.files.rows import spooled_rows  # with tempfile and decimal: 6 ms a start

                shown = names.get(split) or split
                spool, rows = stack.enter_context(spooled_rows(value, shown))
                sources.append(Source(shown, split, file=spool, by_rows=True, lines=rows))
                continue
            errors += missing
        result = linter.run([], settings, jobs, sources=sources)
    result.errors[:0] = errors
    return result


def _paths(paths: Any, caller: str) -> list[str]:
    """``paths`` as a list of path strings: one string (or PathLike) is one path."""
    if isinstance(paths, (str, os.PathLike)):
        return [os.fspath(paths)]
    if isinstance(paths, (bytes, Mapping)) or not isinstance(paths, Iterable):
        raise TypeError(f"{caller}() takes a path or an iterable of paths, not {type(paths).__name__}")
    found = []
    for path in paths:
        if not isinstance(path, (str, os.PathLike)):
            raise TypeError(
                f"{caller}() takes paths, not {type(path).__name__}; lint records in memory with lint_records()"
            )
        found.append(os.fspath(path))
    return found


def _paths_or_records(data: Any) -> tuple[list[str] | None, Any]:
    """(paths, None) when ``data`` names files, else (None, the records), looking at its first item only."""
    if isinstance(data, (str, os.PathLike)):
        return [os.fspath(data)], None
    if isinstance(data, (list, tuple)):
        first = data[0] if data else None
        return (_paths(data, "stats"), None) if isinstance(first, (str, os.PathLike)) else (None, data)
    if hasattr(data, "iloc") or hasattr(data, "to_batches") or not isinstance(data, Iterator):
        return None, data  # a DataFrame, a Table, a Dataset: records
    items = iter(data)
    first = next(items, None)
    rest = itertools.chain([] if first is None else [first], items)
    return (_paths(rest, "stats"), None) if isinstance(first, (str, os.PathLike)) else (None, rest)
