"""The text machinery below the rules: whitespace-blind keys, shingles, MinHash and band keys,
the sorting and grouping of dataset reduces, language identification, tokenizers, and the
one-pass content scanner. It imports nothing above it.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from types import ModuleType

from jsonl_lint.twins import twin


def compiled(name: str) -> ModuleType | None:
    """The compiled twin ``jsonl_lint.text.<name>`` of a text module (from ``<name>.c``), or None
    (:func:`jsonl_lint.twins.twin`)."""
    return twin(f"{__name__}.{name}")


def lazy(pattern: str) -> Callable[[], re.Pattern[str]]:
    """A regular expression compiled when first asked for (``lazy(...)()``): the classes of whole scripts
    (re builds their tables a code point at a time, 1 to 3 ms each, which texts in Latin letters never
    need) and the content scan's, which most texts' prefilter never lets run (about 10 ms in all at every
    start, compiled on each)."""
    return functools.cache(lambda: re.compile(pattern))
