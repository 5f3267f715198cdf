"""--baseline, --write-baseline, --prune-baseline: keys that survive moves, not changes."""

from __future__ import annotations

import json
from pathlib import Path

import orjson
from conftest import write_jsonl

from jsonl_lint.baseline import FORMAT_KEY


def chat(i: int, answer: str | None = None) -> dict:
    return {
        "messages": [
            {"role": "user", "content": f"Question {i}?"},
            {"role": "assistant", "content": answer if answer is not None else f"Answer {i}."},
        ]
    }


def no_assistant(i: int) -> dict:
    return {"messages": [{"role": "user", "content": f"Unanswered {i}?"}]}


def found(run) -> list[tuple[str, int | None, str]]:
    return sorted((d["path"], d["line"], d["code"]) for d in orjson.loads(run.out))


def lint(cli, folder: Path, *args: str):
    return cli(".", "--output-format", "json", "--ignore", "D001,D002", *args, cwd=folder)


def baselined(cli, folder: Path, records: list) -> None:
    write_jsonl(folder / "train.jsonl", records)
    run = lint(cli, folder, "--write-baseline", "baseline.json")
    assert run.code == 0, run.err


# -- writing --------------------------------------------------------------------------


def test_write_baseline_records_every_finding_sorted_one_per_line(cli, tmp_path):
    write_jsonl(tmp_path / "train.jsonl", [no_assistant(2), chat(1), no_assistant(1), b"not json\n"])
    run = lint(cli, tmp_path, "--write-baseline", "baseline.json")
    assert (run.code, run.out) == (0, "")
    assert "wrote 3 findings to baseline.json" in run.err
    text = (tmp_path / "baseline.json").read_text()
    document = json.loads(text)
    assert document[FORMAT_KEY] == 1
    entries = document["findings"]
    assert [(e["path"], e["code"]) for e in entries] == [
        ("train.jsonl", "C002"),
        ("train.jsonl", "C002"),
        ("train.jsonl", "J001"),
    ]
    assert all(e["fingerprint"].startswith(e["code"] + ":") for e in entries)
    assert entries == sorted(entries, key=lambda e: (e["path"], e["code"], e["fingerprint"]))
    assert all("line" not in e for e in entries)  # no line numbers: moving lines must not change the file
    assert text.splitlines()[3].startswith('    {"path":')  # one finding per line, diff-friendly


def test_the_baseline_file_is_stable_across_runs_and_moves(cli, tmp_path):
    baselined(cli, tmp_path, [no_assistant(1), chat(1), no_assistant(2), chat(2)])
    first = (tmp_path / "baseline.json").read_bytes()
    baselined(cli, tmp_path, [no_assistant(1), chat(1), no_assistant(2), chat(2)])
    assert (tmp_path / "baseline.json").read_bytes() == first
    baselined(cli, tmp_path, [chat(2), no_assistant(2), chat(1), chat(3), no_assistant(1)])
    assert (tmp_path / "baseline.json").read_bytes() == first


# -- matching -------------------------------------------------------------------------


def test_baselined_findings_are_not_reported(cli, tmp_path):
    baselined(cli, tmp_path, [no_assistant(1), chat(1), b"{oops\n"])
    run = lint(cli, tmp_path, "--baseline", "baseline.json")
    assert (run.code, found(run)) == (0, [])
    assert "baseline baseline.json: 2 findings accepted" in run.err


def test_moving_and_inserting_lines_does_not_bring_findings_back(cli, tmp_path):
    baselined(cli, tmp_path, [no_assistant(1), chat(1), no_assistant(2), b"{oops\n"])
    write_jsonl(tmp_path / "train.jsonl", [chat(7), b"{oops\n", chat(8), no_assistant(2), chat(1), no_assistant(1)])
    run = lint(cli, tmp_path, "--baseline", "baseline.json")
    assert (run.code, found(run)) == (0, [])


def test_line_endings_do_not_change_a_finding(cli, tmp_path):
    baselined(cli, tmp_path, [no_assistant(1), chat(1)])
    data = (tmp_path / "train.jsonl").read_bytes()
    (tmp_path / "train.jsonl").write_bytes(data.replace(b"\n", b"\r\n").rstrip(b"\r\n"))
    run = lint(cli, tmp_path, "--baseline", "baseline.json")
    assert {code for _, _, code in found(run)} == {"F003", "F005"}  # C002 stays accepted


def test_a_changed_record_is_a_new_finding(cli, tmp_path):
    baselined(cli, tmp_path, [no_assistant(1), chat(1), no_assistant(2)])
    write_jsonl(tmp_path / "train.jsonl", [no_assistant(1), chat(1), no_assistant(3)])
    run = lint(cli, tmp_path, "--baseline", "baseline.json")
    assert run.code == 1
    assert found(run) == [("train.jsonl", 3, "C002")]
    assert "1 entry no longer match (fixed or changed); --prune-baseline removes them" in run.err


