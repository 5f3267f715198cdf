"""The stop-word pass of language evidence: its compiled twin (_language.c) against the Python code, the
reference. The Evidence must be the same to the last bit of every score: the verdicts compare them."""

from __future__ import annotations

import random
import sys

import orjson
import pytest
from conftest import CORPUS, FIXTURE_DIR, ODD_CHARACTERS, ROOT, both, odd_texts, real_examples
from hypothesis import given, settings
from hypothesis import strategies as st

from jsonl_lint.example import Example, Turn
from jsonl_lint.text import language

sys.path.insert(0, str(ROOT / "bench"))
import bench_core  # noqa: E402
import bench_language  # noqa: E402

#: Every word of the lists, as written and capitalised, so that random texts hit many groups.
STOP_WORDS = sorted({word.decode() for word in language.LEXICON})
WORDS = st.sampled_from(STOP_WORDS) | st.sampled_from(STOP_WORDS).map(str.title)


def exactly(found) -> tuple:
    """An Evidence (or the stop-word fields) with its scores as their bits: 0.1 + 0.2 is not 0.3 here."""
    return (*found[:-1], tuple(score.hex() for score in found[-1]))


def test_the_pass_counts_words_letters_and_stop_words():
    found = language.evidence("The cat and the dog, «ça va?» — não!")  # the quotes and the dash are spaces
    assert (found.words, found.letters, found.hits) == (8, 24, 6)  # letters: UTF-8 bytes
    assert found.scores == (3.0, 1.0, 1.0, 1.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0)  # the, and, the; não; va; ça
    assert language.evidence("{x[0]: f(y)} <= $z;") == language.NOTHING  # code, not prose
    assert language.evidence("ığ ığ ığ").scores[language.CODES.index("tr")] == 3.0  # the distinct letters


compiled = pytest.mark.skipif(language._C is None, reason="the compiled accelerator is not built here")


@compiled
@settings(max_examples=500, deadline=None)
@given(odd_texts(400) | st.lists(WORDS | st.sampled_from(ODD_CHARACTERS), max_size=120).map(" ".join))
def test_the_accelerator_gives_the_python_codes_evidence(text):
    fast, reference = both(language, language.evidence, text)
    assert exactly(fast) == exactly(reference)


@compiled
@settings(max_examples=300, deadline=None)
@given(
    st.lists(WORDS | st.sampled_from(ODD_CHARACTERS) | st.text(max_size=4), max_size=3000).map("".join)
    | st.lists(WORDS, min_size=50, max_size=1000).map(" ".join)  # many groups: sums whose order shows
)
def test_the_accelerator_on_long_texts(text):
    """The pass itself, on whole texts rather than evidence's 400-character samples."""
    raw = text.lower().encode(errors="ignore")  # without lone surrogates, as clean() leaves a text
    fast, reference = both(language, language._stop_words, raw)
    assert (fast is None and reference is None) or exactly(fast) == exactly(reference)


#: What clean() removes or looks for, and the whitespace str.strip() strips, in ASCII.
CLEANED = ["<", ">", "<b>", "{", "}", "[", "]", '{"a": 1}', "`", "~", "~~~", "@", "a@b.c", "://", "www.", "http://x"]
CLEANED += ["\x00", "\x1c", "\x1f", "\x0b", " ", "\n", "\t", "A", "Z", "_", "1"]
ASCII = st.sampled_from(CLEANED) | WORDS | st.text(st.characters(max_codepoint=127), max_size=3)


@compiled
@settings(max_examples=600, deadline=None)
@given(
    st.lists(ASCII, max_size=80).map("".join)
    | st.lists(ASCII, max_size=1500).map(" ".join)  # past the 400, 1,600 and 3,200 characters clean() reads
    | st.tuples(st.sampled_from([" ", "\n ", "\x1c"]), st.sampled_from(["[", "{"]), st.lists(WORDS, max_size=5)).map(
        lambda t: t[0] + t[1] + " ".join(t[2]) + t[1].replace("[", "]").replace("{", "}") + t[0]
    )
)
def test_a_plain_ascii_text_is_read_from_the_str_itself(text):
    """_C.plain() takes a text only when clean() leaves it as its sample, and counts it as stop_words() does."""
    taken = language._C.plain(text, language.SAMPLE, language._TWIN_LEXICON)
    if taken is not None:
        sample = text[: language.SAMPLE]
        assert sample == language.clean(text)
        reference = language._C.stop_words(sample.lower().encode(), language._TWIN_LEXICON)
        assert (taken == () and reference is None) or exactly(taken) == exactly((sample, *reference))
    fast, reference = both(language, language.evidence, text)
    assert exactly(fast) == exactly(reference)


@compiled
def test_plain_leaves_every_other_text_to_the_python_code():
    lexicon = language._TWIN_LEXICON
    for text in ["ação e reação", "<p>The end</p>", ' {"role": "user"} ', "Use `x` here", "See www.example.com"]:
        assert language._C.plain(text, language.SAMPLE, lexicon) is None, text
    assert language._C.plain("The " * 700 + "<b>", language.SAMPLE, lexicon) is None  # within 3,200
    assert language._C.plain("The " * 900 + "<b>", language.SAMPLE, lexicon) is not None  # past them
    assert language._C.plain("The " * 500 + "`", language.SAMPLE, lexicon) is not None  # past 1,600
    assert language._C.plain("", language.SAMPLE, lexicon) == ()
    assert language._C.plain("The end.", language.SAMPLE, lexicon)[:4] == ("The end.", 2, 6, 1)
    with pytest.raises(TypeError):
        language._C.plain(b"bytes", language.SAMPLE, lexicon)


