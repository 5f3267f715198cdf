"""Every registered rule against its fixtures, plus property tests per rule family.

Fixtures live in ``tests/fixtures/rules/<CODE>/``; the format of ``expected.json`` is described
in ``tests/fixtures/rules/README.md``.
"""

from __future__ import annotations

import json
import re
import string
from pathlib import Path

import pytest
from conftest import FIXTURE_DIR, any_bytes
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jsonl_lint import Settings, Severity, lint, lint_records
from jsonl_lint.formats.detect import Detector
from jsonl_lint.plugins import registry
from jsonl_lint.profiles import load
from jsonl_lint.text.keys import keys

FIXTURES = FIXTURE_DIR / "rules"
CODES = list(registry())
META_FILES = {"expected.json", "options.json"}


def _expected(code: str) -> dict[str, list[int | None]]:
    return json.loads((FIXTURES / code / "expected.json").read_text("utf-8"))


def _settings(code: str) -> Settings:
    """Default settings, plus the folder's options.json (validated as a config table would be)."""
    result = Settings()
    options = FIXTURES / code / "options.json"
    if options.is_file():
        result.apply(json.loads(options.read_text("utf-8")), str(options))
    return result


def _line_key(line: int | None) -> tuple[bool, int]:
    return (line is not None, line or 0)


def _lines(diagnostics, code: str) -> list[int | None]:
    return sorted((d.line for d in diagnostics if d.code == code), key=_line_key)


def _cases():
    for code in CODES:
        if not (FIXTURES / code / "expected.json").is_file():
            continue  # test_fixture_folder_is_complete reports it
        for name in sorted(_expected(code)):
            yield pytest.param(code, name, id=f"{code}/{name}")


# -- fixtures ---------------------------------------------------------------


def test_every_builtin_family_is_covered():
    assert {code[0] for code in CODES} >= set("FJSCDV")
    assert len(CODES) >= 27


@pytest.mark.parametrize("code", CODES)
def test_fixture_folder_is_complete(code):
    folder = FIXTURES / code
    assert folder.is_dir(), f"rule {code} has no fixtures: create {folder}"
    assert (folder / "expected.json").is_file(), f"{folder}/expected.json is missing"
    expected = _expected(code)
    present = {p.name for p in folder.iterdir() if p.is_file()} - META_FILES
    # a sub-folder (fail_split/, pass_split/) is linted as one run: rules that compare files
    present |= {f"{d.name}/{p.name}" for d in folder.iterdir() if d.is_dir() for p in d.iterdir()}
    assert set(expected) == present, "expected.json must list exactly the fixture files of the folder"
    fails = [name for name in expected if name.startswith("fail")]
    passes = [name for name in expected if name.startswith("pass")]
    assert sorted(fails + passes) == sorted(expected), "fixture files are named fail* or pass*"
    assert fails, f"{code} needs at least one fail* file"
    assert passes, f"{code} needs at least one pass* file"
    for name in passes:
        assert expected[name] == [], f"{name}: a pass file expects no {code}"
    for name in fails:
        lines = expected[name]
        # in a fail folder, some files are context (the training split for V rules)
        assert lines or "/" in name, f"{name}: a fail file expects at least one {code}"
        assert all(line is None or (type(line) is int and line >= 1) for line in lines), name
        assert lines == sorted(lines, key=_line_key), f"{name}: keep the lines sorted"


@pytest.mark.parametrize(("code", "name"), list(_cases()))
def test_fixture(code, name):
    path = FIXTURES / code / name
    if "/" in name:  # a file of a folder that is linted as one run
        result = lint([str(path.parent)], _settings(code))
        diagnostics = [d for d in result.diagnostics if d.path.endswith("/" + name)]
    else:
        result = lint([str(path)], _settings(code))
        assert len(result.sources) == 1
        diagnostics = result.diagnostics
    assert result.errors == []
    assert _lines(diagnostics, code) == sorted(_expected(code)[name], key=_line_key)
    for diagnostic in diagnostics:
        if diagnostic.code == code:
            assert diagnostic.name == registry()[code].name
            assert diagnostic.message.strip()