def test_identical_findings_are_counted(cli, tmp_path):
    baselined(cli, tmp_path, [no_assistant(1), no_assistant(1), chat(1)])
    write_jsonl(tmp_path / "train.jsonl", [no_assistant(1), chat(1), no_assistant(1), no_assistant(1)])
    run = lint(cli, tmp_path, "--baseline", "baseline.json", "--select", "C002")
    assert found(run) == [("train.jsonl", 4, "C002")]  # two accepted, the third is new


def test_a_new_finding_in_a_baselined_record_is_reported(cli, tmp_path):
    baselined(cli, tmp_path, [{"messages": [{"role": "user", "content": "x"}]}, chat(1)])
    write_jsonl(tmp_path / "train.jsonl", [{"messages": [{"role": "user", "content": "x"}], "extra": 1}, chat(1)])
    run = lint(cli, tmp_path, "--baseline", "baseline.json")
    assert {code for _, _, code in found(run)} == {"C002", "S003"}  # the record changed: both are new


# -- dataset rules: both records --------------------------------------------------------


def test_a_moved_duplicate_stays_accepted(cli, tmp_path):
    baselined(cli, tmp_path, [chat(1), chat(2), chat(1)])
    write_jsonl(tmp_path / "train.jsonl", [chat(3), chat(1), chat(1), chat(2)])
    run = lint(cli, tmp_path, "--baseline", "baseline.json")
    assert (run.code, found(run)) == (0, [])


def test_conflicting_answers_key_on_both_records(cli, tmp_path):
    baselined(cli, tmp_path, [chat(1, "yes"), chat(2), chat(1, "no")])
    write_jsonl(tmp_path / "train.jsonl", [chat(2), chat(1, "yes"), chat(1, "no")])  # moved
    assert found(lint(cli, tmp_path, "--baseline", "baseline.json")) == []
    write_jsonl(tmp_path / "train.jsonl", [chat(1, "maybe"), chat(2), chat(1, "no")])  # the first one changed
    assert found(lint(cli, tmp_path, "--baseline", "baseline.json")) == [("train.jsonl", 3, "D006")]


def test_prompt_leakage_keys_on_both_records(cli, tmp_path):
    write_jsonl(tmp_path / "train.jsonl", [chat(1, "train answer"), chat(2)])
    write_jsonl(tmp_path / "validation.jsonl", [chat(1, "held-out answer")])
    assert lint(cli, tmp_path, "--write-baseline", "baseline.json").code == 0
    write_jsonl(tmp_path / "train.jsonl", [chat(2), chat(1, "train answer")])
    assert found(lint(cli, tmp_path, "--baseline", "baseline.json")) == []
    write_jsonl(tmp_path / "train.jsonl", [chat(2), chat(1, "another training answer")])
    assert found(lint(cli, tmp_path, "--baseline", "baseline.json")) == [("validation.jsonl", 1, "V003")]


def test_split_leakage_survives_moves(cli, tmp_path):
    write_jsonl(tmp_path / "train.jsonl", [chat(1), chat(2)])
    write_jsonl(tmp_path / "validation.jsonl", [chat(3), chat(1)])
    assert lint(cli, tmp_path, "--write-baseline", "baseline.json").code == 0
    write_jsonl(tmp_path / "train.jsonl", [chat(2), chat(4), chat(1)])
    write_jsonl(tmp_path / "validation.jsonl", [chat(1), chat(3)])
    assert found(lint(cli, tmp_path, "--baseline", "baseline.json")) == []


# -- stale entries and pruning -----------------------------------------------------------


def test_prune_removes_only_stale_entries(cli, tmp_path):
    baselined(cli, tmp_path, [no_assistant(1), no_assistant(2), b"{oops\n"])
    (tmp_path / "baseline.json").chmod(0o640)
    write_jsonl(tmp_path / "train.jsonl", [no_assistant(1), chat(2), b"{oops\n"])
    run = lint(cli, tmp_path, "--baseline", "baseline.json", "--prune-baseline")
    assert (run.code, found(run)) == (0, [])
    assert "removed 1 entry that no longer match" in run.err
    entries = json.loads((tmp_path / "baseline.json").read_text())["findings"]
    assert sorted(e["code"] for e in entries) == ["C002", "J001"]
    assert (tmp_path / "baseline.json").stat().st_mode & 0o777 == 0o640
    again = lint(cli, tmp_path, "--baseline", "baseline.json")
    assert "no longer match" not in again.err


