"""`jsonl-lint stats`: the per-file dataset report as text, JSON and HTML."""

from __future__ import annotations

import gzip
import json
import re
from collections import Counter
from pathlib import Path
from urllib.parse import quote

import pytest
from conftest import hostile_dataset, write_jsonl
from hypothesis import given
from hypothesis import strategies as st

from jsonl_lint.diagnostics import Severity
from jsonl_lint.docs import DOCS_URL
from jsonl_lint.reporters import stats_html
from jsonl_lint.stats import RULE_SAMPLES, SAMPLE_CHARS, default_epochs, distribution, histogram, masked
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


def test_html_report_is_self_contained(cli, labelled, tmp_path):
    page = tmp_path / "report.html"
    run = cli("stats", str(labelled), "--html", str(page))
    assert run.code == 0
    html = page.read_text("utf-8")
    assert html.startswith("<!DOCTYPE html>")
    assert f'content="{stats_html.POLICY}"' in html and "default-src 'none'" in stats_html.POLICY
    assert html.count("<script") == 1 and f"<script>{stats_html.SCRIPT}</script>" in html  # the one, by hash
    for fetching in ("src=", "<link", "@import", "url(", "<img", "<iframe"):
        assert fetching not in html
    assert 'data-chart="tokens"' in html and 'data-chart="messages"' in html and 'data-chart="answers"' in html
    assert "<rect" in html and "example(s)</title>" in html
    assert "Findings by rule" in html and "D004</code> duplicate-example" in html
    assert 'href="https://github.com/jsonl-lint/jsonl-lint/blob/main/rules/D004.md"' in html


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


# -- the overview, samples, clusters and leakage ------------------------------------

STORY = " ".join(f"word{n}" for n in range(100))


def test_overview_gives_the_verdict_totals_and_splits(cli, tmp_path):
    write_jsonl(tmp_path / "train.jsonl", [chat(i, "positive") for i in range(20)] + [chat(0, STORY)])
    write_jsonl(tmp_path / "validation.jsonl", [chat(3, "positive"), chat(50, STORY + " again"), chat(60, "x")])
    data = json.loads(cli("stats", str(tmp_path), "--output-format", "json", "--price-per-million", "25").out)
    overview = data["overview"]
    assert overview["verdict"] == {"fail_on": "warning", "passed": False, "failing": overview["verdict"]["failing"]}
    assert overview["verdict"]["failing"] >= 2  # V001 (error) and V002 (warning) at least
    diagnostics = json.loads(cli(str(tmp_path), "--output-format", "json").out)
    assert sum(overview["severities"].values()) == len(diagnostics)
    assert {r["code"]: r["count"] for r in overview["rules"]} == dict(Counter(d["code"] for d in diagnostics))
    v001 = next(r for r in overview["rules"] if r["code"] == "V001")
    assert v001["severity"] == "error" and v001["files"] == 1
    totals = overview["totals"]
    assert totals["examples"] == 24 and totals["files"] == 2
    assert totals["tokens"] == sum(f["sizes"]["tokens"] for f in data["files"])
    assert totals["cost"] == round(totals["billed_tokens"] * 25 / 1e6, 2)
    splits = {s["split"]: s for s in overview["splits"]}
    assert splits["train"]["examples"] == 21 and splits["train"]["leaked"] is None
    assert splits["validation"]["leaked"] == {"exact": 1, "near": 1, "prompt": 0}
    assert splits["validation"]["leaked_share"] == pytest.approx(2 / 3)
    text = cli("stats", str(tmp_path)).out
    assert "verdict: fails at fail-on warning" in text and "split validation: 3 examples" in text
    assert "leaked from train: 1 exact, 1 near, 0 prompt (66.7% of the split)" in text


def test_the_verdict_follows_the_configured_fail_on(cli, labelled):
    data = json.loads(cli("stats", str(labelled), "--output-format", "json", "--config", 'fail-on = "error"').out)
    assert data["overview"]["verdict"]["fail_on"] == "error"
    assert data["overview"]["verdict"]["passed"] == (data["overview"]["severities"]["error"] == 0)


