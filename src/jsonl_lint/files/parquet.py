"""Parquet input (the optional ``[parquet]`` extra, pyarrow): a file's rows as compact JSONL lines,
read a batch at a time, so that they flow through the same reader, formats and rules as JSONL
(JSON columns, as Hugging Face `datasets` writes objects whose keys vary, are parsed).

pyarrow is imported only when a Parquet file is read. Without it, a ``*.parquet`` file is read as
bytes and the reader's F006 says what to install (:data:`NOT_JSONL`).
"""

from __future__ import annotations

import importlib.util
from collections.abc import Iterator

import orjson

MAGIC = b"PAR1"
#: Rows decoded at a time: a batch of 2 KB records is a few MB, whatever the file's row groups.
BATCH_ROWS = 1024
AVAILABLE = importlib.util.find_spec("pyarrow") is not None


def not_jsonl(available: bool) -> str:
    """What F006 says of a Parquet file that is not read as one (mislabelled, or the extra missing)."""
    if available:
        return "a Parquet file; name it `*.parquet` to lint its rows"
    return "a Parquet file; install the Parquet extra to lint it: `pip install 'jsonl-lint[parquet]'` (pyarrow)"


NOT_JSONL = not_jsonl(AVAILABLE)


class ParquetLines:
    """Iterates a Parquet file's rows as JSONL lines (bytes with a newline), one row group after another.

    A file pyarrow cannot read is an :class:`OSError` naming what is wrong (the run's one-line error).
    """

    def __init__(self, path: str):
        self.path = path

    def __iter__(self) -> Iterator[bytes]:
        import pyarrow  # the optional extra, imported only to read a Parquet file
        import pyarrow.parquet as pq

        from jsonl_lint.files.rows import arrow_rows, encode  # it imports tempfile and decimal: 6 ms a start

        try:
            source = pq.ParquetFile(self.path)
            for row in arrow_rows(source.iter_batches(batch_size=BATCH_ROWS), source.schema_arrow):
                yield encode(row)
        except (pyarrow.ArrowException, orjson.JSONDecodeError) as exc:
            raise OSError(f"cannot read the Parquet file: {exc}") from None
