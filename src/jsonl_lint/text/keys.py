"""Whitespace-blind keys of an example's parts, and stable hashes: what duplicate and leakage rules compare."""

from __future__ import annotations

import struct
from collections.abc import Sequence
from hashlib import sha1
from typing import NamedTuple

from jsonl_lint.example import Example
from jsonl_lint.text import compiled

#: Whitespace that keys ignore: ASCII spaces, tabs, line breaks and form feeds.
_WHITESPACE = b" \t\n\r\x0b\x0c"


_FIRST_WORD = struct.Struct("<Q").unpack_from


def stable_hash(data: bytes) -> int:
    """A 64-bit hash that is the same in every process and on every machine."""
    return _FIRST_WORD(sha1(data).digest())[0]  # its first 8 bytes, little-endian


class Keys(NamedTuple):
    """Whitespace-blind hashes of an example's parts; ``prompt`` and ``answer`` are None without an answer."""

    example: int  # every turn, the rejected answer too
    content: int  # every turn but the system ones
    system: int  # the system turns
    prompt: int | None  # the other turns before the final answer
    answer: int | None  # the final answer (and the rejected one of a preference pair)


def combine(*keys: int | None) -> int:
    """One key from several (order matters; None is an absent part).

    A tuple of integers hashes the same in every CPython process (only strings
    and bytes are salted), and the parts are already uniform 64-bit hashes.
    """
    return hash(tuple(-1 if key is None else key for key in keys))


_PART = "\x00\x03"  # between the parts of an example
_TURN = "\x00\x02"  # between the strings of a part
_SPLIT = _PART.encode()
#: The compiled twin of :func:`_keys` and :func:`_stripped`, or None.
_C = compiled("_keys")
_new = tuple.__new__  # Keys of the twin's fields, without NamedTuple's argument handling


def keys(example: Example) -> Keys:
    """The example's keys, computed once per example (several dataset rules read them)."""
    return example.derive(_keys)


def _keys(example: Example) -> Keys:
    """The keys of :func:`keys`: each part of the example (:func:`_stripped`) hashed once (by the compiled
    twin, for turns of str roles and texts: the same integers)."""
    turns = example.turns
    answer_roles = example.format.answer_roles
    if _C is not None:
        found = _C.keys(turns, answer_roles, example.rejected, sha1)
        if found is not None:
            return _new(Keys, found)
    last = end = len(turns)
    while last:
        last -= 1
        if turns[last].role in answer_roles:
            end = last
            break
    else:
        last = None
    system: list[str] = []
    prompt: list[str] = []
    for turn in turns[:end]:
        (system if turn.role == "system" else prompt).extend((turn.role or "", turn.text))
    answer: list[str] = []
    tail: list[str] = []
    if last is not None:
        answer.append(turns[last].text)
        if example.rejected is not None:  # two pairs that differ in their rejected answer differ
            answer.append(example.rejected.text)
        tail = [part for turn in turns[last + 1 :] for part in (turn.role or "", turn.text)]
    system_part, prompt_part, answer_part, tail_part = _stripped(system, prompt, answer, tail)
    system_key = stable_hash(system_part) if system_part else None
    prompt_key = stable_hash(prompt_part) if prompt_part else None
    tail_key = stable_hash(tail_part) if tail_part else None
    # an answer that is empty (or only whitespace) is still an answer: the conversation without it
    # has another key, so that the same key always means the same prompt key too (a cluster's parts
    # are cut by the one or the other)
    answer_key = None if last is None else stable_hash(answer_part)
    content = combine(prompt_key, answer_key, tail_key)
    found = Keys(
        combine(system_key, content),
        content,
        system_key or 0,
        prompt_key if last is not None and prompt else None,
        answer_key,
    )
    return found


def _stripped(*groups: list[str]) -> Sequence[bytes]:
    """The whitespace-blind bytes of each part of an example (system, prompt, answer, tail): its strings
    joined with NUL 2 (a NUL in a text escaped as NUL 1), as UTF-8 (a lone surrogate too), without ASCII
    whitespace. Here the parts are joined with NUL 3 and cut apart again: no text holds one once escaped.

    Whitespace is deleted, not folded: one ``bytes.translate`` at C speed, where
    splitting and joining costs two to three times more on real answers, which
    are full of line breaks. Two texts that differ only in where their
    whitespace stands are the same text for every practical purpose. The whole
    example is encoded and stripped once. The compiled twin (``_keys.c``) writes
    the same bytes in one pass over each string (tests/text/test_keys.py).
    """
    if _C is not None:
        return _C.stripped(*groups)
    joined = _PART.join(_TURN.join(group) for group in groups)
    separators = 3 + sum(max(len(group) - 1, 0) for group in groups)
    if joined.count("\x00") != separators:  # a NUL in the text itself: escape it
        joined = _PART.join(_TURN.join(text.replace("\x00", "\x00\x01") for text in group) for group in groups)
    return joined.encode("utf-8", "surrogatepass").translate(None, _WHITESPACE).split(_SPLIT)


TEXT_PARTS = ("all", "prompt", "answer")


def part_turns(example: Example, part: str, ignore_system: bool) -> list[tuple[str, str]]:
    """``(role, text)`` of the turns of ``part`` of the example: "all", "prompt" or "answer".

    "all" is every turn (and the rejected answer of a preference pair), "prompt" the
    turns before the final answer, "answer" the final answer; system turns are left
    out when ``ignore_system``.
    """
    turns = example.turns
    answer_roles = example.format.answer_roles
    last = next((i for i in range(len(turns) - 1, -1, -1) if turns[i].role in answer_roles), None)
    if part == "answer":
        return [] if last is None else [(turns[last].role or "", turns[last].text)]
    chosen = turns if part == "all" else turns[: last or 0]
    found = [(t.role or "", t.text) for t in chosen if not (ignore_system and t.role == "system")]
    if part == "all" and example.rejected is not None:
        found.append((example.rejected.role or "", example.rejected.text))
    return found


_MASK = 0xFFFFFFFFFFFFFFFF


def unsigned(key: int) -> int:
    """A key as an unsigned 64-bit integer (:func:`combine` gives signed ones)."""
    return key & _MASK


#: Packers of 0 to 3 keys, compiled once: a dataset rule packs keys for every record.
_PACKERS = tuple(struct.Struct(f"<{n}Q").pack for n in range(4))


def pack(*keys: int | None) -> bytes:
    """Keys as unsigned 64-bit little-endian integers (None as 0: a key is 0 with odds of 2**-64)."""
    if len(keys) == 1:  # a third of the time of the general case
        (key,) = keys
        return (0 if key is None else key & _MASK).to_bytes(8, "little")
    return _PACKERS[len(keys)](*[0 if key is None else key & _MASK for key in keys])
