"""Shared text machinery for content rules: normalisation and stable hashes."""

from __future__ import annotations

from hashlib import sha1

from jsonl_lint.formats import Example

#: Whitespace that keys ignore: ASCII spaces, tabs, line breaks and form feeds.
_WHITESPACE = b" \t\n\r\x0b\x0c"


def stable_hash(data: bytes) -> int:
    """A 64-bit hash that is the same in every process and on every machine."""
    return int.from_bytes(sha1(data).digest()[:8], "little")


def example_key(example: Example) -> int:
    """Hash of the example's turns (roles and texts), ignoring whitespace.

    Deleting whitespace costs one ``bytes.translate`` at C speed; folding runs
    of it (split and join) costs two to three times more on real answers,
    which are full of line breaks. Two examples that differ only in where their
    whitespace stands are the same example for every practical purpose.
    """
    parts = []
    for turn in example.turns:
        parts.append(turn.role or "")
        parts.append(turn.text)
    if example.rejected is not None:  # two pairs that differ in their rejected answer are not the same
        parts.append("rejected")
        parts.append(example.rejected.text)
    joined = "\x00\x02".join(parts)
    if joined.count("\x00") != len(parts) - 1:  # a NUL in the text itself: escape it
        joined = "\x00\x02".join(part.replace("\x00", "\x00\x01") for part in parts)
    return stable_hash(joined.encode("utf-8", "surrogatepass").translate(None, _WHITESPACE))
