"""Near-duplicate machinery: word n-gram shingles, MinHash signatures, LSH band keys, exact Jaccard.

Text is normalised before shingling: lowercased, ASCII punctuation and the
common Unicode punctuation read as spaces, whitespace folded. Words are hashed
with a polynomial hash over their UTF-8 bytes, n consecutive word hashes are
combined into one 64-bit shingle hash; everything runs as a handful of numpy
operations per text, and is the same in every process and on every machine.

Signatures are datasketch's: the affine32 scheme of ``datasketch.MinHash``
(its permutations for ``seed=1``, drawn as datasketch draws them, and its
MurmurHash3 pre-mix), fed the upper 32 bits of each shingle hash, computed for
all shingles at once. tests/text/test_minhash.py checks them against
``MinHash.update_batch``. datasketch itself is not imported at run time: its
package imports scipy.integrate, 0.46 s, more than a whole pre-commit run. Band keys hash ``rows`` consecutive
signature values into 32 bits; banding is chosen for recall at the threshold
(:func:`banding`), and every candidate pair is verified exactly
(:func:`jaccard` of the shingle sets) before it is reported.

Shingles, signatures and band keys have a compiled twin (``_minhash.c``), built by pip where there
is a C compiler: the same values bit for bit, about ten times faster on a 2 KB example. The numpy
code here is the reference, and the fallback where the extension is missing or
``JSONL_LINT_PURE=1`` is set (tests/text/test_minhash.py runs both).
"""

from __future__ import annotations

import os
import re
from collections import Counter
from functools import lru_cache

import numpy as np

from jsonl_lint.text import compiled

NUM_PERM = 128
SEED = 1
#: Shingles whose permuted values are computed together (256 kB: in a core's cache).
BLOCK = 512
#: Probability that a pair exactly at the threshold shares a band; banding picks the
#: most rows per band that still reaches it (fewer false candidates to verify).
RECALL_AT_THRESHOLD = 0.985
#: A template is a run of (at most TEMPLATE_WORDS) words that TEMPLATE_SHARE of a file's
#: texts start or end with, judged on at least TEMPLATE_SAMPLE texts.
TEMPLATE_SHARE = 0.9
TEMPLATE_SAMPLE = 20
TEMPLATE_WORDS = 32
#: Characters of an example's text that are shingled (about 100,000 words, so at most as many shingles):
#: memory stays bounded whatever a record holds (a 60 MB line took 2.5 GB), and two texts this long that
#: share their first 500,000 characters are near-duplicates whatever follows.
SHINGLE_CHARS = 500_000

_U64 = np.uint64
_SPACE = 32
#: ASCII punctuation and whitespace, read as word separators.
_SEPARATORS = bytes(range(0, 48)) + bytes(range(58, 65)) + bytes(range(91, 97)) + bytes(range(123, 128))
_TABLE = bytes(_SPACE if byte in _SEPARATORS else byte for byte in range(256))
#: Common non-ASCII punctuation and spaces (UTF-8), read as spaces as well: Latin-1's
#: (no-break space, inverted marks, guillemets, middle dot), the General Punctuation
#: block's spaces, dashes, quotes and ellipsis, and the CJK and full-width marks.
_UNICODE_PUNCTUATION = re.compile(
    rb"\xc2[\xa0\xa1\xab\xb7\xbb\xbf]|\xe2\x80[\x80-\xbf]|\xe2\x81[\x80-\xaf]|\xe3\x80[\x80-\x91]"
    rb"|\xef\xbc[\x81-\x8f\x9a-\xa0\xbb-\xbf]"
)
_UNICODE_LEADS = (b"\xc2", b"\xe2", b"\xe3", b"\xef")
_BASE = 0x100000001B3  # odd: invertible modulo 2**64
_INVERSE = pow(_BASE, -1, 1 << 64)
#: Words an n-gram holds at most.
MAX_NGRAM = 64
#: The fixed random numbers of the hashes (stable: sketches and band keys never change), read from
#: minhash.seeds, where numpy.random wrote them once (tests/text/test_minhash.py draws them again):
#: importing numpy.random took about 8 ms of every start. In order: the odd multipliers of the
#: MAX_NGRAM positions in an n-gram (``default_rng(20261125)``, uint64), the odd multipliers of the
#: NUM_PERM signature rows in band keys (``default_rng(20261126)``, uint64), and datasketch's
#: ``MinHash(num_perm=NUM_PERM, seed=SEED, scheme="affine32")`` permutations, odd ``a`` and any ``b``
#: (``RandomState(SEED)``, uint32).
with open(os.path.join(os.path.dirname(__file__), "minhash.seeds"), "rb") as _stream:
    _SEEDS = _stream.read()
