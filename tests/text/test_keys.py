"""The whitespace-blind keys, and their compiled twin (_keys.c) against the Python code, the reference:
users' baselines hold the keys (fingerprints, group ids), so the two must give the same bytes."""

from __future__ import annotations

import random
import sys

import pytest
from conftest import CORPUS, FIXTURE_DIR, ROOT, both, odd_texts, real_examples
from hypothesis import given, settings
from hypothesis import strategies as st

from jsonl_lint.example import Example, Turn
from jsonl_lint.formats import FORMATS
from jsonl_lint.text import keys

sys.path.insert(0, str(ROOT / "bench"))
import bench_core  # noqa: E402

ROLES = ["system", "user", "assistant", "tool", None, "", "Assistant", " user"]


def example(turns: list[tuple[str | None, str]], rejected: str | None = None) -> Example:
    return Example(
        FORMATS["openai-chat"],
        {},
        [Turn(role, text, f"$.messages[{i}]", False) for i, (role, text) in enumerate(turns)],
        rejected=None if rejected is None else Turn("assistant", rejected, "$.rejected", False),
    )


def test_keys_ignore_whitespace_but_not_where_texts_end():
    plain = example([("user", "Hello there"), ("assistant", "Hi!")])
    assert keys._keys(plain) == keys._keys(example([("user", " Hello\tthere\n"), ("assistant", "H i !\r\n")]))
    assert keys._keys(plain) != keys._keys(example([("user", "Hello there!"), ("assistant", "Hi")]))
    # a text that holds the separators keys put between texts is not the two texts
    one = example([("user", "a\x00\x02user\x00\x02b"), ("assistant", "c")])
    assert keys._keys(one) != keys._keys(example([("user", "a"), ("user", "b"), ("assistant", "c")]))
    assert keys._keys(one) == keys._keys(example([("user", "a\x00\x02 user\x00\x02b"), ("assistant", "c")]))


compiled = pytest.mark.skipif(keys._C is None, reason="the compiled accelerator is not built here")


@compiled
@settings(max_examples=500, deadline=None)
@given(st.lists(st.lists(odd_texts(), max_size=4), min_size=4, max_size=4))
def test_the_accelerator_strips_as_the_python_code_does(groups):
    fast, reference = both(keys, keys._stripped, *groups)
    assert list(fast) == reference


@compiled
@settings(max_examples=500, deadline=None)
@given(
    st.lists(st.tuples(st.sampled_from(ROLES) | odd_texts(8), odd_texts()), max_size=8),
    st.none() | odd_texts(),
)
def test_the_accelerator_gives_the_python_codes_keys(turns, rejected):
    fast, reference = both(keys, keys._keys, example(turns, rejected))
    assert fast == reference


#: ASCII around the whitespace keys delete: each of it, the bytes next to its range, and letters.
_ASCII_EDGES = " \t\n\r\x0b\x0c\x08\x0e\x1c\x1f!~\x7fab"


@compiled
@settings(max_examples=500, deadline=None)
@given(st.lists(st.text(st.sampled_from(_ASCII_EDGES), max_size=100), max_size=6))
def test_the_accelerator_strips_ascii_16_bytes_at_a_time_as_the_python_code_does(texts):
    """An ASCII text without NUL is stripped 16 bytes at a time (where the processor can): every length
    around the blocks, every mask of kept bytes."""
    fast, reference = both(keys, keys._stripped, texts, texts[::-1], texts[:1], [])
    assert list(fast) == reference


@compiled
def test_the_accelerator_on_long_and_wide_texts():
    rng = random.Random(11)
    alphabet = "ab \n\t\x00é€😀\ud800"
    texts = ["".join(rng.choice(alphabet) for _ in range(size)) for size in (0, 1, 5_000, 200_000)]
    for kind in ("a", "é", "€", "😀"):  # every width of string, the longest at each
        texts.append(kind * 70_000 + " ")
    fast, reference = both(keys, keys._stripped, texts, texts[::-1], texts[:1], [])
    assert list(fast) == reference


@compiled
def test_the_accelerator_refuses_what_is_not_text():
    with pytest.raises(TypeError):
        keys._C.stripped(["a", 1], [], [], [])
    with pytest.raises(TypeError):
        keys._C.stripped(("a",), [], [], [])


@compiled
def test_the_accelerator_leaves_odd_turns_to_the_python_code():
    """keys() gives None, and the Python code the keys, for turns that are no list of str roles and texts."""
    answer = ("assistant",)
    for turns, rejected in [
        ((Turn("user", "a", "$", False),), None),  # a tuple of turns
        ([Turn("user", 1, "$", False)], None),  # a text that is no str
        ([Turn(type("Role", (str,), {})("user"), "a", "$", False)], None),  # a subclass of str
        ([("user",)], None),
        ([Turn("user", "a", "$", False)], Turn("assistant", None, "$.rejected", False)),
    ]:
        assert keys._C.keys(turns, answer, rejected, keys.sha1) is None
    found = example([("user", "a")])
    assert keys._keys(found) == both(keys, keys._keys, found)[1]


@compiled
def test_the_accelerator_on_real_examples(tmp_path):
    path = tmp_path / "bench.jsonl"
    bench_core.generate(str(path), 2000)
    folders = [path, FIXTURE_DIR] + ([CORPUS] if CORPUS.is_dir() else [])
    examples = list(real_examples(*folders))
    assert len(examples) > 5000
    for found in examples:
        fast, reference = both(keys, keys._keys, found)
        assert fast == reference, found.record
