"""S rules: the record's format. S001-S003 are found by the format adapters."""

from __future__ import annotations

from jsonl_lint.codes import S001, S002, S003
from jsonl_lint.diagnostics import Location, Severity
from jsonl_lint.formats import FORMATS
from jsonl_lint.rules.base import DatasetRule, PipelineRule


class UnknownFormat(PipelineRule):
    code, name, severity = S001, "unknown-format", Severity.ERROR
    summary = "The record matches no format of the profile"
    fixable = (
        "safe"  # a misspelt key (`message`) or `response` for `completion` is renamed; other formats are not converted
    )


class SchemaViolation(PipelineRule):
    code, name, severity = S002, "schema-violation", Severity.ERROR
    summary = "The record breaks the format's schema"


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
