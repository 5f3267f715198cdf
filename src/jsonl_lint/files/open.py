"""Opening an input: a file (gzipped or not, or Parquet rows as lines), standard input, or a range of
a file's lines."""

from __future__ import annotations

import gzip
import io
import os
import sys
import zlib
from collections.abc import Iterable, Iterator
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, replace
from typing import BinaryIO

from jsonl_lint.files import parquet, remote
from jsonl_lint.files.reader import SNIFF_BYTES, record_start, sniff
from jsonl_lint.files.remote import is_url
from jsonl_lint.files.sources import PARQUET, STDIN

READ_BUFFER = 1 << 20
GZIP_MAGIC = b"\x1f\x8b"


@dataclass(frozen=True)
class Span:
    """What one task reads: lines ``start`` to ``end`` (bytes; None: to the end) of an input.

    ``path`` is the input as reports name it; ``file`` what to open instead, when there is one
    (standard input kept in a temporary file). ``aligned``: ``start`` and ``end`` fall on record
    boundaries (:func:`cut` found them); otherwise the span holds the lines from the first record
    boundary at or after ``start`` to the first at or after ``end`` (:func:`record_boundary`), found
    by whoever reads it (a URL's spans: nothing is read to cut them).
    """

    path: str
    file: str | None = None
    start: int = 0
    end: int | None = None
    aligned: bool = True

    @property
    def head(self) -> bool:
        """The span starts at the start of the file (where a BOM or a non-JSONL file shows)."""
        return self.start == 0

    @property
    def name(self) -> str:
        return self.file or self.path


class _Range(io.RawIOBase):
    """Bytes ``start`` to ``end`` of an open file, read as they are asked for (never the whole range)."""

    def __init__(self, raw: BinaryIO, start: int, end: int):
        raw.seek(start)
        self.raw, self.left = raw, end - start
        self.first = start  # the byte of the file where the range starts

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:  # type: ignore[override]
        if self.left <= 0:
            return 0
        view = memoryview(buffer)[: self.left]
        count = self.raw.readinto(view)  # type: ignore[attr-defined]
        self.left -= count or 0
        return count or 0


class _Lines(_Range):
    """The lines of a buffered open file from the first record boundary at or after byte ``start`` to the
    first at or after byte ``end`` (:func:`record_boundary`): the next range's lines start there, and a
    record spread over lines (J006) is read by one task, as :func:`cut` keeps it in one span."""

    def __init__(self, raw: BinaryIO, start: int, end: int):
        first = record_boundary(raw, start)
        super().__init__(raw, first, max(first, record_boundary(raw, end)))


def record_boundary(stream: BinaryIO, at: int) -> int:
    """Where a span that ends at about byte ``at`` ends, found by reading from there alone: the first line
    start at or after ``at`` whose line is a record on its own (:func:`cut`'s rule), or the file's end."""
    if at <= 0:
        return 0
    stream.seek(at - 1)
    _skip_line(stream)  # to the first line start at or after ``at``
    while True:
        here = stream.tell()
        if not stream.peek(1) or _starts_record(stream):  # type: ignore[attr-defined]
            return here


@contextmanager
def open_span(span: Span) -> Iterator[BinaryIO]:
    """A buffered binary stream of the span's lines; ``.gz`` files are decompressed as they are read.

    Every stream buffers at least SNIFF_BYTES, so that the head a reader peeks at is the same
    whichever task reads it.
    """
    with opened(span) as (stream, _):
        yield stream


@contextmanager
def opened(span: Span) -> Iterator[tuple[BinaryIO, int | None]]:
    """:func:`open_span`'s stream, and the byte of the file where it starts when a line of it can be read
    again by seeking there (:func:`read_at`); None when it cannot: standard input, a decompressed file,
    Parquet rows."""
    name = span.name
    if name == STDIN:
        yield sys.stdin.buffer, None
        return
    with _open(name, buffering=0 if span.aligned else -1) as raw:  # unaligned: lines read to find boundaries
        if span.end is not None:
            ranged = (_Range if span.aligned else _Lines)(raw, span.start, span.end)
            with io.BufferedReader(ranged, READ_BUFFER) as stream:
                yield stream, ranged.first  # type: ignore[misc]
            return
        with io.BufferedReader(raw, READ_BUFFER) as stream:
            if name.endswith(".gz") and stream.peek(2)[:2] == GZIP_MAGIC:
                with io.BufferedReader(gzip.GzipFile(fileobj=stream), READ_BUFFER) as unzipped:  # type: ignore[arg-type]
                    yield unzipped, None  # type: ignore[misc]
            elif parquet.AVAILABLE and name.lower().endswith(PARQUET) and stream.peek(4)[:4] == parquet.MAGIC:
                yield parquet.ParquetLines(name), None  # type: ignore[misc]
            else:
                yield stream, 0  # type: ignore[misc]


#: What a line read again by seeking is read in: a record's line, rarely much longer.
SEEK_BUFFER = 1 << 16


def read_at(name: str, places: Iterable[tuple[int, int]]) -> Iterator[tuple[int, bytes]]:
    """``(line, raw line)`` for each ``(line, byte where it starts)`` of file ``name``, in that order: the
    lines read alone, a buffer each at most, rather than the file up to them."""
    with remote.open_raw(name, SEEK_BUFFER) if is_url(name) else open(name, "rb", SEEK_BUFFER) as stream:
        for line, start in places:
            stream.seek(start)
            yield line, stream.readline()


