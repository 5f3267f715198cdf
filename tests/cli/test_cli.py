"""The command line: paths, output, exit codes, rule selection, sub-commands, bad input."""

from __future__ import annotations

import io
import json
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path
from types import SimpleNamespace

import orjson
import pytest
from conftest import ROOT, write_jsonl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jsonl_lint import docs
from jsonl_lint.plugins import registry

ANSI = "\x1b["
#: ``path:line:col: CODE message`` (record level) or ``path: CODE message`` (file level)
CONCISE_LINE = re.compile(
    r"^(?P<path>[^\s:][^:]*)(?::(?P<line>\d+)(?::(?P<col>\d+))?)?: (?P<code>[A-Z]{1,3}\d{3})(?P<fix> \[\*\])? "
    r"(?P<severity>error|warning|info): \S.*$"
)
SUMMARY = re.compile(r"^Found \d+ problems? \(.+\) in \d+ of \d+ files?, \d+ records?\.$")


def chat(i: int) -> dict:
    """A valid, unique chat record."""
    return {"messages": [{"role": "user", "content": f"Question number {i}?"},
                         {"role": "assistant", "content": f"Answer number {i}."}]}  # fmt: skip


NO_ASSISTANT = {"messages": [{"role": "user", "content": "Where is the answer?"}]}


def clean_file(path: Path, n: int = 100) -> Path:
    """Enough unique, valid records for no D001/D002: a file without any finding."""
    return write_jsonl(path, [chat(i) for i in range(n)])


def bad_file(path: Path) -> Path:
    """One C002 on line 1 (and D001 for the count)."""
    return write_jsonl(path, [NO_ASSISTANT])


def as_json(run) -> list[dict]:
    return json.loads(run.out)


def found(run) -> set[tuple[str, str]]:
    """(path, code) of every diagnostic in a JSON report."""
    return {(d["path"], d["code"]) for d in as_json(run)}


def codes(run) -> set[str]:
    return {d["code"] for d in as_json(run)}


def enabled_rules(out: str) -> set[str]:
    """Codes under ``enabled rules (N):`` in --show-settings output."""
    lines = out.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("enabled rules ("))
    count = int(re.match(r"enabled rules \((\d+)\):", lines[start]).group(1))
    listed = [line.split()[0] for line in lines[start + 1 : start + 1 + count]]
    assert all(line.startswith("  ") for line in lines[start + 1 : start + 1 + count])
    return set(listed)


@pytest.fixture(autouse=True)
def _plain_env(monkeypatch):
    """Colour decisions must not depend on the developer's environment."""
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.delenv("FORCE_COLOR", raising=False)
    monkeypatch.delenv("JSONL_LINT_DEBUG", raising=False)


# -- paths ---------------------------------------------------------------


def test_folders_are_searched_recursively_for_jsonl_and_ndjson(cli, tmp_path):
    data = tmp_path / "data"
    (data / "sub" / "deeper").mkdir(parents=True)
    (data / ".hidden").mkdir()
    bad_file(data / "a.jsonl")
    bad_file(data / "sub" / "b.ndjson")
    bad_file(data / "sub" / "deeper" / "c.JSONL")
    bad_file(data / "sub" / "notes.txt")
    bad_file(data / "sub" / "d.json")
    bad_file(data / ".hidden" / "e.jsonl")
    run = cli("data", "--output-format", "json", cwd=tmp_path)
    assert run.code == 1
    assert {p for p, c in found(run) if c == "C002"} == {"data/a.jsonl", "data/sub/b.ndjson", "data/sub/deeper/c.JSONL"}


def test_files_and_folders_mix_and_files_named_explicitly_are_linted_whatever_their_extension(cli, tmp_path):
    (tmp_path / "data").mkdir()
    bad_file(tmp_path / "data" / "a.jsonl")
    bad_file(tmp_path / "export.txt")
    run = cli("data", "export.txt", "--output-format", "json", cwd=tmp_path)
    assert {p for p, c in found(run) if c == "C002"} == {"data/a.jsonl", "export.txt"}


def test_a_file_given_twice_is_linted_once(cli, tmp_path):
    bad_file(tmp_path / "a.jsonl")
    run = cli("a.jsonl", "./a.jsonl", ".", "--output-format", "json", cwd=tmp_path)
    assert [d["code"] for d in as_json(run)].count("C002") == 1


def test_no_path_means_the_current_folder(cli, tmp_path):
    bad_file(tmp_path / "a.jsonl")
    run = cli("--output-format", "json", cwd=tmp_path)
    assert ("a.jsonl", "C002") in found(run)


