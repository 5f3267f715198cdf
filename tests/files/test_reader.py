"""The streaming reader (src/jsonl_lint/reader.py): bytes in, records and F/J findings out."""

from __future__ import annotations

import io
import time

import orjson
import pytest
from conftest import any_bytes
from hypothesis import given, settings
from hypothesis import strategies as st

from jsonl_lint import Settings, lint
from jsonl_lint.files import reader
from jsonl_lint.files.open import Span, open_span
from jsonl_lint.files.reader import BOM, Reader, duplicate_keys, file_findings

READER_CODES = {"F001", "F002", "F003", "F004", "F005", "F006", "J001", "J002", "J003", "F008"}
HI = b'{"messages":[{"role":"user","content":"Hi"},{"role":"assistant","content":"Hello!"}]}'
BYE = b'{"messages":[{"role":"user","content":"Bye"},{"role":"assistant","content":"Goodbye!"}]}'


class Run:
    """One pass of the reader over ``data``: what it yielded and what it reported."""

    def __init__(self, data: bytes, **kwargs):
        self.reports: list[tuple] = []
        self.reader = Reader(io.BufferedReader(io.BytesIO(data)), self._report, **kwargs)
        self.records = list(self.reader)
        file_findings(self.reader.stats, self._report)  # as the engine does once a file is read

    def _report(self, code, line, column, message, json_path=None, raw=None, fix=None, end_line=None):
        self.reports.append((code, line, column, message, json_path))

    def codes(self) -> list[str]:
        return [r[0] for r in self.reports]

    def where(self, code: str) -> list[tuple[int | None, int | None]]:
        return [(r[1], r[2]) for r in self.reports if r[0] == code]

    def message(self, code: str) -> str:
        [message] = [r[3] for r in self.reports if r[0] == code]
        return message


def test_line_numbers_count_every_line():
    data = HI + b"\n\n{broken\n[1]\n" + BYE + b"\n"
    run = Run(data)
    assert [line for line, _, _ in run.records] == [1, 5]
    assert [record["messages"][0]["content"] for _, _, record in run.records] == ["Hi", "Bye"]
    assert [raw for _, raw, _ in run.records] == [HI + b"\n", BYE + b"\n"]
    assert run.where("F004") == [(2, None)]
    assert [line for line, _ in run.where("J001")] == [3]
    assert run.where("J002") == [(4, 1)]
    assert (run.reader.stats.lines, run.reader.stats.records, run.reader.stats.blank, run.reader.stats.size) == (
        5,
        2,
        1,
        len(data),
    )


def test_clean_file_reports_nothing():
    run = Run(HI + b"\n" + BYE + b"\n")
    assert run.reports == []
    assert len(run.records) == 2
    assert not run.reader.stats.not_jsonl


def test_crlf_is_reported_once_at_the_first_crlf_line():
    run = Run(HI + b"\r\n" + BYE + b"\r\n" + HI + b"\r\n")
    assert run.where("F003") == [(1, None)]
    assert run.message("F003").startswith("CRLF line endings (3 ")
    assert len(run.records) == 3  # the records are still read


def test_mixed_line_endings_count_both():
    run = Run(HI + b"\n" + BYE + b"\r\n" + HI + b"\n")
    assert run.where("F003") == [(2, None)]
    assert run.message("F003") == "Mixed line endings: 1 CRLF and 2 LF lines; this one ends in CRLF"


def test_mixed_line_endings_list_the_minority_up_to_a_cap():
    endings = [b"\r\n" if i % 3 == 0 else b"\n" for i in range(90)]  # 30 CRLF among 60 LF
    run = Run(b"".join(HI + ending for ending in endings))
    lines = [line for line, _ in run.where("F003")]
    assert lines == [i + 1 for i in range(90) if i % 3 == 0][: reader.LISTED_ENDINGS]
    messages = [r for r in run.reports if r[0] == "F003"]
    assert messages[-1][3].endswith("(10 more CRLF lines not listed)")
    assert all("more" not in m[3] for m in messages[:-1])


def test_mixed_line_endings_in_ranges_add_up():
    first, second = (
        reader.Stats(lines=3, crlf=1, crlf_lines=(2,), lf_lines=(1, 3)),
        reader.Stats(lines=2, crlf=2, crlf_lines=(1, 2)),
    )
    assert (first + second).crlf_lines == (2, 4, 5)
    assert (first + second).lf_lines == (1, 3)


