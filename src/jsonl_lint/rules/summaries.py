"""What a dataset rule's ``map`` returned over a whole run, with where: the input of its ``reduce``.

Part of the public API for plugin authors: ``reduce(items, sources)`` receives a :class:`Summaries`.
"""

from __future__ import annotations

from array import array
from bisect import bisect_right
from collections.abc import Callable, Iterable, Iterator
from typing import Any

import numpy as np

from jsonl_lint.diagnostics import Location
from jsonl_lint.example import Example

#: Re-reads records: ``fetch(path, lines)`` yields ``(line, example)`` for the wanted lines of a file.
Fetch = Callable[[str, Iterable[int]], Iterator[tuple[int, Example]]]


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
        #: what the reducing rule's ``prepare`` made of each file, by path (empty for rules that do not prepare)
        self.contexts: dict[str, Any] = {}

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
        counts = [len(lines) for _, _, lines, _ in self.parts]
        index = {path: i for i, path in enumerate(self.files)}
        return np.repeat(np.array([index[path] for path, *_ in self.parts], np.int32), counts)

    def lines(self) -> np.ndarray:
        """The line of each row (uint32), in input order."""
        parts = [np.frombuffer(lines, np.uint32) + np.uint32(offset) for _, offset, lines, _ in self.parts]
        return np.concatenate(parts) if parts else np.empty(0, np.uint32)

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