def test_folded_findings_count_the_repeats(tmp_path):
    """S001 on every record of a ShareGPT file is one diagnostic, at the first line, that counts the others."""
    record = b'{"conversations":[{"from":"human","value":"hi"},{"from":"gpt","value":"yo"}]}\n'
    (tmp_path / "train.jsonl").write_bytes(record * 12)
    result = lint([str(tmp_path / "train.jsonl")], Settings(select=["S001"]))
    [sharegpt] = result.diagnostics
    assert sharegpt.line == 1 and "ShareGPT" in sharegpt.message and sharegpt.count == 12
    assert sharegpt.message.endswith("(and 11 more lines like it)")
    assert [loc.line for loc in sharegpt.related] == [2, 3, 4] and list(sharegpt.lines) == list(range(1, 13))
    two = lint([str(FIXTURES / "S001" / "fail.jsonl")], Settings(select=["S001"]))
    assert [d.line for d in two.diagnostics if "ShareGPT" in d.message] == [3, 4]  # two of nine: each told


def test_duplicates_point_at_the_first_occurrence():
    result = lint([str(FIXTURES / "D004" / "fail.jsonl")], Settings())
    related = {d.line: [loc.line for loc in d.related] for d in result.diagnostics if d.code == "D004"}
    assert related == {3: [1], 4: [1], 5: [2], 6: [2], 7: [1], 8: [1]}


def test_an_empty_answer_is_an_answer_for_the_keys():
    """A conversation with an empty (or blank) final answer is not a repeat of the same conversation
    without it: the same example key always has the same prompt key, which a cluster's parts rely on."""

    def of(*answers):
        turns = [{"role": "user", "content": "hi there"}] + [{"role": "assistant", "content": a} for a in answers]
        example, _ = Detector(load("openai")).adapt({"messages": turns})
        return keys(example)

    without, empty, blank, said = of(), of(""), of(" \n "), of("Hello!")
    blanks = [[{"role": "assistant", "content": ""}], [{"role": "assistant", "content": "  "}]]
    assert without.example != empty.example == blank.example != said.example
    assert (without.prompt, without.answer) == (None, None)
    assert empty.prompt == said.prompt is not None and empty.answer is not None
    records = [{"messages": [{"role": "user", "content": "hi there"}] + extra} for extra in ([], *blanks)]
    found = [(d.row, d.code) for d in lint_records(records).diagnostics if d.code in ("D004", "D005")]
    assert found == [(1, "D005"), (2, "D004")]  # the same text, one with an answer turn; then a blank repeat


def test_duplicates_are_compared_within_a_split(tmp_path):
    record = '{"messages":[{"role":"user","content":"Hi"},{"role":"assistant","content":"Hello!"}]}\n'
    for name in ("train.jsonl", "more_train.jsonl", "validation.jsonl"):
        (tmp_path / name).write_text(record)
    result = lint([str(tmp_path)], Settings())
    d004 = [d for d in result.diagnostics if d.code == "D004"]
    # more_train.jsonl is first (sorted); train.jsonl repeats it; the validation file is its own pool.
    assert [(Path(d.path).name, d.line) for d in d004] == [("train.jsonl", 1)]
    assert Path(d004[0].related[0].path).name == "more_train.jsonl"


@pytest.mark.parametrize(("size", "reported"), [(512_000_000, False), (512_000_001, True)])
def test_default_file_size_limit(tmp_path, size, reported):
    """The openai profile's 512 MB limit, on a sparse file (no disk space, no reading past the sniff)."""
    path = tmp_path / "big.jsonl"
    with open(path, "wb") as stream:
        stream.write(b'{"messages":[{"role":"user","content":"Hi"},{"role":"assistant","content":"Hello!"}]}\n')
        stream.truncate(size)
    result = lint([str(path)], Settings())
    assert result.errors == []
    assert _lines(result.diagnostics, "F007") == ([None] if reported else [])
    assert _lines(result.diagnostics, "F006") == [1]  # the zeros are binary data