#: Texts of conversations: mostly plain ASCII prose, short and long (past SAMPLE and ENOUGH_WORDS), now and
#: then one that the twin leaves to the Python code (markup, JSON, code, non-ASCII) or has no words.
TURN_TEXTS = (
    st.lists(ASCII, max_size=40).map(" ".join)
    | st.lists(WORDS, min_size=30, max_size=300).map(" ".join)
    | st.sampled_from(["", "   ", "\n\x1c", '{"a": 1}', " [1, 2] ", "{not json}", "<b>Hi</b> there", "Olá, tudo bem?"])
    | odd_texts(30)
)
TURNS = st.lists(
    st.tuples(
        st.sampled_from(["system", "user", "assistant", "tool", "model", None, "User"]), TURN_TEXTS, st.booleans()
    ),
    max_size=7,
)


@compiled
@settings(max_examples=800, deadline=None)
@given(TURNS, st.sampled_from([("assistant",), ("model",), ()]))
def test_the_accelerator_gives_the_python_codes_parts(turns, answer_roles):
    """_C.parts() gives _parts()'s evidence, bit for bit, or leaves the example to the Python code."""
    fmt = type("Shape", (), {"answer_roles": answer_roles, "name": "x", "kind": "chat"})()
    example = Example(fmt, {}, [Turn(r, t, f"$.messages[{i}]", n) for i, (r, t, n) in enumerate(turns)])
    fast, reference = both(language, language._parts, example)
    assert [exactly(part) for part in fast[:3]] == [exactly(part) for part in reference[:3]]
    assert fast == reference


@compiled
def test_the_accelerator_leaves_odd_turns_to_the_python_code():
    class Untrue:
        def __bool__(self):
            raise ValueError("no truth")

    lexicon, answer = language._TWIN_LEXICON, ("assistant",)
    for turns in (
        [("user", "Hi there")],  # no turn: too short
        (Turn("user", "Hi there", "$", False),),  # a tuple of turns
        [Turn("user", 1, "$", False)],
        [Turn(type("R", (str,), {})("user"), "a", "$", False)],
        [Turn("assistant", "a", "$", Untrue())],  # its truth raises, in the Python code
    ):
        assert language._C.parts(turns, answer, language.SAMPLE, language.ENOUGH_WORDS, lexicon) is None
    plain = [
        Turn("user", "How are you today, my friend?", "$.messages[0]", False),
        Turn("assistant", "I am fine, thanks.", "$.messages[1]", False),
    ]
    whole, question, answer_fields, index = language._C.parts(
        plain, answer, language.SAMPLE, language.ENOUGH_WORDS, lexicon
    )
    assert (question[0], answer_fields[0], whole[0], index) == (
        plain[0].text,
        plain[1].text,
        f"{plain[0].text}\n{plain[1].text}",
        1,
    )


@compiled
def test_the_accelerator_on_real_examples(tmp_path):
    rng = random.Random(2)
    bench = tmp_path / "bench.jsonl"
    bench_core.generate(str(bench), 1000)
    records = [bench_language.example(rng, *rng.choice([("pt", "en"), ("en", "pt")])) for _ in range(1000)]
    (tmp_path / "languages.jsonl").write_bytes(b"".join(orjson.dumps(r) + b"\n" for r in records))
    folders = [tmp_path, FIXTURE_DIR] + ([CORPUS] if CORPUS.is_dir() else [])
    examples = list(real_examples(*folders))
    assert len(examples) > 5000
    for example in examples:
        fast, reference = both(language, language._parts, example)  # the evidence of each part, and their sums
        assert [exactly(part) for part in fast[:3]] == [exactly(part) for part in reference[:3]], example.record
        assert fast == reference


@compiled
def test_the_accelerator_refuses_lists_it_cannot_read():
    arguments = dict(
        words=language.LEXICON,
        weights=language.GROUP_WEIGHTS,
        languages=len(language.CODES),
        separators=language._SEPARATORS,
        punctuation=[p.encode() for p in language._PUNCTUATION_MARKS],
        symbols=language._CODE_SYMBOLS,
        letters=language._LETTERS,
    )
    language._C.lexicon(*arguments.values())
    for name, wrong in [
        ("punctuation", [b"!"]),  # ASCII: not a character the pass looks for past ASCII
        ("punctuation", [b"\xc2"]),  # a character cut short
        ("letters", [(7, [b""])]),
        ("letters", [(99, [b"\xc4\xb1"])]),  # a language out of range
        ("separators", b" " * 255),
        ("words", {b"x" * 256: 1}),  # longer than a word can be
        ("words", {b"word": len(language.GROUP_WEIGHTS)}),  # a group that has no weights
        ("weights", [(), ((10, 1.0),)]),  # a language out of range
    ]:
        with pytest.raises(ValueError):
            language._C.lexicon(*{**arguments, name: wrong}.values())
    with pytest.raises((TypeError, ValueError)):
        language._C.stop_words(b"text", object())