def test_dash_reads_standard_input(cli, tmp_path, monkeypatch):
    data = orjson.dumps(chat(1)) + b"\n" + orjson.dumps(NO_ASSISTANT) + b"\n"
    monkeypatch.setattr(sys, "stdin", SimpleNamespace(buffer=io.BufferedReader(io.BytesIO(data))))
    run = cli("-", "--output-format", "json", cwd=tmp_path)
    assert run.code == 1
    diagnostics = as_json(run)
    assert {(d["path"], d["line"], d["code"]) for d in diagnostics if d["code"] == "C002"} == {("-", 2, "C002")}
    assert ("-", "D001") in found(run)  # stdin is a training file of 2 records


def test_stdin_summary_counts_its_records(cli, tmp_path, monkeypatch):
    data = b"".join(orjson.dumps(chat(i)) + b"\n" for i in range(100))
    monkeypatch.setattr(sys, "stdin", SimpleNamespace(buffer=io.BufferedReader(io.BytesIO(data))))
    run = cli("-", cwd=tmp_path)
    assert run.code == 0
    assert run.out.strip() == "All checks passed! (1 file, 100 records)"


def test_python_dash_m(tmp_path):
    bad_file(tmp_path / "train.jsonl")
    proc = subprocess.run(
        [sys.executable, "-m", "jsonl_lint", "train.jsonl", "--output-format", "json"],
        cwd=tmp_path, capture_output=True, text=True, timeout=60,
        env={**os.environ, "NO_COLOR": "1"},
    )  # fmt: skip
    assert proc.returncode == 1, proc.stderr
    assert "Traceback" not in proc.stderr
    assert ("train.jsonl", "C002") in {(d["path"], d["code"]) for d in json.loads(proc.stdout)}


# -- text output ---------------------------------------------------------


def test_concise_lines_and_summary(cli, tmp_path):
    """Each line names its severity in words: CI logs have no colour."""
    bad_file(tmp_path / "a.jsonl")
    run = cli("a.jsonl", cwd=tmp_path)
    *lines, last = run.out.splitlines()
    assert lines
    for line in lines:
        assert CONCISE_LINE.match(line), line
    assert "a.jsonl:1:2: C002 error: Conversation has no assistant message, so there is nothing to train on" in lines
    assert re.match(r"^a\.jsonl: D001 error: Only 1 example\(s\)", next(line for line in lines if " D001 " in line))
    assert SUMMARY.match(last), last
    assert last.startswith(f"Found {len(lines)} problems (")
    assert "in 1 of 1 file, 1 record." in last


def test_summary_counts_severities(cli, tmp_path):
    # C002 (error), D001 (error), F005 (info)
    (tmp_path / "a.jsonl").write_bytes(orjson.dumps(NO_ASSISTANT))
    run = cli("a.jsonl", cwd=tmp_path)
    *_, found, fixable = run.out.splitlines()
    assert found == "Found 3 problems (2 errors, 1 info) in 1 of 1 file, 1 record."
    assert fixable == "[*] 1 fixable with `--fix`."  # F005
    assert "a.jsonl:1: F005 [*] info: No newline at end of file" in run.out


def test_clean_run_says_all_checks_passed(cli, tmp_path):
    clean_file(tmp_path / "a.jsonl")
    clean_file(tmp_path / "b.jsonl", 100)
    run = cli("a.jsonl", cwd=tmp_path)
    assert run.code == 0
    assert run.out == "All checks passed! (1 file, 100 records)\n"


def test_quiet_drops_the_summary(cli, tmp_path):
    bad_file(tmp_path / "a.jsonl")
    loud = cli("a.jsonl", cwd=tmp_path)
    quiet = cli("a.jsonl", "--quiet", cwd=tmp_path)
    assert quiet.code == loud.code == 1
    assert "Found" not in quiet.out
    assert quiet.out.splitlines() == loud.out.splitlines()[:-1]
    clean_file(tmp_path / "b.jsonl")
    assert cli("b.jsonl", "-q", cwd=tmp_path).out == ""


def test_no_colour_when_not_a_terminal(cli, tmp_path):
    bad_file(tmp_path / "a.jsonl")
    for fmt in ("concise", "full"):
        run = cli("a.jsonl", "--output-format", fmt, cwd=tmp_path)
        assert "\x1b" not in run.out


def test_color_always_adds_ansi(cli, tmp_path):
    bad_file(tmp_path / "a.jsonl")
    run = cli("a.jsonl", "--color", "always", cwd=tmp_path)
    assert ANSI in run.out
    assert re.sub(r"\x1b\[[0-9;]*m", "", run.out) == cli("a.jsonl", "--color", "never", cwd=tmp_path).out


def test_color_auto_on_a_terminal(cli, tmp_path, monkeypatch):
    bad_file(tmp_path / "a.jsonl")
    monkeypatch.setattr(sys.stdout, "isatty", lambda: True)
    assert ANSI in cli("a.jsonl", cwd=tmp_path).out
    assert ANSI not in cli("a.jsonl", "--color", "never", cwd=tmp_path).out


