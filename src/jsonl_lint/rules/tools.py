"""C rules on tool calls and preference pairs.

C010 reads the raw messages (``example.record``): the normalised turns keep only
role and text, while a tool call's id, name and arguments are what it checks.
Shapes follow OpenAI's fine-tuning input schemas; see
``../shared/design/providers-research.md`` §2.1, §5 (Mistral) and §10 (Tools).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import orjson

from jsonl_lint.diagnostics import Severity
from jsonl_lint.jsonpath import json_type
from jsonl_lint.rules.base import Finding, Option, RecordRule

#: OpenAI's tool and function names; Mistral validates the same pattern.
NAME_RE = re.compile(r"[a-zA-Z0-9_-]{1,64}")
TOOL_ROLES = frozenset({"tool", "function"})
#: DPO outputs: the guide's names, then the June 2025 OpenAPI spec's.
DPO_OUTPUTS = ("preferred_output", "non_preferred_output", "preferred_completion", "non_preferred_completion")
#: Where a preference format keeps its rejected answer, for the finding when it is missing.


class PatternOption(Option):
    """A string option holding a regular expression: checked when the config is read."""

    def coerce(self, value):
        value = super().coerce(value)
        try:
            re.compile(value)
        except re.error as exc:
            raise ValueError(f"`{self.name}` is not a valid regular expression: {exc}") from None
        return value


class ToolCallMismatch(RecordRule):
    code, name, severity = "C010", "tool-call-mismatch", Severity.ERROR
    summary = "Tool calls and results that do not match, undeclared functions, arguments not a JSON object"
    # openai-dpo examples are of kind "preference"; the engine filters on the format's kind.
    kinds = frozenset({"chat", "preference"})
    formats = frozenset({"openai-chat", "openai-dpo"})
    options = (
        PatternOption(
            "tool-call-id-pattern",
            str,
            "",
            "Regular expression every tool call id must match (the mistral profile sets ^[a-zA-Z0-9]{9}$)",
        ),
    )
    _compiled: re.Pattern[str] | None | bool = False  # False: not compiled yet; None: no check

    def _id_pattern(self) -> re.Pattern[str] | None:
        if self._compiled is False:
            pattern = self.settings.get("tool-call-id-pattern") or ""
            self._compiled = re.compile(pattern) if pattern else None
        return self._compiled  # type: ignore[return-value]

    def check(self, example):
        record = example.record
        if example.format.name == "openai-dpo":  # (the name: a format's __eq__ is Python code)
            inputs = record.get("input")
            if type(inputs) is not dict:
                return ()
            conversation = [("$.input.messages", inputs.get("messages"))]
            outputs = [[(f"$.{key}", record[key])] for key in DPO_OUTPUTS if type(record.get(key)) is list]
            sequences = [conversation + output for output in outputs] or [conversation]
            scope, where = inputs, "$.input"
        else:
            # The cheap exit, for the many records without tools: nothing but the turns.
            if "tools" not in record and "functions" not in record:
                for turn in example.turns:
                    if turn.nontext or turn.role in TOOL_ROLES:
                        break
                else:
                    return ()
            sequences = [[("$.messages", record.get("messages"))]]
            scope, where = record, "$"
        findings: dict[Finding, None] = {}  # ordered; a DPO input is walked once per output
        declared = _declarations(scope, where, findings)
        pattern = self._id_pattern()
        for sequence in sequences:
            for finding in _walk(sequence, declared, pattern):
                findings[finding] = None
        return list(findings)


class Declared:
    """The functions a record declares in `tools` and `functions`."""

    __slots__ = ("names", "where")

    def __init__(self, names: set[str], where: str):
        self.names = names
        self.where = where  # "`tools`", "`functions`" or both; "" when neither key is given


def _declarations(scope: dict, where: str, findings: dict[Finding, None]) -> Declared:
    """Names declared in ``scope``'s `tools` and `functions`; report invalid names."""
    names: set[str] = set()
    keys = []
    prefix = "$." if where == "$" else f"{where}."
    tools = scope.get("tools")
    if type(tools) is list:
        keys.append("`tools`")
        for i, tool in enumerate(tools):
            # Tools of another type than "function" declare no function.
            if type(tool) is dict and tool.get("type", "function") == "function":
                function = tool.get("function")
                if type(function) is dict and type(function.get("name")) is str:
                    name = function["name"]
                    names.add(name)
                    _check_name(name, f"{prefix}tools[{i}].function.name", findings)
    functions = scope.get("functions")
    if type(functions) is list:
        keys.append("`functions`")
        for i, function in enumerate(functions):
            if type(function) is dict and type(function.get("name")) is str:
                name = function["name"]
                names.add(name)
                _check_name(name, f"{prefix}functions[{i}].name", findings)
    return Declared(names, " or ".join(keys))


