"""What a training-data format is: how to recognise a record, normalise it, and name its parts."""

from __future__ import annotations

import difflib
from typing import ClassVar

from jsonl_lint.codes import S003
from jsonl_lint.example import Example, Problem
from jsonl_lint.jsonpath import member


class Format:
    """A training-data format: how to recognise a record and normalise it."""

    name: ClassVar[str]
    title: ClassVar[str]  # human name, used in messages
    kind: ClassVar[str] = "chat"
    #: keys whose presence identifies the format among all others (all must be present)
    signature: ClassVar[frozenset[str]]
    #: other key sets that identify the format as well (another spelling of the same format)
    alternatives: ClassVar[tuple[frozenset[str], ...]] = ()
    #: keys a record needs when the profile names this format (None: the signature); Bedrock's
    #: optional `system` tells its format apart in `auto`, but a bedrock profile does not need it
    required: ClassVar[frozenset[str] | None] = None
    #: every top-level key the format accepts
    keys: ClassVar[frozenset[str]]
    #: the format's own conversation structure (a profile may narrow it)
    roles: ClassVar[tuple[str, ...]] = ("system", "user", "assistant", "tool", "function")
    first_roles: ClassVar[tuple[str, ...]] = ("user",)  # of the first message after any system message
    last_roles: ClassVar[tuple[str, ...]] = ("assistant",)
    answer_roles: ClassVar[tuple[str, ...]] = ("assistant",)  # the trainable turns; () when none are needed
    #: where a turn keeps its role and its text, relative to the turn's path (for JSON paths)
    field_names: ClassVar[dict[str, str]] = {"role": "role", "content": "content"}

    def __eq__(self, other: object) -> bool:
        """A format is its name: ``example.format == "openai-chat"`` holds."""
        if isinstance(other, str):
            return other == self.name
        return other is self or (isinstance(other, Format) and other.name == self.name)

    def __hash__(self) -> int:
        return hash(self.name)

    def __str__(self) -> str:
        return self.name

    def __repr__(self) -> str:
        return f"<format {self.name}>"

    def key_sets(self, auto: bool) -> tuple[frozenset[str], ...]:
        """Key sets any of which marks a record as this format; ``auto``: among every format."""
        return (self.signature if auto else self.required or self.signature, *self.alternatives)

    def field_path(self, turn_path: str, field: str) -> str:
        """JSON path of a turn's role or content; the turn itself where it is not a message object."""
        return f"{turn_path}.{self.field_names[field]}" if turn_path.endswith("]") else turn_path

    def adapt(self, record: dict, problems: list[Problem]) -> Example:
        raise NotImplementedError

    def unknown_keys(self, record: dict, problems: list[Problem], allowed: frozenset[str], where: str = "$") -> None:
        """Report one S003 for the keys of ``record`` outside ``allowed``."""
        if allowed.issuperset(record.keys()):
            return
        unknown = [key for key in record if key not in allowed]
        problems.append(unknown_key_problem(unknown, allowed, self.title, record, where))


def close_key(key: str, choices: frozenset[str]) -> str | None:
    """The accepted key ``key`` is probably a typo of, if any."""
    close = difflib.get_close_matches(key, sorted(choices), n=1, cutoff=0.75)
    return close[0] if close else None


def unknown_key_problem(
    keys: list[str], allowed: frozenset[str], title: str, record: dict, where: str = "$"
) -> Problem:
    """One S003 for the ``keys`` of ``record`` (at ``where``) outside ``allowed``: ``Unknown key `x` for OpenAI
    chat; did you mean `y`?``, naming every key; the fix renames those with a close accepted key the
    record does not already have."""
    hints, renames = [], []
    for key in keys:
        close = close_key(key, allowed)
        hints.append(f"`{key}` (did you mean `{close}`?)" if close else f"`{key}`")
        if close is not None and close not in record and close not in (new for _, new in renames):
            renames.append((member(where, key), close))
    noun = "key" if len(keys) == 1 else "keys"
    return Problem(S003, f"Unknown {noun} {', '.join(hints)} for {title}", member(where, keys[0]), tuple(renames))
