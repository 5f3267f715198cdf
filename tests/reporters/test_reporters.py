"""Reporters: json, json-lines, sarif, github, full, concise."""

from __future__ import annotations

import json
import re
from pathlib import Path

import orjson
import pytest
from conftest import chat, no_assistant, offline_validator, unknown_role, validate, write_jsonl

from jsonl_lint import docs
from jsonl_lint.plugins import registry
from jsonl_lint.reporters.github import escape_data, escape_property

DIAGNOSTIC_KEYS = {
    "path", "line", "column", "end_line", "code", "name", "severity", "message", "count", "related", "fingerprint",
    "group", "fix", "url",
}  # fmt: skip


@pytest.fixture(autouse=True)
def _plain_env(monkeypatch):
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.delenv("FORCE_COLOR", raising=False)


@pytest.fixture
def sample(tmp_path) -> Path:
    """train_a.jsonl (3 records) and train_b.jsonl: C002, C001, a D004 of train_a line 2, no final newline."""
    write_jsonl(tmp_path / "train_a.jsonl", [chat(1), chat(2), chat(3)])
    lines = [orjson.dumps(no_assistant()), orjson.dumps(unknown_role()), orjson.dumps(chat(2))]
    (tmp_path / "train_b.jsonl").write_bytes(b"\n".join(lines))
    return tmp_path


def run_json(cli, *args, cwd):
    run = cli(*args, "--output-format", "json", cwd=cwd)
    return json.loads(run.out)


# -- json, json-lines ----------------------------------------------------


def test_json_objects_have_exactly_the_documented_keys(cli, sample):
    diagnostics = run_json(cli, ".", cwd=sample)
    assert {d["code"] for d in diagnostics} >= {"C001", "C002", "D001", "D004", "F005"}
    for d in diagnostics:
        assert set(d) == DIAGNOSTIC_KEYS
        assert d["url"] == f"https://github.com/jsonl-lint/jsonl-lint/blob/main/rules/{d['code']}.md"
        assert d["fingerprint"].startswith(d["code"] + ":")
        assert d["fix"] is None or d["fix"]["applicability"] in ("safe", "unsafe") and d["fix"]["message"]
        assert isinstance(d["path"], str)
        assert d["line"] is None or isinstance(d["line"], int)
        assert d["column"] is None or isinstance(d["column"], int)
        assert d["end_line"] == d["line"]
        assert d["severity"] in ("error", "warning", "info")
        assert d["name"] == registry()[d["code"]].name
        assert isinstance(d["message"], str) and d["message"]
        assert isinstance(d["related"], list)
        for loc in d["related"]:
            assert set(loc) == {"path", "line"}


def test_json_values(cli, sample):
    diagnostics = run_json(cli, ".", cwd=sample)
    by_code = {d["code"]: d for d in diagnostics if d["path"] == "train_b.jsonl"}
    c002 = by_code["C002"]
    assert (c002["line"], c002["column"], c002["severity"], c002["related"]) == (1, 2, "error", [])
    d004 = by_code["D004"]
    assert (d004["line"], d004["column"], d004["severity"]) == (3, None, "warning")
    assert d004["related"] == [{"path": "train_a.jsonl", "line": 2}]
    assert by_code["F005"]["severity"] == "info"
    d001 = [d for d in diagnostics if d["code"] == "D001"]
    assert {d["path"] for d in d001} == {"train_a.jsonl", "train_b.jsonl"}
    assert all(d["line"] is None and d["end_line"] is None for d in d001)


def test_json_for_a_clean_run_is_an_empty_array(cli, tmp_path):
    write_jsonl(tmp_path / "a.jsonl", [chat(i) for i in range(100)])
    run = cli("a.jsonl", "--output-format", "json", cwd=tmp_path)
    assert run.code == 0
    assert json.loads(run.out) == []


