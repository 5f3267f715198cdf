"""Shared text machinery for content rules: normalisation and stable hashes."""

from __future__ import annotations

from hashlib import sha1
from typing import NamedTuple

from jsonl_lint.formats import FORMATS, Example

#: Whitespace that keys ignore: ASCII spaces, tabs, line breaks and form feeds.
_WHITESPACE = b" \t\n\r\x0b\x0c"


def stable_hash(data: bytes) -> int:
    """A 64-bit hash that is the same in every process and on every machine."""
    return int.from_bytes(sha1(data).digest()[:8], "little")


class Keys(NamedTuple):
    """Whitespace-blind hashes of an example's parts; ``prompt`` and ``answer`` are None without an answer."""

    example: int  # every turn, the rejected answer too
    content: int  # every turn but the system ones
    system: int  # the system turns
    prompt: int | None  # the other turns before the final answer
    answer: int | None  # the final answer (and the rejected one of a preference pair)


def _hash(parts: list[str]) -> int:
    joined = "\x00\x02".join(parts)
    if joined.count("\x00") != len(parts) - 1:  # a NUL in the text itself: escape it
        joined = "\x00\x02".join(part.replace("\x00", "\x00\x01") for part in parts)
    return stable_hash(joined.encode("utf-8", "surrogatepass").translate(None, _WHITESPACE))


def combine(*keys: int | None) -> int:
    return stable_hash(b"".join(b"-" * 8 if key is None else key.to_bytes(8, "little") for key in keys))


def keys(example: Example) -> Keys:
    """The example's keys, computed once per example (several dataset rules read them).

    Whitespace is deleted, not folded: one ``bytes.translate`` at C speed, where
    splitting and joining costs two to three times more on real answers, which
    are full of line breaks. Two texts that differ only in where their
    whitespace stands are the same text for every practical purpose. Each byte
    is hashed once: the example key combines the keys of its parts.
    """
    if example.keys is not None:
        return example.keys
    turns = example.turns
    answer_roles = FORMATS[example.format].answer_roles
    last = next((i for i in range(len(turns) - 1, -1, -1) if turns[i].role in answer_roles), None)
    end = len(turns) if last is None else last
    system: list[str] = []
    prompt: list[str] = []
    for turn in turns[:end]:
        (system if turn.role == "system" else prompt).extend((turn.role or "", turn.text))
    system_key, prompt_key = _hash(system), _hash(prompt)
    answer_key = tail_key = None
    if last is not None:
        answer = [turns[last].text]
        if example.rejected is not None:  # two pairs that differ in their rejected answer differ
            answer.append(example.rejected.text)
        answer_key = _hash(answer)
        tail = [part for turn in turns[last + 1 :] for part in (turn.role or "", turn.text)]
        tail_key = _hash(tail) if tail else None
    content = combine(prompt_key, answer_key, tail_key)
    found = Keys(
        combine(system_key, content),
        content,
        system_key,
        prompt_key if last is not None and prompt else None,
        answer_key,
    )
    example.keys = found
    return found