def test_entries_of_files_not_linted_are_not_stale(cli, tmp_path):
    write_jsonl(tmp_path / "a.jsonl", [no_assistant(1)])
    write_jsonl(tmp_path / "b.jsonl", [no_assistant(2)])
    assert lint(cli, tmp_path, "--write-baseline", "baseline.json").code == 0
    run = cli("a.jsonl", "--ignore", "D001,D002", "--baseline", "baseline.json", "--prune-baseline", cwd=tmp_path)
    assert run.code == 0
    assert "no longer match" not in run.err
    assert len(json.loads((tmp_path / "baseline.json").read_text())["findings"]) == 2


def test_entries_of_rules_not_run_are_not_stale(cli, tmp_path):
    baselined(cli, tmp_path, [no_assistant(1), b"{oops\n"])
    run = lint(cli, tmp_path, "--baseline", "baseline.json", "--select", "J", "--prune-baseline")
    assert run.code == 0
    assert len(json.loads((tmp_path / "baseline.json").read_text())["findings"]) == 2


def test_fixed_findings_become_stale(cli, tmp_path):
    write_jsonl(tmp_path / "train.jsonl", [chat(1), b"\n", no_assistant(1)])
    assert lint(cli, tmp_path, "--write-baseline", "baseline.json").code == 0
    run = lint(cli, tmp_path, "--baseline", "baseline.json", "--fix")
    assert (run.code, found(run)) == (0, [])
    assert "1 entry no longer match" in run.err  # F004, fixed; C002 moved up a line and stays accepted


# -- paths and configuration ----------------------------------------------------------------