def test_prompt_and_answer_tokens_by_role(cli, tmp_path):
    path = write_jsonl(tmp_path / "train.jsonl", [chat(i, "positive") for i in range(6)])
    data = json.loads(cli("stats", str(path), "--output-format", "json").out)
    file = data["files"][0]
    count = Tokenizer("o200k_base").count
    by_role = {r["role"]: r for r in file["role_tokens"]}
    assert by_role["assistant"] == {
        "role": "assistant", "answer": True, "examples": 6, "tokens": 6 * count("positive"), "mean": count("positive")
    }  # fmt: skip
    assert by_role["user"]["tokens"] == sum(count(chat(i, "")["messages"][1]["content"]) for i in range(6))
    assert not by_role["system"]["answer"]
    assert file["sizes"]["answer_tokens_per_example"]["max"] == count("positive")
    assert file["sizes"]["messages_counts"] == [[3, 6]]  # one value: a count, not a histogram


def test_near_duplicate_clusters_hold_their_members_and_a_pair(cli, tmp_path):
    base = [f"token{n}" for n in range(200)]
    alike = [" ".join(base[:k] + ["changed"] + base[k + 1 :]) for k in (50, 100, 150)]
    records = [chat(i, f"unrelated answer number {i} " * 8) for i in range(5)] + [
        chat(9 + k, t) for k, t in enumerate(alike)
    ]
    path = write_jsonl(tmp_path / "train.jsonl", records)
    data = json.loads(cli("stats", str(path), "--output-format", "json").out)
    clusters = data["files"][0]["clusters"]
    assert clusters["count"] == 1
    [group] = clusters["largest"]
    assert group["size"] == 3 and [m["line"] for m in group["members"]] == [6, 7, 8]
    first, other = group["pair"]
    assert first["line"] == 6 and other["line"] in (7, 8)
    assert first["text"].startswith("system: Classify the review.\nuser: Review 9: ")
    assert "changed" in first["text"] and "changed" in other["text"]
    html = stats_html.render(data)
    assert '<mark class="del">' in html and '<mark class="ins">' in html
    assert clusters["across_files"] == 0
    write_jsonl(tmp_path / "more_train.jsonl", [chat(20, alike[0].replace("token7 ", "token7b "))])
    data = json.loads(cli("stats", str(tmp_path), "--output-format", "json").out)
    files = {Path(f["path"]).name: f for f in data["files"]}
    assert "clusters" not in files["train.jsonl"]  # the group now starts in more_train.jsonl (sorted first)
    assert files["more_train.jsonl"]["clusters"]["across_files"] == 1
    assert files["more_train.jsonl"]["clusters"]["largest"][0]["size"] == 4


def test_leaked_examples_are_shown_beside_their_training_twin(cli, tmp_path):
    write_jsonl(tmp_path / "train.jsonl", [chat(i, "positive") for i in range(20)] + [chat(0, STORY)])
    write_jsonl(tmp_path / "validation.jsonl", [chat(3, "positive"), chat(50, STORY + " again"), chat(9, "other")])
    data = json.loads(cli("stats", str(tmp_path), "--output-format", "json").out)
    validation = next(f for f in data["files"] if f["split"] == "validation")
    kinds = {leak["kind"]: leak for leak in validation["leaks"]}
    assert set(kinds) == {"exact", "near", "prompt"}
    exact = kinds["exact"]
    assert exact["held_out"]["line"] == 1 and exact["train"]["line"] == 4  # chat(3) is line 4 of train
    assert exact["held_out"]["text"] == exact["train"]["text"]
    assert "Leaked" in exact["held_out"]["message"]


