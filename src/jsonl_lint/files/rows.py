"""Rows that are not JSONL lines yet (records in memory, a Parquet file's rows) written as compact
JSONL, so that they flow through the same reader, formats and rules as a file and give the same
findings: a row is one line, its JSON is what ``orjson.dumps`` writes.

In-memory records are spooled to a private temporary file as they come (a generator of ten million
records is never held; the dataset rules read their few candidate records again from the spool).
The spool costs one ``orjson.dumps`` and a buffered write per record: ``bench/bench_api.py``
measures it against linting the same JSONL file.
"""

from __future__ import annotations

import datetime
import decimal
import os
import tempfile
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any

import orjson

WRITE_BUFFER = 1 << 20
#: Rows taken from a DataFrame at a time (``to_dict("records")`` on a slice: the frame is not copied whole).
FRAME_ROWS = 10_000
_OPTIONS = orjson.OPT_SERIALIZE_NUMPY | orjson.OPT_NON_STR_KEYS


class RowError(TypeError):
    """A row that cannot be written as JSON (an object of a type JSON has no value for)."""


def plain(value: Any) -> Any:
    """``value`` as a JSON value, for what orjson does not write itself: what pandas, numpy and Arrow
    hand out (arrays of objects, missing values, timestamps, decimals, bytes), sets and tuples."""
    if hasattr(value, "tolist"):  # numpy arrays (of objects too: nested lists of dicts) and scalars
        return value.tolist()
    if isinstance(value, (set, frozenset, tuple)):
        return list(value)
    if isinstance(value, Mapping):
        return dict(value)
    if isinstance(value, (bytes, bytearray, memoryview)):
        return bytes(value).decode("utf-8", "replace")
    if isinstance(value, decimal.Decimal):
        return float(value)
    if type(value).__name__ in ("NAType", "NaTType"):  # pandas' missing values
        return None
    if hasattr(value, "isoformat"):  # dates and times (pandas' Timestamp among them)
        return value.isoformat()
    if isinstance(value, datetime.timedelta):
        return str(value)
    raise TypeError(f"Type is not JSON serializable: {type(value).__name__}")


def encode(row: Any) -> bytes:
    """One row as a compact JSON line (with its newline)."""
    return orjson.dumps(row, default=plain, option=_OPTIONS | orjson.OPT_APPEND_NEWLINE)


def rows_of(records: Any) -> Iterable[Any]:
    """The rows of ``records``: any iterable of dicts (a list, a generator, a Hugging Face ``Dataset`` or
    ``IterableDataset``), a pandas DataFrame (by row, not by column name), a pyarrow Table (by batch).

    Nothing is imported: the objects are recognised by what they offer.
    """
    if hasattr(records, "to_batches") and hasattr(records, "schema"):  # a pyarrow Table
        return arrow_rows(records.to_batches(), records.schema)
    if hasattr(records, "iloc") and hasattr(records, "columns"):  # a pandas DataFrame
        frame = records
        return (
            row
            for start in range(0, len(frame), FRAME_ROWS)
            for row in frame.iloc[start : start + FRAME_ROWS].to_dict("records")
        )
    if isinstance(records, (str, bytes, Mapping)) or not isinstance(records, Iterable):
        raise TypeError(f"records must be an iterable of dicts, not {type(records).__name__}")
    return records


def arrow_rows(batches: Iterable[Any], schema: Any) -> Iterator[dict]:
    """The rows of Arrow record ``batches`` as JSON values: what ``to_pylist`` gives, with the values of
    JSON columns (the ``arrow.json`` extension type, which Hugging Face `datasets` writes for objects
    whose keys vary from row to row) parsed, and maps as objects."""
    decode = {field.name: found for field in schema if (found := _decoder(field.type)) is not None}
    for batch in batches:
        for row in batch.to_pylist():
            for name, convert in decode.items():
                row[name] = convert(row[name])
            yield row


def _decoder(arrow_type: Any) -> Any:
    """A function that turns ``to_pylist``'s value of ``arrow_type`` into a JSON value, or None when it
    is one already (most types: no work per row)."""
    import pyarrow as pa  # an Arrow table or Parquet file was given: pyarrow is there

    inner: Any
    if isinstance(arrow_type, pa.BaseExtensionType):  # canonical (pa.JsonType) or user-defined
        if arrow_type.extension_name == "arrow.json":
            return lambda value: value if value is None else orjson.loads(value)
        return _decoder(arrow_type.storage_type)
    if pa.types.is_map(arrow_type):
        inner = _decoder(arrow_type.item_type) or (lambda value: value)
        return lambda value: value if value is None else {str(k): inner(v) for k, v in value}
    if pa.types.is_list(arrow_type) or pa.types.is_large_list(arrow_type) or pa.types.is_fixed_size_list(arrow_type):
        inner = _decoder(arrow_type.value_type)
        if inner is None:
            return None
        return lambda value: value if value is None else [inner(item) for item in value]
    if pa.types.is_struct(arrow_type):
        fields = {field.name: found for field in arrow_type if (found := _decoder(field.type)) is not None}
        if not fields:
            return None

        def struct(value: Any) -> Any:
            if value is not None:
                for name, convert in fields.items():
                    value[name] = convert(value[name])
            return value

        return struct
    return None


def write_rows(rows: Iterable[Any], out: Any, name: str) -> int:
    """Write ``rows`` to ``out`` as JSONL; the number written. A row JSON cannot hold is a :class:`RowError`."""
    count = 0
    write = out.write
    for row in rows:
        try:
            write(encode(row))
        except TypeError as exc:
            raise RowError(f"{name}: row {count} cannot be written as JSON: {exc}") from None
        count += 1
    return count


@contextmanager
def spooled_rows(records: Any, name: str) -> Iterator[tuple[str, int]]:
    """``records`` written to a private temporary JSONL file as they come: ``(its path, rows written)``;
    the file is removed afterwards."""
    handle, path = tempfile.mkstemp(prefix="jsonl-lint-rows-", suffix=".jsonl")
    try:
        with os.fdopen(handle, "wb", buffering=WRITE_BUFFER) as out:
            count = write_rows(rows_of(records), out, name)
        yield path, count
    finally:
        os.unlink(path)