@pytest.mark.parametrize("value", ["null", "5", "true", "1.5"])
def test_messages_scalar_is_a_schema_violation_not_a_crash(tmp_path, value):
    path = tmp_path / "data.jsonl"
    good = '{"messages":[{"role":"user","content":"Hi"},{"role":"assistant","content":"Hello!"}]}'
    path.write_text(f'{{"messages":{value}}}\n{good}\n')
    result = lint([str(path)], Settings())
    assert result.errors == []
    assert _lines(result.diagnostics, "S002") == [1]
    assert _lines(result.diagnostics, "D001") == [None]  # the file was read to the end: 2 records


@pytest.mark.parametrize("kind", ["[]", "{}", '["text"]'])
def test_content_part_type_not_a_string_is_a_schema_violation_not_a_crash(tmp_path, kind):
    path = tmp_path / "data.jsonl"
    good = '{"messages":[{"role":"user","content":"Hi"},{"role":"assistant","content":"Hello!"}]}'
    path.write_text(
        f'{{"messages":[{{"role":"user","content":[{{"type":{kind}}}]}},{{"role":"assistant","content":"x"}}]}}\n{good}\n'
    )
    result = lint([str(path)], Settings())
    assert result.errors == []
    assert _lines(result.diagnostics, "S002") == [1]
    assert _lines(result.diagnostics, "D001") == [None]  # the file was read to the end: 2 records


def test_empty_tool_calls_is_not_content(tmp_path):
    path = tmp_path / "data.jsonl"
    path.write_text(
        '{"messages":[{"role":"user","content":"Weather?"},{"role":"assistant","content":null,"tool_calls":[]}]}\n'
    )
    result = lint([str(path)], Settings())
    assert _lines(result.diagnostics, "C006") + _lines(result.diagnostics, "S002") == [1]


# -- property tests per rule family -------------------------------------------

REGISTERED = set(CODES)
FOLDED = re.compile(r"\(and ([\d,]+) more lines? like it\)$")
ROLES = ["system", "user", "assistant", "tool", "function", "developer", "human", "gpt", "model", ""]
TOP_KEYS = [
    "messages",
    "prompt",
    "completion",
    "tools",
    "functions",
    "parallel_tool_calls",
    "weight",
    "conversations",
    "instruction",
    "output",
    "text",
    "message",
    "chosen",
    "rejected",
    "input",
]
MESSAGE_KEYS = [
    "role",
    "content",
    "weight",
    "tool_calls",
    "tool_call_id",
    "name",
    "function_call",
    "refusal",
    "type",
    "text",
    "image_url",
    "id",
    "function",
    "arguments",
]

texts = st.text(max_size=12) | st.sampled_from(["", " ", "\n\t", "Hi", "Hello!", "\u3000", "{}", '{"a":1}'])
scalars = (
    st.none()
    | st.booleans()
    | st.integers(-3, 3)
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | texts
    | st.sampled_from(ROLES)
)


def _keys(names: list[str]):
    return st.sampled_from(names) | st.text(string.ascii_letters + "_", min_size=1, max_size=8)