def test_no_color_env_turns_colour_off_on_a_terminal(cli, tmp_path, monkeypatch):
    bad_file(tmp_path / "a.jsonl")
    monkeypatch.setattr(sys.stdout, "isatty", lambda: True)
    monkeypatch.setenv("NO_COLOR", "1")
    assert ANSI not in cli("a.jsonl", cwd=tmp_path).out
    monkeypatch.setenv("FORCE_COLOR", "1")  # NO_COLOR wins
    assert ANSI not in cli("a.jsonl", cwd=tmp_path).out
    assert ANSI in cli("a.jsonl", "--color", "always", cwd=tmp_path).out  # an explicit choice wins


def test_force_color_env(cli, tmp_path, monkeypatch):
    bad_file(tmp_path / "a.jsonl")
    monkeypatch.setenv("FORCE_COLOR", "1")
    assert ANSI in cli("a.jsonl", cwd=tmp_path).out


# -- exit codes ----------------------------------------------------------


def test_exit_0_when_clean(cli, tmp_path):
    clean_file(tmp_path / "a.jsonl")
    assert cli("a.jsonl", cwd=tmp_path).code == 0


def test_exit_1_on_errors(cli, tmp_path):
    bad_file(tmp_path / "a.jsonl")
    run = cli("a.jsonl", cwd=tmp_path)
    assert run.code == 1
    assert run.err == ""


def test_info_findings_do_not_fail_by_default(cli, tmp_path):
    lines = [orjson.dumps(chat(i)) for i in range(100)]
    (tmp_path / "a.jsonl").write_bytes(b"\n".join(lines))  # no final newline: F005 (info)
    run = cli("a.jsonl", "--output-format", "json", cwd=tmp_path)
    assert [(d["code"], d["severity"]) for d in as_json(run)] == [("F005", "info")]
    assert run.code == 0
    assert cli("a.jsonl", "--fail-on", "info", cwd=tmp_path).code == 1
    assert cli("a.jsonl", "--fail-on", "warning", cwd=tmp_path).code == 0


def test_fail_on_error_ignores_warnings(cli, tmp_path):
    write_jsonl(tmp_path / "a.jsonl", [chat(i) for i in range(20)])  # D002: a warning only
    run = cli("a.jsonl", "--output-format", "json", cwd=tmp_path)
    assert {d["severity"] for d in as_json(run)} == {"warning"}
    assert run.code == 1
    assert cli("a.jsonl", "--fail-on", "error", cwd=tmp_path).code == 0
    bad_file(tmp_path / "b.jsonl")
    assert cli("b.jsonl", "--fail-on", "error", cwd=tmp_path).code == 1


def test_exit_zero(cli, tmp_path):
    bad_file(tmp_path / "a.jsonl")
    run = cli("a.jsonl", "--exit-zero", cwd=tmp_path)
    assert run.code == 0
    assert " C002 " in run.out  # still reported


def test_exit_zero_does_not_hide_errors_of_the_run(cli, tmp_path):
    bad_file(tmp_path / "a.jsonl")
    run = cli("a.jsonl", "missing.jsonl", "--exit-zero", cwd=tmp_path)
    assert run.code == 2
    assert "missing.jsonl" in run.err


@pytest.mark.parametrize(
    "args, in_err",
    [
        (["--no-such-option"], "--no-such-option"),
        (["--output-format", "xml"], "xml"),
        (["--fail-on", "fatal"], "fatal"),
        (["--color", "sometimes"], "sometimes"),
    ],
)
def test_bad_option_exits_2(cli, tmp_path, args, in_err):
    bad_file(tmp_path / "a.jsonl")
    run = cli("a.jsonl", *args, cwd=tmp_path)
    assert run.code == 2
    assert in_err in run.err
    assert run.out == ""
    assert "Traceback" not in run.err


@pytest.mark.parametrize(
    "option, selector, suggestion",
    [
        ("--select", "C0022", "C002"),  # C02 is now as near C012 as C002
        ("--select", "missing-asistant", "missing-assistant"),
        ("--ignore", "C0002", "C002"),
        ("--extend-select", "duplicate-exemple", "duplicate-example"),
    ],
)
def test_unknown_rule_selector_exits_2_naming_the_closest_rule(cli, tmp_path, option, selector, suggestion):
    bad_file(tmp_path / "a.jsonl")
    run = cli("a.jsonl", option, selector, cwd=tmp_path)
    assert run.code == 2
    assert selector in run.err
    assert f"did you mean `{suggestion}`" in run.err
    assert run.out == ""


