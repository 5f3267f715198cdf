"""The one walk over a conversation's messages that every chat adapter shares.

Real datasets write most messages in one common shape (``{"role": str, "content": str}``, or a
provider's equivalent); a format's *fast* function recognises that shape and builds the turn at
once, and every other message takes its *full* check, which reports each problem with its JSON
path. The JSON paths of the first 256 messages of a place are built once: a path is made for
every message of every record.
"""

from __future__ import annotations

from collections.abc import Callable

import orjson

from jsonl_lint.codes import S002
from jsonl_lint.example import ABSENT, Problem, Turn

#: ``fast(message, path)``: the message's turn when it has the common shape, else None.
Fast = Callable[[object, str], "Turn | None"]
#: ``full(message, path, problems)``: the turn of a message object, its problems reported.
Full = Callable[[dict, str, list], Turn]
CACHED = 256

new_turn = tuple.__new__  # a Turn built from a tuple, without NamedTuple's argument handling


def fast_message(message: object, path: str) -> Turn | None:
    """The turn of a message exactly ``{"role": str, "content": str}`` (a tool message also needs its
    ``tool_call_id``: the full check)."""
    if type(message) is dict and len(message) == 2:
        role, content = message.get("role"), message.get("content")
        if type(role) is str and type(content) is str and role != "tool":
            return new_turn(Turn, (role, content, path, False, ABSENT))
    return None


def one_text(content_key: str, answer_role: str) -> Fast:
    """The fast function of formats whose common message is exactly
    ``{"role": "user" | answer_role, content_key: [{"text": str}]}`` (Bedrock's blocks, Gemini's parts).

    Any other JSON value fails a test or raises in it (not an object, no such key, not one block)
    and takes the full check. Three keys in all, the content key, `text` and `role`, leave no other.
    """

    def fast(message: object, path: str) -> Turn | None:
        try:
            [block] = message[content_key]  # type: ignore[index]
            text = block["text"]
            if (
                len(message) + len(block) == 3  # type: ignore[arg-type]
                and ((role := message["role"]) == "user" or role == answer_role)  # type: ignore[index]
                and type(text) is str
            ):
                return new_turn(Turn, (role, text, path, False, ABSENT))
        except (KeyError, TypeError, ValueError, IndexError):
            pass
        return None

    return fast


def role_of(message: dict, path: str, problems: list[Problem], noun: str = "Message") -> str | None:
    """The message's role, or None with S002 when it is missing or not a string."""
    role = message.get("role")
    if type(role) is str:
        return role
    why = f"{noun} has no `role`" if role is None else "`role` must be a string"
    problems.append(Problem(S002, why, f"{path}.role"))
    return None


class Messages:
    """Where a format keeps a list of messages (``$.messages``), and what each must be."""

    def __init__(self, base: str, shape: str = "Message must be an object with `role` and `content`"):
        self.base = base
        self.shape = shape  # the S002 message for an item that is not an object
        self.paths = tuple(f"{base}[{i}]" for i in range(CACHED))

    def walk(self, messages: list, fast: Fast, full: Full, problems: list[Problem]) -> list[Turn]:
        """The turns of ``messages`` (items that are not objects give S002 and no turn)."""
        turns: list[Turn] = []
        paths, base = self.paths, self.base
        i = -1  # (a counter costs less than enumerate)
        for message in messages:
            i += 1
            path = paths[i] if i < CACHED else f"{base}[{i}]"
            turn = fast(message, path)
            if turn is None:
                if type(message) is not dict:
                    problems.append(Problem(S002, self.shape, path))
                    continue
                turn = full(message, path, problems)
            turns.append(turn)
        return turns


def json_text(value: object) -> str:
    """``value`` as JSON text, for the text of tool calls and results ("" if it cannot be written)."""
    if type(value) is str:
        return value
    try:
        return orjson.dumps(value).decode()
    except (TypeError, ValueError, RecursionError):  # over-deep or out-of-range values
        return ""
