"""Acceptance runs on the real third-party datasets in ../shared/corpus (skipped without it).

The expected findings are the defects ../shared/corpus/README.md lists for the
core rules; the files are never copied into the project.
"""

from __future__ import annotations

from collections import Counter

import pytest

from jsonl_lint import Settings, Severity, lint

pytestmark = pytest.mark.corpus


def run(corpus, *names, **settings):
    return lint([str(corpus / name) for name in names], Settings(**settings))


def codes(result, path_part=""):
    """Occurrences per code (a finding collapsed over many lines counts each of them)."""
    found: Counter = Counter()
    for d in result.diagnostics:
        if path_part in d.path:
            found[d.code] += d.count
    return found


def test_duorc_189_exact_duplicates(corpus):
    result = run(corpus, "self-instruct/duorc_SelfRC_title_generation.jsonl")
    [duplicates] = [d for d in result.diagnostics if d.code == "D004"]  # on most lines: one finding, counted
    assert duplicates.count == 189 and len(duplicates.lines) == 189
    assert duplicates.related and duplicates.related[0].line < duplicates.line
    listed = lint([str(corpus / "self-instruct/duorc_SelfRC_title_generation.jsonl")], Settings(), collapse=False)
    each_one = [d for d in listed.diagnostics if d.code == "D004"]
    assert len(each_one) == 189 and all(d.related and d.related[0].line < d.line for d in each_one)


@pytest.mark.parametrize("name", ["gigaword_TLDR", "gigaword_in_a_nutshell", "gigaword_reverse_writing"])
def test_gigaword_15_duplicates_each(corpus, name):
    assert codes(run(corpus, f"self-instruct/{name}.jsonl"))["D004"] == 15


def test_empty_file(corpus):
    result = run(corpus, "self-instruct/trec_fine_grained_ABBR.jsonl")
    assert [(d.code, d.message) for d in result.diagnostics] == [("F008", "File is empty")]


def test_git_lfs_pointer(corpus):
    result = run(corpus, "hh-rlhf/helpful-base/test.jsonl.gz")
    assert [d.code for d in result.diagnostics] == ["F006"]
    assert "Git LFS pointer" in result.diagnostics[0].message


def test_gzipped_jsonl_is_read(corpus):
    plain = run(corpus, "hh-rlhf/harmless-base/test.jsonl")
    gzipped = run(corpus, "hh-rlhf/harmless-base/test.jsonl.gz")
    assert plain.sources[0].records == gzipped.sources[0].records == 2312
    assert [d.message for d in plain.diagnostics] == [d.message for d in gzipped.diagnostics]


def test_toy_chat_line_4_has_no_user_message(corpus):
    result = run(corpus, "openai-cookbook/toy_chat_fine_tuning.jsonl")
    found = [(d.line, d.code) for d in result.diagnostics if d.line is not None]
    assert (4, "C007") in found
    assert "no user message" in next(d.message for d in result.diagnostics if d.code == "C007")
    assert codes(result)["D001"] == 1  # 5 examples, the minimum is 10


def test_message_key_typo(corpus):
    result = run(corpus, "mental-health-message-key")
    typos = [d for d in result.diagnostics if d.code == "S001"]
    assert {d.path.rsplit("/", 1)[-1] for d in typos} == {"train.jsonl", "validation.jsonl"}
    assert all("did you mean `messages`?" in d.message for d in typos)
    # one finding per file, with the count of the lines like it
    assert "94 more lines" in next(d.message for d in typos if d.path.endswith("train.jsonl"))


@pytest.mark.parametrize(
    "path",
    ["openai-cookbook/drone_training.jsonl", "together-coqa/small_coqa_10.jsonl", "turkish-daily-dialogues"],
)
def test_clean_openai_chat_files_have_no_errors(corpus, path):
    result = run(corpus, path)
    assert result.errors == []
    assert [d for d in result.diagnostics if d.severity is Severity.ERROR and d.code not in ("D001",)] == []
    assert sum(s.formats["openai-chat"] for s in result.sources) == sum(s.records for s in result.sources)


def test_turkish_metadata_keys_are_unknown_key_warnings(corpus):
    result = run(corpus, "turkish-daily-dialogues/validation.jsonl")
    unknown = [d for d in result.diagnostics if d.code == "S003"]
    assert len(unknown) == 1 and "524 more lines" in unknown[0].message
    assert "conversation_id" in unknown[0].message
    # validation splits are not held to the example counts
    assert codes(result)["D001"] == codes(result)["D002"] == 0


@pytest.mark.parametrize(
    "path, hint",
    [
        ("unsloth-ana-sharegpt-pt/treino.jsonl", "ShareGPT"),
        ("abacaj-fine-tune-mistral/validation.jsonl", "Alpaca"),
        ("qlora-llama2-pt-qa/treino.jsonl", "rename `response` to `completion`"),
        ("hh-rlhf/harmless-base/test.jsonl", "Anthropic HH"),
        ("mlx-lora-wikisql/train.jsonl", '{"text"}'),
    ],
)
def test_other_formats_are_named(corpus, path, hint):
    result = run(corpus, path)
    unknown = [d for d in result.diagnostics if d.code == "S001"]
    assert len(unknown) == 1 and hint in unknown[0].message


def test_sharegpt_file_without_final_newline(corpus):
    assert codes(run(corpus, "unsloth-ana-sharegpt-pt/treino.jsonl"))["F005"] == 1


def test_whole_corpus_runs_clean_of_internal_errors(corpus):
    result = run(corpus, ".")
    assert result.errors == []
    files = [p for p in corpus.rglob("*") if p.name.endswith((".jsonl", ".jsonl.gz"))]
    assert len(files) >= 24  # the corpus grows: 34 .jsonl files and 2 .jsonl.gz on 2026-12-01
    assert len(result.sources) == len(files)
    assert sum(s.records for s in result.sources) > 9000


