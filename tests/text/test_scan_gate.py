"""The content scan's gate and its compiled prefilter (_scan.c): the prefilter may say "maybe" where the
gate finds nothing, but never "no" where it finds something, or the privacy and hygiene rules would
miss findings. It must also say no on ordinary prose, or it only costs time."""

from __future__ import annotations

import re
import sys

import pytest
from conftest import FIXTURE_DIR, ODD_CHARACTERS, ROOT, both, real_examples
from hypothesis import given, settings
from hypothesis import strategies as st

from jsonl_lint.text import scan

sys.path.insert(0, str(ROOT / "bench"))
import bench_core  # noqa: E402

#: Every code point, lone surrogates included.
EVERY_CHARACTER = "".join(map(chr, range(sys.maxunicode + 1)))
#: The classes the prefilter reads, as scan.py writes them for its regexes.
CLASSES = {
    "control": scan.CONTROL_CLASS,
    "cp_leads": scan._CP_LEADS,
    "cp_cont": scan._CP_CONT,
    "mac_leads": scan._MAC_LEADS,
    "mac_cont": scan._MAC_CONT,
}
MOJIBAKE = "".join(scan._members(CLASSES[name]) for name in ("cp_leads", "cp_cont", "mac_leads", "mac_cont"))
#: The literal anchors of the secrets, whole and cut short, and what stands around a phone number.
ANCHORS = [
    "sk-", "sk", "k-", "xoxb-", "xoxs-", "xoxq-", "xox", "-----BEGIN", "----BEGIN", "AKIA", "AKI", "KIA", "ASIA",
    "ASI", "SIA", "AIza", "AIz", "Iza", "ghp_", "ghs_", "gh_", "github_pat_", "github_", "_pat_",
    "SecretAccessKey", "SecretAccessK", "ccessKey", "secret_access", "SECRET_ACCESS", "Secret_Access",
    "\u017fecret_acce\u017f\u017f", "secret_", "_access", "eyJ", "ey", "yJ", "aws_", "=",
]  # fmt: skip
PHONE = "0123456789 ().+-"
#: Pieces that make every kind of string: Latin-1, two-byte and four-byte.
WIDTHS = ["", "é", "€", "😀", "\ud800"]


def maybe(text: str) -> bool:
    return scan._C.may_match(text, scan._TWIN_CLASSES)


def test_the_classes_are_the_regexes_classes():
    """_members reads each class body as the regex engine does (the prefilter's table is built from it)."""
    for name, body in CLASSES.items():
        assert scan._members(body) == "".join(re.findall(f"[{body}]", EVERY_CHARACTER)), name
        assert max(scan._members(body)) < "\U00010000", name  # the table covers the first plane


def test_the_case_insensitive_letters_are_ascii_and_the_long_s():
    """_scan.c matches secret_access in any case: ASCII letters either way, and s also U+017F."""
    for letter in set("secretaccess"):
        assert set(re.findall(f"(?i:{letter})", EVERY_CHARACTER)) == {letter, letter.upper()} | (
            {"\u017f"} if letter == "s" else set()
        )


compiled = pytest.mark.skipif(scan._C is None, reason="the compiled prefilter is not built here")

POSITIVES = [
    "call +55 11 98765-4321 now",
    "(555) 123-4567",
    "020 7946 0958",
    "1234567890 1",
    "+(((((((((1",
    "a 0.........1 b",
    "key sk-abcdefghijklmnop",
    "xoxp-123",
    "-----BEGIN RSA PRIVATE KEY-----",
    "AKIAIOSFODNN7EXAMPLE",
    "ASIAX",
    "AIzaSy",
    "gho_abc",
    "github_pat_11",
    "aws_SECRET_access_key",
    "\u017fecret_acce\u017f\u017f",
    "SecretAccessKey",
    "eyJhbGciOi",
    "esc\x1bhere",
    "nul\x00",
    "del\x7f",
    "zero\u200bwidth",
    "bom\ufeff",
    "replacement\ufffd",
    "café Ã©",
    "naÃ¯ve",
    "â€™",
    "Ã\x81",
    "≈í",
    "‚Ä",
    "√©",
    "\uf8ffü",
]


@compiled
@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("text", POSITIVES)
def test_the_prefilter_says_maybe_where_the_gate_matches(text, width):
    for padded in (text, width + " " + text, text + " " + width, width * 3 + " " + text + " " + width * 3):
        assert scan._GATE().search(padded), padded
        assert maybe(padded), padded


