"""The engine's parallel path: the output is identical, line for line, whatever --jobs and chunking."""

from __future__ import annotations

import gzip
import random

import orjson
import pytest
from hypothesis import given
from hypothesis import strategies as st

from jsonl_lint import Settings, engine, lint


def _record(rng: random.Random, i: int) -> bytes:
    """A chat record, or one of every kind of defect the core rules find."""
    good = {"messages": [{"role": "user", "content": f"Question {i} about {rng.random()}"},
                         {"role": "assistant", "content": f"Answer {i}:\nsee \"docs\"."}]}  # fmt: skip
    kind = i % 23
    if kind == 1:
        return b"{not json\n"
    if kind == 2:
        return b"\n"
    if kind == 3:
        return b"[1, 2]\n"
    if kind == 4:
        return b'{"messages":[{"role":"user","content":"a","content":"b"},{"role":"assistant","content":"c"}]}\n'
    if kind == 5:
        return orjson.dumps({"message": good["messages"]}) + b"\n"
    if kind == 6:
        return orjson.dumps({"prompt": "p", "completion": "c"}) + b"\n"
    if kind == 7:
        good["messages"].append({"role": "user", "content": "and?"})
    if kind == 8:
        good["messages"][1]["weight"] = 1.0
    if kind == 9:
        good["messages"][0]["role"] = "human"
    if kind == 10:
        good["id"] = i
    if kind == 11:
        return b'{"messages":[{"role":"user","content":"same"},{"role":"assistant","content":"dup"}]}\r\n'
    if kind == 12:
        return b'{"messages":[{"role":"user","content":"\xff"},{"role":"assistant","content":"x"}]}\n'
    if kind == 13:
        good["messages"][1]["content"] = "  "
    if kind == 14:  # near-duplicates of one paragraph, within and across splits (D005, V002)
        good["messages"][0]["content"] = f"{PARAGRAPH} Variant {rng.randint(0, 10**9)}."
    if kind == 15:  # one prompt, several answers (D006, V003)
        good["messages"] = [
            {"role": "user", "content": "Which city?"},
            {"role": "assistant", "content": f"City {rng.randint(0, 10**6)}"},
        ]
    return orjson.dumps(good) + b"\n"


PARAGRAPH = " ".join(f"word{n}" for n in range(60))


@pytest.fixture
def dataset(tmp_path):
    rng = random.Random(7)
    folder = tmp_path / "data"
    folder.mkdir()
    for name, n in (("train.jsonl", 2000), ("more_train.jsonl", 700), ("validation.jsonl", 300)):
        (folder / name).write_bytes(b"".join(_record(rng, i) for i in range(n)) + b'{"messages": []}')
    return folder


def _report(result) -> list[dict]:
    return [{**d.to_dict(), "fingerprint": d.fingerprint} for d in result.diagnostics]


def test_jobs_and_chunks_give_identical_output(dataset, monkeypatch):
    whole = lint([str(dataset)], Settings(), jobs=1)
    assert {d.code for d in whole.diagnostics} >= {
        "F003",
        "F004",
        "F005",
        "J001",
        "J002",
        "J003",
        "S001",
        "S003",
        "S004",
        "C001",
        "C005",
        "C006",
        "C008",
        "D004",
        "D005",
        "D006",
        "V001",
        "V002",
        "V003",
    }
    monkeypatch.setattr(engine.linter, "CHUNK_BYTES", 4_000)  # cut each file into many ranges
    parallel = lint([str(dataset)], Settings(), jobs=2)
    more = lint([str(dataset)], Settings(), jobs=3)
    assert _report(parallel) == _report(whole)
    assert _report(more) == _report(whole)
    assert [(s.path, s.records, s.size, dict(s.formats), s.first_lines) for s in parallel.sources] == [
        (s.path, s.records, s.size, dict(s.formats), s.first_lines) for s in whole.sources
    ]


