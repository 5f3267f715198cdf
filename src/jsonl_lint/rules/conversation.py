"""C rules: conversation structure, on the normalised turns of chat examples."""

from __future__ import annotations

import orjson

from jsonl_lint.diagnostics import Edit, Severity
from jsonl_lint.example import ABSENT
from jsonl_lint.rules.base import AnswerRule, Finding, RecordRule, RoleFinding, RoleRule
from jsonl_lint.text.repeats import degenerate

#: Names that different formats give the same role; an unknown role gets the target's name for it.
ROLE_SYNONYMS = (
    frozenset({"user", "human", "prompter"}),
    frozenset({"assistant", "model", "gpt", "bot", "ai", "chatbot"}),
    frozenset({"system", "developer"}),
    frozenset({"tool", "function", "observation", "ipython"}),
)


def _hint(role: str, allowed: tuple[str, ...]) -> str | None:
    lowered = role.lower()
    if lowered in allowed:
        return lowered
    for names in ROLE_SYNONYMS:
        if lowered in names:
            return next((name for name in allowed if name in names), None)
    return None


CHAT = frozenset({"chat"})


class ChatRule(RecordRule):
    kinds = CHAT


class ChatRoleRule(RoleRule):
    kinds = CHAT


class UnknownRole(ChatRoleRule):
    code, name, severity = "C001", "unknown-role", Severity.ERROR
    summary = "A role outside the profile's roles"
    fixable = "safe"  # a known synonym (`human`, `User`) is renamed; an unknown role is left alone

    def check_roles(self, roles, fmt):
        allowed = self.structure(fmt).roles
        for i, role in enumerate(roles):
            if role is not None and role not in allowed:
                hint = _hint(role, allowed)
                message = f"Unknown role {role!r} for {self.profile.title}"
                if hint is None:
                    yield RoleFinding(i, f"{message}; expected one of {', '.join(allowed)}", "role")
                elif fmt.field_names["role"] == "role":  # where the format writes the role as written
                    fix = f"Rename the role `{role}` to `{hint}`"
                    yield RoleFinding(i, f"{message}; use `{hint}`", "role", fix, orjson.dumps(hint).decode())
                else:
                    yield RoleFinding(i, f"{message}; use `{hint}`", "role")


class MissingAssistant(ChatRoleRule):
    code, name, severity = "C002", "missing-assistant", Severity.ERROR
    summary = "The conversation has no assistant message"

    def check_roles(self, roles, fmt):
        answer = self.structure(fmt).answer
        if roles and answer and not set(answer) & set(roles):
            names = " or ".join(answer)
            yield RoleFinding(None, f"Conversation has no {names} message, so there is nothing to train on")


class MisplacedSystem(ChatRoleRule):
    code, name, severity = "C003", "misplaced-system", Severity.ERROR
    summary = "A system message that is not first, or more than one"

    def check_roles(self, roles, fmt):
        seen = False
        for i, role in enumerate(roles):
            if role == "system":
                if seen:
                    yield RoleFinding(i, "More than one system message")
                elif i:
                    yield RoleFinding(i, "System message is not the first message")
                seen = True


class ConsecutiveRoles(ChatRoleRule):
    code, name, severity = "C004", "consecutive-roles", Severity.WARNING
    summary = "Two messages in a row with the same role"

    def check_roles(self, roles, fmt):
        for i in range(1, len(roles)):
            role = roles[i]
            # Several tool results may follow one assistant turn (parallel tool calls).
            if role == roles[i - 1] and role not in ("tool", "function", None):
                yield RoleFinding(i, f"Two consecutive `{role}` messages")


class BadLastRole(ChatRoleRule):
    code, name, severity = "C005", "bad-last-role", Severity.ERROR
    summary = "The last message is not the assistant's"

    def check_roles(self, roles, fmt):
        structure = self.structure(fmt)
        last = structure.last
        # Without any assistant message C002 reports the real problem.
        if roles and roles[-1] not in last and (set(structure.answer) & set(roles) or not structure.answer):
            expected = " or ".join(f"`{r}`" for r in last)
            yield RoleFinding(len(roles) - 1, f"Last message is from `{roles[-1]}`, not {expected}")


