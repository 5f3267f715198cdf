"""GitHub's limits: 25,000 SARIF results per run, a 1 MiB step summary, workflow-command escaping.

The large results are built directly (no dataset of 25,000 bad records is linted), so
the caps are tested at their real size.
"""

from __future__ import annotations

import io
import json
import re

import pytest
from conftest import chat, no_assistant, offline_validator, validate, write_jsonl
from hypothesis import given
from hypothesis import strategies as st

from jsonl_lint.config import Settings, resolve
from jsonl_lint.diagnostics import Diagnostic, Severity
from jsonl_lint.engine import Result
from jsonl_lint.files.sources import Source
from jsonl_lint.reporters import markdown, sarif
from jsonl_lint.reporters.github import escape_data, escape_property

RESOLVED = resolve(Settings())
RULES = {rule.code: rule for rule in RESOLVED.rules}


def diagnostic(code: str, path: str = "data/train.jsonl", line: int | None = 1) -> Diagnostic:
    rule = RULES[code]
    return Diagnostic(path, line, code, rule.name, rule.severity, f"{rule.summary} ({line})", column=2)


def make_result(diagnostics: list[Diagnostic], sources: list[Source] | None = None, errors=()) -> Result:
    diagnostics = sorted(diagnostics, key=Diagnostic.sort_key)
    codes = {d.code for d in diagnostics}
    sources = sources if sources is not None else [Source(p, "train", 1) for p in sorted({d.path for d in diagnostics})]
    return Result(diagnostics, sources, list(errors), RESOLVED, {c: r for c, r in RULES.items() if c in codes})


def sarif_document(result: Result) -> dict:
    out = io.StringIO()
    sarif.report(result, out)
    return json.loads(out.getvalue())


# -- SARIF: 25,000 results per run ----------------------------------------


def test_sarif_at_the_limit_is_whole():
    result = make_result([diagnostic("C002", line=i) for i in range(1, sarif.MAX_RESULTS + 1)])
    run = sarif_document(result)["runs"][0]
    assert len(run["results"]) == sarif.MAX_RESULTS
    assert "omittedResults" not in run["properties"]
    assert run["invocations"][0]["toolExecutionNotifications"] == []


def test_sarif_over_the_limit_keeps_the_most_severe():
    # warnings on the first lines, then more errors than the limit allows
    warnings = [diagnostic("C004", line=i) for i in range(1, 101)]
    errors = [diagnostic("C002", line=i) for i in range(101, sarif.MAX_RESULTS + 111)]
    infos = [diagnostic("F005", line=sarif.MAX_RESULTS + 200)]
    result = make_result(warnings + errors + infos)
    document = sarif_document(result)
    run = document["runs"][0]
    assert len(run["results"]) == sarif.MAX_RESULTS
    assert {r["ruleId"] for r in run["results"]} == {"C002"}
    lines = [r["locations"][0]["physicalLocation"]["region"]["startLine"] for r in run["results"]]
    assert lines == sorted(lines) and lines[0] == 101  # report order among the kept
    omitted = run["properties"]["omittedResults"]
    assert omitted == {
        "count": 111,
        "limit": sarif.MAX_RESULTS,
        "byRule": {"C004": 100, "C002": 10, "F005": 1},
        "bySeverity": {"warning": 100, "error": 10, "info": 1},
    }
    [note] = run["invocations"][0]["toolExecutionNotifications"]
    assert note["level"] == "warning" and note["descriptor"]["id"] == "jsonl-lint/results-capped"
    assert f"111 of {len(result.diagnostics):,} results left out" in note["message"]["text"]
    assert run["invocations"][0]["executionSuccessful"] is True
    assert {rule["id"] for rule in run["tool"]["driver"]["rules"]} == {"C002", "C004", "F005"}
    for r in run["results"]:
        assert run["tool"]["driver"]["rules"][r["ruleIndex"]]["id"] == r["ruleId"]


def test_capped_sarif_from_the_cli_validates(cli, tmp_path, monkeypatch, sarif_schema):
    monkeypatch.setattr(sarif, "MAX_RESULTS", 3)
    write_jsonl(tmp_path / "train.jsonl", [{**chat(0), "extra": 1}] + [no_assistant(f"q{i}") for i in range(5)])
    run = cli("train.jsonl", "--select", "C002,S003", "--output-format", "sarif", cwd=tmp_path)
    document = json.loads(run.out)
    validate(offline_validator(sarif_schema), document)
    results = document["runs"][0]["results"]
    assert [r["ruleId"] for r in results] == ["C002"] * 3
    assert document["runs"][0]["properties"]["omittedResults"]["byRule"] == {"S003": 1, "C002": 2}