def test_a_range_boundary_inside_a_long_line(tmp_path, monkeypatch):
    monkeypatch.setattr(engine.linter, "CHUNK_BYTES", 100)
    path = tmp_path / "train.jsonl"
    long = orjson.dumps({"messages": [{"role": "user", "content": "x" * 5000}]}) + b"\n"
    path.write_bytes(long * 3 + b"[]\n")
    found = sorted((d.line or 0, d.code) for d in lint([str(path)], Settings(), jobs=2).diagnostics)
    assert found == [(0, "D001"), (1, "C002"), (2, "C002"), (2, "D004"), (3, "C002"), (3, "D004"), (4, "J002")]


def test_not_jsonl_stops_at_the_first_range(tmp_path, monkeypatch):
    monkeypatch.setattr(engine.linter, "CHUNK_BYTES", 50)
    path = tmp_path / "data.jsonl"
    path.write_bytes(b"[\n" + b'  {"a": 1},\n' * 100 + b"]\n")
    result = lint([str(path)], Settings(), jobs=2)
    assert [d.code for d in result.diagnostics] == ["F006"]


def test_small_inputs_run_in_one_process(dataset):
    sources = lint([str(dataset)], Settings(), jobs=1).sources
    assert engine.default_jobs(None, sources) == 1
    assert engine.default_jobs(3, sources) == 3


def test_a_long_first_line_cut_where_sniffing_stops_gives_the_same_findings(tmp_path, monkeypatch):
    """Issue 17 item 1 and issue 13 item 7: byte 8,192 of a long first line is a comma; a NUL byte past
    the first 8 KiB but within what is sniffed."""
    first = orjson.dumps(
        {"messages": [{"role": "user", "content": "x" * 20_000}, {"role": "assistant", "content": "y"}]}
    )
    first = first[:8190] + b'","a":"' + first[8197:]  # still one valid line, with `,` at byte 8,192
    assert first[8191:8192] == b","
    orjson.loads(first)
    rest = b"".join(_record(random.Random(1), i) for i in range(300))
    (tmp_path / "train.jsonl").write_bytes(first + b"\n" + rest)
    (tmp_path / "more_train.jsonl").write_bytes(first + b"\n\x00 a NUL byte\n" + rest)
    whole = lint([str(tmp_path)], Settings(), jobs=1)
    monkeypatch.setattr(engine.linter, "CHUNK_BYTES", 9_000)
    assert _report(lint([str(tmp_path)], Settings(), jobs=2)) == _report(whole)
    found = {(d.path.rsplit("/", 1)[-1], d.code) for d in whole.diagnostics}
    assert ("train.jsonl", "F006") not in found and ("train.jsonl", "C005") in found
    assert ("more_train.jsonl", "F006") in found


#: The fixtures of issue 13's rules and changes (F003 listing, J006, placeholders, pair precedence,
#: tool turns, L004, S005, C012): each the same whatever the jobs and however the files are cut.
ISSUE_13_FIXTURES = [
    "F003/fail_mixed_many.jsonl",
    "F003/fail_mixed_lf_minority.jsonl",
    "J006/fail.jsonl",
    "J001/pass_multi_line_record.jsonl",
    "P001/pass_placeholders.jsonl",
    "P002/pass_placeholders.jsonl",
    "D005/fail_same_prompt.jsonl",
    "D006/fail_near_copy_and_another.jsonl",
    "V002/fail_same_prompt_split",
    "V003/fail_repeated_prompts_split",
    "L003/pass_tool_turns.jsonl",
    "L004/fail.jsonl",
    "S005/fail.jsonl",
    "C012/fail.jsonl",
]


@pytest.mark.parametrize("name", ISSUE_13_FIXTURES)
def test_issue_13_fixtures_give_the_same_output_whatever_the_jobs(name, monkeypatch):
    from conftest import FIXTURE_DIR

    path = str(FIXTURE_DIR / "rules" / name)
    whole = _report(lint([path], Settings(), jobs=1))
    assert whole
    monkeypatch.setattr(engine.linter, "CHUNK_BYTES", 200)  # cuts inside most records spread over lines
    assert _report(lint([path], Settings(), jobs=2)) == whole
    assert _report(lint([path], Settings(), jobs=3)) == whole


