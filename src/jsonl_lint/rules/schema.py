"""S rules: the record's format. S001-S003 are found by the format adapters."""

from __future__ import annotations

from collections import Counter, defaultdict

from jsonl_lint.diagnostics import Severity
from jsonl_lint.formats import FORMATS
from jsonl_lint.plugins import hookimpl
from jsonl_lint.rule import DatasetRule, PipelineRule


class UnknownFormat(PipelineRule):
    code, name, severity = "S001", "unknown-format", Severity.ERROR
    summary = "The record matches no format of the profile"
    collapse = True


class SchemaViolation(PipelineRule):
    code, name, severity = "S002", "schema-violation", Severity.ERROR
    summary = "The record breaks the format's schema"


class UnknownKey(PipelineRule):
    code, name, severity = "S003", "unknown-key", Severity.WARNING
    summary = "A key the target provider does not accept"
    collapse = True


class MixedFormats(DatasetRule):
    code, name, severity = "S004", "mixed-formats", Severity.ERROR
    summary = "Records of different formats in one file"

    def map(self, example):
        return example.format

    def reduce(self, items, sources):
        counts: dict[str, Counter] = defaultdict(Counter)
        first: dict[tuple[str, str], object] = {}
        for location, fmt in items:
            counts[location.path][fmt] += 1
            first.setdefault((location.path, fmt), location)
        for path, formats in counts.items():
            if len(formats) < 2:
                continue
            (main, main_count), *minority = formats.most_common()
            for fmt, count in minority:
                yield self.diagnostic(
                    first[path, fmt],
                    f"File mixes formats: {count} {FORMATS[fmt].title} record(s), the first here, "
                    f"among {main_count} {FORMATS[main].title} records",
                    fingerprint=f"{self.code}:{path}:{fmt}",
                )


@hookimpl
def register_rules():
    return [UnknownFormat, SchemaViolation, UnknownKey, MixedFormats]