@given(st.lists(st.sampled_from([Severity.INFO, Severity.WARNING, Severity.ERROR]), max_size=40), st.integers(0, 45))
def test_capped_keeps_the_most_severe_in_order(severities, limit):
    diagnostics = [Diagnostic("a", i, "X", "x", s, "m") for i, s in enumerate(severities)]
    kept, left_out = sarif.capped(diagnostics, limit)
    assert len(kept) == min(limit, len(diagnostics))
    assert sorted(kept + left_out, key=lambda d: d.line) == diagnostics
    assert [d.line for d in kept] == sorted(d.line for d in kept)
    if kept and left_out:
        assert min(d.severity for d in kept) >= max(d.severity for d in left_out)


# -- Markdown summary: under 1 MiB -----------------------------------------


def summary_text(result: Result, **kwargs) -> str:
    out = io.StringIO()
    markdown.summary(result, out, environ={}, **kwargs)
    return out.getvalue()


def test_huge_summary_stays_under_the_limit_and_says_what_it_left_out():
    paths = [f"data/{'deep/' * 30}shard-{i:06d}.jsonl" for i in range(30_000)]
    diagnostics = [diagnostic("C002", p, 1) for p in paths] + [diagnostic("D004", p, 2) for p in paths]
    errors = [f"missing/{i}.jsonl: No such file or directory" for i in range(5_000)]
    result = make_result(diagnostics, errors=errors)
    text = summary_text(result)
    assert len(text.encode("utf-8")) <= markdown.MAX_BYTES < 1 << 20
    # the rule table comes first and is whole; the file table is cut
    assert "| [C002](" in text and "| [D004](" in text
    file_rows = [line for line in text.splitlines() if line.startswith("| data/")]
    assert 0 < len(file_rows) < len(paths)
    match = re.search(r"_([\d,]+) more rows left out to keep this summary within 1,000,000 bytes", text)
    assert match
    assert int(match[1].replace(",", "")) == len(paths) - len(file_rows) + len(errors)
    assert text.rstrip().endswith("every finding is in the step's log._")


@pytest.mark.parametrize("limit", [3_000, 5_000, 20_000])
def test_small_budgets_are_kept_and_every_row_is_counted(limit):
    paths = [f"data/file-{i:04d}.jsonl" for i in range(400)]
    result = make_result([diagnostic("C002", p) for p in paths] + [diagnostic("C004", p, 3) for p in paths[:7]])
    text = summary_text(result, max_bytes=limit)
    assert len(text.encode("utf-8")) <= limit
    shown = sum(line.startswith("| data/") for line in text.splitlines())
    match = re.search(r"_([\d,]+) more rows? left out", text)
    assert shown + int(match[1].replace(",", "")) == len(paths)
    c004 = next(line for line in text.splitlines() if line.startswith("| [C004]"))
    assert "data/file-0004.jsonl:3" in c004 and "and 2 more" in c004
    assert "data/file-0005.jsonl:3" not in c004


def test_a_budget_already_spent_writes_nothing():
    result = make_result([diagnostic("C002")])
    assert summary_text(result, max_bytes=100) == ""


def test_summary_rows_by_severity_then_count():
    result = make_result(
        [diagnostic("C004", line=i) for i in range(1, 6)]
        + [diagnostic("C001", line=9)]
        + [diagnostic("C002", line=i) for i in range(10, 13)]
        + [diagnostic("F005", line=20)]
    )
    rows = [line.split(" | ") for line in summary_text(result).splitlines() if line.startswith("| [")]
    assert [row[0][3:7] for row in rows] == ["C002", "C001", "C004", "F005"]
    assert [row[2] for row in rows] == ["error", "error", "warning", "info"]
    assert [row[3] for row in rows] == ["3", "1", "5", "1"]


def test_annotation_limit_note_only_when_over():
    few = summary_text(make_result([diagnostic("C002", line=i) for i in range(1, 11)]))
    assert "GitHub shows at most" not in few
    many = summary_text(make_result([diagnostic("C002", line=i) for i in range(1, 12)]))
    assert "GitHub shows at most 10 error, 10 warning and 10 notice annotations per step" in many
    assert "not annotated: 1 error (C002 1)" in many