def _open(name: str, buffering: int = -1) -> BinaryIO:
    """A file, or the file at a URL (through fsspec, buffered in READ_BUFFER blocks whatever ``buffering``)."""
    return remote.open_raw(name, READ_BUFFER) if is_url(name) else open(name, "rb", buffering=buffering)


def file_size(name: str) -> tuple[int, int | None]:
    """``(size, st_mtime_ns)`` of a file; a URL's mtime is None (its store may not keep one)."""
    if is_url(name):
        return remote.size(name), None
    info = os.stat(name)
    return info.st_size, info.st_mtime_ns


def portable(name: str) -> str:
    """What a process with another current folder opens to read ``name``: a URL as it is, a path made absolute."""
    return name if name == STDIN or is_url(name) else os.path.abspath(name)


def cut(whole: Span, size: int, chunk: int) -> list[Span]:
    """The input as spans of about ``chunk`` bytes that end on line boundaries (for workers).

    A span ends before a line that is a JSON object on its own: a record spread over several
    lines (J006) is read by one task, as in a run of one (the reader never carries one past such a line).

    Gzipped and Parquet files, small files and files that are plainly not JSONL stay whole.
    """
    name = whole.name
    if name == STDIN or name.endswith(".gz") or size <= chunk:
        return [whole]
    spans, start = [], 0
    with _open(name) as stream:
        if sniff(stream.read(SNIFF_BYTES)) is not None:
            return [whole]  # not JSONL: one finding from the head, nothing to cut
        if is_url(name):  # an object's body is read by the tasks alone: each finds its own line boundaries
            return [replace(whole, start=at, end=min(at + chunk, size), aligned=False) for at in range(0, size, chunk)]
        while start < size:
            stream.seek(min(start + chunk, size))
            _skip_line(stream)  # spans end on a line boundary, before a line that is a record on its own
            end = stream.tell()
            while end < size and not _starts_record(stream):
                end = stream.tell()  # inside a record spread over lines, or lines that are none (J006)
            end = min(end, size)
            spans.append(Span(whole.path, whole.file, start, end))
            start = end
    return spans


def _skip_line(stream: BinaryIO, piece: bytes = b"") -> None:
    """Read past the end of the current line (of which ``piece`` was read), a buffer at a time (a line
    may be longer than memory)."""
    while not piece.endswith(b"\n"):
        piece = stream.readline(READ_BUFFER)
        if not piece:
            return


def _starts_record(stream: BinaryIO) -> bool:
    """Read the next line: is it a record on its own (:func:`record_start`)? Only a line that starts
    with ``{`` is read whole; any other is skipped a buffer at a time."""
    piece = stream.readline(READ_BUFFER)
    if not piece.startswith(b"{"):
        _skip_line(stream, piece)
        return False
    if not piece.endswith(b"\n"):
        piece += stream.readline()
    return record_start(piece)


class SpoolError(OSError):
    """A piped input longer than the spool may hold."""


#: The most a piped input (standard input, a named pipe) is kept on disk while it is linted.
SPOOL_LIMIT = 4 << 30


@contextmanager
def spooled(path: str, limit: int | None = None) -> Iterator[str]:
    """A piped input (standard input, or a named pipe) copied to a temporary file, removed afterwards
    (on an error or a signal too), so that it can be read more than once.

    Raises :class:`SpoolError` past ``limit`` bytes (SPOOL_LIMIT): an endless source must not fill the disk.
    """
    import tempfile  # with shutil, 3 ms of every start, for the runs that read a pipe

    limit = SPOOL_LIMIT if limit is None else limit
    spool = tempfile.NamedTemporaryFile(prefix="jsonl-lint-", suffix=".jsonl", delete=False)
    try:
        with spool, nullcontext(sys.stdin.buffer) if path == STDIN else open(path, "rb") as source:
            copied = 0
            while chunk := source.read(READ_BUFFER):
                copied += len(chunk)
                if copied > limit:
                    raise SpoolError(
                        f"more than {limit / 1e9:,.1f} GB piped in; jsonl-lint keeps a piped input in a "
                        "temporary file while it lints it: write it to a file and lint the file"
                    )
                spool.write(chunk)
        yield spool.name
    finally:
        os.unlink(spool.name)


def read_lines(wanted: dict[str, set[int]]) -> dict[tuple[str, int], str]:
    """The text of the ``wanted`` lines of each file, by (path, line): each file read once, up to its last
    wanted line (standard input and files that cannot be read are left out)."""
    found = {}
    for path, lines in wanted.items():
        if path == STDIN or not (is_url(path) or os.path.isfile(path)):
            continue
        last = max(lines)
        try:
            with open_span(Span(path)) as stream:  # decompressed, or Parquet rows, as the lint read them
                for number, raw in enumerate(stream, 1):
                    if number in lines:
                        found[path, number] = raw.decode("utf-8", "replace")
                    if number >= last:
                        break
        except (OSError, EOFError, zlib.error):
            continue  # the lint reported it
    return found