def test_unknown_profile_exits_2(cli, tmp_path):
    bad_file(tmp_path / "a.jsonl")
    run = cli("a.jsonl", "--profile", "opena", cwd=tmp_path)
    assert run.code == 2
    assert "opena" in run.err
    assert "openai" in run.err


def test_missing_path_exits_2_and_the_other_files_are_still_linted(cli, tmp_path):
    bad_file(tmp_path / "a.jsonl")
    run = cli("a.jsonl", "nope.jsonl", "--output-format", "json", cwd=tmp_path)
    assert run.code == 2
    assert "nope.jsonl" in run.err
    assert "No such file" in run.err
    assert ("a.jsonl", "C002") in found(run)


def test_missing_path_in_concise_output(cli, tmp_path):
    bad_file(tmp_path / "a.jsonl")
    run = cli("nope", "a.jsonl", cwd=tmp_path)
    assert run.code == 2
    assert "nope" in run.err
    assert "a.jsonl:1:2: C002" in run.out


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() == 0, reason="root can read a chmod 000 file")
def test_unreadable_file_exits_2_and_the_other_files_are_still_linted(cli, tmp_path):
    locked = bad_file(tmp_path / "locked.jsonl")
    bad_file(tmp_path / "a.jsonl")
    locked.chmod(0)
    try:
        run = cli(".", "--output-format", "json", cwd=tmp_path)
    finally:
        locked.chmod(0o644)
    assert run.code == 2
    assert "locked.jsonl" in run.err
    assert ("a.jsonl", "C002") in found(run)
    assert "Traceback" not in run.err


def test_permission_denied_exits_2_and_the_other_files_are_still_linted(cli, tmp_path, monkeypatch):
    """The chmod 000 case simulated at open(), so that it also runs as root."""
    import builtins

    import jsonl_lint.files.open

    real_open = builtins.open

    def guarded_open(file, *args, **kwargs):
        if str(file).endswith("locked.jsonl"):
            raise PermissionError(13, "Permission denied", str(file))
        return real_open(file, *args, **kwargs)

    monkeypatch.setattr(jsonl_lint.files.open, "open", guarded_open, raising=False)
    bad_file(tmp_path / "locked.jsonl")
    bad_file(tmp_path / "a.jsonl")
    run = cli(".", "--output-format", "json", cwd=tmp_path)
    assert run.code == 2
    assert "locked.jsonl: Permission denied" in run.err
    assert "Traceback" not in run.err
    assert found(run) == {("a.jsonl", "C002"), ("a.jsonl", "D001")}


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="needs symlinks")
def test_file_that_cannot_be_opened_exits_2_and_the_other_files_are_still_linted(cli, tmp_path):
    # Works as root too: a symlink loop cannot be opened by anyone (ELOOP).
    os.symlink("loop.jsonl", tmp_path / "loop.jsonl")
    bad_file(tmp_path / "a.jsonl")
    run = cli(".", "--output-format", "json", cwd=tmp_path)
    assert run.code == 2
    assert "loop.jsonl" in run.err
    assert "Traceback" not in run.err
    assert ("a.jsonl", "C002") in found(run)


def test_output_file_that_is_a_folder_exits_2(cli, tmp_path):
    bad_file(tmp_path / "a.jsonl")
    (tmp_path / "report").mkdir()
    run = cli("a.jsonl", "--output-file", "report", cwd=tmp_path)
    assert run.code == 2
    assert "report" in run.err
    assert "Traceback" not in run.err


@pytest.mark.parametrize(
    "config",
    ["min-examples = 'ten'", "selct = ['C']", "fail-on = 'fatal'", "not a file and not toml", "min-examples = "],
)
def test_bad_config_exits_2(cli, tmp_path, config):
    bad_file(tmp_path / "a.jsonl")
    run = cli("a.jsonl", "--config", config, cwd=tmp_path)
    assert run.code == 2
    assert run.err.startswith("jsonl-lint: error:")
    assert run.out == ""


def test_bad_config_file_exits_2(cli, tmp_path):
    bad_file(tmp_path / "a.jsonl")
    (tmp_path / "jsonl-lint.toml").write_text("select = [\n", "utf-8")
    run = cli("a.jsonl", cwd=tmp_path)
    assert run.code == 2
    assert "jsonl-lint.toml" in run.err
    assert run.out == ""


def test_version(cli, capsys):
    with pytest.raises(SystemExit) as exc:
        cli("--version")
    assert exc.value.code == 0
    assert "jsonl-lint 0." in capsys.readouterr().out


# -- rule selection ------------------------------------------------------


def _all() -> set[str]:
    return set(registry())


def _prefix(prefix: str) -> set[str]:
    return {code for code in registry() if code.startswith(prefix)}


