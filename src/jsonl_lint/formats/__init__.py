"""Format adapters: one record in, one normalised :class:`Example` out.

Content rules only ever look at the normalised view (turns of role + text,
prompt, answer), so a new format gets every content rule for free. Each format
also validates its own shape while it adapts, reporting S002 (schema) and S003
(unknown key) problems with the JSON path of the offending element.
"""

from __future__ import annotations

import difflib
from typing import ClassVar, NamedTuple

from jsonl_lint.locate import member


class _Absent:
    """Marks a field the record does not set (unlike JSON null, which it sets)."""

    def __repr__(self) -> str:
        return "ABSENT"


ABSENT = _Absent()


class Turn(NamedTuple):
    """One message of the normalised view."""

    role: str | None  # None when the record's role is missing or not a string
    text: str  # the message's text; "" when it has none
    path: str  # JSON path of the message, e.g. "$.messages[2]"
    nontext: bool  # carries something besides text: tool calls, images, audio
    weight: object = ABSENT  # the message's training weight as written, ABSENT when not given


class Problem(NamedTuple):
    """A shape problem found while adapting a record (S002/S003)."""

    code: str
    message: str
    json_path: str | None


class Example:
    """The normalised view of one record."""

    __slots__ = (
        "format",
        "kind",
        "record",
        "turns",
        "turns_path",
        "rejected",
        "keys",
        "scans",
        "memo",
        "_prompt",
        "_answer",
    )

    def __init__(
        self,
        format: str,
        kind: str,
        record: dict,
        turns: list[Turn],
        turns_path: str = "$",
        rejected: Turn | None = None,
    ):
        self.format = format  # format name, e.g. "openai-chat"
        #: "chat" (a conversation), "completion" (prompt -> text), "preference" (a
        #: conversation whose last assistant turn is the preferred answer, plus ``rejected``)
        #: or "text" (completion-only text: one turn)
        self.kind = kind
        self.record = record  # the parsed record, for format-specific rules
        self.turns = turns
        self.turns_path = turns_path  # JSON path of the conversation, e.g. "$.messages"
        self.rejected = rejected  # preference pairs: the rejected answer
        self.keys = None  # jsonl_lint.text.keys() keeps them here: dataset rules share them
        self.memo: dict | None = None  # other values several rules derive from the example (band keys)
        self.scans = None  # jsonl_lint.scanner.scan() keeps its hits here: the P, J004 and J005 rules share them
        self._prompt: str | None = None
        self._answer: str | None = None

    def _split(self) -> None:
        turns = self.turns
        answer = FORMATS[self.format].answer_roles
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
        problems.append(Problem("S003", unknown_keys_message(unknown, allowed, self.title), member(where, unknown[0])))


def unknown_keys_message(keys: list[str], allowed: frozenset[str], title: str) -> str:
    """``Unknown key `x` for OpenAI chat; did you mean `y`?``, naming every key."""
    hints = []
    for key in keys:
        close = difflib.get_close_matches(key, sorted(allowed), n=1, cutoff=0.75)
        hints.append(f"`{key}` (did you mean `{close[0]}`?)" if close else f"`{key}`")
    noun = "key" if len(keys) == 1 else "keys"
    return f"Unknown {noun} {', '.join(hints)} for {title}"


#: Every format known to jsonl-lint, by name. Profiles choose which they accept.
FORMATS: dict[str, Format] = {}


def register(fmt: type[Format]) -> type[Format]:
    FORMATS[fmt.name] = fmt()
    return fmt


from jsonl_lint.formats import openai  # noqa: E402,F401  (registers the OpenAI formats)

# isort: split
# Registration order breaks ties between equal signatures: openai-completion before trl-prompt-completion.
from jsonl_lint.formats import bedrock, community, vertex  # noqa: E402,F401  (the other formats)
from jsonl_lint.formats.hints import explain_unknown  # noqa: E402

__all__ = ["ABSENT", "Example", "Format", "FORMATS", "Problem", "Turn", "explain_unknown", "register"]