json_values = st.recursive(
    scalars,
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(_keys(MESSAGE_KEYS + TOP_KEYS), children, max_size=5)
    ),
    max_leaves=20,
)
content_parts = st.lists(
    st.dictionaries(
        _keys(["type", "text", "refusal", "image_url", "input_audio", "file"]),
        st.sampled_from(["text", "refusal", "image_url", "input_audio", "file", "video"]) | json_values,
        max_size=3,
    )
    | json_values,
    max_size=3,
)
messages = (
    st.dictionaries(
        _keys(MESSAGE_KEYS),
        st.one_of(
            st.sampled_from(ROLES),
            st.sampled_from([0, 1, 0.0, 1.0, True, False, 2, None]),
            json_values,
            content_parts,
            st.lists(
                st.fixed_dictionaries(
                    {
                        "id": texts,
                        "type": st.just("function"),
                        "function": st.fixed_dictionaries({"name": texts, "arguments": texts | json_values}),
                    }
                ),
                max_size=3,
            ),
        ),
        max_size=6,
    )
    | json_values
)
chat_records = st.fixed_dictionaries(
    {"messages": st.lists(messages, max_size=6)},
    optional={"weight": json_values, "tools": json_values, "parallel_tool_calls": json_values},
)
any_records = st.dictionaries(_keys(TOP_KEYS), json_values, max_size=5)
#: A small pool so that duplicates (D004) and mixed formats (S004) come up often.
POOL = [
    {"messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello!"}]},
    {"messages": [{"role": "user", "content": " Hi "}, {"role": "assistant", "content": "Hello!\n"}]},
    {"messages": [{"role": "user", "content": "Bye"}, {"role": "assistant", "content": "Goodbye!"}]},
    {"prompt": "Hi", "completion": "Hello!"},
    {"messages": []},
    {"conversations": []},
]
dataset_records = st.sampled_from(POOL) | chat_records
PROPERTY = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def _lint_lines(tmp_path, data: bytes, name: str = "data.jsonl"):
    path = tmp_path / name
    path.write_bytes(data)
    result = lint([str(path)], Settings(select=["ALL"]))
    n_lines = data.count(b"\n") + (1 if data and not data.endswith(b"\n") else 0)
    assert result.errors == []
    for d in result.diagnostics:
        assert d.code in REGISTERED, d
        assert d.name == registry()[d.code].name
        assert isinstance(d.severity, Severity)
        assert isinstance(d.message, str) and d.message.strip(), d
        assert d.line is None or 1 <= d.line <= n_lines, (d, n_lines)
        assert d.column is None or d.column >= 1, d
    return result


def _jsonl(records) -> bytes:
    return b"".join(json.dumps(r, ensure_ascii=False).encode("utf-8", "surrogatepass") + b"\n" for r in records)


@PROPERTY
@given(data=any_bytes(600))
def test_file_and_json_rules_survive_any_bytes(tmp_path, data):
    result = _lint_lines(tmp_path, data)
    assert all(d.code[0] in "FJSCD" for d in result.diagnostics)


@PROPERTY
@given(records=st.lists(any_records, min_size=1, max_size=5))
def test_schema_rules_survive_any_record(tmp_path, records):
    result = _lint_lines(tmp_path, _jsonl(records))
    unknown = [i for i, r in enumerate(records, 1) if "messages" not in r and not {"prompt", "completion"} <= r.keys()]
    s001 = [d for d in result.diagnostics if d.code == "S001"]
    folded = sum(int(m.group(1).replace(",", "")) for d in s001 if (m := FOLDED.search(d.message)))
    assert len(s001) + folded == len(unknown)
    assert {d.line for d in s001} <= set(unknown)


@PROPERTY
@given(records=st.lists(chat_records, min_size=1, max_size=5))
def test_conversation_rules_survive_any_messages(tmp_path, records):
    result = _lint_lines(tmp_path, _jsonl(records))
    assert not any(d.code in ("S001", "J001", "J002") for d in result.diagnostics)


@PROPERTY
@given(
    records=st.lists(dataset_records, min_size=1, max_size=12),
    name=st.sampled_from(["data.jsonl", "train.jsonl", "validation.jsonl", "x_test.jsonl"]),
)
def test_dataset_rules_survive_any_dataset(tmp_path, records, name):
    result = _lint_lines(tmp_path, _jsonl(records), name)
    d004 = _lines(result.diagnostics, "D004")
    assert len(d004) == len(set(d004)), "one D004 per duplicate line"
    assert 1 not in d004, "the first record cannot be a duplicate"
    counted = [d for d in result.diagnostics if d.code in ("D001", "D002")]
    if name.startswith(("validation", "x_test")):
        assert counted == []
    else:
        assert all(d.line is None for d in counted) and len(counted) <= 1