def _check_name(name: str, path: str, findings: dict[Finding, None]) -> None:
    if not NAME_RE.fullmatch(name):
        findings[Finding(_name_problem(name), path)] = None


def _name_problem(name: str) -> str:
    """Why ``name`` breaks ``^[a-zA-Z0-9_-]{1,64}$``."""
    if not name:
        return "Function name is empty"
    if len(name) > 64:
        return f"Function name {_q(name)} is {len(name)} characters long; the limit is 64"
    return f"Function name {_q(name)} may only contain letters, digits, `_` and `-`"


def _check_function(function: dict, path: str, declared: Declared, what: str) -> Iterator[Finding]:
    """Name and arguments of a ``{"name", "arguments"}`` object (shape problems are S002's)."""
    name = function.get("name")
    if type(name) is str:
        if not NAME_RE.fullmatch(name):
            yield Finding(_name_problem(name), f"{path}.name")
        if declared.where and name not in declared.names:
            yield Finding(f"{what} {_q(name)}: {declared.where} declares no such function", f"{path}.name")
    arguments = function.get("arguments")
    if type(arguments) is str:
        problem = _arguments_problem(arguments)
        if problem:
            label = f" of {_q(name)}" if type(name) is str else ""
            yield Finding(f"`arguments`{label} {problem}", f"{path}.arguments")


def _arguments_problem(arguments: str) -> str | None:
    """Why ``arguments`` is not a JSON-encoded object, or None."""
    if not arguments or arguments.isspace():
        return 'is empty; a call without arguments sends "{}"'
    try:
        value = orjson.loads(arguments)
    except orjson.JSONDecodeError as exc:
        return f"is not valid JSON ({exc})"
    if type(value) is not dict:
        kind = json_type(value)
        article = "" if value is None else "an " if kind == "array" else "a "
        return f"must encode a JSON object, not {article}{kind}"
    return None