def test_crlf_with_an_unterminated_last_line_is_not_mixed():
    run = Run(HI + b"\r\n" + BYE)
    assert run.where("F003") == [(1, None)]
    assert "Mixed" not in run.message("F003")
    assert run.where("F005") == [(2, None)]


def test_escaped_crlf_inside_a_string_is_not_a_line_ending():
    run = Run(b'{"messages":[{"role":"user","content":"a\\r\\nb"}]}\n')
    assert run.reports == []
    assert run.records[0][2]["messages"][0]["content"] == "a\r\nb"


def test_bom_is_reported_and_skipped():
    run = Run(BOM + HI + b"\n" + BYE + b"\n")
    assert run.where("F002") == [(1, 1)]
    assert run.codes() == ["F002"]
    assert [record["messages"][0]["content"] for _, _, record in run.records] == ["Hi", "Bye"]


def test_bom_after_line_1_is_invalid_json_not_f002():
    run = Run(HI + b"\n" + BOM + BYE + b"\n")
    assert run.codes() == ["J001"]
    assert run.where("J001")[0][0] == 2


def test_blank_lines_each_reported():
    run = Run(HI + b"\n\n   \n\t\r\n" + BYE + b"\n\n")
    assert run.where("F004") == [(2, None), (3, None), (4, None), (6, None)]
    assert run.reader.stats.blank == 4
    assert run.reader.stats.lines == 6
    assert len(run.records) == 2


def test_missing_final_newline():
    run = Run(HI + b"\n" + BYE)
    assert run.where("F005") == [(2, None)]
    assert len(run.records) == 2


@pytest.mark.parametrize(
    "data", [b"", HI + b"\n", HI + b"\n   ", HI + b"\n\n"], ids=["empty", "newline", "ws-tail", "blank"]
)
def test_no_missing_final_newline(data):
    run = Run(data)
    assert "F005" not in run.codes()


def test_invalid_utf8_column_counts_bytes():
    line = b'{"messages":[{"role":"user","content":"h\xc3\xa9llo \xff"}]}'
    run = Run(line + b"\n")
    [(lineno, column)] = run.where("F001")
    assert lineno == 1
    assert column == line.index(b"\xff") + 1 == 47  # "é" is two bytes, so two columns
    assert "0xff" in run.message("F001")
    # The line is still read, with U+FFFD for the bad byte.
    assert run.records[0][2]["messages"][0]["content"] == "h\u00e9llo \ufffd"


def test_invalid_utf8_latin1_example_from_the_docs():
    line = (
        b'{"messages":[{"role":"user","content":"Un caf\xe9, s\'il vous pla\xeet."},'
        b'{"role":"assistant","content":"Voil\xe0 !"}]}'
    )
    run = Run(line + b"\n")
    assert run.where("F001") == [(1, 46)]  # rules/F001.md: first bad byte only
    assert len(run.records) == 1


def test_invalid_utf8_on_an_invalid_json_line_reports_both():
    run = Run(b'{"content":"\xff"\n')
    assert sorted(run.codes()) == ["F001", "J001"]
    assert run.records == []


def test_invalid_json_column_counts_characters():
    run = Run('{"é": x}\n'.encode())
    [(line, column)] = run.where("J001")
    assert (line, column) == (1, 7)  # "x" is the 7th character (8th byte)


def test_json_array_of_objects_on_line_1_is_not_jsonl():
    run = Run(b"[" + HI + b"," + BYE + b"]\n")
    assert run.where("F006") == [(1, None)]
    assert run.records == [] and run.reader.stats.not_jsonl


@pytest.mark.parametrize(
    "data",
    [
        b"[\n" + HI + b",\n" + BYE + b"\n]\n",
        b'{\n  "messages": [\n  ]\n}\n',
        b"\x1f\x8b\x08\x00rest",
        b"version https://git-lfs.github.com/spec/v1\noid sha256:abc\nsize 1\n",
        HI + b"\n\x00\n",
    ],
    ids=["array", "pretty", "gzip", "lfs", "nul"],
)
def test_sniffed_not_jsonl(data):
    run = Run(data)
    assert run.reports == [("F006", 1, None, run.message("F006"), None)]
    assert run.records == [] and run.reader.stats.not_jsonl


