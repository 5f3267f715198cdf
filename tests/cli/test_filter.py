"""jsonl-lint filter: the kept records byte for byte, the dropped ones in a log; --output-format drops."""

from __future__ import annotations

import gzip
import json

import orjson
from conftest import write_jsonl


def chat(i: int) -> dict:
    return {
        "messages": [{"role": "user", "content": f"Question {i}?"}, {"role": "assistant", "content": f"Answer {i}."}]
    }


def no_answer(i: int) -> dict:
    return {"messages": [{"role": "user", "content": f"Unanswered {i}?"}]}


def test_filter_keeps_the_other_records_byte_for_byte_and_logs_the_dropped(cli, tmp_path):
    (tmp_path / "data").mkdir()
    odd = b'{"messages" : [ {"role":"user","content":"caf\\u00e9?"}, {"role":"assistant","content":"Oui."} ] }\r\n'
    lines = [orjson.dumps(chat(1)) + b"\n", orjson.dumps(no_answer(2)) + b"\n", odd, b"not json\n",
             orjson.dumps(chat(1)) + b"\n"]  # fmt: skip
    (tmp_path / "data" / "train.jsonl").write_bytes(b"".join(lines))
    run = cli("filter", "data", "--drop", "error", "--output-dir", "clean", "--isolated", cwd=tmp_path)
    assert run.code == 0, run.err
    assert (tmp_path / "clean" / "data" / "train.jsonl").read_bytes() == lines[0] + odd + lines[4]
    log = [json.loads(line) for line in (tmp_path / "clean" / "rejected.jsonl").read_text().splitlines()]
    assert [(item["line"], item["codes"]) for item in log] == [(2, ["C002"]), (4, ["J001"])]
    assert log[1]["record"] == "not json" and log[0]["path"] == "data/train.jsonl"
    assert "kept 3 of 5 lines in 1 file" in run.err
    by_code = cli("filter", "data", "--drop", "D004,C002", "--output-dir", "dedup", "--isolated", cwd=tmp_path)
    assert by_code.code == 0, by_code.err
    assert (tmp_path / "dedup" / "data" / "train.jsonl").read_bytes() == lines[0] + odd + lines[3]


def test_filter_drops_every_line_a_collapsed_finding_stands_for_and_keeps_gzip(cli, tmp_path):
    records = [no_answer(i) for i in range(20)] + [chat(i) for i in range(5)]
    plain = write_jsonl(tmp_path / "train.jsonl", records)
    (tmp_path / "train.jsonl.gz").write_bytes(gzip.compress(plain.read_bytes()))
    plain.unlink()
    assert cli("train.jsonl.gz", "--select", "C002", "--isolated", cwd=tmp_path).out.count(" C002 ") == 1
    run = cli("filter", "train.jsonl.gz", "--drop", "C002", "--output-dir", "out", "--isolated", cwd=tmp_path)
    assert run.code == 0, run.err
    kept = gzip.decompress((tmp_path / "out" / "train.jsonl.gz").read_bytes())
    assert kept == b"".join(orjson.dumps(r) + b"\n" for r in records[20:])


def test_filter_leaves_out_a_file_that_is_not_jsonl_and_refuses_to_overwrite_inputs(cli, tmp_path):
    (tmp_path / "notes.jsonl").write_text('{\n  "a": 1\n}\n')
    write_jsonl(tmp_path / "train.jsonl", [chat(i) for i in range(3)])
    run = cli("filter", ".", "--drop", "error", "--output-dir", "out", "--isolated", cwd=tmp_path)
    assert run.code == 0, run.err
    assert not (tmp_path / "out" / "notes.jsonl").exists() and (tmp_path / "out" / "train.jsonl").exists()
    [item] = [json.loads(line) for line in (tmp_path / "out" / "rejected.jsonl").read_text().splitlines()]
    assert item["codes"] == ["F006"] and item["line"] is None
    over = cli("filter", "train.jsonl", "--drop", "error", "--output-dir", ".", "--isolated", cwd=tmp_path)
    assert over.code == 2 and "is an input of this run" in over.err
    bad = cli("filter", ".", "--drop", "severe", "--output-dir", "x", "--isolated", cwd=tmp_path)
    assert bad.code == 2 and "neither a severity" in bad.err


def test_drops_output_lists_each_line_with_its_codes(cli, tmp_path):
    write_jsonl(tmp_path / "train.jsonl", [chat(1), no_answer(2), chat(1)])
    run = cli("train.jsonl", "--output-format", "drops", "--isolated", cwd=tmp_path)
    [group] = {d["group"] for d in orjson.loads(cli("train.jsonl", "--output-format", "json", "--isolated",
                                                    cwd=tmp_path).out) if d["code"] == "D004"}  # fmt: skip
    assert run.out == f"train.jsonl\t2\tC002\t\ntrain.jsonl\t3\tD004\t{group}\n"  # D001 is about the file


def test_duplicates_and_leaks_of_one_example_share_a_group_id(cli, tmp_path):
    """Two exact repeats and a near-copy of one example are one group (D004 and D005 alike); a
    validation copy of it names the training example's group; other findings have none."""
    words = "fox dog river bank runs home sleep quick brown lazy jumps over near then field stone".split()
    base = " ".join(words[(i * 7) % len(words)] + str(i % 11) for i in range(80))
    near = base.rsplit(" ", 2)[0] + " changed words"
    other = "A different question about the weather in Lisbon and what to wear there"
    rows = [_chat(base, "Answer one."), _chat(other, "Answer two."), _chat(base, "Answer one."),
            _chat(near, "Answer one."), _chat(base, "Answer one.")]  # fmt: skip
    write_jsonl(tmp_path / "train.jsonl", rows)
    write_jsonl(tmp_path / "validation.jsonl", [rows[0], _chat("Hi", "Hello")])
    found = orjson.loads(cli(".", "--output-format", "json", "--isolated", cwd=tmp_path).out)
    groups = {(d["path"], d["line"], d["code"]): d["group"] for d in found}
    assert (
        groups[("train.jsonl", 3, "D004")] == groups[("train.jsonl", 5, "D004")] == groups[("train.jsonl", 4, "D005")]
    )
    assert groups[("validation.jsonl", 1, "V001")] is not None
    assert all(d["group"] is None for d in found if d["code"][0] not in "DV" or d["code"] in ("D001", "D002"))
    sarif = orjson.loads(cli(".", "--output-format", "sarif", "--isolated", cwd=tmp_path).out)
    results = sarif["runs"][0]["results"]
    assert {r["properties"]["group"] for r in results if r["ruleId"] == "D004"} == {groups[("train.jsonl", 3, "D004")]}


def _chat(question: str, answer: str) -> dict:
    return {"messages": [{"role": "user", "content": question}, {"role": "assistant", "content": answer}]}