_POSITION = np.frombuffer(_SEEDS, "<u8", MAX_NGRAM).astype(_U64)
_BAND_MULTIPLIERS = np.frombuffer(_SEEDS, "<u8", NUM_PERM, 8 * MAX_NGRAM).astype(_U64)
_PERMUTATIONS = (
    np.frombuffer(_SEEDS, "<u4", NUM_PERM, 8 * (MAX_NGRAM + NUM_PERM)).astype(np.uint32),
    np.frombuffer(_SEEDS, "<u4", NUM_PERM, 8 * (MAX_NGRAM + NUM_PERM) + 4 * NUM_PERM).astype(np.uint32),
)


#: The compiled twin of shingles, signature, band_keys and sketch, or None.
_C = compiled("_minhash")


class _Powers:
    """BASE**i and BASE**-i modulo 2**64, grown on demand."""

    def __init__(self) -> None:
        self.up = np.ones(0, _U64)
        self.down = np.ones(0, _U64)

    def get(self, n: int) -> tuple[np.ndarray, np.ndarray]:
        if len(self.up) < n:
            size = max(n, 2 * len(self.up), 4096)
            self.up = _power_series(_BASE, size)
            self.down = _power_series(_INVERSE, size)
        return self.up, self.down


def _power_series(base: int, size: int) -> np.ndarray:
    out = np.empty(size, _U64)
    value = 1
    for i in range(size):
        out[i] = value
        value = value * base & 0xFFFFFFFFFFFFFFFF
    return out


_POWERS = _Powers()


def normalise(text: str) -> bytes:
    """Lowercased UTF-8 with every separator a single space byte (not yet folded)."""
    data = text.lower().encode("utf-8", "replace")
    if not data.isascii() and any(lead in data for lead in _UNICODE_LEADS):
        data = _UNICODE_PUNCTUATION.sub(b" ", data)
    return data.translate(_TABLE)


def affixes(texts: list[str], share: float = TEMPLATE_SHARE, minimum: int = TEMPLATE_SAMPLE) -> tuple[bytes, bytes]:
    """The longest run of words that at least ``share`` of ``texts`` start with, and end with (normalised).

    A template's fixed parts (``### Instruction:``, ``TL;DR:``): they make every pair of
    a file's examples look alike, and hide that two files hold the same texts under two
    templates. ``b""`` when there is none, or fewer than ``minimum`` texts to tell.
    """
    if len(texts) < minimum:
        return b"", b""
    # the first and the last TEMPLATE_WORDS + 1 words are all that is read (whether a text holds more than
    # a template of up to TEMPLATE_WORDS words included): a text's other words are never cut out of it
    keep = TEMPLATE_WORDS + 1
    normalised = [normalise(text) for text in texts]
    heads = [data.split(None, keep)[:keep] for data in normalised]
    tails = [data.rsplit(None, keep)[: -keep - 1 : -1] for data in normalised]
    found = []
    for sequences in (heads, tails):
        best: tuple[bytes, ...] = ()
        for size in range(1, TEMPLATE_WORDS + 1):
            # a text must hold more than the template: the rest is what is compared
            counts = Counter(tuple(words[:size]) for words in sequences if len(words) > size)
            if not counts:
                break
            top, count = counts.most_common(1)[0]
            if count < share * len(sequences):
                break
            best = top
        found.append(best)
    prefix, suffix = found
    return b" ".join(prefix), b" ".join(suffix[::-1])


def strip(text: str, prefixes: tuple[bytes, ...], suffixes: tuple[bytes, ...]) -> bytes:
    """``text`` normalised, without the longest of the templates' prefixes and suffixes it has (a text
    longer than SHINGLE_CHARS keeps its suffix: only its start is shingled)."""
    data = normalise(text[:SHINGLE_CHARS])
    if prefixes or suffixes:
        data = b" ".join(data.split())
        prefix = max((p for p in prefixes if data.startswith(p + b" ")), key=len, default=b"")
        if prefix:
            data = data[len(prefix) + 1 :]
        suffix = max((s for s in suffixes if data.endswith(b" " + s)), key=len, default=b"")
        if suffix:
            data = data[: -len(suffix) - 1]
    return data


def _prepared(text: str | bytes) -> bytes:
    """The first SHINGLE_CHARS characters of ``text``, normalised (bytes are taken as normalised already)."""
    return normalise(text[:SHINGLE_CHARS]) if isinstance(text, str) else text[:SHINGLE_CHARS]


