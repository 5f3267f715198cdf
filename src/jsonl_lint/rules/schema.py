"""S rules: the record's format. S001-S003 are found by the format adapters."""

from __future__ import annotations

from array import array
from collections import Counter

import numpy as np
import orjson

from jsonl_lint.codes import S001, S002, S003
from jsonl_lint.diagnostics import Fix, Location, Severity
from jsonl_lint.formats import FORMATS
from jsonl_lint.formats.openai import NULLABLE, drop_nulls
from jsonl_lint.jsonpath import ARROW_TYPES, shape, type_shape
from jsonl_lint.rules.base import DatasetRule, PipelineRule
from jsonl_lint.text import compiled
from jsonl_lint.text.dedup import first_of_runs
from jsonl_lint.text.keys import pack, stable_hash

NULL_FILLED = "Optional keys set to null"
_BIT = {key: 1 << i for i, key in enumerate(NULLABLE)}


class UnknownFormat(PipelineRule):
    code, name, severity = S001, "unknown-format", Severity.ERROR
    summary = "The record matches no format of the profile"
    fixable = (
        "safe"  # a misspelt key (`message`) or `response` for `completion` is renamed; other formats are not converted
    )


class SchemaViolation(PipelineRule, DatasetRule):
    """Found by the format adapters, record by record; and, as a dataset rule, Arrow's null filling once
    per file: pandas and Hugging Face `datasets` write a key that some rows have as null in every other
    row (``"weight": null`` on every message once one message has a weight), which is a finding on
    no row in particular. Its map keeps two bytes per record with nulls (a bit per key of
    :data:`NULLABLE`); its safe fix drops the null-valued optional keys of each such line."""

    code, name, severity = S002, "schema-violation", Severity.ERROR
    summary = "The record breaks the format's schema"
    width = 2
    per_file = True  # a cluster reduces each file's rows apart
    fixable = "safe"  # the null-filled optional keys only: the one finding of a file that says a fix

    def map(self, example):
        if not example.nulls:
            return None
        bits = 0
        for key in example.nulls:
            bits |= _BIT[key]
        return bits.to_bytes(2, "little")

    def reduce(self, items, sources):
        if not len(items):
            return
        bits, files, lines = items.array("<u2")[:, 0], items.paths(), items.lines()
        records = {s.path: s.records for s in sources}
        for i, path in enumerate(items.files):
            mine = files == i
            counts = [(key, int(np.count_nonzero(bits[mine] & _BIT[key]))) for key in NULLABLE]
            hit = lines[mine]
            keys = ", ".join(f"`{key}` in {count:,}" for key, count in counts if count)
            yield self.diagnostic(
                Location(path),
                f"{NULL_FILLED} in {len(hit):,} of {records.get(path, len(hit)):,} records ({keys}), first at line "
                f"{hit[0]}: pandas and Hugging Face `datasets` (Arrow) fill a key that some rows have with null in "
                f"every other row, and {self.profile.title} accepts no null there. Drop the null-valued optional "
                "keys before writing (`jsonl-lint --fix` does)",
                lines=array("I", hit.astype(np.uint32).tobytes()),
                fingerprint=f"{self.code}:{path}:null-filled",
                fix=Fix(self.fixable, "Drop the null-valued optional keys"),  # type: ignore[arg-type]
            )

    def fix_line(self, content, found):
        record = orjson.loads(content)
        return orjson.dumps(record) if drop_nulls(record) else content


class UnknownKey(PipelineRule):
    code, name, severity = S003, "unknown-key", Severity.WARNING
    summary = "A key the target provider does not accept"
    fixable = "safe"  # a key with a close accepted name the record lacks is renamed; the others are left to you


class MixedFormats(DatasetRule):
    code, name, severity = "S004", "mixed-formats", Severity.ERROR
    summary = "Records of different formats in one file"

    def reduce(self, items, sources):
        for source in sources:
            if len(source.formats) < 2:
                continue
            (main, main_count), *minority = source.formats.most_common()
            for fmt, count in minority:
                yield self.diagnostic(
                    Location(source.path, source.first_lines[fmt]),
                    f"File mixes formats: {count} {FORMATS[fmt].title} record(s), the first here, "
                    f"among {main_count} {FORMATS[main].title} records",
                    fingerprint=f"{self.code}:{source.path}:{fmt}",
                )


#: Distinct record shapes of a file that are read again to find the paths whose type drifts.
MAX_SHAPES = 1024
#: Shapes whose stable key a process remembers (most files have a handful).
_MEMO_LIMIT = 10_000
_memo: dict[object, int] = {}