def _walk(sequence: list[tuple[str, object]], declared: Declared, pattern: re.Pattern[str] | None) -> Iterator[Finding]:
    """Check the calls and results of one conversation, given as segments of (path, messages)."""
    ids: dict[str, str] = {}  # tool call id -> path of its first `id`
    #: unanswered tool calls by id (a duplicated id expects a result per call): position, path of `id`, name
    pending: dict[str, list[tuple[int, str, object]]] = {}
    legacy: list[tuple[int, str, str]] = []  # unanswered `function_call`s: position, path, name
    called: set[str] = set()  # names of every `function_call`
    position = -1
    for prefix, messages in sequence:
        if type(messages) is not list:
            continue
        for i, message in enumerate(messages):
            position += 1
            if type(message) is not dict:
                continue
            calls = message.get("tool_calls")
            if calls and type(calls) is list:
                for j, call in enumerate(calls):
                    if type(call) is not dict:
                        continue
                    where = f"{prefix}[{i}].tool_calls[{j}]"
                    function = call.get("function")
                    name = None
                    if type(function) is dict:
                        name = function.get("name")
                        yield from _check_function(function, f"{where}.function", declared, "Tool call to")
                    call_id = call.get("id")
                    if type(call_id) is not str:
                        continue  # S002's finding
                    if call_id in ids:
                        yield Finding(
                            f"Tool call id {_q(call_id)} is used twice (first at {ids[call_id]})", f"{where}.id"
                        )
                        pending.setdefault(call_id, []).append((position, f"{where}.id", name))
                        continue
                    ids[call_id] = f"{where}.id"
                    pending[call_id] = [(position, f"{where}.id", name)]
                    if pattern is not None and not pattern.fullmatch(call_id):
                        yield Finding(
                            f"Tool call id {_q(call_id)} does not match `tool-call-id-pattern` {_q(pattern.pattern)}",
                            f"{where}.id",
                        )
            function_call = message.get("function_call")
            if function_call and type(function_call) is dict:
                where = f"{prefix}[{i}].function_call"
                yield from _check_function(function_call, where, declared, "`function_call` to")
                name = function_call.get("name")
                if type(name) is str:
                    legacy.append((position, where, name))
                    called.add(name)
            role = message.get("role")
            if role == "tool":
                call_id = message.get("tool_call_id")
                if type(call_id) is not str:
                    continue  # S002's finding
                waiting = pending.get(call_id)
                if waiting:
                    del waiting[0]
                elif call_id in ids:
                    yield Finding(
                        f"Tool message answers {_q(call_id)} again; an earlier tool message already answered it",
                        f"{prefix}[{i}].tool_call_id",
                    )
                else:
                    yield Finding(
                        f"Tool message answers {_q(call_id)}, but no earlier tool call has that id",
                        f"{prefix}[{i}].tool_call_id",
                    )
            elif role == "function":
                name = message.get("name")
                if type(name) is not str:
                    continue
                for k, (_, _, callee) in enumerate(legacy):
                    if callee == name:
                        del legacy[k]
                        break
                else:
                    if name in called:
                        why = "again; an earlier `function` message already answered its `function_call`"
                    else:
                        why = "but no earlier `function_call` calls it"
                    yield Finding(f"`function` message answers {_q(name)}, {why}", f"{prefix}[{i}].name")
    # A call in the final message is a training target (the model learns to call); a call
    # that the conversation goes on from without its result is not.
    for call_id, waiting in pending.items():
        for at, path, name in waiting:
            if at >= position:
                continue
            label = f" to {_q(name)}" if type(name) is str else ""
            yield Finding(
                f"Tool call {_q(call_id)}{label} has no result: no later `tool` message has "
                f"`tool_call_id` {_q(call_id)}",
                path,
            )
    for at, path, name in legacy:
        if at < position:
            yield Finding(f"`function_call` to {_q(name)} has no result: no later `function` message answers it", path)


class PreferencePair(RecordRule):
    code, name, severity = "C011", "preference-pair", Severity.ERROR
    summary = "A preference pair with an empty or missing answer, or identical preferred and rejected answers"
    kinds = frozenset({"preference"})

    def check(self, example):
        preferred = next((turn for turn in reversed(example.turns) if turn.role == "assistant"), None)
        rejected = example.rejected
        if preferred is None:
            yield Finding("Preference pair has no preferred answer", example.turns_path)
        elif _blank(preferred):
            yield Finding(f"Preferred answer is {_emptiness(preferred.text)}", preferred.path)
            preferred = None
        if rejected is None:
            return  # a pair without its rejected side is a shape problem: S002 reports it
        if _blank(rejected):
            yield Finding(f"Rejected answer is {_emptiness(rejected.text)}", rejected.path)
        elif preferred is not None and _same(preferred.text, rejected.text):
            yield Finding(
                "Preferred and rejected answers are identical; the pair teaches the model nothing", rejected.path
            )


def _same(preferred: str, rejected: str) -> bool:
    """Equal with whitespace folded; answers without text (media, empty tool calls) are not compared."""
    folded = " ".join(preferred.split())
    return bool(folded) and folded == " ".join(rejected.split())


def _blank(turn) -> bool:
    return (not turn.text or turn.text.isspace()) and not turn.nontext


def _emptiness(text: str) -> str:
    return "whitespace-only" if text else "empty"


def _q(value: str) -> str:
    """``value`` quoted for a message: in backticks, shortened; repr when it would not print."""
    short = value if len(value) <= 60 else value[:57] + "..."
    return f"`{short}`" if short and short.isprintable() and "`" not in short else repr(short)
