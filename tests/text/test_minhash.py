"""Shingles, MinHash signatures (checked against datasketch), banding and exact Jaccard."""

from __future__ import annotations

import random
import re

import numpy as np
import pytest
from conftest import both
from hypothesis import given, settings
from hypothesis import strategies as st

from jsonl_lint.text import minhash


def _words(text: str) -> list[str]:
    """The documented normalisation, written the slow and obvious way."""
    punctuation = "\u00a0\u00a1\u00ab\u00b7\u00bb\u00bf\u2013\u2014\u2018\u2019\u201c\u201d\u2026"
    return re.sub(rf"[\x00-\x2f\x3a-\x40\x5b-\x60\x7b-\x7f{punctuation}]", " ", text.lower()).split()


def _jaccard(a: str, b: str, n: int = 5) -> float:
    def grams(text):
        words = _words(text)
        return {tuple(words[i : i + n]) for i in range(max(len(words) - n + 1, 1))} if words else set()

    x, y = grams(a), grams(b)
    return len(x & y) / len(x | y) if x | y else 1.0


def test_seeds_are_the_numbers_numpy_random_draws():
    """minhash.seeds holds what numpy.random gave when the hashes were fixed; the sketches depend on them."""
    u64 = np.uint64
    position = np.random.default_rng(20261125).integers(1, 1 << 63, minhash.MAX_NGRAM, dtype=u64) * u64(2) + u64(1)
    bands = np.random.default_rng(20261126).integers(1, 1 << 63, minhash.NUM_PERM, dtype=u64) * u64(2) + u64(1)
    gen = np.random.RandomState(minhash.SEED)
    a = gen.randint(0, 1 << 31, minhash.NUM_PERM, dtype=np.uint32) * np.uint32(2) + np.uint32(1)
    b = gen.randint(0, 1 << 32, minhash.NUM_PERM, dtype=np.uint32)
    assert minhash._POSITION.tolist() == position.tolist()
    assert minhash._BAND_MULTIPLIERS.tolist() == bands.tolist()
    assert [p.tolist() for p in minhash._PERMUTATIONS] == [a.tolist(), b.tolist()]
    assert {p.dtype for p in minhash._PERMUTATIONS} == {np.dtype(np.uint32)}


def test_signatures_are_datasketchs():
    datasketch = pytest.importorskip("datasketch")
    text = " ".join(f"word{i}" for i in range(1_300))  # more shingles than one block of the computation
    hashes = minhash.shingles(text)
    assert len(hashes) > minhash.BLOCK * 2
    reference = datasketch.MinHash(num_perm=minhash.NUM_PERM, seed=minhash.SEED, hashfunc=int)
    reference.update_batch([int(h) >> 32 for h in hashes])
    assert np.array_equal(reference.hashvalues, minhash.signature(hashes))


def test_normalisation_ignores_case_punctuation_and_spacing():
    assert np.array_equal(
        minhash.shingles("Hello,   World! «Olá» — mundo…\n¿Qué tal?"),
        minhash.shingles("hello world olá mundo qué tal"),
    )
    assert not np.array_equal(minhash.shingles("hello world"), minhash.shingles("world hello"))


def test_short_texts_are_one_shingle_and_empty_texts_none():
    assert len(minhash.shingles("two words")) == 1
    assert len(minhash.shingles("one two three four five six")) == 2
    assert len(minhash.shingles("")) == 0 and len(minhash.shingles(" !? ")) == 0


@pytest.mark.parametrize("threshold", [0.5, 0.7, 0.8, 0.9, 0.95])
def test_banding_finds_pairs_at_the_threshold(threshold):
    bands, rows = minhash.banding(threshold)
    assert bands * rows <= minhash.NUM_PERM
    assert 1 - (1 - threshold**rows) ** bands >= minhash.RECALL_AT_THRESHOLD


def test_exact_jaccard_matches_a_set_computation():
    rng = random.Random(3)
    vocabulary = [f"w{i}" for i in range(40)]
    for _ in range(50):
        a = " ".join(rng.choice(vocabulary) for _ in range(rng.randint(0, 30)))
        b = " ".join(rng.choice(vocabulary) for _ in range(rng.randint(0, 30)))
        assert minhash.jaccard(minhash.shingles(a), minhash.shingles(b)) == pytest.approx(_jaccard(a, b))


def test_similar_texts_share_a_band_and_different_ones_do_not():
    rng = random.Random(5)
    base = [f"w{rng.randint(0, 10_000)}" for _ in range(200)]
    near = base[:100] + ["changed"] + base[101:]
    other = [f"w{rng.randint(0, 10_000)}" for _ in range(200)]
    bands, rows = minhash.banding(0.8)

    def keys(words):
        data = minhash.band_keys(minhash.signature(minhash.shingles(" ".join(words))), bands, rows)
        return np.frombuffer(data, np.uint32)

    assert (keys(base) == keys(near)).any()
    assert not (keys(base) == keys(other)).any()


@settings(max_examples=200, deadline=None)
@given(st.text())
def test_any_text_shingles_deterministically(text):
    first = minhash.shingles(text)
    assert np.array_equal(first, minhash.shingles(text))
    assert np.all(first[1:] > first[:-1])  # sorted and unique
    if len(first):
        assert len(minhash.signature(first)) == minhash.NUM_PERM
    assert minhash.jaccard(first, first) == 1.0


def test_templates_are_the_words_most_texts_start_and_end_with():
    texts = [f"### Instruction: item {i} is here. TL;DR:" for i in range(19)] + ["No template at all"]
    assert minhash.affixes(texts) == (b"instruction item", b"is here tl dr")
    assert minhash.affixes(texts[:10]) == (b"", b"")  # too few to tell
    assert minhash.strip("### Instruction: item 7 is here. TL;DR:", (b"instruction item",), (b"is here tl dr",)) == b"7"
    assert minhash.strip("Other text", (b"instruction",), ()) == minhash.normalise("Other text")
    assert minhash.strip("A b c d e", (b"a", b"a b"), (b"e", b"d e")) == b"c"  # the longest that matches