def test_json_lines_has_one_object_per_line(cli, sample):
    run = cli(".", "--output-format", "json-lines", cwd=sample)
    lines = run.out.splitlines()
    assert run.out.endswith("\n")
    objects = [json.loads(line) for line in lines]
    assert all(set(o) == DIAGNOSTIC_KEYS for o in objects)
    assert objects == run_json(cli, ".", cwd=sample)
    assert "Found" not in run.out  # no summary in machine output


def test_json_lines_for_a_clean_run_is_empty(cli, tmp_path):
    write_jsonl(tmp_path / "a.jsonl", [chat(i) for i in range(100)])
    assert cli("a.jsonl", "--output-format", "json-lines", cwd=tmp_path).out == ""


# -- sarif ---------------------------------------------------------------


def sarif(cli, *args, cwd):
    run = cli(*args, "--output-format", "sarif", cwd=cwd)
    return run, json.loads(run.out)


def test_sarif_validates_against_the_schema(cli, sample, sarif_schema):
    run, document = sarif(cli, ".", cwd=sample)
    assert run.code == 1
    validate(offline_validator(sarif_schema), document)
    assert document["version"] == "2.1.0"
    assert len(document["runs"]) == 1


def test_sarif_of_a_clean_run_and_of_a_run_with_errors_validates(cli, tmp_path, sarif_schema):
    validator = offline_validator(sarif_schema)
    write_jsonl(tmp_path / "a.jsonl", [chat(i) for i in range(100)])
    run, document = sarif(cli, "a.jsonl", cwd=tmp_path)
    validate(validator, document)
    assert document["runs"][0]["results"] == []
    assert document["runs"][0]["tool"]["driver"]["rules"] == []
    run, document = sarif(cli, "a.jsonl", "missing.jsonl", cwd=tmp_path)
    assert run.code == 2
    validate(validator, document)
    [invocation] = document["runs"][0]["invocations"]
    assert invocation["executionSuccessful"] is False
    assert any("missing.jsonl" in n["message"]["text"] for n in invocation["toolExecutionNotifications"])


