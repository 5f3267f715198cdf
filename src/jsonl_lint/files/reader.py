"""Streaming JSONL reader: bytes in, parsed records out, F/J findings on the side.

The reader is the only code that touches bytes. It iterates a buffered binary
stream line by line (never the whole file), tracks line numbers, parses each
line with orjson and reports byte-level (F) and JSON-level (J) problems through
a callback, where the bytes are still at hand.
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import BinaryIO

import orjson

from jsonl_lint.codes import F001, F002, F003, F004, F005, F006, F008, J001, J002, J003, J006
from jsonl_lint.files import parquet
from jsonl_lint.jsonpath import json_type, member
from jsonl_lint.twins import twin

BOM = b"\xef\xbb\xbf"
_KEY_END = re.compile(rb'"[ \t\r]*:')
#: The compiled twin of the counts of :func:`may_repeat_keys` (``_reader.c``), or None.
_C = twin("jsonl_lint.files._reader")
SNIFF_BYTES = 1 << 16
NESTING_LIMIT = 1024  # orjson's: deeper records are J001
#: Lines of the minority line ending that F003 lists one by one in a file that mixes them; the rest are counted.
LISTED_ENDINGS = 20
LFS_POINTER = b"version https://git-lfs.github.com/spec/"
MAGIC = (
    (b"\x1f\x8b", "gzip-compressed data; decompress it first (`gunzip`)"),
    (b"PK\x03\x04", "a zip archive"),
    (parquet.MAGIC, parquet.NOT_JSONL),
    (b"SQLite format 3\x00", "an SQLite database"),
    (LFS_POINTER, "a Git LFS pointer, not the data; run `git lfs pull` to fetch the real file"),
)

#: Lines a record spread over several lines (J006) may span; past them its lines are read one by one.
MAX_RECORD_LINES = 10_000
#: JSON strings (they never hold a raw line break), and whitespace between the tokens.
_STRING = re.compile(rb'"(?:[^"\\\n]|\\.)*"')
_TOKENS = re.compile(rb'("(?:[^"\\]|\\.)*")|[ \t\r\n]+')

#: report(code, line, column, message, json_path, raw_line, fix=None, end_line=None): ``fix`` says what
#: --fix would do; ``end_line`` is the last line of a finding that spans several
Report = Callable[..., None]


def nesting(line: bytes) -> int:
    """Brackets ``line`` opens less those it closes, strings aside; -1 for a line with an unclosed string
    (no JSON value goes on past it)."""
    bare = _STRING.sub(b"", line) if b'"' in line else line
    if b'"' in bare:
        return -1
    return bare.count(b"{") + bare.count(b"[") - bare.count(b"}") - bare.count(b"]")


def one_line(data: bytes) -> bytes:
    """JSON text without the whitespace between its tokens: a record spread over lines, on one line."""
    return _TOKENS.sub(lambda match: match.group(1) or b"", data)


def _parses(data: bytes) -> object | None:
    try:
        return orjson.loads(data)
    except orjson.JSONDecodeError:
        return None


def record_start(line: bytes) -> bool:
    """The line is a JSON object on its own, starting at its first byte: where a task may start (and where
    a record spread over several lines ends, if not before)."""
    return line.startswith(b"{") and type(_parses(line)) is dict


def sniff(head: bytes) -> str | None:
    """Say what the file is when its first bytes show it is plainly not JSONL (magic numbers, NUL bytes).

    ``head`` is the first SNIFF_BYTES of the file (fewer only for a shorter file), whichever task reads
    it: what the first line looks like is judged on the whole line, once it fails to parse
    (:func:`spread_over_lines`), so that no finding depends on how a file is cut into tasks.
    """
    for magic, what in MAGIC:
        if head.startswith(magic):
            return what
    if b"\x00" in head:
        return "binary data (it contains NUL bytes)"
    return None


def spread_over_lines(first: bytes) -> str | None:
    """What a first line that is not JSON says of the file: a JSON array or object spread over lines."""
    first = first.strip()
    if first == b"[" or (first.startswith(b"[") and first.endswith(b",")):
        return "a JSON array spread over several lines, not one object per line; convert it with `jq -c '.[]'`"
    if first == b"{" or (first.startswith(b"{") and first.endswith((b",", b"{", b"["))):
        return "pretty-printed JSON: one object spread over several lines; write one compact object per line"
    return None


def may_repeat_keys(raw: bytes, value: dict) -> bool:
    """False when ``raw`` has no repeated key; True means: check properly.

    A parser keeps one key per name, so a line repeats a key exactly when it
    writes more keys than the parsed value holds. Every key written is followed
    by a colon, so when the line has no more colons than the value has keys,
    nothing was dropped (the common case: one byte count). Otherwise colons
    stand in text too, and the keys written are counted as ``"`` + optional
    whitespace + ``:``; that sequence inside a string only adds, so equality
    still proves that no key was dropped. The value's keys are first counted at
    the top level and in objects of top-level arrays (messages), which is
    enough for most records and far cheaper than walking the whole value.
    """
    kept = len(value)
    for item in value.values():
        if type(item) is list:
            for element in item:
                if type(element) is dict:
                    kept += len(element)
    if _C is not None:  # both counts in one memchr() pass, where the two here took 1.5 and 5.2 us a 1.8 KB line
        found, written = _C.colons(raw)
        if found == kept:
            return False
    else:
        if raw.count(b":") == kept:
            return False
        written = len(_KEY_END.findall(raw))
    return written != kept and written != _count_keys(value)


def _count_keys(value: object) -> int:
    """Number of object keys in a parsed JSON value (iterative: input may nest 1,000 deep)."""
    count = 0
    stack = [value]
    pop, extend = stack.pop, stack.extend
    while stack:
        item = pop()
        kind = type(item)
        if kind is dict:
            count += len(item)  # type: ignore[arg-type]
            extend(item.values())  # type: ignore[union-attr]
        elif kind is list:
            extend(item)  # type: ignore[arg-type]
    return count


class _Pairs(list):
    """An object as parsed by ``json`` with its key/value pairs, duplicates kept."""


def duplicate_keys(raw: bytes) -> list[tuple[str, str]]:
    """Return ``(json_path, key)`` for each repeated key in one JSON line."""
    limit = sys.getrecursionlimit()
    # orjson accepts 1,024 levels of nesting, the json module's C scanner counts Python's recursion
    # limit (1,000): lift it for this call, so that a duplicate key deep in a record is still found.
    sys.setrecursionlimit(max(limit, 4 * NESTING_LIMIT))
    try:
        tree = json.loads(raw, object_pairs_hook=_Pairs)
    except (ValueError, RecursionError):
        return []
    finally:
        sys.setrecursionlimit(limit)
    found = []
    stack: list[tuple[object, str]] = [(tree, "$")]
    while stack:
        item, path = stack.pop()
        if isinstance(item, _Pairs):
            seen = set()
            for key, child in item:
                if key in seen:
                    found.append((path, key))
                seen.add(key)
                stack.append((child, member(path, key)))
        elif isinstance(item, list):
            stack.extend((child, f"{path}[{i}]") for i, child in enumerate(item))
    found.sort()
    return found


@dataclass
class Stats:
    """What a reader saw of a file, or of a range of its lines; ranges add up with ``+``."""

    lines: int = 0
    blank: int = 0
    records: int = 0
    size: int = 0
    crlf: int = 0
    lf: int = 0  # lines that end in LF alone
    #: the first LISTED_ENDINGS lines ending in CRLF, and in LF, counted within the range
    crlf_lines: tuple[int, ...] = ()
    lf_lines: tuple[int, ...] = ()
    final_newline: bool = True  # the last line read ends with a newline
    not_jsonl: bool = False
    bom: bool = False  # the range starts the file with a UTF-8 byte-order mark

    def __add__(self, later: Stats) -> Stats:
        def joined(mine: tuple[int, ...], theirs: tuple[int, ...]) -> tuple[int, ...]:
            return (*mine, *(self.lines + line for line in theirs[: LISTED_ENDINGS - len(mine)]))

        return Stats(
            self.lines + later.lines, self.blank + later.blank, self.records + later.records,
            self.size + later.size, self.crlf + later.crlf, self.lf + later.lf,
            joined(self.crlf_lines, later.crlf_lines), joined(self.lf_lines, later.lf_lines),
            later.final_newline if later.lines else self.final_newline, self.not_jsonl or later.not_jsonl,
            self.bom or later.bom,
        )  # fmt: skip


def file_findings(stats: Stats, report: Report, bom: str = "forbidden") -> None:
    """F002, F003, F005 and F008: findings about the whole file, once every line is read.

    ``bom`` is the target's policy for a byte-order mark: forbidden, required or allowed.
    """
    if stats.not_jsonl:
        return
    if stats.bom and bom == "forbidden":
        report(F002, 1, 1, "File starts with a UTF-8 byte-order mark (BOM)", None, None, "Remove the byte-order mark")
    elif not stats.bom and bom == "required" and stats.lines:
        message = "File has no UTF-8 byte-order mark (BOM); the target requires one"
        report(F002, 1, 1, message, None, None, "Add a UTF-8 byte-order mark")
    if stats.crlf:
        crlf_findings(stats, report)
    if stats.lines and not stats.final_newline:
        report(F005, stats.lines, None, "No newline at end of file", None, None)
    if stats.lines == stats.blank:
        report(F008, None, None, "File has no records" if stats.lines else "File is empty", None, None)


def crlf_findings(stats: Stats, report: Report) -> None:
    """F003: a file of CRLF lines once, at its first line; a file that mixes endings at each line of the
    minority ending (the lines a user has to find), up to LISTED_ENDINGS, the last saying how many more."""
    crlf, lf = stats.crlf, stats.lf
    if not lf:
        report(
            F003,
            stats.crlf_lines[0],
            None,
            f"CRLF line endings ({crlf} line{'s' if crlf > 1 else ''}); use LF",
            None,
            None,
        )
        return
    ending, count, lines = ("CRLF", crlf, stats.crlf_lines) if crlf <= lf else ("LF", lf, stats.lf_lines)
    mixed = f"Mixed line endings: {crlf} CRLF and {lf} LF lines; this one ends in {ending}"
    for line in lines:
        more = count - len(lines) if line == lines[-1] else 0
        report(F003, line, None, mixed + (f" ({more} more {ending} lines not listed)" if more else ""), None, None)


class Reader:
    """Iterate ``(line_number, raw_line, record)`` over a binary stream.

    ``head`` says that the stream starts at the start of the file (where a BOM
    or a non-JSONL file shows); line numbers count from 1 within the stream.
    While a record is yielded, ``start`` is where its line starts in the stream (bytes, a BOM
    included): where it can be read again. After iteration, ``stats`` describes what was read.
    """

    def __init__(self, stream: BinaryIO, report: Report, *, check_duplicate_keys: bool = True, head: bool = True):
        self.stream = stream
        self.report = report
        self.check_duplicate_keys = check_duplicate_keys
        self.head = head
        self.stats = Stats()
        self.bom = 0  # bytes of BOM stripped from line 1
        self.start = 0

    def __iter__(self) -> Iterator[tuple[int, bytes, dict]]:
        stream, report, stats, head = self.stream, self.report, self.stats, self.head
        if head:
            what = sniff(stream.peek(SNIFF_BYTES)[:SNIFF_BYTES] if hasattr(stream, "peek") else b"")
            if what is not None:
                stats.not_jsonl = True
                report(F006, 1, None, f"Not a JSONL file: {what}", None, None)
                return
        loads, decode_error = orjson.loads, orjson.JSONDecodeError
        check_keys = self.check_duplicate_keys
        lineno = size = begin = crlf = lf = records = 0
        crlf_lines: list[int] = []
        lf_lines: list[int] = []
        gathering: list[bytes] | None = None  # the lines of a record spread over several (J006)
        depth = 0  # brackets it leaves open
        raw = b""
        begun = 0  # where the gathered lines begin
        leading: list[int] | None = [] if head else None  # blank lines before the first, told after it
        try:
            for raw in stream:
                lineno += 1
                begin = size  # where the line starts
                size += len(raw)
                if raw.endswith(b"\r\n"):
                    crlf += 1
                    if crlf <= LISTED_ENDINGS:
                        crlf_lines.append(lineno)
                elif raw.endswith(b"\n"):
                    lf += 1
                    if lf <= LISTED_ENDINGS:
                        lf_lines.append(lineno)
                if lineno == 1 and head and raw.startswith(BOM):
                    raw = raw[len(BOM) :]
                    self.bom = len(BOM)
                    stats.bom = True
                if leading is not None:  # the head's blank lines, then its first line: is the file JSONL?
                    if not raw.strip():
                        leading.append(lineno)
                        continue
                    what = spread_over_lines(raw)
                    if what is not None:
                        stats.not_jsonl = True
                        report(F006, 1, None, f"Not a JSONL file: {what}", None, None)
                        return
                    self._blank_lines(leading)
                    leading = None
                if gathering is not None:  # inside a record that began on an earlier line
                    alone = record_start(raw)  # a record of its own ends the span before it
                    if not alone:
                        gathering.append(raw)
                        depth += nesting(raw)
                        if 0 < depth and len(gathering) < MAX_RECORD_LINES:
                            continue
                    for found in self._gathered(lineno - len(gathering) + (not alone), gathering, depth, begun):
                        records += 1
                        yield found
                    gathering = None
                    if not alone:
                        continue
                try:
                    value = loads(raw)
                except decode_error as exc:
                    if raw.startswith(b"{") and nesting(raw) > 0:  # maybe a record spread over lines (J006)
                        gathering, depth, begun = [raw], nesting(raw), begin
                        continue
                    value = self._recover(lineno, raw, exc)
                    if value is None:
                        continue
                if type(value) is not dict:
                    if self._not_object(lineno, raw, value):
                        return
                    continue
                if check_keys and may_repeat_keys(raw, value):
                    self._duplicate_keys(lineno, raw)
                records += 1
                self.start = begin
                yield lineno, raw, value
            if leading:  # a file of blank lines only
                self._blank_lines(leading)
            if gathering is not None:  # the file ends inside it
                for found in self._gathered(lineno - len(gathering) + 1, gathering, depth, begun):
                    records += 1
                    yield found
        finally:
            stats.lines, stats.size, stats.crlf, stats.lf, stats.records = lineno, size, crlf, lf, records
            stats.crlf_lines, stats.lf_lines = tuple(crlf_lines), tuple(lf_lines)
            stats.final_newline = raw.endswith(b"\n") or not raw.strip()

    def _blank_lines(self, lines: list[int]) -> None:
        for line in lines:
            self.report(F004, line, None, "Blank line", None, None)
        self.stats.blank += len(lines)

    def _not_object(self, lineno: int, raw: bytes, value: object) -> bool:
        """Report a line whose value is not an object (J002; F006 for an array of objects on line 1);
        True when the file is not JSONL at all, and reading stops."""
        messages = type(value) is list and value and all(type(v) is dict and "role" in v for v in value)
        if (
            lineno == 1
            and self.head
            and not messages
            and type(value) is list
            and value
            and all(type(v) is dict for v in value)
        ):
            self.stats.not_jsonl = True
            self.report(
                F006,
                1,
                None,
                "Not a JSONL file: a JSON array of objects on one line; write one object per line (`jq -c '.[]'`)",
                None,
                None,
            )
            return True
        hint = '; it holds messages: wrap them as {"messages": [...]}' if messages else ""
        self.report(J002, lineno, 1, f"Line is a JSON {json_type(value)}, not an object{hint}", None, raw)
        return False

    def _duplicate_keys(self, lineno: int, raw: bytes) -> None:
        for path, key in duplicate_keys(raw):
            message = f"Key `{key}` appears more than once in the object at {path}; parsers keep only the last"
            self.report(J003, lineno, None, message, member(path, key), raw)

    def _gathered(self, start: int, lines: list[bytes], depth: int, begun: int) -> Iterator[tuple[int, bytes, dict]]:
        """The lines from ``start`` (byte ``begun`` of the stream) of what may be one record spread over several.

        When they close every bracket they open and parse as one object, that is one J006 finding for
        the span (the record itself is read once it is on one line: ``--fix`` writes it so). Otherwise
        they are read as the lines they are: J001 on the first, and each of the others as a line of its
        own, which never starts a record of several lines again (every line is parsed a bounded number of
        times). A line that starts with ``{`` and parses alone always ends a span: :func:`~jsonl_lint.files.open.cut`
        cuts a file into tasks before such lines only, so no span is seen by two tasks.
        """
        joined = b"".join(lines)
        value = _parses(joined) if depth == 0 else None
        if type(value) is dict:
            end = start + len(lines) - 1
            # line numbers count within the task's range: the message names none (the engine shifts end_line)
            count = len(lines)
            message = f"One record spread over {count} lines, this one and the next {count - 1}; write it on one line"
            self.report(J006, start, 1, message, None, one_line(joined), end_line=end)
            return
        try:
            orjson.loads(lines[0])
        except orjson.JSONDecodeError as exc:
            self._recover(start, lines[0], exc)
        here = begun + len(lines[0])  # (a record spread from line 1 on is F006: no BOM to count)
        for lineno, raw in enumerate(lines[1:], start + 1):
            self.start, here = here, here + len(raw)
            try:
                value = orjson.loads(raw)
            except orjson.JSONDecodeError as exc:
                value = self._recover(lineno, raw, exc)
                if value is None:
                    continue
            if type(value) is not dict:
                self._not_object(lineno, raw, value)
            else:
                if self.check_duplicate_keys and may_repeat_keys(raw, value):
                    self._duplicate_keys(lineno, raw)
                yield lineno, raw, value

    def _recover(self, lineno: int, raw: bytes, exc: orjson.JSONDecodeError) -> object | None:
        """Report a line orjson rejected; return its value if only its encoding was bad."""
        if not raw.strip():
            self._blank_lines([lineno])
            return None
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as bad:
            column = bad.start + 1 + (self.bom if lineno == 1 else 0)
            self.report(F001, lineno, column, f"Invalid UTF-8 byte 0x{raw[bad.start]:02x} at byte {column}", None, raw)
            text = raw.decode("utf-8", errors="replace")
            try:
                value = orjson.loads(text)
            except orjson.JSONDecodeError as again:
                exc = again
            else:
                return value
        column = min(exc.pos, len(text)) + 1
        if _valid_json(text):
            message = f"Valid JSON, but no JSON parser of the upload path will accept it: {exc.msg}"
        else:
            message = f"Invalid JSON: {exc.msg}"
        self.report(J001, lineno, column, message, None, raw)
        return None


def _refuse_constant(name: str) -> object:
    raise ValueError(name)


def _valid_json(text: str) -> bool:
    """The text is JSON by RFC 8259 that orjson still rejects (``\\ud800``, ``1e400``, a 2**64 integer)."""
    try:
        json.loads(text, parse_constant=_refuse_constant)  # NaN and Infinity are not JSON
    except (ValueError, RecursionError):
        return False
    return True


def parse_line(raw: bytes, first: bool = False) -> object | None:
    """A line's value as :class:`Reader` reads it (a BOM on the ``first`` line, a bad encoding
    repaired), or None for a line that is not JSON; reports nothing (for reading records again)."""
    if first and raw.startswith(BOM):
        raw = raw[len(BOM) :]
    try:
        return orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        return Reader(None, lambda *_: None)._recover(0, raw, exc)  # type: ignore[arg-type]