def test_a_baseline_works_from_another_folder(cli, tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    write_jsonl(data / "train.jsonl", [no_assistant(1)])
    run = cli("data", "--write-baseline", "baseline.json", cwd=tmp_path)  # D001 names the file: rebased too
    assert run.code == 0
    assert json.loads((tmp_path / "baseline.json").read_text())["findings"][0]["path"] == "data/train.jsonl"
    run = cli(".", "--output-format", "json", "--baseline", "../baseline.json", cwd=data)
    assert (run.code, found(run)) == (0, [])


def test_baseline_from_the_config_file(cli, tmp_path):
    baselined(cli, tmp_path, [no_assistant(1)])
    (tmp_path / "sub").mkdir()
    (tmp_path / "jsonl-lint.toml").write_text('baseline = "baseline.json"\nignore = ["D001", "D002"]\n')
    run = cli("..", "--output-format", "json", cwd=tmp_path / "sub")  # relative to the config file
    assert (run.code, found(run)) == (0, [])


def test_a_missing_baseline_is_an_error(cli, tmp_path):
    write_jsonl(tmp_path / "train.jsonl", [chat(1)])
    run = lint(cli, tmp_path, "--baseline", "nope.json")
    assert run.code == 2
    assert "baseline nope.json: No such file or directory (create it with --write-baseline)" in run.err


def test_a_file_that_is_not_a_baseline_is_an_error(cli, tmp_path):
    write_jsonl(tmp_path / "train.jsonl", [chat(1)])
    for text, message in (
        ("{", "not JSON"),
        ("[]", "not a jsonl-lint baseline"),
        (f'{{"{FORMAT_KEY}": 1, "findings": [{{"path": 1}}]}}', "finding 1 needs a path, a code and a fingerprint"),
    ):
        (tmp_path / "baseline.json").write_text(text)
        run = lint(cli, tmp_path, "--baseline", "baseline.json")
        assert run.code == 2, text
        assert message in run.err
        assert "Traceback" not in run.err


def test_prune_without_a_baseline_is_a_usage_error(cli, tmp_path):
    run = lint(cli, tmp_path, "--prune-baseline")
    assert run.code == 2
    assert "--prune-baseline needs --baseline FILE" in run.err


def test_no_baseline_is_written_when_a_path_cannot_be_read(cli, tmp_path):
    write_jsonl(tmp_path / "train.jsonl", [no_assistant(1)])
    run = cli("train.jsonl", "missing.jsonl", "--write-baseline", "baseline.json", cwd=tmp_path)
    assert run.code == 2
    assert "missing.jsonl: No such file or directory" in run.err
    assert not (tmp_path / "baseline.json").exists()


# -- merging and suppressing ----------------------------------------------------------


def test_write_baseline_merges_runs_of_different_selections(cli, tmp_path):
    """Two runs with different --select keep both's entries; --overwrite-baseline starts over."""
    write_jsonl(tmp_path / "train.jsonl", [no_assistant(1), chat(1), chat(1)])
    assert lint(cli, tmp_path, "--select", "C002", "--write-baseline", "baseline.json").code == 0
    assert lint(cli, tmp_path, "--select", "D004", "--write-baseline", "baseline.json").code == 0
    codes = [e["code"] for e in json.loads((tmp_path / "baseline.json").read_text())["findings"]]
    assert codes == ["C002", "D004"]
    run = lint(cli, tmp_path, "--select", "D004", "--write-baseline", "baseline.json", "--overwrite-baseline")
    assert run.code == 0 and "wrote 1 finding to" in run.err
    codes = [e["code"] for e in json.loads((tmp_path / "baseline.json").read_text())["findings"]]
    assert codes == ["D004"]


def test_a_run_over_the_same_scope_replaces_its_entries_and_keeps_reasons(cli, tmp_path):
    write_jsonl(tmp_path / "train.jsonl", [no_assistant(1), no_assistant(2)])
    run = cli("suppress", "train.jsonl:1", "C002", "--reason", "kept on purpose", "--baseline", "b.json", cwd=tmp_path)
    assert run.code == 0, run.err
    write_jsonl(tmp_path / "train.jsonl", [no_assistant(1), chat(2)])  # line 2 was fixed
    assert lint(cli, tmp_path, "--select", "C002", "--write-baseline", "b.json").code == 0
    entries = json.loads((tmp_path / "b.json").read_text())["findings"]
    assert [(e["code"], e.get("reason")) for e in entries] == [("C002", "kept on purpose")]


def test_suppress_accepts_one_finding_by_its_content_with_a_reason(cli, tmp_path):
    special = {"messages": [{"role": "user", "content": "End with <|im_end|>"}, {"role": "assistant", "content": "Ok"}]}
    write_jsonl(tmp_path / "train.jsonl", [chat(1), special, {**special, "messages": special["messages"][::-1]}])
    (tmp_path / "jsonl-lint.toml").write_text('baseline = "baseline.json"\n')
    run = cli("suppress", "train.jsonl:2", "P004", "--reason", "teaches the template", cwd=tmp_path)
    assert run.code == 0, run.err
    assert "accepted 1 finding (P004 train.jsonl:2)" in run.err and "runs apply it" not in run.err
    [item] = json.loads((tmp_path / "baseline.json").read_text())["findings"]
    assert item["reason"] == "teaches the template" and item["code"] == "P004"
    after = lint(cli, tmp_path, "--select", "P004")
    assert found(after) == [("train.jsonl", 3, "P004")]  # line 3 is another record: not accepted
    # moved lines keep their acceptance: the key is the record's content
    lines = (tmp_path / "train.jsonl").read_bytes().splitlines(keepends=True)
    (tmp_path / "train.jsonl").write_bytes(lines[1] + lines[0] + lines[2])
    assert found(lint(cli, tmp_path, "--select", "P004")) == [("train.jsonl", 3, "P004")]
    again = cli("suppress", "train.jsonl:1", "P004", "--reason", "x", cwd=tmp_path)
    assert again.code == 0 and "accepted 0 findings" in again.err and "accepted already" in again.err


def test_suppress_a_whole_file_and_what_it_refuses(cli, tmp_path):
    write_jsonl(tmp_path / "train.jsonl", [no_assistant(1), no_assistant(2), chat(3)])
    bulk = cli(
        "suppress", "train.jsonl", "--select", "C002", "--reason", "old data", "--baseline", "b.json", cwd=tmp_path
    )
    assert bulk.code == 0, bulk.err
    assert "accepted 2 findings" in bulk.err and "runs apply it with `--baseline b.json`" in bulk.err
    assert lint(cli, tmp_path, "--select", "C002", "--baseline", "b.json").out.strip() == "[]"
    nothing = cli("suppress", "train.jsonl:3", "C002", "--reason", "x", "--baseline", "b.json", cwd=tmp_path)
    assert nothing.code == 2 and "nothing to suppress" in nothing.err
    no_file = cli("suppress", "train.jsonl:1", "--reason", "x", cwd=tmp_path)
    assert no_file.code == 2 and "which baseline file?" in no_file.err
    typo = cli("suppress", "train.jsonl:1", "Q999", "--reason", "x", "--baseline", "b.json", cwd=tmp_path)
    assert typo.code == 2 and "Q999: neither a file" in typo.err


def test_personal_data_is_masked_in_the_baseline_file(cli, tmp_path):
    write_jsonl(tmp_path / "train.jsonl", [chat(1, "Write to maria.silva@gmail.com")])
    assert lint(cli, tmp_path, "--select", "P001", "--write-baseline", "b.json").code == 0
    text = (tmp_path / "b.json").read_text()
    assert "maria.silva" not in text and "m••••••••••@gmail.com" in text
    assert lint(cli, tmp_path, "--select", "P001", "--baseline", "b.json").out.strip() == "[]"