@pytest.mark.parametrize(
    "args, expected",
    [
        ([], _all),
        (["--select", "ALL"], _all),
        (["--select", "C"], lambda: _prefix("C")),
        (["--select", "C00"], lambda: _prefix("C00")),
        (["--select", "C002"], lambda: {"C002"}),
        (["--select", "missing-assistant"], lambda: {"C002"}),
        (["--select", "missing-assistant,C005"], lambda: {"C002", "C005"}),
        (["--select", "C002", "--select", "F005"], lambda: {"C002", "F005"}),
        (
            ["--select", "C", "--ignore", "C00", "--extend-select", "C002"],
            lambda: _prefix("C") - _prefix("C00") | {"C002"},
        ),
        (["--select", "C00", "--ignore", "C"], lambda: _prefix("C00")),
        (["--select", "C", "--ignore", "C00"], lambda: _prefix("C") - _prefix("C00")),
        (["--select", "C00", "--ignore", "missing-assistant"], lambda: _prefix("C00") - {"C002"}),
        (["--select", "ALL", "--ignore", "C"], lambda: _all() - _prefix("C")),
        (["--ignore", "C,D"], lambda: _all() - _prefix("C") - _prefix("D")),
        (["--ignore", "ALL", "--extend-select", "F005"], lambda: {"F005"}),
        (["--select", "C002", "--ignore", "C002"], set),  # a tie: ignore wins
        (["--select", "ALL", "--ignore", "ALL"], set),
        (["--select", "D", "--extend-select", "C002"], lambda: _prefix("D") | {"C002"}),
        (["--extend-select", "C002"], _all),
    ],
)
def test_most_specific_selector_wins(cli, tmp_path, args, expected):
    run = cli("--show-settings", *args, cwd=tmp_path)
    assert run.code == 0, run.err
    assert enabled_rules(run.out) == expected()


def test_selection_decides_what_is_reported(cli, tmp_path):
    (tmp_path / "a.jsonl").write_bytes(orjson.dumps(NO_ASSISTANT))  # C002, D001, F005
    assert codes(cli("a.jsonl", "--output-format", "json", cwd=tmp_path)) == {"C002", "D001", "F005"}
    assert codes(cli("a.jsonl", "--output-format", "json", "--select", "C", cwd=tmp_path)) == {"C002"}
    assert codes(cli("a.jsonl", "--output-format", "json", "--ignore", "missing-assistant,D", cwd=tmp_path)) == {"F005"}
    run = cli("a.jsonl", "--output-format", "json", "--select", "C", "--ignore", "C00", "--extend-select", "F005",
              cwd=tmp_path)  # fmt: skip
    assert codes(run) == {"F005"}
    assert run.code == 0  # only an info finding is left


# -- report options ------------------------------------------------------


def test_output_file_receives_the_report(cli, tmp_path):
    bad_file(tmp_path / "a.jsonl")
    run = cli("a.jsonl", "--output-format", "json", "--output-file", "report.json", cwd=tmp_path)
    assert run.code == 1
    assert run.out == ""
    report = json.loads((tmp_path / "report.json").read_text("utf-8"))
    assert ("a.jsonl", "C002") in {(d["path"], d["code"]) for d in report}


def test_output_file_with_concise_includes_the_summary(cli, tmp_path):
    bad_file(tmp_path / "a.jsonl")
    run = cli("a.jsonl", "-o", "out.txt", cwd=tmp_path)
    assert run.out == ""
    text = (tmp_path / "out.txt").read_text("utf-8")
    assert "a.jsonl:1:2: C002" in text
    assert SUMMARY.match(text.splitlines()[-1])
    assert "\x1b" not in text


def test_statistics(cli, tmp_path):
    write_jsonl(tmp_path / "a.jsonl", [NO_ASSISTANT, {"messages": [{"role": "user", "content": "other"}]}])
    run = cli("a.jsonl", "--statistics", cwd=tmp_path)
    assert run.code == 1
    rows = [line.split("\t") for line in run.out.splitlines() if "\t" in line]
    assert rows == [["2", "C002", "missing-assistant"], ["1", "D001", "too-few-examples"]]
    assert SUMMARY.match(run.out.splitlines()[-1])
    assert "Conversation has no assistant" not in run.out  # counts, not the findings


def test_statistics_as_json(cli, tmp_path):
    write_jsonl(tmp_path / "a.jsonl", [NO_ASSISTANT, {"messages": [{"role": "user", "content": "other"}]}])
    run = cli("a.jsonl", "--statistics", "--output-format", "json", cwd=tmp_path)
    assert run.code == 1
    stats = json.loads(run.out)
    assert sorted(stats, key=lambda s: s["code"]) == [
        {"code": "C002", "name": "missing-assistant", "count": 2},
        {"code": "D001", "name": "too-few-examples", "count": 1},
    ]


