"""OpenAI chat (`messages`) and legacy prompt/completion formats.

Shapes follow the fine-tuning input schemas of the OpenAI API
(``FineTuneChatRequestInput``, ``FineTuneCompletionRequestInput``); see
``../shared/design/providers-research.md`` §2.1.
"""

from __future__ import annotations

from jsonl_lint.codes import S002, S003
from jsonl_lint.example import ABSENT, Example, Problem, Turn
from jsonl_lint.formats._messages import Messages, fast_message, new_turn, role_of
from jsonl_lint.formats.base import Format

MESSAGE_KEYS = frozenset(
    {"role", "content", "name", "weight", "tool_calls", "tool_call_id", "function_call", "refusal"}
)
#: Optional keys whose null is what Arrow writes (pandas, Hugging Face `datasets`) for a key that other rows
#: have: one S002 per file says so (rules/schema.py), instead of a finding on every message.
NULLABLE_MESSAGE_KEYS = ("weight", "name", "tool_calls", "function_call")
NULLABLE_KEYS = ("weight", "tools", "functions", "parallel_tool_calls")
#: Every such key, in a fixed order (S002's summary is a bit per key).
NULLABLE = (
    "weight",
    "name",
    "tool_calls",
    "function_call",
    "tool_call_id",
    "tools",
    "functions",
    "parallel_tool_calls",
)
PART_TEXT_FIELD = {"text": "text", "refusal": "refusal"}
MESSAGES = Messages("$.messages")
MEDIA_PARTS = frozenset({"image_url", "input_audio", "file"})


def _part_texts(parts: list, path: str, problems: list[Problem]) -> tuple[str, bool]:
    """Join the text of a content-part array; report malformed parts."""
    texts = []
    media = False
    for j, part in enumerate(parts):
        where = f"{path}[{j}]"
        if type(part) is not dict:
            problems.append(Problem(S002, "Content part must be an object", where))
            continue
        kind = part.get("type")
        if kind is not None and type(kind) is not str:
            problems.append(Problem(S002, "Content part `type` must be a string", f"{where}.type"))
        elif kind in PART_TEXT_FIELD:
            value = part.get(PART_TEXT_FIELD[kind])
            if type(value) is str:
                texts.append(value)
            else:
                problems.append(Problem(S002, f"`{kind}` part needs a string `{PART_TEXT_FIELD[kind]}`", where))
        elif kind in MEDIA_PARTS:
            media = True
            if type(part.get(kind)) is not dict:
                problems.append(Problem(S002, f"`{kind}` part needs an object `{kind}`", f"{where}.{kind}"))
        elif kind is None:
            problems.append(Problem(S002, "Content part has no `type`", where))
        else:
            problems.append(Problem(S002, f"Unknown content part type {kind!r}", f"{where}.type"))
    return "\n".join(texts), media


def _function_text(call: object, path: str, problems: list[Problem]) -> str:
    """Validate a ``{"name", "arguments"}`` object; return ``name(arguments)``."""
    if type(call) is not dict:
        problems.append(Problem(S002, "Function call must be an object with `name` and `arguments`", path))
        return ""
    name, arguments = call.get("name"), call.get("arguments")
    if type(name) is not str:
        problems.append(Problem(S002, "Function call needs a string `name`", f"{path}.name"))
        name = ""
    if type(arguments) is not str:
        problems.append(
            Problem(S002, "Function call `arguments` must be a JSON-encoded string, not raw JSON", f"{path}.arguments")
        )
        arguments = ""
    return f"{name}({arguments})"


def _tool_calls_text(calls: object, path: str, problems: list[Problem]) -> str:
    if type(calls) is not list:
        problems.append(Problem(S002, "`tool_calls` must be an array", path))
        return ""
    texts = []
    for j, call in enumerate(calls):
        where = f"{path}[{j}]"
        if type(call) is not dict:
            problems.append(Problem(S002, "Tool call must be an object", where))
            continue
        if type(call.get("id")) is not str:
            problems.append(Problem(S002, "Tool call needs a string `id`", f"{where}.id"))
        if call.get("type") != "function":
            problems.append(Problem(S002, 'Tool call needs `"type": "function"`', f"{where}.type"))
        texts.append(_function_text(call.get("function"), f"{where}.function", problems))
    return "\n".join(texts)