def test_findings_by_rule_have_masked_samples(cli, tmp_path):
    key = "sk-proj-" + "Ab3dE6gH9jK2mN5pQ8sT1vW4yZ7bC0eF3hJ6kL9nP2rS5uX8"
    records = [chat(i, "positive") for i in range(12)]
    records.append(chat(1, f"Write to jane.doe@acme-mail.com or call +44 20 7946 0958; key {key}"))
    path = write_jsonl(tmp_path / "train.jsonl", records)
    run = cli("stats", str(path), "--output-format", "json", "--html", str(tmp_path / "r.html"))
    html = (tmp_path / "r.html").read_text("utf-8")
    for secret in (key, key[12:], "jane.doe", "7946 0958"):
        assert secret not in run.out and secret not in html
    rules = {r["code"]: r for r in json.loads(run.out)["files"][0]["rules"]}
    assert set(rules) >= {"P001", "P002", "P003"}
    [sample] = rules["P003"]["samples"]
    assert sample["line"] == 13 and "sk-proj-Ab3d…(masked)" in sample["text"]
    assert "‹e-mail›" in sample["text"] and "‹phone›" in sample["text"]
    assert rules["P003"]["severity"] == "error" and rules["P003"]["count"] == 1
    assert list(rules) == sorted(rules, key=lambda c: (-Severity.parse(rules[c]["severity"]), c))


def test_samples_are_cut_and_counted(cli, tmp_path):
    records = [chat(i, "positive") for i in range(12)] + [chat(i, "x " * 5000) for i in range(5)]
    path = write_jsonl(tmp_path / "train.jsonl", records)
    data = json.loads(
        cli("stats", str(path), "--output-format", "json", "--config", "max-tokens-per-example = 100").out
    )
    t001 = next(r for r in data["files"][0]["rules"] if r["code"] == "T001")
    assert t001["count"] == 5 and len(t001["samples"]) == RULE_SAMPLES
    assert all(len(s["text"]) <= SAMPLE_CHARS + 1 and s["text"].endswith("…") for s in t001["samples"])


def test_hostile_text_is_escaped_everywhere(cli, tmp_path):
    path = hostile_dataset(tmp_path)
    page = tmp_path / "report.html"
    assert cli("stats", str(path), "--html", str(page)).code == 0
    html = page.read_text("utf-8")
    assert html.count("<script") == 1  # the page's own
    for markup in ("<img", "<svg onload", "</svg></figure><img", '<a href="javascript'):
        assert markup not in html
    assert all(href.startswith(("#", "https://")) for href in re.findall(r'href="([^"]*)"', html))
    assert "&lt;script&gt;window.__pwned = 1&lt;/script&gt;" in html  # shown, as text
    assert "train&lt;script&gt;.jsonl" in html


def test_line_links_follow_the_template_and_refuse_scripts(cli, labelled, tmp_path):
    page = tmp_path / "r.html"
    template = "https://github.com/acme/data/blob/main/{path}#L{line}"
    assert cli("stats", str(labelled), "--html", str(page), "--line-url", template).code == 0
    assert f'href="https://github.com/acme/data/blob/main/{quote(str(labelled))}#L41"' in page.read_text("utf-8")
    run = cli("stats", str(labelled), "--html", str(page), "--line-url", "javascript:alert('{path}')")
    assert run.code == 2 and "--line-url must start with" in run.err


def test_a_plugin_page_that_is_not_http_is_not_linked():
    class Plugin:
        code, help_uri = "X001", "javascript:alert(1)"

    class Builtin:
        code = "D004"

    assert stats_html.rule_pages([Plugin(), Builtin()]) == {"D004": f"{DOCS_URL}/D004.md"}


def test_highlighted_marks_the_words_that_differ_and_escapes():
    a, b = stats_html.highlighted("keep <b>this</b> word", "keep <b>that</b> word")
    assert a == 'keep <mark class="del">&lt;b&gt;this&lt;/b&gt;</mark> word'
    assert b == 'keep <mark class="ins">&lt;b&gt;that&lt;/b&gt;</mark> word'


def test_masked_hides_personal_data_and_secrets():
    text = masked("mail bob@corp-mail.io, call (11) 98765-4321, key AKIAZ7Q3X9K2LM4NP6RT")
    assert "bob@" not in text and "98765" not in text and "AKIAZ7Q3X9K2" not in text
    assert text == "mail ‹e-mail›, call ‹phone›, key AKIAZ7…(masked)"