def shingles(text: str | bytes, n: int = 5) -> np.ndarray:
    """64-bit hashes of the word n-grams of ``text`` (sorted, unique); a text of fewer words is one shingle.

    ``text`` is a string, or bytes already normalised (:func:`normalise`, :func:`strip`); only its first
    SHINGLE_CHARS characters (bytes) count.
    """
    data = _prepared(text)
    if _C is not None:
        return np.frombuffer(_C.shingles(data, n, _POSITION), _U64)
    size = len(data)
    if not size:
        return np.empty(0, _U64)
    chars = np.frombuffer(data, np.uint8)
    word = np.zeros(size + 2, bool)
    np.not_equal(chars, _SPACE, out=word[1:-1])
    edges = np.flatnonzero(word[1:] != word[:-1])
    if not len(edges):
        return np.empty(0, _U64)
    starts, ends = edges[0::2], edges[1::2]
    up, down = _POWERS.get(size + 1)
    prefix = np.empty(size + 1, _U64)
    prefix[0] = 0
    np.cumsum(chars.astype(_U64) * up[:size], out=prefix[1:])
    words = (prefix[ends] - prefix[starts]) * down[starts]  # each word hashed from position 0
    count = len(words)
    width = min(n, count)
    grams = words[: count - width + 1] * _POSITION[0]
    for i in range(1, width):
        grams += words[i : count - width + 1 + i] * _POSITION[i]
    grams.sort()
    return grams[np.concatenate(([True], grams[1:] != grams[:-1]))]


def _fmix32(values: np.ndarray) -> np.ndarray:
    """MurmurHash3's 32-bit finalizer, as datasketch applies it before its permutations."""
    values = values ^ (values >> np.uint32(16))
    values = values * np.uint32(0x85EBCA6B)
    values = values ^ (values >> np.uint32(13))
    values = values * np.uint32(0xC2B2AE35)
    return values ^ (values >> np.uint32(16))


@lru_cache(maxsize=1)
def _tiled() -> tuple[np.ndarray, np.ndarray]:
    """The permutations' ``a`` and ``b`` repeated for a block of BLOCK shingles."""
    a, b = _PERMUTATIONS
    return np.tile(a, BLOCK), np.tile(b, BLOCK)


def signature(hashes: np.ndarray) -> np.ndarray:
    """The MinHash signature (NUM_PERM uint32) of a non-empty set of 64-bit shingle hashes.

    ``min(a * h + b)`` over the shingles, for each permutation: computed on flat, contiguous
    arrays (a shingle's NUM_PERM values side by side), a block of shingles at a time so that
    it stays in cache; a third of the time of the broadcast ``h[:, None] * a + b``.
    """
    if _C is not None and len(hashes):
        return np.frombuffer(_C.signature(hashes, *_PERMUTATIONS), np.uint32)
    values = _fmix32((hashes >> _U64(32)).astype(np.uint32))
    a, b = _tiled()
    found = None
    for start in range(0, len(values), BLOCK):
        block = values[start : start + BLOCK]
        size = len(block) * NUM_PERM
        permuted = np.repeat(block, NUM_PERM)
        permuted *= a[:size]
        permuted += b[:size]
        least = permuted.reshape(len(block), NUM_PERM).min(axis=0)
        found = least if found is None else np.minimum(found, least)
    return found


def banding(threshold: float, num_perm: int = NUM_PERM) -> tuple[int, int]:
    """(bands, rows): the most rows per band whose banding finds a pair at ``threshold`` often enough."""
    best = (num_perm, 1)
    for rows in range(1, num_perm + 1):
        bands = num_perm // rows
        if 1 - (1 - threshold**rows) ** bands >= RECALL_AT_THRESHOLD:
            best = (bands, rows)
    return best


def band_keys(sig: np.ndarray, bands: int, rows: int) -> bytes:
    """One 32-bit key per band (the band's index is implied by its position)."""
    if _C is not None:
        return _C.band_keys(sig, bands, rows, _BAND_MULTIPLIERS)
    mixed = sig[: bands * rows].astype(_U64) * _BAND_MULTIPLIERS[: bands * rows]
    keys = mixed.reshape(bands, rows).sum(axis=1, dtype=_U64)
    return (keys >> _U64(32)).astype(np.uint32).tobytes()


def sketch(text: str | bytes, n: int, bands: int, rows: int) -> bytes:
    """``band_keys(signature(shingles(text, n)), bands, rows)``, b"" without a word: what the
    near-duplicate rules keep of each example. Compiled, it is one call, and the n-grams are neither
    sorted nor made unique (a minimum needs neither)."""
    if _C is not None:
        if type(text) is str and text.isascii():  # normalised by the twin as it reads it, as normalise() does
            return _C.sketch(text[:SHINGLE_CHARS], n, _POSITION, *_PERMUTATIONS, bands, rows, _BAND_MULTIPLIERS, _TABLE)
        return _C.sketch(_prepared(text), n, _POSITION, *_PERMUTATIONS, bands, rows, _BAND_MULTIPLIERS)
    hashes = shingles(_prepared(text), n)
    return band_keys(signature(hashes), bands, rows) if len(hashes) else b""


def jaccard(a: np.ndarray, b: np.ndarray) -> float:
    """Exact Jaccard similarity of two sorted unique hash arrays."""
    if not len(a) and not len(b):
        return 1.0
    common = len(np.intersect1d(a, b, assume_unique=True))
    return common / (len(a) + len(b) - common)
