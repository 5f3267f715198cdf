"""OpenAI chat (`messages`) and legacy prompt/completion formats.

Shapes follow the fine-tuning input schemas of the OpenAI API
(``FineTuneChatRequestInput``, ``FineTuneCompletionRequestInput``); see
``../shared/design/providers-research.md`` §2.1.
"""

from __future__ import annotations

from jsonl_lint.formats import ABSENT, Example, Format, Problem, Turn, register

MESSAGE_KEYS = frozenset(
    {"role", "content", "name", "weight", "tool_calls", "tool_call_id", "function_call", "refusal"}
)
PART_TEXT_FIELD = {"text": "text", "refusal": "refusal"}
#: JSON paths of the first messages, built once: paths are made for every message of every record.
MESSAGE_PATHS = tuple(f"$.messages[{i}]" for i in range(256))
_new_turn = tuple.__new__
MEDIA_PARTS = frozenset({"image_url", "input_audio", "file"})


def _part_texts(parts: list, path: str, problems: list[Problem]) -> tuple[str, bool]:
    """Join the text of a content-part array; report malformed parts."""
    texts = []
    media = False
    for j, part in enumerate(parts):
        where = f"{path}[{j}]"
        if type(part) is not dict:
            problems.append(Problem("S002", "Content part must be an object", where))
            continue
        kind = part.get("type")
        if kind is not None and type(kind) is not str:
            problems.append(Problem("S002", "Content part `type` must be a string", f"{where}.type"))
        elif kind in PART_TEXT_FIELD:
            value = part.get(PART_TEXT_FIELD[kind])
            if type(value) is str:
                texts.append(value)
            else:
                problems.append(Problem("S002", f"`{kind}` part needs a string `{PART_TEXT_FIELD[kind]}`", where))
        elif kind in MEDIA_PARTS:
            media = True
            if type(part.get(kind)) is not dict:
                problems.append(Problem("S002", f"`{kind}` part needs an object `{kind}`", f"{where}.{kind}"))
        elif kind is None:
            problems.append(Problem("S002", "Content part has no `type`", where))
        else:
            problems.append(Problem("S002", f"Unknown content part type {kind!r}", f"{where}.type"))
    return "\n".join(texts), media


def _function_text(call: object, path: str, problems: list[Problem]) -> str:
    """Validate a ``{"name", "arguments"}`` object; return ``name(arguments)``."""
    if type(call) is not dict:
        problems.append(Problem("S002", "Function call must be an object with `name` and `arguments`", path))
        return ""
    name, arguments = call.get("name"), call.get("arguments")
    if type(name) is not str:
        problems.append(Problem("S002", "Function call needs a string `name`", f"{path}.name"))
        name = ""
    if type(arguments) is not str:
        problems.append(
            Problem(
                "S002", "Function call `arguments` must be a JSON-encoded string, not raw JSON", f"{path}.arguments"
            )
        )
        arguments = ""
    return f"{name}({arguments})"


def _tool_calls_text(calls: object, path: str, problems: list[Problem]) -> str:
    if type(calls) is not list:
        problems.append(Problem("S002", "`tool_calls` must be an array", path))
        return ""
    texts = []
    for j, call in enumerate(calls):
        where = f"{path}[{j}]"
        if type(call) is not dict:
            problems.append(Problem("S002", "Tool call must be an object", where))
            continue
        if type(call.get("id")) is not str:
            problems.append(Problem("S002", "Tool call needs a string `id`", f"{where}.id"))
        if call.get("type") != "function":
            problems.append(Problem("S002", 'Tool call needs `"type": "function"`', f"{where}.type"))
        texts.append(_function_text(call.get("function"), f"{where}.function", problems))
    return "\n".join(texts)


def _list_of_objects(record: dict, key: str, problems: list[Problem]) -> None:
    value = record.get(key)
    if value is not None and (type(value) is not list or any(type(v) is not dict for v in value)):
        problems.append(Problem("S002", f"`{key}` must be an array of objects", f"$.{key}"))


@register
class OpenAIChat(Format):
    name = "openai-chat"
    title = "OpenAI chat"
    signature = frozenset({"messages"})
    # `weight` at example level is C008's finding, not an unknown key.
    keys = frozenset({"messages", "tools", "functions", "parallel_tool_calls", "weight"})

    def adapt(self, record: dict, problems: list[Problem]) -> Example:
        self.unknown_keys(record, problems, self.keys)
        _list_of_objects(record, "tools", problems)
        _list_of_objects(record, "functions", problems)
        if "parallel_tool_calls" in record and type(record["parallel_tool_calls"]) is not bool:
            problems.append(Problem("S002", "`parallel_tool_calls` must be true or false", "$.parallel_tool_calls"))
        messages = record["messages"]
        turns: list[Turn] = []
        if type(messages) is not list or not messages:
            problems.append(Problem("S002", "`messages` must be a non-empty array of messages", "$.messages"))
            return Example(self.name, self.kind, record, turns, "$.messages")
        for i, message in enumerate(messages):
            path = MESSAGE_PATHS[i] if i < 256 else f"$.messages[{i}]"
            # Fast path for the common shape, exactly {"role": str, "content": str}
            # (a tool message also needs its `tool_call_id`).
            if type(message) is dict and len(message) == 2:
                role, content = message.get("role"), message.get("content")
                if type(role) is str and type(content) is str and role != "tool":
                    turns.append(_new_turn(Turn, (role, content, path, False, ABSENT)))
                    continue
            if type(message) is not dict:
                problems.append(Problem("S002", "Message must be an object with `role` and `content`", path))
                continue
            turns.append(self._turn(message, path, problems))
        return Example(self.name, self.kind, record, turns, "$.messages")

    def _turn(self, message: dict, path: str, problems: list[Problem]) -> Turn:
        if not MESSAGE_KEYS.issuperset(message.keys()):
            self.unknown_keys(message, problems, MESSAGE_KEYS, path)
        role = message.get("role")
        if type(role) is not str:
            why = "Message has no `role`" if role is None else "`role` must be a string"
            problems.append(Problem("S002", why, f"{path}.role"))
            role = None
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
                Problem("S002", "`content` must be a string, null or an array of content parts", f"{path}.content")
            )
            text = ""
        extra = []
        if "tool_calls" in message:
            nontext = nontext or bool(message["tool_calls"])
            extra.append(_tool_calls_text(message["tool_calls"], f"{path}.tool_calls", problems))
        if "function_call" in message:
            nontext = nontext or bool(message["function_call"])
            extra.append(_function_text(message["function_call"], f"{path}.function_call", problems))
        if extra:
            text = "\n".join([text, *extra]) if text else "\n".join(extra)
        if role == "tool" and type(message.get("tool_call_id")) is not str:
            problems.append(Problem("S002", "Tool message needs a string `tool_call_id`", f"{path}.tool_call_id"))
        if "name" in message and type(message["name"]) is not str:
            problems.append(Problem("S002", "`name` must be a string", f"{path}.name"))
        return Turn(role, text, path, nontext, message.get("weight", ABSENT))


@register
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
                problems.append(Problem("S002", f"`{key}` must be a string", f"$.{key}"))
                value = ""
            turns.append(Turn(role, value, f"$.{key}", False))
        return Example(self.name, self.kind, record, turns)
