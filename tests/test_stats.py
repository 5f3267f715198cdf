"""`jsonl-lint stats`: the per-file dataset report as text, JSON and HTML."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import write_jsonl
from hypothesis import given
from hypothesis import strategies as st

from jsonl_lint.stats import default_epochs, distribution, histogram
from jsonl_lint.text.tokens import Tokenizer

LABELS = ["positive"] * 12 + ["negative"] * 7 + ["neutral"]


def chat(i: int, answer: str, system: bool = True) -> dict:
    messages = [
        {"role": "user", "content": f"Review {i}: " + "good " * (i % 7)},
        {"role": "assistant", "content": answer},
    ]
    if system:
        messages.insert(0, {"role": "system", "content": "Classify the review."})
    return {"messages": messages}


@pytest.fixture
def labelled(tmp_path):
    records = [chat(i, label, system=i % 5 != 0) for i, label in enumerate(LABELS * 2)]
    records.append(records[1])  # one exact duplicate
    return write_jsonl(tmp_path / "train.jsonl", records)


def test_json_report(cli, labelled):
    run = cli("stats", str(labelled), "--output-format", "json")
    assert run.code == 0, run.err
    data = json.loads(run.out)
    assert data["tokenizer"] == "o200k_base" and data["profile"] == "openai"
    [file] = data["files"]
    assert file["format"] == "openai-chat"
    assert file["sizes"]["examples"] == 41
    assert file["sizes"]["messages_per_example"]["min"] == 2 and file["sizes"]["messages_per_example"]["max"] == 3
    tokens = file["sizes"]["tokens_per_example"]
    assert tokens["min"] <= tokens["p10"] <= tokens["median"] <= tokens["p90"] <= tokens["max"]
    assert file["limit"] == {"limit": 65536, "examples_over": 0}
    assert file["roles"] == {"missing_system": 8, "missing_user": 0}  # the examples with i % 5 == 0
    assert file["duplicates"] == 1
    assert set(file["languages"]) <= {"en"}  # "Review 3: good good": English when judged at all
    assert file["near_duplicates"] == file["findings"].get("D005", 0)
    assert "leakage" not in file  # a training file
    assert file["answers"] == pytest.approx({"positive": 25 / 41, "negative": 14 / 41, "neutral": 2 / 41})
    assert any("'neutral' is 4.9%" in note for note in file["notes"])
    assert file["billing"]["epochs"] == 3
    assert file["billing"]["billed_tokens"] == 3 * file["billing"]["tokens"]
    assert file["findings"]["D004"] == 1
    assert sum(file["sizes"]["histograms"]["tokens_per_example"]["counts"]) == 41


def test_tokens_per_example_are_counted_as_openai_does(cli, tmp_path):
    path = write_jsonl(tmp_path / "train.jsonl", [chat(3, "positive")])
    data = json.loads(cli("stats", str(path), "--output-format", "json").out)
    count = Tokenizer("o200k_base").count
    record = chat(3, "positive")["messages"]
    expected = sum(3 + count(m["role"]) + count(m["content"]) for m in record) + 3
    assert data["files"][0]["sizes"]["tokens_per_example"]["max"] == expected
    assert data["files"][0]["sizes"]["assistant_tokens_per_example"]["max"] == count("positive")


def test_text_report(cli, labelled):
    run = cli("stats", str(labelled), "--min-class-share", "0.01")
    assert run.code == 0
    lines = run.out.splitlines()
    assert lines[0] == "profile openai; tokens: o200k_base"
    assert any(line.strip().startswith("examples") and line.endswith(" 41") for line in lines)
    assert any("tokens per example" in line and "p10" in line and "p90" in line for line in lines)
    assert any("exact duplicates" in line and "1 (D004" in line for line in lines)
    assert any("billed tokens" in line and "x 3 epochs" in line for line in lines)
    assert "under" not in run.out  # no class under 1%


def test_model_picks_the_limit_and_estimates_are_labelled(cli, tmp_path):
    path = write_jsonl(tmp_path / "train.jsonl", [{"prompt": "x" * 30_000, "completion": "y"}] * 3)
    data = json.loads(cli("stats", str(path), "--profile", "bedrock-titan", "--output-format", "json").out)
    assert data["tokenizer"] == "estimated at 6 characters per token"
    assert data["files"][0]["limit"] == {"limit": 4096, "examples_over": 3}
    assert data["files"][0]["billing"] == {"epochs": 25, "tokens": 3 * 4096, "billed_tokens": 25 * 3 * 4096}
    run = cli("stats", str(path), "--profile", "bedrock-titan")
    assert "tokens (estimated) per example" in run.out and "about " in run.out


def test_validation_files_are_not_billed(cli, tmp_path):
    path = write_jsonl(tmp_path / "validation.jsonl", [chat(i, "positive") for i in range(5)])
    data = json.loads(cli("stats", str(path), "--output-format", "json").out)
    assert data["files"][0]["split"] == "validation"
    assert "billing" not in data["files"][0]


def test_html_report_is_self_contained_with_both_histograms(cli, labelled, tmp_path):
    page = tmp_path / "report.html"
    run = cli("stats", str(labelled), "--html", str(page))
    assert run.code == 0
    html = page.read_text("utf-8")
    assert html.startswith("<!DOCTYPE html>")
    assert html.count('<svg class="histogram"') == 2
    assert "Tokens per example" in html and "Messages per example" in html
    assert "<rect" in html and "example(s)</title>" in html
    assert "Top findings" in html and "D004 duplicate-example" in html
    assert "http" not in html and "<script" not in html and "<link" not in html  # nothing fetched


def test_missing_path_is_exit_2(cli, tmp_path):
    run = cli("stats", str(tmp_path / "nope.jsonl"))
    assert run.code == 2
    assert "No such file" in run.err


def test_bad_share_is_a_usage_error(cli, labelled):
    assert cli("stats", str(labelled), "--min-class-share", "2").code == 2


@pytest.mark.parametrize(
    ("examples", "epochs"), [(1, 25), (5, 20), (34, 3), (33, 3), (20, 5), (8_333, 3), (8_334, 2), (30_000, 1)]
)
def test_default_epochs_as_the_cookbook(examples, epochs):
    assert default_epochs(examples) == epochs


@given(st.lists(st.integers(min_value=0, max_value=10**6), min_size=1, max_size=300), st.integers(1, 40))
def test_histogram_puts_every_value_in_its_bin(values, bins):
    hist = histogram(values, bins)
    edges, counts = hist["edges"], hist["counts"]
    assert len(edges) == len(counts) + 1 and len(counts) <= bins
    assert sum(counts) == len(values)
    assert edges[0] == min(values) and edges[-1] > max(values)
    for value in values:
        assert any(edges[i] <= value < edges[i + 1] and counts[i] for i in range(len(counts)))


@given(st.lists(st.integers(min_value=0, max_value=10**6), min_size=1))
def test_distribution_is_ordered(values):
    d = distribution(values)
    assert d["min"] <= d["p10"] <= d["median"] <= d["p90"] <= d["max"]
    assert d["min"] <= d["mean"] <= d["max"]


def test_same_report_with_worker_processes(cli, labelled, tmp_path):
    """The collector runs in the workers as the rules do."""
    write_jsonl(tmp_path / "more_train.jsonl", [chat(i, "negative") for i in range(30)])
    one = json.loads(cli("stats", str(tmp_path), "--output-format", "json", "-j", "1").out)
    two = json.loads(cli("stats", str(tmp_path), "--output-format", "json", "-j", "2").out)
    assert [f["path"] for f in one["files"]] == [str(tmp_path / "more_train.jsonl"), str(labelled)]
    assert one == two


def test_held_out_files_report_their_leakage(cli, tmp_path):
    story = " ".join(f"word{n}" for n in range(100))
    write_jsonl(tmp_path / "train.jsonl", [chat(i, "positive") for i in range(20)] + [chat(0, story)])
    validation = [chat(3, "positive"), chat(50, story + " again"), chat(9, "other")]  # exact, near, same prompt
    write_jsonl(tmp_path / "validation.jsonl", validation)
    data = json.loads(cli("stats", str(tmp_path), "--output-format", "json").out)
    files = {Path(f["path"]).name: f for f in data["files"]}
    assert files["validation.jsonl"]["leakage"] == {"V001": 1, "V002": 1, "V003": 1}
    assert "leakage" not in files["train.jsonl"]
