"""S rules: the record's format. S001-S003 are found by the format adapters."""

from __future__ import annotations

from array import array

import numpy as np
import orjson

from jsonl_lint.codes import S001, S002, S003
from jsonl_lint.diagnostics import Location, Severity
from jsonl_lint.formats import FORMATS
from jsonl_lint.formats.openai import NULLABLE, drop_nulls
from jsonl_lint.rules.base import DatasetRule, PipelineRule

NULL_FILLED = "Optional keys set to null"
_BIT = {key: 1 << i for i, key in enumerate(NULLABLE)}


class UnknownFormat(PipelineRule):
    code, name, severity = S001, "unknown-format", Severity.ERROR
    summary = "The record matches no format of the profile"
    collapse = True


class SchemaViolation(PipelineRule, DatasetRule):
    """Found by the format adapters, record by record; and, as a dataset rule, Arrow's null filling once
    per file: pandas and Hugging Face `datasets` write a key that some rows have as null in every other
    row (``"weight": null`` on every message once one message has a weight), which is a finding on
    no row in particular. Its map keeps two bytes per record with nulls (a bit per key of
    :data:`NULLABLE`); its safe fix drops the null-valued optional keys of each such line."""

    code, name, severity = S002, "schema-violation", Severity.ERROR
    summary = "The record breaks the format's schema"
    width = 2
    fixable = "safe"  # the null-filled optional keys only (fixes)

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
                repeats=array("I", hit.astype(np.uint32).tobytes()),
                fingerprint=f"{self.code}:{path}:null-filled",
            )

    def fixes(self, found):
        return found.message.startswith(NULL_FILLED)

    def fix_line(self, content, found):
        record = orjson.loads(content)
        return orjson.dumps(record) if drop_nulls(record) else content


class UnknownKey(PipelineRule):
    code, name, severity = S003, "unknown-key", Severity.WARNING
    summary = "A key the target provider does not accept"
    collapse = True


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
