"""Splits: roles by name and by the `splits` config, partners read for leakage, near-duplicate options."""

from __future__ import annotations

import io
import json
import sys
from types import SimpleNamespace

import orjson
from conftest import write_jsonl

from jsonl_lint.files.sources import partners, split_role

STORY = " ".join(f"word{n}" for n in range(40))


def chat(text: str, answer: str = "Fine.") -> dict:
    return {"messages": [{"role": "user", "content": text}, {"role": "assistant", "content": answer}]}


def unique(i: int) -> dict:
    return chat(f"Question number {i}: " + " ".join(f"t{i}x{k}" for k in range(12)), f"Answer {i}.")


def test_split_words_and_suffix_forms_pair_up(tmp_path):
    for name in ("train_aws.jsonl", "validation_aws.jsonl", "test_aws.jsonl", "train_gcp.jsonl", "notes.jsonl"):
        (tmp_path / name).write_bytes(b"")
    found = partners(str(tmp_path / "validation_aws.jsonl"), {}, str(tmp_path))
    assert [p.rsplit("/", 1)[1] for p in found] == ["test_aws.jsonl", "train_aws.jsonl"]
    assert partners(str(tmp_path / "notes.jsonl"), {}, str(tmp_path)) == []


def test_sibling_split_folders_pair_up(tmp_path):
    for folder in ("train", "val", "other"):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "part-0.jsonl").write_bytes(b"")
    found = partners(str(tmp_path / "val" / "part-0.jsonl"), {}, str(tmp_path))
    assert found == [str(tmp_path / "train" / "part-0.jsonl")]


def test_splits_config_overrides_names(tmp_path):
    splits = {"train": ["data/*-a.jsonl"], "holdout": ["data/*-b.jsonl"]}
    assert split_role(str(tmp_path / "data" / "x-b.jsonl"), splits, str(tmp_path)) == "holdout"
    assert split_role(str(tmp_path / "data" / "train.jsonl"), splits, str(tmp_path)) is None


def test_leakage_found_when_only_the_validation_file_is_named(cli, tmp_path):
    write_jsonl(tmp_path / "train.jsonl", [unique(i) for i in range(20)] + [chat(STORY + " one"), chat(STORY + " one")])
    write_jsonl(tmp_path / "validation.jsonl", [unique(100), chat(STORY + " two"), unique(3)])
    run = cli("validation.jsonl", "--select", "D,V", "--output-format", "json", cwd=tmp_path)
    found = {(d["path"], d["line"], d["code"]) for d in json.loads(run.out)}
    # V002 (near) and V001 (exact) on the named file; the training file's own D004 is not shown
    assert found == {("validation.jsonl", 2, "V002"), ("validation.jsonl", 3, "V001")}
    assert run.code == 1
    alone = cli("train.jsonl", "--select", "D004,V", "--output-format", "json", cwd=tmp_path)
    assert {(d["path"], d["code"]) for d in json.loads(alone.out)} == {("train.jsonl", "D004")}


def test_splits_config_names_the_held_out_set(cli, tmp_path):
    (tmp_path / "jsonl-lint.toml").write_text('[splits]\ntrain = ["a/*.jsonl"]\nholdout = ["b/*.jsonl"]\n')
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    write_jsonl(tmp_path / "a" / "first.jsonl", [unique(i) for i in range(20)])
    write_jsonl(tmp_path / "b" / "second.jsonl", [unique(1), unique(200)])
    run = cli("b/second.jsonl", "--select", "V", "--output-format", "json", cwd=tmp_path)
    assert [(d["path"], d["line"], d["code"]) for d in json.loads(run.out)] == [("b/second.jsonl", 1, "V001")]


def test_bad_splits_config_is_a_usage_error(cli, tmp_path):
    (tmp_path / "jsonl-lint.toml").write_text('splits = ["train.jsonl"]\n')
    write_jsonl(tmp_path / "train.jsonl", [unique(1)])
    run = cli("train.jsonl", cwd=tmp_path)
    assert run.code == 2 and "`splits` must map split names to lists of globs" in run.err


def test_near_duplicates_from_stdin(cli, tmp_path, monkeypatch):
    data = b"".join(orjson.dumps(chat(STORY + f" variant {i}")) + b"\n" for i in range(3))
    monkeypatch.setattr(sys, "stdin", SimpleNamespace(buffer=io.BufferedReader(io.BytesIO(data))))
    run = cli("-", "--select", "D005", "--output-format", "json", cwd=tmp_path)
    found = json.loads(run.out)
    assert [(d["line"], d["related"][0]["line"]) for d in found] == [(2, 1), (3, 1)]
    assert "3 examples alike" in found[0]["message"]


def test_near_duplicate_options(cli, tmp_path):
    write_jsonl(tmp_path / "data.jsonl", [chat(STORY, "Yes."), chat("Something else entirely here", "Yes.")])
    same_answer = cli("data.jsonl", "--select", "D005", "--config", 'text = "answer"', cwd=tmp_path)
    assert same_answer.code == 1 and "100% similar answers to the example at line 1" in same_answer.out
    assert cli("data.jsonl", "--select", "D005", cwd=tmp_path).code == 0
    strict = cli("data.jsonl", "--select", "D005", "--config", "threshold = 1.5", cwd=tmp_path)
    assert strict.code == 2 and "`threshold` must be above 0 and at most 1" in strict.err
    wrong = cli("data.jsonl", "--select", "D005", "--config", 'text = "body"', cwd=tmp_path)
    assert wrong.code == 2 and "`text` must be one of all, prompt, answer" in wrong.err


def test_shared_system_prompt_does_not_make_examples_alike(cli, tmp_path):
    system = {"role": "system", "content": " ".join(f"rule{k}" for k in range(300))}
    records = [{"messages": [system, *unique(i)["messages"]]} for i in range(3)]
    write_jsonl(tmp_path / "data.jsonl", records)
    assert cli("data.jsonl", "--select", "D005", cwd=tmp_path).code == 0
    run = cli("data.jsonl", "--select", "D005", "--config", "ignore-system-prompt = false", cwd=tmp_path)
    assert run.code == 1 and run.out.count("D005") == 2


def test_a_rule_reports_what_it_leaves_to_another_when_that_one_is_off(cli, tmp_path):
    records = [chat(STORY), chat(STORY), chat(STORY, "Another answer entirely.")]
    write_jsonl(tmp_path / "data.jsonl", records)
    both = cli("data.jsonl", "--select", "D004,D005,D006", "--output-format", "json", cwd=tmp_path)
    assert [(d["line"], d["code"]) for d in json.loads(both.out)] == [(2, "D004"), (3, "D006")]
    alone = cli("data.jsonl", "--select", "D005", "--output-format", "json", cwd=tmp_path)
    assert [(d["line"], d["code"]) for d in json.loads(alone.out)] == [(2, "D005"), (3, "D005")]
    write_jsonl(tmp_path / "train.jsonl", [unique(i) for i in range(20)])
    write_jsonl(tmp_path / "validation.jsonl", [unique(1)])
    leak = cli("validation.jsonl", "--select", "V002,V003", "--output-format", "json", cwd=tmp_path)
    assert [d["code"] for d in json.loads(leak.out)] == ["V003"]  # V001 is off: the same prompt, and near
    near = cli("validation.jsonl", "--select", "V002", "--output-format", "json", cwd=tmp_path)
    assert [d["code"] for d in json.loads(near.out)] == ["V002"]
