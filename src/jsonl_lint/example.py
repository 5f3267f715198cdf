"""The normalised view of one record, which every content rule reads: a leaf.

A format adapter (:mod:`jsonl_lint.formats`) builds an :class:`Example` from a parsed record;
rules read its turns, prompt and answer whatever the format was, so every format gets every
content rule.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from typing import Any, NamedTuple, Protocol


class _Absent:
    """Marks a field the record does not set (unlike JSON null, which it sets)."""

    def __repr__(self) -> str:
        return "ABSENT"


ABSENT = _Absent()
_MISSING = object()  # what :meth:`Example.derive` has not computed yet


class Turn(NamedTuple):
    """One message of the normalised view."""

    role: str | None  # None when the record's role is missing or not a string
    text: str  # the message's text; "" when it has none
    path: str  # JSON path of the message, e.g. "$.messages[2]"
    nontext: bool  # carries something besides text: tool calls, images, audio
    weight: object = ABSENT  # the message's training weight as written, ABSENT when not given


class Problem(NamedTuple):
    """A shape problem found while adapting a record (S001-S003), with the JSON path it is at.

    ``renames``: the keys the message suggests renaming, as (JSON path of the key, new name): what
    ``--fix`` does about it. ``converted``: (a format's title, the record as JSON text in it), which
    ``--fix --unsafe-fixes`` writes instead of the record.
    """

    code: str
    message: str
    json_path: str | None
    renames: tuple[tuple[str, str], ...] = ()
    converted: tuple[str, str] | None = None


class Shape(Protocol):
    """What an example needs of its format (:class:`jsonl_lint.formats.base.Format` is one)."""

    name: str
    title: str
    kind: str
    answer_roles: tuple[str, ...]

    def field_path(self, turn_path: str, field: str) -> str: ...


class Example:
    """The normalised view of one record.

    ``format`` is the record's :class:`~jsonl_lint.formats.base.Format` (it compares equal to its
    name, so ``example.format == "openai-chat"`` holds). What several rules compute from the same
    example (whitespace-blind keys, the content scan, language evidence) is computed once, through
    :meth:`derive`.
    """

    __slots__ = ("format", "record", "turns", "turns_path", "rejected", "nulls", "_prompt", "_answer", "_derived")

    def __init__(
        self,
        format: Shape,
        record: dict,
        turns: list[Turn],
        turns_path: str = "$",
        rejected: Turn | None = None,
        nulls: Collection[str] = (),
    ):
        self.format = format
        self.record = record  # the parsed record, for format-specific rules
        self.turns = turns
        self.turns_path = turns_path  # JSON path of the conversation, e.g. "$.messages"
        self.rejected = rejected  # preference pairs: the rejected answer
        #: optional keys the record sets to null (Arrow's filling: pandas, Hugging Face `datasets`); S002 counts them
        self.nulls = nulls
        self._prompt: str | None = None
        self._answer: str | None = None
        self._derived: dict | None = None

    @property
    def kind(self) -> str:
        """ "chat" (a conversation), "completion" (prompt -> text), "preference" (a conversation whose
        last assistant turn is the preferred answer, plus ``rejected``) or "text" (one turn of text)."""
        return self.format.kind

    def derive(self, compute: Callable[..., Any], *args: Any) -> Any:
        """``compute(self, *args)``, computed once per example and arguments: what several rules read."""
        derived = self._derived
        if derived is None:
            derived = self._derived = {}
        key = (compute, *args) if args else compute
        value = derived.get(key, _MISSING)  # not try/except: each example misses once per compute
        if value is _MISSING:
            value = derived[key] = compute(self, *args)
        return value

    def _split(self) -> None:
        turns = self.turns
        answer = self.format.answer_roles
        last = max((i for i, t in enumerate(turns) if t.role in answer), default=None)
        if last is None:
            self._prompt = "\n".join(t.text for t in turns)
            self._answer = ""
        else:
            self._prompt = "\n".join(t.text for t in turns[:last])
            self._answer = turns[last].text

    @property
    def prompt(self) -> str:
        """Text of every turn before the final assistant answer."""
        if self._prompt is None:
            self._split()
        return self._prompt  # type: ignore[return-value]

    @property
    def answer(self) -> str:
        """Text of the final assistant answer ("" if there is none)."""
        if self._answer is None:
            self._split()
        return self._answer  # type: ignore[return-value]