#: The compiled twin of :func:`jsonl_lint.jsonpath.shape` (``text/_shape.c``: jsonpath, a leaf of the
#: import layers, imports no twin), or None.
_C = compiled("_shape")


def record_shape(value: object, depth: int = 6) -> object:
    """:func:`jsonl_lint.jsonpath.shape`, by its compiled twin when there is one: an equal object, of the
    same tuples and type objects (``depth`` an int), 0.5 µs where the Python takes 5.7 on a chat record."""
    return shape(value, depth) if _C is None else _C.shape(value, depth)


def shape_key(record: dict) -> int:
    """A stable 64-bit key of the record's type shape (:func:`record_shape`)."""
    found = record_shape(record)
    key = _memo.get(found)
    if key is None:
        key = stable_hash(repr(found).encode())
        if len(_memo) < _MEMO_LIMIT:
            _memo[found] = key
    return key


def _article(kind: str) -> str:
    return kind if kind == "null" else f"an {kind}" if kind[0] in "aeiou" else f"a {kind}"


class TypeDrift(DatasetRule):
    """``map`` keeps 8 bytes per example, a stable hash of the record's type shape; ``reduce`` reads one
    record of each distinct shape of a file again (at most MAX_SHAPES) and counts, per JSON path, the
    examples with each type."""

    code, name, severity = "S005", "type-drift", Severity.WARNING
    summary = "A JSON path whose type differs from the file's majority (what Arrow-based loaders reject)"
    width = 8
    rereads = True
    per_file = True  # a cluster reduces each file's rows apart

    def map(self, example):
        return pack(shape_key(example.record))

    def reduce(self, items, sources):
        if not len(items):
            return
        key = items.array()[:, 0]
        file = items.paths()
        first, seen = first_of_runs(file, key)
        counts = Counter(first.tolist())  # examples per shape, by the shape's first row
        shapes = np.flatnonzero(seen == 0)
        per_file: dict[int, list[int]] = {}
        for row in shapes.tolist():
            rows = per_file.setdefault(int(file[row]), [])
            if len(rows) < MAX_SHAPES:
                rows.append(row)
        wanted = sorted(row for rows in per_file.values() for row in rows)
        # path -> type -> [examples, first row, first concrete path], per file; and examples with the path
        paths: dict[int, dict[str, dict[str, list]]] = {}
        having: dict[tuple[int, str], int] = {}
        for row, example in items.examples(wanted):
            table = paths.setdefault(int(file[row]), {})
            for pattern, types in type_shape(example.record).items():
                having[int(file[row]), pattern] = having.get((int(file[row]), pattern), 0) + counts[row]
                for kind, where in types.items():
                    entry = table.setdefault(pattern, {}).setdefault(kind, [0, row, where])
                    entry[0] += counts[row]
        for index, table in paths.items():
            for pattern, types in table.items():
                yield from self.drifts(items, pattern, types, having[index, pattern])

    def drifts(self, items, pattern: str, types: dict[str, list], total: int):
        # null stands for a missing value, which Arrow reads in a column of any type: a drift only where
        # it replaces a whole top-level array or object (`"tools": null`); inside messages formats allow
        # it (an assistant tool call's null content), and a null `pair_id` among strings is a missing id
        nested = pattern.count(".") + pattern.count("[") > 1
        containers = {"array", "object"} & set(types)
        if nested or not containers:
            types = {kind: entry for kind, entry in types.items() if kind != "null"}
        if len(types) < 2:
            return
        ranked = sorted(types.items(), key=lambda item: (-item[1][0], item[1][1]))
        (major, (major_count, _, _)), *others = ranked
        for kind, (count, row, where) in others:
            location = items.location(row)
            more = f" (and in {count - 1:,} more example{'s' if count > 2 else ''})" if count > 1 else ""
            if kind == "null" or major == "null":
                why = "loaders read a missing value there, and code that expects the majority's type fails"
            else:
                column = "/".join(step for step in pattern[2:].replace("[*]", ".[]").split(".") if step)
                why = (
                    "pyarrow and Hugging Face `datasets` fail to load the file: "
                    f'"Column(/{column}) changed from {ARROW_TYPES[major]} to {ARROW_TYPES[kind]} in row N" '
                    "(N counts rows within a block of the file, not lines)"
                )
            yield self.diagnostic(
                location,
                f"`{where}` is {_article(kind)}{more}, but `{pattern}` is {_article(major)} in {major_count:,} "
                f"of {total:,} examples: {why}",
                fingerprint=f"{self.code}:{location.path}:{pattern}:{kind}",
            )