def test_records_are_read_again_at_their_own_byte(dataset, monkeypatch):
    """The rules that read records again (D005, D006, V002, V003) seek to each one, whatever the chunking;
    a gzipped copy, which cannot seek, is read up to the lines instead, with the same findings."""
    asked: list[tuple[str, int, int]] = []
    read_at = engine.records.read_at

    def seeking(name, places):
        places = list(places)
        asked.extend((name, line, start) for line, start in places)
        return read_at(name, places)

    monkeypatch.setattr(engine.records, "read_at", seeking)
    whole = lint([str(dataset)], Settings(), jobs=1)
    asked_whole = sorted(asked)
    assert len({name for name, _, _ in asked_whole}) == 3  # every file had records to read again
    for name, line, start in asked_whole:
        data = open(name, "rb").read()
        assert data.count(b"\n", 0, start) == line - 1 and (start == 0 or data[start - 1 : start] == b"\n")
    asked.clear()
    monkeypatch.setattr(engine.linter, "CHUNK_BYTES", 4_000)
    assert _report(lint([str(dataset)], Settings(), jobs=2)) == _report(whole)
    assert sorted(asked) == asked_whole  # the same records, at the same bytes, from the tasks' places

    asked.clear()
    for path in dataset.iterdir():
        with gzip.open(f"{path}.gz", "wb") as out:
            out.write(path.read_bytes())
        path.unlink()
    zipped = lint([str(dataset)], Settings(), jobs=1)
    assert not asked
    rereading = {"D005", "D006", "V002", "V003"}
    assert [
        (d.code, d.line, d.message.replace(".jsonl.gz", ".jsonl")) for d in zipped.diagnostics if d.code in rereading
    ] == [(d.code, d.line, d.message) for d in whole.diagnostics if d.code in rereading]


@given(total=st.integers(0, 10**12), slots=st.integers(1, 256))
def test_a_parallel_run_cuts_its_input_in_a_multiple_of_its_workers_spans_of_one_size(total, slots):
    chunk = engine.linter.chunk_bytes(total, slots)
    spans = -(-total // chunk)
    assert engine.linter.MIN_CHUNK_BYTES <= chunk
    if chunk > engine.linter.MIN_CHUNK_BYTES:  # not held up by the floor: the most it may be, in whole rounds
        assert chunk <= engine.linter.CHUNK_BYTES and spans % slots == 0
        assert spans == slots * -(-total // (slots * engine.linter.CHUNK_BYTES))


def test_36_mb_on_two_workers_is_four_spans_of_9_mb():
    assert engine.linter.chunk_bytes(35_800_000, 2) == 8_950_000  # not 16, 16 and 3.8 MB
    assert engine.linter.chunk_bytes(35_800_000, 3) == 11_933_334
    assert engine.linter.chunk_bytes(179_300_000, 2) == 14_941_667  # 12 spans
    assert engine.linter.chunk_bytes(500_000, 2) == engine.linter.MIN_CHUNK_BYTES


def test_rules_that_share_their_summaries_prepare_each_file_once(dataset, monkeypatch):
    """D005 and V002 of the same options share their map, and so the templates it is given: made once a file."""
    from jsonl_lint.rules.dataset import NearDuplicateRule

    made = []
    prepare = NearDuplicateRule.prepare
    monkeypatch.setattr(NearDuplicateRule, "prepare", lambda self, head: made.append(self.code) or prepare(self, head))
    result = lint([str(dataset)], Settings(select=["D005", "V002"]))
    assert {d.code for d in result.diagnostics} == {"D005", "V002"}
    assert len(made) == 3  # one per file: train, more_train and validation