def test_show_settings(cli, tmp_path):
    (tmp_path / "data").mkdir()
    bad_file(tmp_path / "data" / "train.jsonl")
    bad_file(tmp_path / "data" / "validation.jsonl")
    bad_file(tmp_path / "data" / "other.jsonl")
    (tmp_path / "jsonl-lint.toml").write_text('ignore = ["D002"]\nmin-examples = 5\n', "utf-8")
    run = cli("data", "--show-settings", cwd=tmp_path)
    assert run.code == 0
    out = run.out
    assert f"config file: {tmp_path / 'jsonl-lint.toml'}" in out.splitlines()
    assert "profile: openai" in out
    assert "  min-examples = 5" in out.splitlines()
    enabled = enabled_rules(out)
    assert "D002" not in enabled and "C002" in enabled
    assert "files (3):" in out
    assert "  data/train.jsonl (split: train; format: openai-chat)" in out.splitlines()
    assert "  data/validation.jsonl (split: validation; format: openai-chat)" in out.splitlines()
    assert "  data/other.jsonl (split: none; format: openai-chat)" in out.splitlines()
    assert "train.jsonl:1" not in out and "no assistant" not in out  # nothing was linted


def test_show_settings_without_config(cli, tmp_path):
    run = cli("--show-settings", "--isolated", cwd=tmp_path)
    assert run.code == 0
    assert "config file: (none)" in run.out
    assert enabled_rules(run.out) == set(registry())


# -- sub-commands --------------------------------------------------------


def test_rules_lists_every_registered_rule(cli):
    run = cli("rules")
    assert run.code == 0
    lines = run.out.splitlines()
    rules = registry()
    assert len(lines) == len(rules)
    by_code = {line.split()[0]: line for line in lines}
    assert set(by_code) == set(rules)
    for code, rule in rules.items():
        line = by_code[code]
        assert re.search(rf"^{code}\s+{re.escape(rule.name)}\s+{rule.severity}\s+{re.escape(rule.summary)}$", line), (
            line
        )


def test_rules_as_json(cli):
    run = cli("rules", "--output-format", "json")
    assert run.code == 0
    listed = json.loads(run.out)
    rules = registry()
    assert [r["code"] for r in listed] == list(rules)
    for entry in listed:
        rule = rules[entry["code"]]
        assert entry["name"] == rule.name
        assert entry["severity"] == str(rule.severity)
        assert entry["summary"] == rule.summary
        assert [o["name"] for o in entry["options"]] == [o.name for o in rule.options]
        assert entry["url"].endswith(f"{rule.code}.md")


@pytest.mark.parametrize("name", ["C002", "missing-assistant", "c002"])
def test_rule_prints_its_page(cli, name):
    run = cli("rule", name)
    assert run.code == 0
    assert run.out == docs.page("C002")
    assert run.out.startswith("# C002 missing-assistant\n")


def test_rule_as_json(cli):
    run = cli("rule", "D001", "--output-format", "json")
    assert run.code == 0
    info = json.loads(run.out)
    assert info["code"] == "D001"
    assert info["name"] == "too-few-examples"
    assert info["page"] == docs.page("D001")
    assert [o["name"] for o in info["options"]] == ["min-examples"]


@pytest.mark.parametrize("name, suggestion", [("C0022", "C002"), ("missing-asistant", "missing-assistant")])
def test_unknown_rule_exits_2_with_a_suggestion(cli, name, suggestion):
    run = cli("rule", name)
    assert run.code == 2
    assert name in run.err
    assert f"did you mean `{suggestion}`" in run.err
    assert run.out == ""


def test_rule_without_a_code_exits_2(cli):
    run = cli("rule")
    assert run.code == 2
    assert "Traceback" not in run.err


# -- split roles ---------------------------------------------------------


def test_validation_file_is_not_held_to_the_minimum(cli, tmp_path):
    write_jsonl(tmp_path / "validation.jsonl", [chat(i) for i in range(3)])
    run = cli("validation.jsonl", "--output-format", "json", cwd=tmp_path)
    assert "D001" not in codes(run)
    assert run.code == 0


def test_training_file_is_held_to_the_minimum(cli, tmp_path):
    write_jsonl(tmp_path / "train.jsonl", [chat(i) for i in range(3)])
    run = cli("train.jsonl", "--output-format", "json", cwd=tmp_path)
    d001 = [d for d in as_json(run) if d["code"] == "D001"]
    assert len(d001) == 1
    assert d001[0]["path"] == "train.jsonl" and d001[0]["line"] is None
    assert run.code == 1


