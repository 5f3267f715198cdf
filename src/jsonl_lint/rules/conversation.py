"""C rules: conversation structure, on the normalised turns of chat examples."""

from __future__ import annotations

import orjson

from jsonl_lint.diagnostics import Severity
from jsonl_lint.plugins import hookimpl
from jsonl_lint.rule import Finding, RecordRule

ROLES = ("system", "user", "assistant", "tool", "function")
ROLE_HINTS = {
    "human": "user", "gpt": "assistant", "model": "assistant", "bot": "assistant", "ai": "assistant",
    "chatbot": "assistant", "developer": "system", "prompter": "user", "observation": "tool",
}  # fmt: skip
CHAT = frozenset({"chat"})


class ChatRule(RecordRule):
    kinds = CHAT


class UnknownRole(ChatRule):
    code, name, severity = "C001", "unknown-role", Severity.ERROR
    summary = "A role outside the profile's roles"

    def check(self, example):
        for turn in example.turns:
            role = turn.role
            if role is not None and role not in ROLES:
                hint = ROLE_HINTS.get(role.lower()) or (role.lower() if role.lower() in ROLES else None)
                tip = f"; use `{hint}`" if hint else f"; expected one of {', '.join(ROLES)}"
                yield Finding(f"Unknown role {role!r}{tip}", f"{turn.path}.role")


class MissingAssistant(ChatRule):
    code, name, severity = "C002", "missing-assistant", Severity.ERROR
    summary = "The conversation has no assistant message"

    def check(self, example):
        if example.turns and not any(turn.role == "assistant" for turn in example.turns):
            yield Finding("Conversation has no assistant message, so there is nothing to train on", "$.messages")


class MisplacedSystem(ChatRule):
    code, name, severity = "C003", "misplaced-system", Severity.ERROR
    summary = "A system message that is not first, or more than one"

    def check(self, example):
        seen = False
        for i, turn in enumerate(example.turns):
            if turn.role == "system":
                if seen:
                    yield Finding("More than one system message", turn.path)
                elif i:
                    yield Finding("System message is not the first message", turn.path)
                seen = True


class ConsecutiveRoles(ChatRule):
    code, name, severity = "C004", "consecutive-roles", Severity.WARNING
    summary = "Two messages in a row with the same role"

    def check(self, example):
        turns = example.turns
        for previous, turn in zip(turns, turns[1:]):
            # Several tool results may follow one assistant turn (parallel tool calls).
            if turn.role == previous.role and turn.role not in ("tool", "function", None):
                yield Finding(f"Two consecutive `{turn.role}` messages", turn.path)


class BadLastRole(ChatRule):
    code, name, severity = "C005", "bad-last-role", Severity.ERROR
    summary = "The last message is not the assistant's"

    def check(self, example):
        turns = example.turns
        # Without any assistant message C002 reports the real problem.
        if turns and turns[-1].role != "assistant" and any(t.role == "assistant" for t in turns):
            yield Finding(f"Last message is from `{turns[-1].role}`, not the assistant; it is not trained on",
                          turns[-1].path)


class EmptyContent(RecordRule):
    code, name, severity = "C006", "empty-content", Severity.ERROR
    summary = "Missing, null, empty or whitespace-only content"

    def check(self, example):
        # A prompt/completion record may have an empty prompt (open-ended generation).
        turns = example.turns if example.kind == "chat" else example.turns[-1:]
        for turn in turns:
            text = turn.text
            if (not text or text.isspace()) and not turn.nontext:
                what = "whitespace-only" if text else "empty or missing"
                where = f"{turn.path}.content" if example.kind == "chat" else turn.path
                yield Finding(f"`{turn.role}` message has {what} content", where)


class InvalidWeight(ChatRule):
    code, name, severity = "C008", "invalid-weight", Severity.ERROR
    summary = "`weight` not 0/1, on a non-assistant message, or at example level"
    formats = frozenset({"openai-chat"})

    def check(self, example):
        record = example.record
        if "weight" in record:
            yield Finding("`weight` is set on the example; put it on assistant messages", "$.weight")
        for turn, message in zip(example.turns, _messages(record)):
            if "weight" not in message:
                continue
            weight = message["weight"]
            if type(weight) is not int or weight not in (0, 1):
                yield Finding(f"`weight` must be the integer 0 or 1, not {_show(weight)}", f"{turn.path}.weight")
            if turn.role != "assistant":
                yield Finding(f"`weight` on a `{turn.role}` message; only assistant messages take a weight",
                              f"{turn.path}.weight")


class NothingToTrain(ChatRule):
    code, name, severity = "C009", "nothing-to-train", Severity.WARNING
    summary = "Every assistant message has weight 0"
    formats = frozenset({"openai-chat"})

    def check(self, example):
        weights = [m.get("weight", 1) for t, m in zip(example.turns, _messages(example.record)) if t.role == "assistant"]
        if weights and all(type(w) is int and w == 0 for w in weights):
            yield Finding("Every assistant message has `weight: 0`; the example trains nothing", "$.messages")


class BadFirstRole(ChatRule):
    code, name, severity = "C007", "bad-first-role", Severity.WARNING
    summary = "The first non-system message is not the user's"

    def check(self, example):
        first = next((t for t in example.turns if t.role != "system"), None)
        if first is None or first.role == "user":
            return
        if not any(t.role == "user" for t in example.turns):
            yield Finding(f"Conversation has no user message; it starts with `{first.role}`", first.path)
        else:
            yield Finding(f"First message after the system prompt is from `{first.role}`, not the user", first.path)


def _messages(record: dict) -> list[dict]:
    """The record's message objects, aligned with the turns the adapter built from them."""
    return [m for m in record["messages"] if type(m) is dict]


def _show(value: object) -> str:
    """The value as it is written in JSON."""
    return orjson.dumps(value).decode()


@hookimpl
def register_rules():
    return [UnknownRole, MissingAssistant, MisplacedSystem, ConsecutiveRoles, BadLastRole, EmptyContent,
            BadFirstRole, InvalidWeight, NothingToTrain]