def null_keys(record: dict, keys: tuple[str, ...], nulls: set[str]) -> None:
    """Add to ``nulls`` the ``keys`` that ``record`` sets to null."""
    for key in keys:
        if key in record and record[key] is None:
            nulls.add(key)


def drop_nulls(record: object) -> bool:
    """Remove the null-valued optional keys (:data:`NULLABLE`) of an OpenAI chat or DPO record, in place
    (the safe repair of Arrow's null filling); whether any was removed."""
    if type(record) is not dict:
        return False
    dropped = _drop(record, NULLABLE_KEYS)
    given = record.get("input")
    places = [record.get("messages"), given.get("messages") if type(given) is dict else None]
    places += [record.get(name) for pair in DPO_OUTPUTS for name in pair]
    for messages in places:
        if type(messages) is list:
            for message in messages:
                if type(message) is dict:
                    dropped = _drop(message, NULLABLE_MESSAGE_KEYS) | dropped
                    if message.get("tool_call_id", False) is None and message.get("role") != "tool":
                        del message["tool_call_id"]
                        dropped = True
    return dropped


def _drop(record: dict, keys: tuple[str, ...]) -> bool:
    found = [key for key in keys if key in record and record[key] is None]
    for key in found:
        del record[key]
    return bool(found)


def _list_of_objects(record: dict, key: str, problems: list[Problem]) -> None:
    value = record.get(key)
    if value is not None and (type(value) is not list or any(type(v) is not dict for v in value)):
        problems.append(Problem(S002, f"`{key}` must be an array of objects", f"$.{key}"))


class OpenAIChat(Format):
    name = "openai-chat"
    title = "OpenAI chat"
    signature = frozenset({"messages"})
    # `weight` at example level is C008's finding, not an unknown key.
    keys = frozenset({"messages", "tools", "functions", "parallel_tool_calls", "weight"})

    def adapt(self, record: dict, problems: list[Problem]) -> Example:
        nulls: set[str] = set()
        if len(record) != 1:  # most records hold `messages` alone: nothing else to check
            self.unknown_keys(record, problems, self.keys)
            null_keys(record, NULLABLE_KEYS, nulls)
            _list_of_objects(record, "tools", problems)
            _list_of_objects(record, "functions", problems)
            parallel = record.get("parallel_tool_calls")
            if parallel is not None and type(parallel) is not bool:
                why = "`parallel_tool_calls` must be true or false"
                problems.append(Problem(S002, why, "$.parallel_tool_calls"))
        messages = record["messages"]
        if type(messages) is not list or not messages:
            problems.append(Problem(S002, "`messages` must be a non-empty array of messages", "$.messages"))
            return Example(self, record, [], "$.messages")
        turns = MESSAGES.walk(messages, fast_message, lambda m, p, found: self._turn(m, p, found, nulls), problems)
        return Example(self, record, turns, "$.messages", nulls=nulls)

    def _turn(self, message: dict, path: str, problems: list[Problem], nulls: set[str]) -> Turn:
        if None in message.values():
            null_keys(message, NULLABLE_MESSAGE_KEYS, nulls)
            if message.get("tool_call_id", False) is None and message.get("role") != "tool":
                nulls.add("tool_call_id")
        if not MESSAGE_KEYS.issuperset(message.keys()):
            self.unknown_keys(message, problems, MESSAGE_KEYS, path)
        role = role_of(message, path, problems)
        content = message.get("content")
        nontext = False
        if type(content) is str:
            text = content
        elif content is None:
            text = ""
        elif type(content) is list:
            text, nontext = _part_texts(content, f"{path}.content", problems)
        else:
            problems.append(
                Problem(S002, "`content` must be a string, null or an array of content parts", f"{path}.content")
            )
            text = ""
        extra = []
        if message.get("tool_calls") is not None:  # null: Arrow's filling, in `nulls`
            nontext = nontext or bool(message["tool_calls"])
            extra.append(_tool_calls_text(message["tool_calls"], f"{path}.tool_calls", problems))
        if message.get("function_call") is not None:
            nontext = nontext or bool(message["function_call"])
            extra.append(_function_text(message["function_call"], f"{path}.function_call", problems))
        if extra:
            text = "\n".join([text, *extra]) if text else "\n".join(extra)
        if role == "tool" and type(message.get("tool_call_id")) is not str:
            problems.append(Problem(S002, "Tool message needs a string `tool_call_id`", f"{path}.tool_call_id"))
        if message.get("name") is not None and type(message["name"]) is not str:
            problems.append(Problem(S002, "`name` must be a string", f"{path}.name"))
        weight = message.get("weight", ABSENT)
        return Turn(role, text, path, nontext, ABSENT if weight is None else weight)