def _affix(texts: list[str], from_end: bool) -> bytes:
    """The longest run of words that 90% of ``texts`` start (or end) with and hold more than, the slow way."""
    runs = [minhash.normalise(text).split() for text in texts]
    runs = [words[::-1] for words in runs] if from_end else runs
    best: list[bytes] = []
    for size in range(1, minhash.TEMPLATE_WORDS + 1):
        starts = [tuple(words[:size]) for words in runs if len(words) > size]
        top = max(set(starts), key=starts.count, default=None)
        if top is None or starts.count(top) < minhash.TEMPLATE_SHARE * len(texts):
            break
        best = list(top)
    return b" ".join(best[::-1] if from_end else best)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.sampled_from("a b the ### Instruction: Response: TL;DR: ok".split()), max_size=45),
    st.lists(st.sampled_from("a b x y TL;DR: end.".split()), max_size=45),
    st.lists(st.tuples(st.integers(0, 60), st.integers(0, 19), st.integers(0, 19)), min_size=20, max_size=30),
    st.randoms(use_true_random=False),
)
def test_templates_read_only_the_ends_of_each_text(prefix, suffix, shapes, rng):
    """Long templates, texts shorter and longer than them, some without them: what the first and
    last words give is what all the words give."""
    texts = []
    for middle, prefix_roll, suffix_roll in shapes:  # a roll of 0 (1 in 20): without it
        words = [rng.choice(["one", "two", "three", "the"]) for _ in range(middle)]
        texts.append(" ".join((prefix if prefix_roll else []) + words + (suffix if suffix_roll else [])))
    assert minhash.affixes(texts) == (_affix(texts, False), _affix(texts, True))


# The compiled twin (_minhash.c) against the numpy reference. CI builds it (a C compiler is there),
# so both paths run there; without the extension these tests are skipped and say why (and
# tests/text/test_compiled.py fails where there was a compiler).
compiled = pytest.mark.skipif(minhash._C is None, reason="the compiled accelerator is not built here")


@compiled
@settings(max_examples=300, deadline=None)
@given(
    st.text(st.characters(codec="utf-8")) | st.text("ab .", max_size=400) | st.text(st.characters(max_codepoint=127)),
    st.integers(1, minhash.MAX_NGRAM),
)
def test_the_accelerator_gives_the_numpys_shingles_signatures_and_band_keys(text, n):
    """Texts in ASCII (every case and separator) are normalised by the twin itself: the sketch is the same."""
    fast, reference = both(minhash, minhash.shingles, text, n)
    assert fast.dtype == reference.dtype and np.array_equal(fast, reference)
    bands, rows = minhash.banding(0.8)
    assert both(minhash, minhash.sketch, text, n, bands, rows) == (minhash.sketch(text, n, bands, rows),) * 2
    if len(reference):
        fast, reference = both(minhash, minhash.signature, reference)
        assert fast.dtype == reference.dtype and np.array_equal(fast, reference)
        keys = minhash.band_keys(reference, bands, rows)
        assert both(minhash, minhash.band_keys, reference, bands, rows) == (keys, keys)
    else:
        assert minhash.sketch(text, n, bands, rows) == b""


@compiled
def test_the_accelerator_on_long_texts_and_every_banding():
    rng = random.Random(7)
    text = " ".join(rng.choice(["ab", "cd", "éf", "gh", "x"]) for _ in range(60_000))
    fast, reference = both(minhash, minhash.shingles, text, 5)
    assert np.array_equal(fast, reference) and len(reference) > 1000
    for threshold in (0.5, 0.8, 0.95):
        bands, rows = minhash.banding(threshold)
        keys = both(minhash, minhash.sketch, text, 5, bands, rows)
        assert keys[0] == keys[1] and len(keys[0]) == 4 * bands


@compiled
def test_the_accelerators_signature_for_any_number_of_permutations():
    """The twin computes its minima a block of 32 permutations at a time, then the rest one by one."""
    hashes = minhash.shingles(" ".join(f"w{i % 97}" for i in range(700)), 5)
    a, b = minhash._PERMUTATIONS
    for count in (1, 31, 32, 33, 64, 100, 127, 128):
        fast = np.frombuffer(minhash._C.signature(hashes, a[:count], b[:count]), np.uint32)
        values = minhash._fmix32((hashes >> np.uint64(32)).astype(np.uint32))
        expected = (a[:count, None] * values[None, :] + b[:count, None]).min(axis=1)
        assert np.array_equal(fast, expected), count
    assert np.array_equal(minhash.signature(hashes[:1]), both(minhash, minhash.signature, hashes[:1])[1])


@compiled
def test_the_accelerator_refuses_what_numpy_cannot_do():
    with pytest.raises(ValueError, match="n-gram"):
        minhash._C.shingles(b"a b c", minhash.MAX_NGRAM + 1, minhash._POSITION)
    with pytest.raises(ValueError, match="bands"):
        minhash._C.band_keys(np.zeros(4, np.uint32), 3, 2, minhash._BAND_MULTIPLIERS)
    arguments = (5, minhash._POSITION, *minhash._PERMUTATIONS, 16, 8, minhash._BAND_MULTIPLIERS)
    for text, table in (("não", minhash._TABLE), ("ascii", None), ("ascii", b"short")):
        with pytest.raises(ValueError, match="ASCII"):
            minhash._C.sketch(text, *arguments, *([table] if table is not None else []))