@compiled
@pytest.mark.parametrize("width", WIDTHS)
def test_the_prefilter_says_no_to_near_misses(width):
    """The anchors' neighbours, short phone numbers and lone mojibake characters: no candidate for the gate."""
    for text in [
        "1. First step.\n2. Second step.\n10. Tenth step.",
        "Since 1999, 2024-05-01, 12:30, 3.14159, 1 000 000",
        "12345 6789",  # ten characters
        "           1",  # eleven, but no digit, ( or + to start them
        "Sky-high, well-known, snake_case, Kiwi, SQL, JSON, zebra, Jazz, Asian, ASIDE",
        "AKIa, ASIa, AIZa, gh_x, github-pat, secret-access, SecretAccesKey, ey J",
        "l’été, “quoted” — dash… ¬ alone, √2, ≈ 3",
    ]:
        padded = width + " " + text + " " + width
        assert scan._GATE().search(padded) is None, padded
        assert not maybe(padded), padded


def texts(alphabet, max_size=80):
    pieces = st.sampled_from(alphabet) | st.sampled_from(ANCHORS) | st.characters(exclude_categories=())
    return st.tuples(st.sampled_from(WIDTHS), st.lists(pieces, max_size=max_size).map("".join)).map("".join)


@compiled
@settings(max_examples=3000, deadline=None)
@given(
    texts(PHONE)
    | texts(PHONE + "abcAKSzJ_-")
    | texts(MOJIBAKE + "aé€ ")
    | texts(scan._members(scan.CONTROL_CLASS) + "\u200c\u200d\U0001f600 a")
    | texts(list(ODD_CHARACTERS) + ANCHORS + list(PHONE) + list(MOJIBAKE), 200)
)
def test_the_prefilter_never_says_no_where_the_gate_matches(text):
    assert maybe(text) or scan._GATE().search(text) is None


@compiled
@settings(max_examples=500, deadline=None)
@given(st.text(st.characters(exclude_categories=()), max_size=300))
def test_the_prefilter_on_any_text(text):
    assert maybe(text) or scan._GATE().search(text) is None


def _texts(examples):
    """Each example's texts joined, as _scan gives them to the gate, and each string alone, as scan_text."""
    for example in examples:
        turns = example.turns if example.rejected is None else [*example.turns, example.rejected]
        yield "\n".join(turn.text for turn in turns)
        yield from (turn.text for turn in turns)


@compiled
def test_the_prefilter_on_the_bench_data_and_the_fixtures(tmp_path):
    bench = tmp_path / "bench.jsonl"
    bench_core.generate(str(bench), 2000)
    bench_texts = list(_texts(real_examples(bench)))
    said = [maybe(text) for text in bench_texts]
    assert not any(said)  # prose with numbered lists, capitals and hyphens: nothing to run the regex for
    fixture_texts = list(_texts(real_examples(FIXTURE_DIR)))
    assert len(fixture_texts) > 500
    for text in bench_texts + fixture_texts:
        assert maybe(text) or scan._GATE().search(text) is None, text
        fast, reference = both(scan, scan._gate, text)
        assert fast == reference, text
    assert sum(map(maybe, fixture_texts)) > 20  # the fixtures have secrets, phones and mojibake


@compiled
def test_the_prefilter_on_the_corpus(corpus):
    found = 0
    for text in _texts(real_examples(corpus)):
        said = maybe(text)
        found += said
        assert said or scan._GATE().search(text) is None, text
    assert found


@compiled
def test_the_prefilter_on_long_texts():
    prose = "Plain words, snake_case and well-known Jargon. " * 20_000
    for width in WIDTHS:
        text = width + prose + width
        assert not maybe(text)
        for tail in (" +44 20 7946 0958", " AKIA", "\x1b", "Ã©"):
            assert maybe(text + tail) and scan._GATE().search(text + tail)


@compiled
def test_the_prefilter_refuses_what_it_cannot_read():
    with pytest.raises(TypeError):
        scan._C.may_match(b"bytes", scan._TWIN_CLASSES)
    with pytest.raises(ValueError):
        scan._C.may_match("text", object())
    with pytest.raises(ValueError):
        scan._C.classes("\U0001f600", "", "", "", "")
    with pytest.raises(TypeError):
        scan._C.classes("", "", "", "")


def test_without_the_prefilter_the_gate_runs_the_regex(monkeypatch):
    monkeypatch.setattr(scan, "_C", None)
    assert scan._gate("call +55 11 98765-4321, key AKIAIOSFODNN7EXAMPLE\x1b") == {"P002": 5, "P003": 29, "J004": 48}
    assert scan._gate("Plain prose.") == {}