def test_split_from_the_folder_name(cli, tmp_path):
    (tmp_path / "val").mkdir()
    write_jsonl(tmp_path / "val" / "part1.jsonl", [chat(i) for i in range(3)])
    run = cli(".", "--output-format", "json", cwd=tmp_path)
    assert "D001" not in codes(run)


def test_duplicates_across_training_files_point_at_the_first_file(cli, tmp_path):
    write_jsonl(tmp_path / "train_a.jsonl", [chat(1), chat(2), chat(3)])
    write_jsonl(tmp_path / "train_b.jsonl", [chat(4), chat(2)])
    run = cli("train_a.jsonl", "train_b.jsonl", "--output-format", "json", "--select", "D004", cwd=tmp_path)
    d004 = as_json(run)
    assert len(d004) == 1
    assert (d004[0]["path"], d004[0]["line"], d004[0]["code"]) == ("train_b.jsonl", 2, "D004")
    assert d004[0]["related"] == [{"path": "train_a.jsonl", "line": 2}]
    assert "train_a.jsonl:2" in d004[0]["message"]
    assert run.code == 1


def test_duplicates_are_reported_in_the_later_file_whatever_the_argument_order(cli, tmp_path):
    write_jsonl(tmp_path / "train_a.jsonl", [chat(1)])
    write_jsonl(tmp_path / "train_b.jsonl", [chat(1)])
    run = cli("train_b.jsonl", "train_a.jsonl", "--output-format", "json", "--select", "D004", cwd=tmp_path)
    [d004] = as_json(run)
    # Reported once, and where it points is one of the two files, the other in `related`.
    assert {d004["path"], d004["related"][0]["path"]} == {"train_a.jsonl", "train_b.jsonl"}


# -- bad input -----------------------------------------------------------


def _deep_line() -> bytes:
    return b'{"messages":' + b"[" * 50_000 + b"]" * 50_000 + b"}\n"


def _deep_objects() -> bytes:
    return b'{"a":' * 3_000 + b"1" + b"}" * 3_000 + b"\n"


BAD_INPUTS = {
    "random.jsonl": bytes(range(256)) * 4,
    "utf8.jsonl": b'{"messages": "\xff\xfe"}\n\x80\x81\n',
    "binary.jsonl": b"PK\x03\x04" + bytes(range(200)),
    "nul.jsonl": b'{"a": 1}\n\x00\x00\x00\n',
    "empty.jsonl": b"",
    "blank.jsonl": b"\n\n  \n",
    "lfs.jsonl": b"version https://git-lfs.github.com/spec/v1\noid sha256:" + b"a" * 64 + b"\nsize 12345\n",
    "array.jsonl": b'[\n  {"messages": []},\n  {"messages": []}\n]\n',
    "array-line.jsonl": b'[{"a": 1}, {"b": 2}]\n',
    "pretty.jsonl": b'{\n  "messages": [\n    {"role": "user", "content": "hi"}\n  ]\n}\n',
    "deep-arrays.jsonl": _deep_line(),
    "deep-objects.jsonl": _deep_objects(),
    "gzip.jsonl.gz": b"\x1f\x8bnot really gzip",
    "scalars.jsonl": b'1\n"x"\nnull\ntrue\n[]\n{}\n',
    "huge-number.jsonl": b'{"messages": [{"role": "user", "content": 1e999999}]}\n',
    "surrogates.jsonl": b'{"messages": [{"role": "\\ud800", "content": "\\udfff"}]}\n',
    "bom.jsonl": b"\xef\xbb\xbf" + orjson.dumps(NO_ASSISTANT) + b"\n",
    "crlf.jsonl": orjson.dumps(NO_ASSISTANT) + b"\r\n" + orjson.dumps(chat(1)) + b"\n",
}


@pytest.mark.parametrize("name", sorted(BAD_INPUTS))
@pytest.mark.parametrize("fmt", ["concise", "full", "json", "sarif", "github"])
def test_bad_input_never_crashes_and_the_other_files_are_linted(cli, tmp_path, name, fmt):
    (tmp_path / name).write_bytes(BAD_INPUTS[name])
    bad_file(tmp_path / "zz_other.jsonl")
    run = cli(name, "zz_other.jsonl", "--output-format", fmt, cwd=tmp_path)
    assert "Traceback" not in run.err
    assert "internal error" not in run.err
    assert run.code in (0, 1, 2)
    if fmt == "json":
        reported = found(run)
        assert ("zz_other.jsonl", "C002") in reported
        # Every bad file is either reported or named as an error of the run (exit 2).
        assert any(path == name for path, _ in reported) or (run.code == 2 and name in run.err), run.err
    else:
        assert "zz_other.jsonl" in run.out


