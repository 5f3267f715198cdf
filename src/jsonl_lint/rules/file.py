"""F rules: the file as bytes. Found by the reader and the engine."""

from jsonl_lint.codes import F001, F002, F003, F004, F005, F006, F007, F008
from jsonl_lint.diagnostics import Severity
from jsonl_lint.rules.base import Option, PipelineRule


class InvalidUtf8(PipelineRule):
    code, name, severity = F001, "invalid-utf8", Severity.ERROR
    summary = "A line is not valid UTF-8"


class ByteOrderMark(PipelineRule):
    code, name, severity = F002, "byte-order-mark", Severity.ERROR
    summary = "The file starts with a UTF-8 byte-order mark"
    fixable = "safe"  # removed, or added where the profile requires one (jsonl_lint.fix)


class CrlfLineEnding(PipelineRule):
    code, name, severity = F003, "crlf-line-ending", Severity.WARNING
    summary = "CRLF or mixed line endings"
    fixable = "safe"  # every CRLF becomes LF (jsonl_lint.fix)
    fix_message = "Write every line ending as LF"


class BlankLine(PipelineRule):
    code, name, severity = F004, "blank-line", Severity.WARNING
    summary = "An empty or whitespace-only line"
    fixable = "safe"
    fix_message = "Remove the blank line"

    def fix_line(self, content, found):
        return None  # drop it


class MissingFinalNewline(PipelineRule):
    code, name, severity = F005, "missing-final-newline", Severity.INFO
    summary = "The last line has no trailing newline"
    fixable = "safe"  # one is added (jsonl_lint.fix)
    fix_message = "Add a newline at the end of the file"


class NotJsonl(PipelineRule):
    code, name, severity = F006, "not-jsonl", Severity.ERROR
    summary = "The file is not JSONL (JSON array, pretty-printed JSON, LFS pointer, binary)"


class FileTooLarge(PipelineRule):
    code, name, severity = F007, "file-too-large", Severity.ERROR
    summary = "The file is larger than the profile allows"
    options = (Option("max-file-size-mb", int, None, "Largest accepted file, in MB (10^6 bytes); none: no limit"),)


class EmptyFile(PipelineRule):
    code, name, severity = F008, "empty-file", Severity.WARNING
    summary = "The file holds no records"