def test_summary_links_to_the_commit():
    result = make_result([diagnostic("C002", "data/a b.jsonl", 7), diagnostic("D002", "data/a b.jsonl", None)])
    environ = {"GITHUB_SERVER_URL": "https://github.com", "GITHUB_REPOSITORY": "o/r", "GITHUB_SHA": "abc123"}
    out = io.StringIO()
    markdown.summary(result, out, environ=environ)
    text = out.getvalue()
    assert "[data/a b.jsonl:7](https://github.com/o/r/blob/abc123/data/a%20b.jsonl#L7)" in text
    assert "[data/a b.jsonl](https://github.com/o/r/blob/abc123/data/a%20b.jsonl)" in text
    assert markdown.blob_url("/tmp/x.jsonl", 1, environ) is None
    assert markdown.blob_url("-", 1, environ) is None


def test_summary_md_output_format(cli, tmp_path):
    write_jsonl(tmp_path / "train.jsonl", [no_assistant()])
    run = cli("train.jsonl", "--output-format", "summary-md", "--select", "C002", cwd=tmp_path)
    assert run.code == 1
    assert run.out.startswith("### jsonl-lint\n")
    assert "| [C002](" in run.out and "Found 1 problem" in run.out
    assert run.out.count("Found") == 1  # no text summary line after it


UNSAFE = "a|b`c*d_e[f](g)<h>~i&j#k@l$m\\n"


def test_cells_escape_markdown():
    escaped = markdown.cell(UNSAFE + "\nnext\rline")
    assert escaped == "a\\|b\\`c\\*d\\_e\\[f\\](g)\\<h\\>\\~i\\&j\\#k\\@l\\$m\\\\n next line"


@given(st.text())
def test_cells_are_one_safe_line(text):
    escaped = markdown.cell(text)
    assert "\n" not in escaped and "\r" not in escaped
    assert not set(re.sub(r"\\.", "", escaped)) & set("\\`*_[]<>|~&#@$")  # every special is escaped
    assert len(escaped) <= 2 * markdown.CELL_CHARS


# -- workflow commands -----------------------------------------------------


def unescape(value: str) -> str:
    """What the runner does with an escaped property or message."""
    for escaped, raw in (("%3A", ":"), ("%2C", ","), ("%0D", "\r"), ("%0A", "\n"), ("%25", "%")):
        value = value.replace(escaped, raw)
    return value


@given(st.text())
def test_escaped_properties_round_trip(text):
    prop = escape_property(text)
    assert not set(prop) & {"\r", "\n", ",", ":"}
    assert unescape(prop) == text
    data = escape_data(text)
    assert not set(data) & {"\r", "\n"}
    assert unescape(data) == text


def test_annotation_lines_of_awkward_records(cli, tmp_path):
    name = "a,b:c%d.jsonl"
    write_jsonl(tmp_path / name, [{**chat(1), "x\r\ny 100% ::error::": 1}])
    run = cli(name, "--output-format", "github", "--select", "S003", cwd=tmp_path)
    lines = run.out.splitlines()
    assert len(lines) == 1 and run.out.count("\n") == 1
    assert lines[0].startswith("::warning file=a%2Cb%3Ac%25d.jsonl,line=1,")
    message = lines[0].split("::", 2)[2]
    assert "`x\r\ny 100% ::error::`" in unescape(message)


def test_annotations_come_in_order_of_importance_and_the_summary_says_what_was_left_out():
    """GitHub shows 10 per kind: errors first, leakage and structure before style, then file order."""
    from jsonl_lint.reporters import github

    found = (
        [diagnostic("C002", "data/train.jsonl", line=i) for i in range(1, 15)]
        + [diagnostic("V001", "data/validation.jsonl", line=i) for i in range(1, 4)]
        + [diagnostic("P001", "data/train.jsonl", line=2)]
    )
    out = io.StringIO()
    github.report(make_result(found), out)
    codes = [line.split("title=jsonl-lint (")[1][:4] for line in out.getvalue().splitlines()]
    assert codes[:3] == ["V001", "V001", "V001"] and codes[3:17] == ["C002"] * 14 and codes[-1] == "P001"
    note = summary_text(make_result(found))
    assert "not annotated: 7 errors (C002 7); 0" not in note and "not annotated: 7 errors (C002 7)." in note