# -- `--profile auto`: every dataset is classified, and valid files are not called broken ----------

AUTO_FORMATS = {
    "abacaj-fine-tune-mistral/validation.jsonl": "alpaca",
    "hh-rlhf/harmless-base/test.jsonl": "hh-preference",
    "mlx-lora-wikisql/train.jsonl": "text",
    "mlx-lora-wikisql/valid.jsonl": "text",
    "openai-cookbook/drone_training.jsonl": "openai-chat",  # with tools and tool calls
    "openai-cookbook/toy_chat_fine_tuning.jsonl": "openai-chat",
    "self-instruct/gigaword_TLDR.jsonl": "openai-completion",
    "together-coqa/small_coqa_10.jsonl": "openai-chat",
    "turkish-daily-dialogues/test.jsonl": "openai-chat",
    "unsloth-ana-sharegpt-pt/treino.jsonl": "sharegpt",
}


@pytest.mark.parametrize("path, fmt", sorted(AUTO_FORMATS.items()))
def test_auto_classifies_and_accepts_valid_files(corpus, path, fmt):
    result = run(corpus, path, profile="auto")
    source = result.sources[0]
    assert dict(source.formats) == {fmt: source.records}
    shape = [d for d in result.diagnostics if d.code in ("S001", "S002", "S004")]
    assert shape == []


@pytest.mark.parametrize(
    "path, hint",
    [
        ("qlora-llama2-pt-qa/treino.jsonl", "rename `response` to `completion`"),
        ("mental-health-message-key/train.jsonl", "did you mean `messages`?"),
    ],
)
def test_auto_names_the_near_miss(corpus, path, hint):
    unknown = [d for d in run(corpus, path, profile="auto").diagnostics if d.code == "S001"]
    assert len(unknown) == 1 and hint in unknown[0].message


def test_auto_finds_the_empty_chosen_answers_of_hh(corpus):
    result = run(corpus, "hh-rlhf/harmless-base/test.jsonl", profile="auto")
    assert [(d.line, d.message) for d in result.diagnostics if d.code == "C011"] == [
        (line, "Preferred answer is empty") for line in (87, 517, 926, 1104)
    ]


def test_auto_finds_duplicates_in_every_format(corpus):
    assert codes(run(corpus, "unsloth-ana-sharegpt-pt/treino.jsonl", profile="auto"))["D004"] == 10
    # one exact duplicate and one that differs only by a doubled space
    assert codes(run(corpus, "mlx-lora-wikisql/train.jsonl", profile="auto"))["D004"] == 2


def test_auto_reports_mixed_formats(tmp_path):
    path = tmp_path / "train.jsonl"
    path.write_text(
        '{"messages":[{"role":"user","content":"Hi"},{"role":"assistant","content":"Hello"}]}\n'
        '{"conversations":[{"from":"human","value":"Hi"},{"from":"gpt","value":"Hey"}]}\n'
        '{"messages":[{"role":"user","content":"Yo"},{"role":"assistant","content":"Hello"}]}\n'
    )
    result = lint([str(path)], Settings(profile="auto", select=["S"]))
    assert [(d.line, d.code) for d in result.diagnostics] == [(2, "S004")]
    assert "ShareGPT" in result.diagnostics[0].message


# -- conflicting answers and leakage -----------------------------------------------------------


@pytest.mark.parametrize("dataset", ["mlx-lora-wikisql", "turkish-daily-dialogues", "qlora-llama2-pt-qa"])
def test_clean_controls_have_no_leakage(corpus, dataset):
    result = run(corpus, dataset, profile="auto")
    assert {s.split for s in result.sources} & {"validation", "test"}  # the controls do have held-out splits
    assert [d for d in result.diagnostics if d.code.startswith("V")] == []


def test_conflicting_answers(corpus):
    # the corpus README: 17 prompts with conflicting completions; one of them has three answers. Line 131's
    # completion is line 72's without one comma: a near-copy (D005), not another answer
    reverse = run(corpus, "self-instruct/gigaword_reverse_writing.jsonl", profile="auto")
    conflicts = [d for d in reverse.diagnostics if d.code == "D006"]
    assert len({d.related[0].line for d in conflicts}) == 16
    [copy] = [d for d in reverse.diagnostics if d.code == "D005" and d.line == 131]
    assert copy.related[0].line == 72 and copy.message.startswith("Same prompt as the example at line 72 and a 100%")
    assert codes(run(corpus, "unsloth-ana-sharegpt-pt/treino.jsonl", profile="auto"))["D006"] == 2


def test_template_pair_is_found_as_near_duplicates(corpus):
    """The same gigaword sentences under `TL;DR:` and `In a nutshell,`: 0 exact overlap, near-duplicates."""
    paths = [str(corpus / f"self-instruct/gigaword_{name}.jsonl") for name in ("TLDR", "in_a_nutshell")]
    result = lint(paths, Settings(), collapse=False)
    near = [d for d in result.diagnostics if d.code == "D005" and "nutshell" in d.path]
    exact = [d for d in result.diagnostics if d.code == "D004" and "nutshell" in d.path]
    assert len(near) >= 180 and len(near) + len(exact) == 200  # each line: its TLDR twin, or a repeat in the file
    across = [d for d in near if "TLDR" in d.related[0].path]
    assert len(across) >= 180 and all(d.related[0].line <= d.line for d in across)


def test_turkish_dialogues_have_no_near_duplicates(corpus):
    result = run(corpus, "turkish-daily-dialogues", profile="auto")
    assert sum(s.records for s in result.sources) > 1000
    assert [d for d in result.diagnostics if d.code in ("D005", "V002")] == []
