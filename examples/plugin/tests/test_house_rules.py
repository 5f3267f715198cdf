"""The house rules, tested with jsonl_lint.testing: these JSONL lines give these codes."""

import pytest

from jsonl_lint import docs
from jsonl_lint.plugins import registry
from jsonl_lint.testing import assert_codes

PROMPT = "You are the support assistant of Example Corp."


def chat(answer, system=PROMPT):
    turns = [
        {"role": "user", "content": "Classify: the parcel came a day early."},
        {"role": "assistant", "content": answer},
    ]
    return {"messages": ([{"role": "system", "content": system}] if system else []) + turns}


def test_the_rules_are_registered_with_their_pages():
    rules = registry()
    assert rules["H001"].name == "required-system-prompt" and rules["H002"].name == "label-balance"
    assert docs.page("H001").startswith("# H001 required-system-prompt")
    assert docs.page("H002").startswith("# H002 label-balance")


def test_h001_a_conversation_needs_a_system_prompt():
    assert_codes([chat("positive"), chat("positive", system=None), chat("positive")], {"H001": [2]})


def test_h001_the_system_prompt_must_be_the_configured_one():
    lines = [
        chat("positive"),
        chat("positive", system="You are a helpful assistant."),
        chat("positive", system=f" {PROMPT}\n"),
    ]
    assert_codes(lines, {"H001": [2]}, config={"H001": {"system-prompt": PROMPT}})
    assert_codes(lines, {}, select=["H001"])  # without the option, any system prompt will do


def test_h001_reads_every_format():
    claude = {"system": "You are a helpful assistant.", "messages": chat("Hello", system=None)["messages"]}
    config = {"profile": "auto", "required-system-prompt": {"system-prompt": PROMPT}}  # the table named by name
    assert_codes([claude], {"H001": [1]}, config=config)


LABELS = {"H002": {"labels": ["positive", "negative", "neutral"]}}


@pytest.mark.parametrize(
    "answers, expected",
    [
        (["positive", "negative", "neutral", "positive"], {}),
        (["positive", "positive", "negative", "neutral", "positive"], {"H002": [1]}),  # 60% > 50%, at its first example
        (["negative", "positive", "Not sure, sorry."], {"H002": [None]}),  # no `neutral`: at the file
        (["positive", "negative", "neutral"] * 3, {}),
    ],
)
def test_h002_label_balance(answers, expected):
    assert_codes([chat(answer) for answer in answers], expected, select=["H002"], config=LABELS)


def test_h002_options_and_held_out_files():
    answers = [chat(a) for a in ["positive", "positive", "negative", "neutral", "positive"]]
    assert_codes(answers, {}, select=["H002"], config={"H002": {**LABELS["H002"], "max-label-share": 0.6}})
    assert_codes(answers, {}, select=["H002"], config=LABELS, path="validation.jsonl")
    assert_codes(answers, {}, select=["H002"])  # no labels: the rule is off
