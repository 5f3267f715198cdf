"""Opening an input: a file (gzipped or not), standard input, or a range of a file's lines."""

from __future__ import annotations

import gzip
import io
import os
import shutil
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import BinaryIO

from jsonl_lint.files.reader import SNIFF_BYTES, record_start, sniff
from jsonl_lint.files.sources import STDIN

READ_BUFFER = 1 << 20
GZIP_MAGIC = b"\x1f\x8b"


@dataclass(frozen=True)
class Span:
    """What one task reads: lines ``start`` to ``end`` (bytes; None: to the end) of an input.

    ``path`` is the input as reports name it; ``file`` what to open instead, when there is one
    (standard input kept in a temporary file).
    """

    path: str
    file: str | None = None
    start: int = 0
    end: int | None = None

    @property
    def head(self) -> bool:
        """The span starts at the start of the file (where a BOM or a non-JSONL file shows)."""
        return self.start == 0

    @property
    def name(self) -> str:
        return self.file or self.path


@contextmanager
def open_span(span: Span) -> Iterator[BinaryIO]:
    """A buffered binary stream of the span's lines; ``.gz`` files are decompressed as they are read."""
    name = span.name
    if name == STDIN:
        yield sys.stdin.buffer
        return
    with open(name, "rb", buffering=READ_BUFFER) as stream:
        if span.end is not None:
            stream.seek(span.start)
            yield io.BufferedReader(io.BytesIO(stream.read(span.end - span.start)))  # type: ignore[arg-type]
        elif name.endswith(".gz") and stream.peek(2)[:2] == GZIP_MAGIC:
            with io.BufferedReader(gzip.GzipFile(fileobj=stream), READ_BUFFER) as unzipped:  # type: ignore[arg-type]
                yield unzipped  # type: ignore[misc]
        else:
            yield stream


def cut(whole: Span, size: int, chunk: int) -> list[Span]:
    """The input as spans of about ``chunk`` bytes that end on line boundaries (for workers).

    A span ends before a line that is a JSON object on its own: a record spread over several
    lines (J006) is read by one task, as in a run of one (the reader never carries one past such a line).

    Standard input, gzipped files, small files and files that are plainly not JSONL stay whole.
    """
    name = whole.name
    if name == STDIN or name.endswith(".gz") or size <= chunk:
        return [whole]
    spans, start = [], 0
    with open(name, "rb") as stream:
        if sniff(stream.read(SNIFF_BYTES)) is not None:
            return [whole]  # not JSONL: one finding from the head, nothing to cut
        while start < size:
            stream.seek(min(start + chunk, size))
            stream.readline()  # spans end on a line boundary, before a line that is a record on its own
            end = stream.tell()
            while end < size and not record_start(stream.readline()):
                end = stream.tell()  # inside a record spread over lines, or lines that are none (J006)
            end = min(end, size)
            spans.append(Span(whole.path, whole.file, start, end))
            start = end
    return spans


@contextmanager
def spooled_stdin() -> Iterator[str]:
    """Standard input copied to a temporary file (removed afterwards), so that it can be read twice."""
    with tempfile.NamedTemporaryFile(prefix="jsonl-lint-", suffix=".jsonl", delete=False) as spool:
        shutil.copyfileobj(sys.stdin.buffer, spool, READ_BUFFER)
    try:
        yield spool.name
    finally:
        os.unlink(spool.name)


def read_lines(wanted: dict[str, set[int]]) -> dict[tuple[str, int], str]:
    """The text of the ``wanted`` lines of each file, by (path, line): each file read once, up to its last
    wanted line (standard input and files that cannot be read are left out)."""
    found = {}
    for path, lines in wanted.items():
        if path == STDIN or not os.path.isfile(path):
            continue
        last = max(lines)
        with open(path, "rb") as stream:
            for number, raw in enumerate(stream, 1):
                if number in lines:
                    found[path, number] = raw.decode("utf-8", "replace")
                if number >= last:
                    break
    return found