def test_a_folder_without_jsonl_files_warns(cli, tmp_path):
    (tmp_path / "empty").mkdir()
    (tmp_path / "empty" / "notes.txt").write_text("hello")
    run = cli("empty", cwd=tmp_path)
    assert run.code == 0
    assert "no *.jsonl or *.ndjson files found" in run.err
    assert "empty" in run.err
    assert run.out == "All checks passed! (0 files, 0 records)\n"


def test_not_jsonl_files_are_reported_as_f006(cli, tmp_path):
    for name in ("binary.jsonl", "lfs.jsonl", "array.jsonl", "array-line.jsonl", "pretty.jsonl"):
        (tmp_path / name).write_bytes(BAD_INPUTS[name])
    run = cli(".", "--output-format", "json", cwd=tmp_path)
    f006 = {d["path"]: d for d in as_json(run) if d["code"] == "F006"}
    assert set(f006) == {"binary.jsonl", "lfs.jsonl", "array.jsonl", "array-line.jsonl", "pretty.jsonl"}
    assert "git lfs pull" in f006["lfs.jsonl"]["message"]


def test_empty_file_is_f008(cli, tmp_path):
    (tmp_path / "empty.jsonl").write_bytes(b"")
    run = cli("empty.jsonl", "--output-format", "json", cwd=tmp_path)
    assert [(d["code"], d["line"]) for d in as_json(run)] == [("F008", None)]
    assert run.code == 1


def test_nonexistent_directory(cli, tmp_path):
    bad_file(tmp_path / "a.jsonl")
    run = cli("no/such/dir/", "a.jsonl", "--output-format", "json", cwd=tmp_path)
    assert run.code == 2
    assert "no/such/dir" in run.err
    assert "Traceback" not in run.err
    assert ("a.jsonl", "C002") in found(run)


def test_valid_first_line_longer_than_the_sniff_window_is_linted(cli, tmp_path):
    record = {"messages": [{"role": "user" if i % 2 == 0 else "assistant", "content": "x" * 50} for i in range(1000)]}
    for pad in range(200):  # make the 65,536th byte a comma
        record["messages"][0]["content"] = "x" * (50 + pad)
        line = orjson.dumps(record)
        if line[65535:65536] == b",":
            break
    assert len(line) > 65536 and line[65535:65536] == b","
    write_jsonl(tmp_path / "train.jsonl", [line + b"\n", *[chat(i) for i in range(99)]])
    run = cli("train.jsonl", "--output-format", "json", cwd=tmp_path)
    assert "F006" not in codes(run)
    assert run.code == 0


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.binary(max_size=2000))
def test_arbitrary_bytes_through_the_whole_cli(cli, data):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "fuzz.jsonl"
        path.write_bytes(data)
        run = cli(str(path), "--output-format", "json")
    assert "Traceback" not in run.err
    assert run.code in (0, 1), run.err
    report = json.loads(run.out)
    assert isinstance(report, list)
    for d in report:
        assert d["path"].endswith("fuzz.jsonl")


# -- --jobs 1 and --jobs 2 through the command line (issue 17) --------------------------------------

FUZZ_PIECES = [
    b'{"messages":[{"role":"user","content":"', b'"},{"role":"assistant","content":"', b'"}]}', b"\n", b"\r\n",
    b",", b"{", b"[", b'"', b"\xff", b"\x00", b" ", b"<|endoftext|>", b'"weight":1.0', b'"a":1,"a":2',
]  # fmt: skip


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    first=st.integers(min_value=8000, max_value=70_000),
    at=st.sampled_from([b",", b"{", b"[", b"\n", b"x"]),
    body=st.lists(st.sampled_from(FUZZ_PIECES), min_size=0, max_size=60).map(b"".join),
    lines=st.integers(min_value=1, max_value=40),
)
def test_jobs_1_and_2_print_the_same_report(tmp_path, first, at, body, lines):
    """Generated files with a long first line and ranges cut at awkward bytes (CHUNK_BYTES made small in the
    child: the same code path as a file over 16 MB)."""
    record = b'{"messages":[{"role":"user","content":"' + b"w " * (first // 2) + b'"}]}'
    record = record[:8191] + at + record[8192:]
    path = tmp_path / "train.jsonl"
    path.write_bytes(record + b"\n" + (body + b"\n") * lines)
    chunk = "import jsonl_lint.engine.linter as linter\nlinter.CHUNK_BYTES = 4_000\n"
    code = f"{chunk}import sys\nfrom jsonl_lint.cli import main\nsys.exit(main(sys.argv[1:]))"
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    outputs = []
    for jobs in ("1", "2"):
        args = [sys.executable, "-c", code, str(path), "--isolated", "--output-format", "json", "--jobs", jobs]
        done = subprocess.run(args, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)
        assert "Traceback" not in done.stderr, done.stderr
        outputs.append((done.returncode, done.stdout))
    assert outputs[0] == outputs[1]