# -- duplicate keys -------------------------------------------------------------


def test_duplicate_keys_function():
    assert duplicate_keys(b'{"a":1,"b":2}') == []
    assert duplicate_keys(b'{"a":1,"a":2}') == [("$", "a")]
    assert duplicate_keys(b'{"a":1,"a":2,"a":3}') == [("$", "a"), ("$", "a")]
    assert duplicate_keys(b'{"messages":[{"role":"user","content":"x","content":"y"}]}') == [
        ("$.messages[0]", "content")
    ]
    assert duplicate_keys(b'{"x":{"y":[{},{"z":1,"z":2}]},"b":1,"b":2}') == [("$", "b"), ("$.x.y[1]", "z")]
    assert duplicate_keys(b'{"role":1,"r\\u006fle":2}') == [("$", "role")]  # the same key once decoded
    assert duplicate_keys(b'{"a":"{\\"k\\":1,\\"k\\":2}"}') == []  # inside a string: text, not keys
    assert duplicate_keys(b"{not json") == []
    assert duplicate_keys(b"[" * 5000 + b"]" * 5000) == []  # too deep for json: no crash


def test_duplicate_keys_reported_by_reader():
    line = b'{"messages":[{"role":"user","content":"x","content":"y"},{"role":"assistant","content":"ok"}]}'
    run = Run(line + b"\n")
    assert [(r[0], r[1], r[4]) for r in run.reports] == [("J003", 1, "$.messages[0].content")]
    assert "`content`" in run.message("J003") and "$.messages[0]" in run.message("J003")
    assert len(run.records) == 1  # the record is still linted (with the last value)
    assert run.records[0][2]["messages"][0]["content"] == "y"


def test_duplicate_keys_with_spaces_before_colons():
    run = Run(b'{"a" : 1, "a" : 2}\n')
    assert run.where("J003") == [(1, None)]


def test_duplicate_keys_check_can_be_turned_off():
    run = Run(b'{"a":1,"a":2}\n', check_duplicate_keys=False)
    assert run.reports == []


@pytest.mark.parametrize(
    "line",
    [
        b'{"messages":[{"role":"user","content" :"Hi","content":"Hello"},{"role":"assistant","content":"ok"}]}',
        b'{"a"\t:1,"a"\t:2,"b":"\\":"}',
    ],
    ids=["space", "tab-and-escaped-quote"],
)
def test_duplicate_keys_next_to_a_spaced_key(line):
    assert duplicate_keys(line)  # the full scan finds it
    run = Run(line + b"\n")
    assert len(run.where("J003")) == 1


#: Bytes that make colons and the keys before them: quotes, the whitespace _KEY_END allows, and others.
_KEY_BYTES = b'":: \t\r\n\\ax{}'
_KEYISH = st.binary(max_size=200).map(lambda data: bytes(_KEY_BYTES[byte % len(_KEY_BYTES)] for byte in data))


@pytest.mark.skipif(reader._C is None, reason="no compiled twin here: the Python code is the only path")
@settings(max_examples=500, deadline=None)
@given(st.one_of(_KEYISH, any_bytes()))
def test_the_compiled_counts_are_the_python_ones(raw):
    """The twin's (colons, keys written) are bytes.count's and _KEY_END's, on any bytes."""
    assert reader._C.colons(raw) == (raw.count(b":"), len(reader._KEY_END.findall(raw)))


@pytest.mark.skipif(reader._C is None, reason="no compiled twin here: the Python code is the only path")
def test_the_compiled_counts_on_long_runs_of_whitespace():
    raw = b'{"a"' + b" " * 100_000 + b":" + b" :" * 50_000 + b'"\t\r:'
    assert reader._C.colons(raw) == (50_002, 2)
    assert reader._C.colons(bytearray(raw)) == (50_002, 2)  # any buffer
    with pytest.raises(TypeError):
        reader._C.colons("a str")


