"""J rules: each line as JSON. Found by the reader, where the bytes are."""

from jsonl_lint.codes import J001, J002, J003, J006
from jsonl_lint.diagnostics import Severity
from jsonl_lint.files.reader import one_line
from jsonl_lint.rules.base import PipelineRule


class InvalidJson(PipelineRule):
    code, name, severity = J001, "invalid-json", Severity.ERROR
    summary = "The line is not valid JSON"


class NotAnObject(PipelineRule):
    code, name, severity = J002, "not-an-object", Severity.ERROR
    summary = "The line's top-level value is not a JSON object"


class DuplicateKey(PipelineRule):
    code, name, severity = J003, "duplicate-key", Severity.ERROR
    summary = "An object has the same key twice"


class MultiLineRecord(PipelineRule):
    code, name, severity = J006, "multi-line-record", Severity.ERROR
    summary = "One JSON record spread over several lines (pretty-printed) inside a JSONL file"
    fixable = "safe"  # only the whitespace between tokens goes: every key, value and escape stays as written
    fix_message = "Write the record on one line"
    collapse = False  # each finding has its own span of lines, which its fix joins

    def fix_line(self, content, found):
        return one_line(content)  # ``content``: the lines of the finding's span, joined (jsonl_lint.fix)
