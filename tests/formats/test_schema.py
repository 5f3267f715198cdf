"""A user's own JSON Schema (`schema = "..."`): S002 with JSON paths, no network, clear config errors."""

from __future__ import annotations

import json

import pytest
from conftest import write_jsonl

GOOD = {"messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello"}]}
SCHEMA = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object",
    "required": ["messages", "id"],
    "properties": {"id": {"type": "string", "pattern": "^ex-[0-9]+$"}, "messages": {"maxItems": 2}},
    "$defs": {"unused": {"type": "string"}},
}


def found(run) -> list[tuple[int, str, str]]:
    return [(d["line"], d["code"], d["message"]) for d in json.loads(run.out)]


@pytest.fixture
def project(tmp_path):
    (tmp_path / "schema.json").write_text(json.dumps(SCHEMA))
    write_jsonl(
        tmp_path / "validation.jsonl",
        [{**GOOD, "id": "ex-1"}, {**GOOD, "id": "x"}, GOOD, {"messages": GOOD["messages"] * 2, "id": "ex-2"}],
    )
    return tmp_path


def test_schema_extends_the_format_checks(cli, project):
    run = cli("validation.jsonl", "--config", 'schema = "schema.json"', "--output-format", "json", cwd=project)
    s002 = [(line, message) for line, code, message in found(run) if code == "S002"]
    assert s002 == [
        (2, "Schema: 'x' does not match '^ex-[0-9]+$'"),
        (3, "Schema: 'id' is a required property"),
        (4, "Schema: [{'role': 'user', 'content': 'Hi'}, {'role': 'assistant', 'content': 'Hello'}, "
            "{'role': 'user', 'content': 'Hi'}, {'role': 'assistant', 'content': 'Hello'}] is too long"),
    ]  # fmt: skip
    assert any(code == "S003" for _, code, _ in found(run))  # `id` is still unknown to OpenAI chat
    columns = {d["line"]: d["column"] for d in json.loads(run.out) if d["code"] == "S002"}
    assert columns[2] == len('{"messages":[{"role":"user","content":"Hi"},{"role":"assistant","content":"Hello"}],') + 1


def test_schema_replace_mode_owns_shapes_and_keys(cli, project):
    (project / "jsonl-lint.toml").write_text('schema = "schema.json"\nschema-mode = "replace"\n')
    write_jsonl(project / "custom.jsonl", [{"id": "ex-9", "messages": "not a list", "extra": 1}])
    run = cli("validation.jsonl", "custom.jsonl", "--output-format", "json", "--select", "S", cwd=project / ".")
    codes = {(d["path"], d["code"]) for d in json.loads(run.out)}
    assert ("custom.jsonl", "S002") not in codes and ("custom.jsonl", "S003") not in codes
    assert ("validation.jsonl", "S002") in codes and ("validation.jsonl", "S003") not in codes


def test_schema_path_is_relative_to_the_config_file(cli, project):
    (project / "sub").mkdir()
    (project / "jsonl-lint.toml").write_text('schema = "schema.json"\n')
    run = cli("../validation.jsonl", "--output-format", "json", cwd=project / "sub")
    assert run.code == 1 and any(code == "S002" for _, code, _ in found(run))


@pytest.mark.parametrize(
    "content, error",
    [
        ('{"$ref": "https://example.com/s.json"}', "never fetches"),
        ('{"properties": {"a": {"$ref": "other.json#/x"}}}', "points outside the schema"),
        ('{"type": 5}', "invalid Draft202012Validator schema at type"),
        ("{not json", "not valid JSON"),
        ("[1, 2]", "object or a boolean"),
    ],
)
def test_unusable_schema_is_exit_2(cli, tmp_path, content, error):
    (tmp_path / "schema.json").write_text(content)
    write_jsonl(tmp_path / "train.jsonl", [GOOD])
    run = cli("train.jsonl", "--config", 'schema = "schema.json"', cwd=tmp_path)
    assert run.code == 2 and error in run.err and "Traceback" not in run.err


def test_missing_schema_file_and_bad_mode(cli, tmp_path):
    write_jsonl(tmp_path / "train.jsonl", [GOOD])
    missing = cli("train.jsonl", "--config", 'schema = "nope.json"', cwd=tmp_path)
    assert missing.code == 2 and "nope.json" in missing.err
    mode = cli("train.jsonl", "--config", 'schema-mode = "merge"', cwd=tmp_path)
    assert mode.code == 2 and "extend, replace" in mode.err