@pytest.mark.parametrize("pure", [False, True], ids=["compiled", "python"])
def test_duplicate_keys_found_on_both_paths(monkeypatch, pure):
    if pure:
        monkeypatch.setattr(reader, "_C", None)
    line = b'{"messages":[{"role":"user","content":"Note: see","content":"x: y"},{"role":"assistant","content":"a:b"}]}'
    assert reader.may_repeat_keys(line, orjson.loads(line))
    clean = b'{"messages":[{"role":"user","content":"Note: see"},{"role":"assistant","content":"a:b"}]}'
    assert not reader.may_repeat_keys(clean, orjson.loads(clean))  # colons in text, the keys counted
    quoted = b'{"messages":[{"role":"user","content":"Say \\"k\\": 1"},{"role":"assistant","content":"a"}]}'
    assert reader.may_repeat_keys(quoted, orjson.loads(quoted))  # a key-like text: checked properly
    assert reader.duplicate_keys(quoted) == []
    assert [r[0] for r in Run(line + b"\n").reports] == ["J003"]


# -- robustness -----------------------------------------------------------------


@pytest.mark.parametrize(
    "data",
    [
        b"[" * 5000 + b"]" * 5000,
        b'{"a":' * 5000 + b"1" + b"}" * 5000,
        b'{"messages":' + b"[" * 5000 + b"]" * 5000 + b"}",
    ],
    ids=["arrays", "objects", "in-record"],
)
def test_deeply_nested_line_is_invalid_json_not_a_crash(data):
    run = Run(HI + b"\n" + data + b"\n")
    assert run.codes() == ["J001"]
    assert run.where("J001")[0][0] == 2
    assert "depth" in run.message("J001")
    assert len(run.records) == 1


FIFTY_MB = 50 * 1024 * 1024


def test_50mb_line_is_one_record(tmp_path):
    path = tmp_path / "big.jsonl"
    with open(path, "wb") as stream:
        stream.write(b'{"messages":[{"role":"user","content":"')
        stream.write(b"a" * FIFTY_MB)
        stream.write(b'"},{"role":"assistant","content":"ok"}]}\n')
    start = time.perf_counter()
    reports = []
    with open(path, "rb", buffering=1 << 20) as stream:
        reader = Reader(stream, lambda *args: reports.append(args))
        records = list(reader)
    assert reports == []
    assert len(records) == 1 and len(records[0][2]["messages"][0]["content"]) == FIFTY_MB
    assert reader.stats.lines == 1 and reader.stats.size == path.stat().st_size
    assert time.perf_counter() - start < 20


def test_50mb_truncated_line_is_one_j001(tmp_path):
    path = tmp_path / "big.jsonl"
    with open(path, "wb") as stream:
        stream.write(b'{"messages":[{"role":"user","content":"')
        stream.write(b"a" * FIFTY_MB)
    result = lint([str(path)], Settings())
    assert result.errors == []
    assert [(d.code, d.line) for d in result.diagnostics] == [("F005", 1), ("J001", 1)]
    j001 = result.diagnostics[1]
    assert j001.column is not None and j001.column > FIFTY_MB
    assert len(j001.snippet[0]) <= 170  # the snippet is a window, not the line


@settings(max_examples=300, deadline=None)
@given(data=any_bytes())
def test_reader_survives_any_bytes(data):
    run = Run(data)
    codes = set(run.codes())
    assert codes <= READER_CODES
    lines = data.count(b"\n") + (1 if data and not data.endswith(b"\n") else 0)
    if run.reader.stats.not_jsonl:
        assert run.codes() == ["F006"] and run.records == []
    else:
        assert run.reader.stats.lines == lines
        assert run.reader.stats.size == len(data)
        assert run.reader.stats.records == len(run.records)
        assert run.reader.stats.blank == len(run.where("F004"))
    for _code, line, column, message, _ in run.reports:
        assert message
        assert line is None or 1 <= line <= max(lines, 1)
        assert column is None or column >= 1
    for lineno, _raw, record in run.records:
        assert type(record) is dict
        assert 1 <= lineno <= lines
    assert [lineno for lineno, _, _ in run.records] == sorted({lineno for lineno, _, _ in run.records})