class BadFirstRole(ChatRoleRule):
    code, name, severity = "C007", "bad-first-role", Severity.WARNING
    summary = "The first non-system message is not the user's"

    def check_roles(self, roles, fmt):
        allowed, first_roles, _, _ = self.structure(fmt)
        first = next((i for i, role in enumerate(roles) if role != "system"), None)
        # An unknown or missing role is C001's or S002's finding; a known wrong one is ours.
        if first is None or roles[first] in first_roles or roles[first] not in allowed:
            return
        expected = " or ".join(f"`{r}`" for r in first_roles)
        if not set(first_roles) & set(roles):
            plain = " or ".join(first_roles)
            yield RoleFinding(first, f"Conversation has no {plain} message; it starts with `{roles[first]}`")
        else:
            yield RoleFinding(first, f"First message after the system prompt is from `{roles[first]}`, not {expected}")


class EmptyContent(RecordRule):
    code, name, severity = "C006", "empty-content", Severity.ERROR
    summary = "Missing, null, empty or whitespace-only content"

    def check(self, example):
        # A prompt/completion record may have an empty prompt (open-ended generation); the
        # answers of a preference pair are C011's.
        turns = {"completion": example.turns[-1:], "preference": example.turns[:-1]}.get(example.kind, example.turns)
        fmt = example.format
        for turn in turns:
            text = turn.text
            if (not text or text.isspace()) and not turn.nontext:
                what = "whitespace-only" if text else "empty or missing"
                who = f"`{turn.role}` message" if turn.role else "Message"
                yield Finding(f"{who} has {what} content", fmt.field_path(turn.path, "content"))


def _meant(weight: object) -> int | None:
    """The 0 or 1 a weight written in another type means (`1.0`, `"1"`, `true`), if it means one."""
    if type(weight) is bool:
        return int(weight)
    if type(weight) is float and weight in (0.0, 1.0):
        return int(weight)
    if type(weight) is str and weight.strip() in ("0", "1"):
        return int(weight)
    return None


class InvalidWeight(ChatRule):
    code, name, severity = "C008", "invalid-weight", Severity.ERROR
    summary = "`weight` not 0/1, on a non-assistant message, or at example level"
    formats = frozenset({"openai-chat"})
    fixable = "safe"  # `1.0`, `"1"`, `true` -> `1` (and 0 likewise); other weights are the author's to decide

    def check(self, example):
        if example.record.get("weight") is not None:  # a null one is Arrow's filling: S002 says so
            yield Finding("`weight` is set on the example; put it on assistant messages", "$.weight")
        for turn in example.turns:
            weight = turn.weight
            if weight is ABSENT:
                continue
            if type(weight) is not int or weight not in (0, 1):
                path = f"{turn.path}.weight"
                message = f"`weight` must be the integer 0 or 1, not {_show(weight)}"
                meant = _meant(weight)
                if meant is None:
                    yield Finding(message, path)
                else:
                    yield Finding(message, path, f"Write the weight as {meant}", edits=(Edit(path, str(meant)),))
            if turn.role != "assistant":
                yield Finding(
                    f"`weight` on a `{turn.role}` message; only assistant messages take a weight", f"{turn.path}.weight"
                )


class NothingToTrain(ChatRule):
    code, name, severity = "C009", "nothing-to-train", Severity.WARNING
    summary = "Every assistant message has weight 0"
    formats = frozenset({"openai-chat"})

    def check(self, example):
        assistants = 0
        for turn in example.turns:
            if turn.role == "assistant":
                if type(turn.weight) is not int or turn.weight != 0:
                    return  # this one is trained on (most records stop at their first answer)
                assistants += 1
        if assistants:
            yield Finding("Every assistant message has `weight: 0`; the example trains nothing", "$.messages")


class DegenerateAnswer(AnswerRule):
    code, name, severity = "C012", "degenerate-answer", Severity.WARNING
    summary = "An answer made mostly of one phrase or sentence repeated (a generation loop)"

    def judge(self, turn):
        found = degenerate(turn.text)
        if found is None:
            return None
        unit = found.unit if len(found.unit) <= 60 else found.unit[:59] + "…"
        return (
            f"The `{turn.role}` message is mostly one phrase repeated: `{unit}` {found.count:,} times "
            f"({found.share:.0%} of its {len(turn.text):,} characters)"
        )


def _show(value: object) -> str:
    """The value as it is written in JSON."""
    return orjson.dumps(value).decode()