def test_sarif_with_paths_outside_the_current_folder_validates(cli, tmp_path, sarif_schema):
    (tmp_path / "data").mkdir()
    (tmp_path / "cwd").mkdir()
    write_jsonl(tmp_path / "data" / "a b.jsonl", [no_assistant()])
    run, document = sarif(cli, str(tmp_path / "data"), cwd=tmp_path / "cwd")
    validate(offline_validator(sarif_schema), document)
    artifact = document["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]
    assert artifact["uri"].startswith("file:///")
    assert artifact["uri"].endswith("/data/a%20b.jsonl")
    assert "uriBaseId" not in artifact


def test_sarif_rules_one_entry_per_reported_rule(cli, sample):
    _, document = sarif(cli, ".", cwd=sample)
    run = document["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    reported = {r["ruleId"] for r in run["results"]}
    ids = [rule["id"] for rule in rules]
    assert len(ids) == len(set(ids))
    assert set(ids) == reported
    registered = registry()
    levels = {"error": "error", "warning": "warning", "info": "note"}
    for rule in rules:
        known = registered[rule["id"]]
        assert rule["name"] == known.name
        assert rule["shortDescription"]["text"] == known.summary
        assert rule["fullDescription"]["text"] == docs.description(known.code)
        assert rule["fullDescription"]["text"]
        assert rule["helpUri"] == docs.help_uri(known)
        assert rule["helpUri"].endswith(f"/{known.code}.md")
        assert rule["defaultConfiguration"]["level"] == levels[str(known.severity)]


def test_sarif_results_point_at_their_rule(cli, sample):
    _, document = sarif(cli, ".", cwd=sample)
    run = document["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    assert run["results"]
    for result in run["results"]:
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]
        assert result["level"] in ("error", "warning", "note")
        assert result["message"]["text"]


def test_sarif_uses_relative_uris_under_srcroot(cli, sample):
    (sample / "sub dir").mkdir()
    write_jsonl(sample / "sub dir" / "c.jsonl", [no_assistant()])
    _, document = sarif(cli, ".", cwd=sample)
    run = document["runs"][0]
    assert run["originalUriBaseIds"]["%SRCROOT%"]["uri"] == sample.resolve().as_uri() + "/"
    uris = set()
    for result in run["results"]:
        for location in result["locations"]:
            artifact = location["physicalLocation"]["artifactLocation"]
            assert artifact["uriBaseId"] == "%SRCROOT%"
            assert not artifact["uri"].startswith(("/", "file:"))
            uris.add(artifact["uri"])
    assert uris == {"train_a.jsonl", "train_b.jsonl", "sub%20dir/c.jsonl"}


def test_sarif_regions(cli, sample):
    _, document = sarif(cli, ".", cwd=sample)
    results = document["runs"][0]["results"]
    c002 = next(r for r in results if r["ruleId"] == "C002")
    assert c002["locations"][0]["physicalLocation"]["region"] == {"startLine": 1, "startColumn": 2}
    f005 = next(r for r in results if r["ruleId"] == "F005")
    assert f005["locations"][0]["physicalLocation"]["region"] == {"startLine": 3}


def test_sarif_file_level_diagnostics_have_no_region(cli, sample):
    _, document = sarif(cli, ".", cwd=sample)
    d001 = [r for r in document["runs"][0]["results"] if r["ruleId"] == "D001"]
    assert len(d001) == 2
    for result in d001:
        assert "region" not in result["locations"][0]["physicalLocation"]


def test_sarif_related_locations_for_duplicates(cli, sample):
    _, document = sarif(cli, ".", cwd=sample)
    [d004] = [r for r in document["runs"][0]["results"] if r["ruleId"] == "D004"]
    assert d004["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "train_b.jsonl"
    assert d004["locations"][0]["physicalLocation"]["region"]["startLine"] == 3
    [related] = d004["relatedLocations"]
    assert related["physicalLocation"]["artifactLocation"] == {"uri": "train_a.jsonl", "uriBaseId": "%SRCROOT%"}
    assert related["physicalLocation"]["region"]["startLine"] == 2
    assert isinstance(related["id"], int)
    assert related["message"]["text"]
    others = [r for r in document["runs"][0]["results"] if r["ruleId"] != "D004"]
    assert all("relatedLocations" not in r for r in others)


def _fingerprints(document) -> dict[tuple[str, int | None], str]:
    found = {}
    for result in document["runs"][0]["results"]:
        location = result["locations"][0]["physicalLocation"]
        key = (result["ruleId"], location.get("region", {}).get("startLine"), location["artifactLocation"]["uri"])
        [(name, value)] = result["partialFingerprints"].items()
        assert name and isinstance(value, str) and value
        found[key] = value
    return found


def test_sarif_every_result_has_a_fingerprint(cli, sample):
    _, document = sarif(cli, ".", cwd=sample)
    results = document["runs"][0]["results"]
    assert results
    assert all(r["partialFingerprints"] for r in results)
    values = [next(iter(r["partialFingerprints"].values())) for r in results]
    assert len(values) == len(set(values))


def test_sarif_fingerprints_differ_between_records(cli, tmp_path):
    write_jsonl(tmp_path / "a.jsonl", [no_assistant("first"), chat(1), no_assistant("second")])
    _, document = sarif(cli, "a.jsonl", "--select", "C002", cwd=tmp_path)
    prints = _fingerprints(document)
    assert set(prints) == {("C002", 1, "a.jsonl"), ("C002", 3, "a.jsonl")}
    assert prints["C002", 1, "a.jsonl"] != prints["C002", 3, "a.jsonl"]


def test_sarif_fingerprints_differ_between_rules_on_one_record(cli, tmp_path):
    write_jsonl(
        tmp_path / "a.jsonl", [{"messages": [{"role": "assistant", "content": "a"}, {"role": "gpt", "content": ""}]}]
    )
    _, document = sarif(cli, "a.jsonl", "--select", "C", cwd=tmp_path)
    values = [next(iter(r["partialFingerprints"].values())) for r in document["runs"][0]["results"]]
    assert len(values) >= 2
    assert len(values) == len(set(values))


def test_sarif_fingerprints_differ_between_identical_records(cli, tmp_path):
    write_jsonl(tmp_path / "a.jsonl", [no_assistant(), no_assistant()])
    _, document = sarif(cli, "a.jsonl", "--select", "C002", cwd=tmp_path)
    prints = _fingerprints(document)
    assert len(prints) == 2
    assert prints["C002", 1, "a.jsonl"] != prints["C002", 2, "a.jsonl"]


def test_sarif_fingerprints_survive_lines_inserted_above(cli, tmp_path):
    write_jsonl(tmp_path / "train.jsonl", [chat(1), no_assistant(), unknown_role(), chat(1)])
    _, before = sarif(cli, "train.jsonl", "--select", "C001,C002,D004", cwd=tmp_path)
    write_jsonl(tmp_path / "train.jsonl", [chat(7), chat(8), chat(9), chat(1), no_assistant(), unknown_role(), chat(1)])
    _, after = sarif(cli, "train.jsonl", "--select", "C001,C002,D004", cwd=tmp_path)
    old, new = _fingerprints(before), _fingerprints(after)
    assert set(old) == {("C002", 2, "train.jsonl"), ("C001", 3, "train.jsonl"), ("D004", 4, "train.jsonl")}
    assert set(new) == {("C002", 5, "train.jsonl"), ("C001", 6, "train.jsonl"), ("D004", 7, "train.jsonl")}
    assert new["C002", 5, "train.jsonl"] == old["C002", 2, "train.jsonl"]
    assert new["C001", 6, "train.jsonl"] == old["C001", 3, "train.jsonl"]
    assert new["D004", 7, "train.jsonl"] == old["D004", 4, "train.jsonl"]


def test_sarif_fingerprint_changes_when_the_record_changes(cli, tmp_path):
    write_jsonl(tmp_path / "a.jsonl", [no_assistant("one")])
    _, before = sarif(cli, "a.jsonl", "--select", "C002", cwd=tmp_path)
    write_jsonl(tmp_path / "a.jsonl", [no_assistant("two")])
    _, after = sarif(cli, "a.jsonl", "--select", "C002", cwd=tmp_path)
    assert _fingerprints(before) != _fingerprints(after)


def test_sarif_file_level_fingerprints_do_not_depend_on_the_record_count(cli, tmp_path):
    write_jsonl(tmp_path / "train.jsonl", [chat(1)])
    _, before = sarif(cli, "train.jsonl", "--select", "D001", cwd=tmp_path)
    write_jsonl(tmp_path / "train.jsonl", [chat(1), chat(2)])
    _, after = sarif(cli, "train.jsonl", "--select", "D001", cwd=tmp_path)
    assert _fingerprints(before) == _fingerprints(after)


# -- github --------------------------------------------------------------

COMMAND = re.compile(r"^::(?P<command>error|warning|notice) (?P<props>[^:]*)::(?P<message>.*)$")


def github(cli, *args, cwd) -> list[dict]:
    run = cli(*args, "--output-format", "github", cwd=cwd)
    commands = []
    for line in run.out.splitlines():
        match = COMMAND.match(line)
        assert match, line
        props = dict(prop.split("=", 1) for prop in match["props"].split(","))
        commands.append({"command": match["command"], "message": match["message"], **props})
    return commands


def test_github_commands(cli, sample):
    commands = github(cli, ".", cwd=sample)
    c002 = next(c for c in commands if c["title"] == "jsonl-lint (C002)")
    assert c002["command"] == "error"
    assert (c002["file"], c002["line"], c002["col"]) == ("train_b.jsonl", "1", "2")
    assert "Conversation has no assistant message" in c002["message"]
    assert c002["message"].startswith("C002")
    d004 = next(c for c in commands if c["title"] == "jsonl-lint (D004)")
    assert d004["command"] == "warning"
    assert (d004["file"], d004["line"]) == ("train_b.jsonl", "3")
    f005 = next(c for c in commands if c["title"] == "jsonl-lint (F005)")
    assert f005["command"] == "notice"
    d001 = [c for c in commands if c["title"] == "jsonl-lint (D001)"]
    assert {c["file"] for c in d001} == {"train_a.jsonl", "train_b.jsonl"}
    assert all("line" not in c and "col" not in c for c in d001)


def test_github_exact_line(cli, tmp_path):
    write_jsonl(tmp_path / "a.jsonl", [no_assistant()])
    run = cli("a.jsonl", "--output-format", "github", "--select", "C002", cwd=tmp_path)
    line = run.out.splitlines()[0]
    assert line.startswith("::error file=a.jsonl,line=1,")
    assert ",col=2," in line
    message = "Conversation has no assistant message, so there is nothing to train on"
    assert line.endswith(f",title=jsonl-lint (C002)::C002 missing-assistant: {message}")
    assert "Found" not in run.out


def test_github_escaping(cli, tmp_path):
    record = {**chat(1), "a\nb": 1, "c\rd": 2, "50%": 3}
    name = "we,ird:name.jsonl"
    write_jsonl(tmp_path / name, [record])
    commands = github(cli, name, "--select", "S003", cwd=tmp_path)
    [s003] = commands
    assert s003["file"] == "we%2Cird%3Aname.jsonl"
    assert s003["command"] == "warning"
    message = s003["message"]
    assert "`a%0Ab`" in message
    assert "`c%0Dd`" in message
    assert "`50%25`" in message
    assert "\n" not in message and "\r" not in message
    raw = cli(name, "--select", "S003", "--output-format", "github", cwd=tmp_path).out
    assert raw.count("\n") == 1


def test_github_escape_functions():
    assert escape_data("100% a\r\nb: c,d") == "100%25 a%0D%0Ab: c,d"
    assert escape_property("100% a\r\nb: c,d") == "100%25 a%0D%0Ab%3A c%2Cd"
    assert escape_data("%0A") == "%250A"  # escaping is not applied twice


# -- full, concise -------------------------------------------------------


def _blocks(out: str) -> dict[str, list[str]]:
    """Full output split into blocks, keyed by their headline."""
    blocks = {}
    for block in out.strip("\n").split("\n\n"):
        lines = block.splitlines()
        blocks[lines[0]] = lines[1:]
    return blocks


def _caret_char(block: list[str]) -> str:
    """The character of the source line that the caret points at."""
    source = next(line for line in block if re.match(r"^\d+ \| ", line))
    caret = next(line for line in block if "^" in line)
    return source[caret.index("^")]


def test_full_shows_the_line_with_a_caret(cli, tmp_path):
    record = unknown_role()
    raw = orjson.dumps(record).decode()
    write_jsonl(tmp_path / "a.jsonl", [chat(1), record])
    run = cli("a.jsonl", "--output-format", "full", "--select", "C001", "--quiet", cwd=tmp_path)
    [diagnostic] = json.loads(cli("a.jsonl", "--output-format", "json", "--select", "C001", cwd=tmp_path).out)
    column = diagnostic["column"]
    assert raw[column - 1 :].startswith('"role":"gpt"') or raw[column - 1 :].startswith('"gpt"')
    blocks = _blocks(run.out)
    [(headline, block)] = blocks.items()
    assert headline.startswith(f"a.jsonl:2:{column}: C001 ")
    assert f"2 | {raw}" in block
    assert any(line.rstrip().endswith("^ unknown-role") for line in block)
    assert block[-1] == f"  = fingerprint: {diagnostic['fingerprint']}"
    assert _caret_char(block) == raw[column - 1]


def test_full_cuts_long_lines_to_a_window(cli, tmp_path):
    long_text = "x" * 5000
    write_jsonl(
        tmp_path / "a.jsonl",
        [
            unknown_role(long_text),
            {"messages": [{"role": "gtp", "content": "a"}, {"role": "user", "content": long_text}]},
        ],
    )
    run = cli("a.jsonl", "--output-format", "full", "--select", "C001", "--quiet", cwd=tmp_path)
    blocks = list(_blocks(run.out).values())
    assert len(blocks) == 2
    for block in blocks:
        source = next(line for line in block if re.match(r"^\d+ \| ", line))
        assert len(source) < 300
        assert "xxxx" in source
        assert _caret_char(block) == '"'
    end, start = blocks
    end_source = next(line for line in end if re.match(r"^\d+ \| ", line))
    assert end_source.startswith("1 | …") and not end_source.endswith("…")  # finding near the end of the line
    start_source = next(line for line in start if re.match(r"^\d+ \| ", line))
    assert start_source.endswith("…") and not start_source.startswith("2 | …")  # finding near the start


def test_full_shows_the_line_of_a_duplicate(cli, tmp_path):
    write_jsonl(tmp_path / "train.jsonl", [chat(1), chat(2), chat(1)])
    run = cli("train.jsonl", "--output-format", "full", "--select", "D004", "--quiet", cwd=tmp_path)
    [(headline, block)] = _blocks(run.out).items()
    assert headline.startswith("train.jsonl:3: D004 ")
    assert f"3 | {orjson.dumps(chat(1)).decode()}" in block
    assert "  = related: train.jsonl:1" in block
    assert not any("^" in line for line in block)  # no column, no caret


def test_full_file_level_diagnostic_has_no_snippet(cli, tmp_path):
    write_jsonl(tmp_path / "train.jsonl", [chat(1)])
    run = cli("train.jsonl", "--output-format", "full", "--select", "D001", "--quiet", cwd=tmp_path)
    [(headline, block)] = _blocks(run.out).items()
    assert headline.startswith("train.jsonl: D001 ")
    assert block == ["  = fingerprint: D001:train.jsonl"]  # no line to show


def test_full_shows_duplicates_from_stdin_without_a_snippet(cli, tmp_path, monkeypatch):
    import io
    import sys
    from types import SimpleNamespace

    data = orjson.dumps(chat(1)) + b"\n" + orjson.dumps(chat(1)) + b"\n"
    monkeypatch.setattr(sys, "stdin", SimpleNamespace(buffer=io.BufferedReader(io.BytesIO(data))))
    run = cli("-", "--output-format", "full", "--select", "D004", "--quiet", cwd=tmp_path)
    assert run.code == 1
    [(headline, block)] = _blocks(run.out).items()
    assert headline.startswith("-:2: D004 ")
    assert "Traceback" not in run.err


CONTROL_KEY = "\x1b[31mX"


@pytest.mark.parametrize("fmt", ["json", "json-lines", "sarif"])
def test_control_characters_are_escaped_in_machine_output(cli, tmp_path, fmt):
    write_jsonl(tmp_path / "a.jsonl", [{**chat(1), CONTROL_KEY: 1}])
    run = cli("a.jsonl", "--output-format", fmt, "--select", "S003", cwd=tmp_path)
    assert "\x1b" not in run.out
    assert "\\u001b[31mX" in run.out


@pytest.mark.parametrize("fmt", ["concise", "full"])
def test_control_characters_in_messages_do_not_reach_the_terminal(cli, tmp_path, fmt):
    write_jsonl(tmp_path / "a.jsonl", [{**chat(1), CONTROL_KEY: 1}])
    run = cli("a.jsonl", "--output-format", fmt, "--select", "S003", cwd=tmp_path)
    assert " S003 " in run.out
    assert "\x1b" not in run.out
    assert "[31mX" in run.out  # the rest of the key is still shown


@pytest.mark.parametrize("fmt", ["concise", "full"])
def test_line_breaks_in_messages_do_not_break_text_output(cli, tmp_path, fmt):
    write_jsonl(tmp_path / "a.jsonl", [{**chat(1), "a\nb\rc": 1}])
    run = cli("a.jsonl", "--output-format", fmt, "--select", "S003", "--quiet", cwd=tmp_path)
    [headline] = [line for line in run.out.splitlines() if " S003 " in line]
    assert headline.startswith("a.jsonl:1:")
    assert "\r" not in run.out
    assert re.search(r"`a.b.c`", headline)


def test_concise_and_json_agree(cli, sample):
    concise = cli(".", "--quiet", cwd=sample).out.splitlines()
    diagnostics = run_json(cli, ".", cwd=sample)
    expected = []
    for d in diagnostics:
        where = ":".join(str(part) for part in (d["path"], d["line"], d["column"]) if part is not None)
        mark = " [*]" if d["fix"] and d["fix"]["applicability"] == "safe" else ""
        expected.append(f"{where}: {d['code']}{mark} {d['severity']}: {d['message']}")
    assert concise == expected


# -- presentation: severities, personal data, the offending text ------------------------------


def _pii_file(tmp_path):
    answer = "Write to maria.silva@gmail.com or call +55 21 91234-5678."
    record = {"messages": [{"role": "user", "content": "Call me"}, {"role": "assistant", "content": answer}]}
    write_jsonl(tmp_path / "train.jsonl", [record])


@pytest.mark.parametrize("fmt", ["github", "sarif", "summary-md", "json", "concise", "full"])
def test_personal_data_is_masked_by_default(cli, tmp_path, fmt):
    _pii_file(tmp_path)
    run = cli("train.jsonl", "--select", "P001,P002", "--output-format", fmt, cwd=tmp_path)
    assert "maria.silva" not in run.out and "91234" not in run.out
    if fmt in ("github", "sarif", "json", "concise", "full"):
        assert "m••••••••••@gmail.com" in run.out


@pytest.mark.parametrize("fmt", ["concise", "full", "json"])
def test_show_pii_unmasks_local_output_only(cli, tmp_path, fmt):
    _pii_file(tmp_path)
    run = cli("train.jsonl", "--select", "P001,P002", "--output-format", fmt, "--show-pii", cwd=tmp_path)
    assert "maria.silva@gmail.com" in run.out and "+55 21 91234-5678" in run.out
    public = cli("train.jsonl", "--select", "P001", "--output-format", "sarif", "--show-pii", cwd=tmp_path)
    assert "maria.silva" not in public.out


def test_full_underlines_the_offending_text_in_a_window_around_it(cli, tmp_path):
    text = "x" * 400 + " write to maria.silva@gmail.com " + "y" * 400
    write_jsonl(tmp_path / "train.jsonl", [{"messages": [
        {"role": "user", "content": "hi"}, {"role": "assistant", "content": text}]}])  # fmt: skip
    run = cli("train.jsonl", "--select", "P001", "--output-format", "full", "--show-pii", "--quiet", cwd=tmp_path)
    [(headline, block)] = _blocks(run.out).items()
    source = next(line for line in block if re.match(r"^\d+ \| ", line))
    underline = next(line for line in block if "^" in line)
    start = underline.index("^")
    assert source[start : start + len("maria.silva@gmail.com")] == "maria.silva@gmail.com"
    assert underline.count("^") == len("maria.silva@gmail.com") and underline.endswith(" email-address")
    assert source.startswith("1 | …") and source.endswith("…")  # cut on both sides, the address inside
    [diagnostic] = run_json(cli, "train.jsonl", "--select", "P001", cwd=tmp_path)
    line = (tmp_path / "train.jsonl").read_text()
    assert line[diagnostic["column"] - 1 :].startswith("maria.silva@gmail.com")


def test_min_severity_hides_a_class_from_the_display_not_from_the_exit_code(cli, tmp_path):
    write_jsonl(tmp_path / "train.jsonl", [chat(i) for i in range(30)] + [chat(i) for i in range(3)])
    shown = cli("train.jsonl", "--select", "D002,D004", cwd=tmp_path)
    assert " D002 warning:" in shown.out and " D004 warning:" in shown.out
    hidden = cli("train.jsonl", "--select", "D002,D004,T004", "--min-severity", "error", cwd=tmp_path)
    assert hidden.code == 1  # the warnings still fail the run at the default fail-on
    assert " D00" not in hidden.out and "4 below --min-severity not shown" in hidden.out
