"""Degenerate text (C012): an answer made mostly of one phrase or sentence repeated, as a generation
loop writes it (``Eat a banana!`` 2,000 times).

A loop covers the middle and the end of the text, so a piece of :data:`PROBE` characters taken
there repeats :data:`MIN_REPEATS` times or more: two ``str.count`` calls (under 1 us for an
answer) set almost every text aside. The rest compresses like nothing else: on the corpus (4,168
answers of 200 characters or more) zlib at level 1 keeps 28% or more of every answer, code and
tables included, and 0.7% of the 26,000-character banana loop. So a text is looked at only when
zlib keeps under :data:`MAX_COMPRESSED` of it (zlib costs about 30 us a call, most of it setting
up); then
it is cut into sentences and lines, and degenerate when one of them, :data:`MIN_REPEATS` times or
more, covers :data:`MIN_SHARE` of it, or, for a loop without sentence marks (``I am here for you I
am here for you``), when its words repeat with one period of at most :data:`MAX_PERIOD` words.
"""

from __future__ import annotations

import re
import zlib
from collections import Counter
from typing import NamedTuple

MIN_CHARS = 200
PROBE = 24
MAX_COMPRESSED = 0.2
MIN_REPEATS = 4
MIN_SHARE = 0.5
MAX_PERIOD = 30
#: Words a period is looked for in (a loop shows in its first few thousand words)
PERIOD_WORDS = 4000
_UNIT = re.compile(r"[^.!?。！？\n]+[.!?。！？]*")


class Repeat(NamedTuple):
    unit: str  # the phrase, as first written
    count: int
    share: float  # of the text's characters (its whitespace aside) that its repeats cover


def degenerate(text: str) -> Repeat | None:
    """The phrase that ``text`` mostly repeats, or None for text that is not a loop."""
    size = len(text)
    if size < MIN_CHARS:
        return None
    # A loop that covers half the text holds its middle and its last fifth: a piece of each repeats
    # (str.count, C speed: 0.3 us for 1 kB). Text that passes this is rare, and zlib decides.
    middle, end = size // 2, size * 4 // 5 - PROBE
    if text.count(text[middle : middle + PROBE]) < MIN_REPEATS and text.count(text[end : end + PROBE]) < MIN_REPEATS:
        return None
    data = text.encode("utf-8", "surrogatepass")
    if len(zlib.compress(data, 1)) >= MAX_COMPRESSED * len(data):
        return None
    units = [match.group().strip() for match in _UNIT.finditer(text)]
    units = [unit for unit in units if unit]
    counts = Counter(" ".join(unit.lower().split()) for unit in units)
    total = sum(len(key) * n for key, n in counts.items()) or 1
    key, count = counts.most_common(1)[0]
    share = len(key) * count / total
    if count >= MIN_REPEATS and share >= MIN_SHARE and sum(c.isalpha() for c in key) >= 3:
        first = next(unit for unit in units if " ".join(unit.lower().split()) == key)
        return Repeat(first, count, share)
    return _periodic(text.split()[:PERIOD_WORDS])


def _periodic(words: list[str]) -> Repeat | None:
    """A loop of words: the shortest period at which nearly every word repeats the one before it."""
    size = len(words)
    for period in range(1, min(MAX_PERIOD, size // MIN_REPEATS) + 1):
        same = sum(a == b for a, b in zip(words[:-period], words[period:], strict=True))
        share = same / (size - period)
        if share >= 0.8:
            unit = " ".join(words[:period])
            if sum(c.isalpha() for c in unit) >= 3:
                return Repeat(unit, size // period, share)
    return None
