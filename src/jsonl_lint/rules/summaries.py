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

#: Re-reads records: ``fetch(path, lines, places)`` yields ``(line, example)`` for the wanted lines of a file
#: (in order), each read alone at its byte in ``places`` when that is not None.
Fetch = Callable[[str, Iterable[int], Iterable[int] | None], Iterator[tuple[int, Example]]]


class Summaries:
    """What one dataset rule's ``map`` returned over a run, with where: its ``reduce`` input.

    Iterating yields ``(Location, summary)`` in input order, and may be done more than
    once. Line numbers are kept in compact arrays (4 bytes each), per range of a file, and for a rule
    that reads records again, where each line starts in its file (8 bytes each); so are the
    summaries of a rule with a fixed ``width`` (bytes), which :meth:`array` returns as
    one numpy array, a row per summary, with no Python object per example.
    """

    def __init__(self, width: int | None, fetch: Fetch) -> None:
        self.width = width
        #: (path, line offset, lines, summaries, places: where each line starts in the file, or empty or None)
        self.parts: list[tuple[str, int, array, Any, array | None]] = []
        self._fetch = fetch
        self._starts: list[int] = []  # first row of each part
        #: what the reducing rule's ``prepare`` made of each file, by path (empty for rules that do not prepare)
        self.contexts: dict[str, Any] = {}

    def add(self, path: str, offset: int, lines: array, values: list | bytearray, places: array | None = None) -> None:
        """One range's rows: ``places`` has where each of ``lines`` starts in the file, or is empty or None
        (then the file is read up to a line to read it again)."""
        if lines:
            self._starts.append(len(self))
            self.parts.append((path, offset, lines, values, places))

    def __len__(self) -> int:
        return self._starts[-1] + len(self.parts[-1][2]) if self.parts else 0

    def __iter__(self) -> Iterator[tuple[Location, Any]]:
        width = self.width
        for path, offset, lines, values, _ in self.parts:
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
        for i, (path, offset, lines, values, places) in enumerate(self.parts):
            end = start + len(values)
            data[start:end] = np.frombuffer(values, np.uint8)
            self.parts[i] = (path, offset, lines, memoryview(data[start:end]), places)
            start = end
        return data.view(dtype).reshape(len(self), -1)

    def paths(self) -> np.ndarray:
        """The index (into :attr:`files`) of each row's file."""
        counts = [len(part[2]) for part in self.parts]
        index = {path: i for i, path in enumerate(self.files)}
        return np.repeat(np.array([index[path] for path, *_ in self.parts], np.int32), counts)

    def lines(self) -> np.ndarray:
        """The line of each row (uint32), in input order."""
        parts = [np.frombuffer(lines, np.uint32) + np.uint32(offset) for _, offset, lines, *_ in self.parts]
        return np.concatenate(parts) if parts else np.empty(0, np.uint32)

    @property
    def files(self) -> list[str]:
        """The files with rows, in input order."""
        return list(dict.fromkeys(path for path, *_ in self.parts))

    def _row(self, row: int) -> tuple[tuple[str, int, array, Any, array | None], int]:
        """The part that holds ``row``, and the row's index in it."""
        part = bisect_right(self._starts, row) - 1
        return self.parts[part], row - self._starts[part]

    def location(self, row: int) -> Location:
        (path, offset, lines, *_), index = self._row(row)
        return Location(path, lines[index] + offset)

    def examples(self, rows: Iterable[int]) -> Iterator[tuple[int, Example]]:
        """Read the records of ``rows`` again (in input order) and yield ``(row, example)``.

        For the few records a reduce needs whole, such as candidate near-duplicates to
        verify: each wanted line is read alone where it starts, or, where that is not known (a
        compressed file, standard input), each file once more up to its last wanted line; only the
        wanted lines are parsed.
        """
        wanted: dict[str, dict[int, int]] = {}
        places: dict[str, list[int] | None] = {}
        for row in sorted(set(rows)):
            (path, offset, lines, _, starts), index = self._row(row)
            wanted.setdefault(path, {})[lines[index] + offset] = row
            known = places.setdefault(path, [])
            if not starts:
                places[path] = None  # a line of the file without its place: read the file
            elif known is not None:
                known.append(starts[index])
        for path in self.files:
            if path in wanted:
                for line, example in self._fetch(path, wanted[path], places[path]):
                    yield wanted[path][line], example