@settings(max_examples=200, deadline=None)
@given(
    lines=st.lists(st.binary(max_size=40).map(lambda b: b.replace(b"\n", b"")), max_size=30),
    last_newline=st.booleans(),
    chunk=st.integers(1, 120),
)
def test_ranges_that_find_their_own_line_boundaries_hold_every_line_once(tmp_path_factory, lines, last_newline, chunk):
    """Spans cut anywhere (a URL's, read by the tasks alone): each holds the lines that start in it, whole."""
    data = b"\n".join(lines) + (b"\n" if last_newline and lines else b"")
    path = tmp_path_factory.mktemp("spans") / "data.jsonl"
    path.write_bytes(data)
    read = []
    for start in range(0, len(data), chunk):
        with open_span(Span(str(path), None, start, min(start + chunk, len(data)), aligned=False)) as stream:
            read.append(stream.read())
    assert b"".join(read) == data
    at = 0
    for piece in read:  # each span's first byte starts a line
        assert not piece or at == 0 or data[at - 1 : at] == b"\n"
        at += len(piece)


PRETTY = (
    b'{\n  "messages": [\n    {"role": "user", "content": "Hi"},\n'
    b'    {"role": "assistant", "content": "Hello!"}\n  ]\n}\n'
)


def test_a_record_spread_over_lines_is_one_finding_with_its_span():
    run = Run(HI + b"\n" + PRETTY + BYE + b"\n")
    assert run.codes() == ["J006"]
    assert run.where("J006") == [(2, 1)]
    assert run.message("J006") == "One record spread over 6 lines, this one and the next 5; write it on one line"
    assert [line for line, _, _ in run.records] == [1, 8]  # the spread record is read once it is on one line
    assert run.reader.stats.lines == 8


def test_a_broken_record_over_lines_is_read_line_by_line():
    broken = PRETTY.replace(b'"Hi"}', b'"Hi"')  # a brace missing: the lines make no object
    run = Run(HI + b"\n" + broken + BYE + b"\n")
    assert [line for line, _ in run.where("J001")] == [2, 3, 4, 6, 7]
    assert "J006" not in run.codes()
    assert [line for line, _, _ in run.records] == [1, 5, 8]  # line 5, an indented message, parses alone


def test_a_record_of_its_own_ends_a_span():
    """An unfinished record followed by a complete one: the complete one is read, the unfinished is J001."""
    run = Run(BYE + b'\n{"messages": [\n' + HI + b"\n")
    assert run.where("J001") == [(2, 16)]  # at the end of the line
    assert [line for line, _, _ in run.records] == [1, 3]


def test_a_span_at_the_end_of_the_file():
    run = Run(HI + b"\n" + PRETTY[:-1])
    assert run.where("J006") == [(2, 1)]
    run = Run(HI + b"\n" + PRETTY[: PRETTY.rindex(b"]")])  # cut off: the lines are read one by one
    assert run.codes() == ["J001", "J001", "J001", "F004"]  # line 5 is a message that parses alone


def test_one_line_keeps_every_token():
    from jsonl_lint.files.reader import one_line

    assert one_line(b'{ "a b" : [1, 2],\n "c\\" d": "x  y" }') == b'{"a b":[1,2],"c\\" d":"x  y"}'


_LINES = st.lists(
    st.sampled_from(
        [HI, BYE, b"", b"  ", b"{", b'{"messages": [', b"]}", b"[1]", b"not json", b'{"a": 1, "a": 2}', b' {"a": 1}']
    ),
    max_size=12,
)


@given(_LINES, st.lists(st.sampled_from([b"\n", b"\r\n"]), min_size=12, max_size=12), st.booleans())
def test_each_record_starts_where_the_reader_says(lines, endings, bom):
    """``Reader.start``: the byte where each record's line starts, a BOM included, records spread over lines
    (J006) and the lines of one that turned out not to be one too: where the record is read again."""
    data = (BOM if bom else b"") + b"".join(line + end for line, end in zip(lines, endings, strict=False))
    reader = Reader(io.BufferedReader(io.BytesIO(data)), lambda *_, **__: None)
    for lineno, raw, _ in reader:
        start = reader.start
        assert data.count(b"\n", 0, start) == lineno - 1 and (start == 0 or data[start - 1 : start] == b"\n")
        line = data[start : data.find(b"\n", start) + 1 or len(data)]
        assert (line[len(BOM) :] if lineno == 1 and bom else line) == raw