class OpenAICompletion(Format):
    name = "openai-completion"
    title = "OpenAI prompt/completion"
    kind = "completion"
    signature = frozenset({"prompt", "completion"})
    keys = signature

    def adapt(self, record: dict, problems: list[Problem]) -> Example:
        self.unknown_keys(record, problems, self.keys)
        turns = []
        for role, key in (("user", "prompt"), ("assistant", "completion")):
            value = record[key]
            if type(value) is not str:
                problems.append(Problem(S002, f"`{key}` must be a string", f"$.{key}"))
                value = ""
            turns.append(Turn(role, value, f"$.{key}", False))
        return Example(self, record, turns)


# -- preference (DPO) and reinforcement (RFT) fine-tuning ---------------------------

DPO_INPUT_KEYS = frozenset({"messages", "tools", "parallel_tool_calls"})
#: (the guide's name, the June 2025 OpenAPI spec's name) of each output of a preference pair
DPO_OUTPUTS = (("preferred_output", "preferred_completion"), ("non_preferred_output", "non_preferred_completion"))
INPUT_MESSAGES = Messages("$.input.messages")
DPO_KEYS = frozenset({"input", *(name for pair in DPO_OUTPUTS for name in pair)})


class OpenAIPreference(Format):
    """``{"input": {"messages", "tools"?, "parallel_tool_calls"?}, "preferred_output": [msg],
    "non_preferred_output": [msg]}``.

    The turns are the input messages plus the preferred assistant message; ``rejected``
    is the non-preferred one (None when it is missing or malformed: S002 says so).
    The spec's ``preferred_completion``/``non_preferred_completion`` are accepted with
    an S003 asking to rename them (providers-research.md §2.1).
    """

    name = "openai-dpo"
    title = "OpenAI DPO preference pair"
    kind = "preference"
    # The outputs have two spellings (guide and API spec); both must be recognised.
    signature = frozenset({"input", "preferred_output"})
    alternatives = (frozenset({"input", "preferred_completion"}),)
    keys = DPO_KEYS

    _turn = OpenAIChat._turn  # the same message validation as chat

    def adapt(self, record: dict, problems: list[Problem]) -> Example:
        given = record["input"]
        # Fast path for the common record: `input` exactly {"messages": [...]} and each output exactly
        # [{"role": "assistant", "content": str}] under the guide's name. Any other JSON value fails a
        # test or raises here and takes the full check. Eight keys in all (`input`, both outputs and
        # `messages`, `role` and `content` twice) leave no other key, and no spec spelling.
        common = False
        try:
            messages = given["messages"]
            [message] = record["preferred_output"]
            [other] = record["non_preferred_output"]
            text, other_text = message["content"], other["content"]
            if (
                len(record) + len(given) + len(message) + len(other) == 8
                and message["role"] == "assistant"
                and other["role"] == "assistant"
                and type(text) is str
                and type(other_text) is str
                and type(messages) is list
                and messages
            ):
                common = True
        except (KeyError, TypeError, ValueError):
            pass
        turns: list[Turn] = []
        nulls: set[str] = set()
        if not common:
            if not DPO_KEYS.issuperset(record):
                self.unknown_keys(record, problems, DPO_KEYS)
            messages = self._input(given, problems)
        if messages is not None:
            turns = INPUT_MESSAGES.walk(
                messages, fast_message, lambda m, p, found: self._turn(m, p, found, nulls), problems
            )
        if common:
            turns.append(new_turn(Turn, ("assistant", text, "$.preferred_output[0]", False, ABSENT)))
            rejected = new_turn(Turn, ("assistant", other_text, "$.non_preferred_output[0]", False, ABSENT))
        else:
            preferred = self._output(record, *DPO_OUTPUTS[0], "preferred", problems, nulls)
            rejected = self._output(record, *DPO_OUTPUTS[1], "non-preferred", problems, nulls)
            if preferred is not None:
                turns.append(preferred)
        return Example(self, record, turns, "$.input.messages", rejected, nulls)

    def _input(self, given: object, problems: list[Problem]) -> list | None:
        """Check ``input`` but for each of its messages; return them (None when there are none to adapt)."""
        if type(given) is not dict:
            problems.append(Problem(S002, "`input` must be an object with `messages`", "$.input"))
            return None
        messages = given.get("messages", ABSENT)
        if len(given) > (messages is not ABSENT):  # a key besides `messages`
            self._input_keys(given, problems)
        if type(messages) is not list or not messages:
            why = "`input` has no `messages`" if messages is ABSENT else "`messages` must be a non-empty array"
            problems.append(Problem(S002, why, "$.input.messages"))
            return None
        return messages

    def _input_keys(self, given: dict, problems: list[Problem]) -> None:
        """Check the keys of ``input`` besides its ``messages``."""
        if not DPO_INPUT_KEYS.issuperset(given):
            self.unknown_keys(given, problems, DPO_INPUT_KEYS, "$.input")
        tools = given.get("tools")
        if tools is not None and (type(tools) is not list or any(type(t) is not dict for t in tools)):
            problems.append(Problem(S002, "`tools` must be an array of objects", "$.input.tools"))
        if "parallel_tool_calls" in given and type(given["parallel_tool_calls"]) is not bool:
            why = "`parallel_tool_calls` must be true or false"
            problems.append(Problem(S002, why, "$.input.parallel_tool_calls"))

    def _output(
        self, record: dict, key: str, spec: str, which: str, problems: list[Problem], nulls: set[str]
    ) -> Turn | None:
        """The one assistant message of ``key`` (or of its spec spelling ``spec``)."""
        if key in record:
            if spec in record:
                problems.append(Problem(S003, f"`{spec}` duplicates `{key}`; remove it", f"$.{spec}"))
        elif spec in record:
            problems.append(
                Problem(
                    S003,
                    f"Rename `{spec}` to `{key}`: the fine-tuning guide, Azure and Together use `{key}` "
                    f"(`{spec}` is only in the API spec)",
                    f"$.{spec}",
                    ((f"$.{spec}", key),),
                )
            )
            key = spec
        else:
            problems.append(Problem(S002, f"Missing `{key}`, the {which} assistant message", f"$.{key}"))
            return None
        value, path = record[key], f"$.{key}"
        if type(value) is not list or not value:
            problems.append(Problem(S002, f"`{key}` must be an array holding one assistant message", path))
            return None
        if len(value) > 1:
            problems.append(
                Problem(S002, f"`{key}` must hold exactly one assistant message, not {len(value)}", f"{path}[1]")
            )
        message, path = value[0], f"{path}[0]"
        if type(message) is not dict:
            problems.append(Problem(S002, "Message must be an object with `role` and `content`", path))
            return None
        turn = self._turn(message, path, problems, nulls)
        if turn.role is not None and turn.role != "assistant":
            problems.append(
                Problem(S002, f"The {which} output must be an `assistant` message, not `{turn.role}`", f"{path}.role")
            )
        return turn


class OpenAIReinforcement(OpenAIChat):
    """Reinforcement fine-tuning: chat messages ending with the user's; any extra top-level key
    is a grader field (``{{item.*}}``). Same signature as openai-chat, so only a profile selects it."""

    name = "openai-rft"
    title = "OpenAI reinforcement fine-tuning"
    roles = ("developer", "system", "user", "assistant", "tool", "function")
    first_roles = ("developer", "user")
    last_roles = ("user",)
    answer_roles = ()  # the model answers at training time; the data needs no assistant turn

    def unknown_keys(self, record: dict, problems: list[Problem], allowed: frozenset[str], where: str = "$") -> None:
        if where != "$":  # message keys are checked; top-level keys are the graders' business
            super().unknown_keys(record, problems, allowed, where)