def test_masked_hides_a_hit_inside_another_once():
    assert masked("to AKIAZ7Q3X9K2LM4NP6RT@corp-mail.io now") == "to ‹e-mail› now"  # a key that is an address


def test_gzipped_files_have_their_records_as_samples(cli, tmp_path):
    records = [chat(i, "positive") for i in range(12)]
    path = write_jsonl(tmp_path / "train.jsonl", [*records, records[0]])
    zipped = tmp_path / "train.jsonl.gz"
    zipped.write_bytes(gzip.compress(path.read_bytes()))
    path.unlink()
    data = json.loads(cli("stats", str(zipped), "--output-format", "json").out)
    d004 = next(r for r in data["files"][0]["rules"] if r["code"] == "D004")
    [sample] = d004["samples"]
    assert sample["line"] == 13 and "positive" in sample["text"]  # read decompressed, as the lint read it


# -- drift ----------------------------------------------------------------------------


@pytest.fixture
def versions(cli, tmp_path):
    """Two versions of a split dataset: the second lost train examples, leaked more, shifted labels."""
    old, new = tmp_path / "v1", tmp_path / "v2"
    old.mkdir()
    new.mkdir()
    write_jsonl(old / "train.jsonl", [chat(i, LABELS[i % 20]) for i in range(40)])
    write_jsonl(old / "validation.jsonl", [chat(i, "neutral") for i in range(100, 104)])
    write_jsonl(new / "train.jsonl", [chat(i, "positive") for i in range(30)])
    write_jsonl(new / "validation.jsonl", [chat(i, "neutral") for i in (100, 101, 3, 5)])  # two leak
    report = tmp_path / "old.json"
    report.write_text(cli("stats", "--output-format", "json", ".", cwd=old).out)
    return new, report


def test_drift_gives_deltas_per_file_and_split(cli, versions):
    new, old = versions
    run = cli("stats", "--output-format", "json", "--compare", str(old), ".", cwd=new)
    assert run.code == 0  # no limits: only shown
    drift = json.loads(run.out)["drift"]
    files = {f["path"]: f for f in drift["files"]}
    train = files["train.jsonl"]
    assert train["status"] == "kept" and train["examples"] == {"old": 40, "new": 30, "change": -10}
    assert train["tokens"]["change"] < 0
    assert train["labels"]["positive"]["new"] == 1.0 and train["labels"]["neutral"]["new"] == 0
    validation = files["validation.jsonl"]
    assert validation["leakage"] == {"old": 0, "new": 2, "change": 2}
    assert validation["rules"]["V003"] == {"old": 0, "new": 2, "change": 2}  # same prompts, other answers
    splits = {s["split"]: s for s in drift["splits"]}
    assert splits["train"]["examples"]["change"] == -10
    assert drift["limits"] == [] and drift["exceeded"] is False
    text = cli("stats", "--compare", str(old), ".", cwd=new).out
    assert "drift from the earlier report" in text and "train.jsonl: examples 40 -> 30 (-10)" in text


def test_fail_on_drift_exits_1_with_the_limit_named(cli, versions):
    new, old = versions
    args = ["stats", "--compare", str(old), "--fail-on-drift"]
    run = cli(*args, "examples.decrease=0.1,leakage.increase,label.share.change=0.05", ".", cwd=new)
    assert run.code == 1
    assert "limit examples.decrease=0.1: exceeded: train.jsonl: examples 40 -> 30" in run.out
    assert "limit leakage.increase=0: exceeded: validation.jsonl: leakage 0 -> " in run.out
    assert "limit label.share.change=0.05: exceeded: train.jsonl: 'positive'" in run.out
    assert cli(*args, "examples.decrease=0.3", ".", cwd=new).code == 0  # 25% fewer: within 30%
    data = json.loads(cli(*args, "examples.increase", "--output-format", "json", ".", cwd=new).out)
    assert data["drift"]["limits"] == [{"limit": "examples.increase", "threshold": 0.0, "exceeded": []}]


