"""Shared text machinery for content rules: normalisation and stable hashes."""

from __future__ import annotations

from hashlib import blake2b

from jsonl_lint.formats import Example


def fold_whitespace(text: str) -> str:
    """Collapse runs of whitespace to one space and strip the ends."""
    return " ".join(text.split())


def stable_hash(data: bytes) -> int:
    """A 64-bit hash that is the same in every process and on every machine."""
    return int.from_bytes(blake2b(data, digest_size=8).digest(), "little")


def example_key(example: Example) -> int:
    """Hash of the example's turns (role and whitespace-folded text)."""
    text = "\x1e".join(f"{turn.role}\x1f{fold_whitespace(turn.text)}" for turn in example.turns)
    return stable_hash(text.encode("utf-8", "surrogatepass"))