def test_drift_pairs_files_of_other_folders_by_name(cli, versions, tmp_path):
    new, old = versions
    data = json.loads(cli("stats", "--output-format", "json", "--compare", str(old), "v2", cwd=tmp_path).out)
    files = {f["path"]: f for f in data["drift"]["files"]}
    assert set(files) == {"v2/train.jsonl (was train.jsonl)", "v2/validation.jsonl (was validation.jsonl)"}
    assert files["v2/train.jsonl (was train.jsonl)"]["examples"]["change"] == -10
    (new / "extra.jsonl").write_text('{"messages": [{"role": "user", "content": "Hi"}]}\n')
    data = json.loads(cli("stats", "--output-format", "json", "--compare", str(old), ".", cwd=new).out)
    extra = next(f for f in data["drift"]["files"] if f["path"] == "extra.jsonl")
    assert extra["status"] == "added" and extra["examples"] == {"old": 0, "new": 1, "change": 1}


def test_drift_is_in_the_html_report(cli, versions, tmp_path):
    new, old = versions
    page = tmp_path / "r.html"
    cli("stats", "--compare", str(old), "--fail-on-drift", "examples.decrease", "--html", str(page), ".", cwd=new)
    html = page.read_text("utf-8")
    assert '<section id="drift">' in html and "examples.decrease=0</code> exceeded: train.jsonl" in html
    assert "40 → 30 <b>(-10)</b>" in html


@pytest.mark.parametrize(
    ("args", "error"),
    [
        (["--fail-on-drift", "examples.decrease"], "--fail-on-drift needs --compare"),
        (["--compare", "OLD", "--fail-on-drift", "example.decrease"], "did you mean `examples.decrease`?"),
        (["--compare", "OLD", "--fail-on-drift", "examples.decrease=lots"], "is not a number"),
        (["--compare", "NOT_A_REPORT"], "not a `jsonl-lint stats --output-format json` report"),
        (["--compare", "missing.json"], "--compare missing.json: No such file"),
    ],
)
def test_drift_usage_errors(cli, labelled, tmp_path, args, error):
    (tmp_path / "OLD").write_text(cli("stats", str(labelled), "--output-format", "json").out)
    (tmp_path / "NOT_A_REPORT").write_text(json.dumps({"files": [{"path": 1}]}))
    run = cli("stats", str(labelled), *args, cwd=tmp_path)
    assert run.code == 2 and error in run.err


def test_a_broken_or_hostile_earlier_report_is_compared_as_far_as_it_goes(cli, labelled, tmp_path):
    old = json.loads(cli("stats", str(labelled), "--output-format", "json").out)
    file = old["files"][0]
    file["sizes"]["examples"] = "many"
    file["findings"] = {"D004": "<script>", "C001": 3}
    file["answers"] = {"<img src=x onerror=alert(1)>": 0.5, "neutral": "half"}
    old["files"].append({"path": "<script>alert(1)</script>.jsonl", "split": "<b>", "sizes": {"examples": 2}})
    old["files"].append({"path": "odd.jsonl", "split": 7, "sizes": {"examples": 1}})
    (tmp_path / "old.json").write_text(json.dumps(old))
    page = tmp_path / "r.html"
    run = cli("stats", str(labelled), "--compare", str(tmp_path / "old.json"), "--html", str(page))
    assert run.code == 0, run.err
    html = page.read_text("utf-8")
    assert "<script>alert" not in html and "<img" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;.jsonl" in html
    data = json.loads(
        cli("stats", str(labelled), "--compare", str(tmp_path / "old.json"), "--output-format", "json").out
    )
    kept = next(f for f in data["drift"]["files"] if f["status"] == "kept")
    assert kept["examples"] == {"old": None, "new": 41, "change": None}
    assert kept["rules"]["C001"] == {"old": 3, "new": 0, "change": -3}


def test_many_shares_end_in_one_bar_of_the_others():
    shares = {f"label{i}": 1 / 20 for i in range(20)}
    items = stats_html._shares(shares)
    assert len(items) == stats_html.MAX_BARS and items[-1][0] == f"{20 - stats_html.MAX_BARS + 1} others"
    assert sum(value for _, value, _, _ in items) == pytest.approx(1.0)
