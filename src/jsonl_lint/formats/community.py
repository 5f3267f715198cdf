"""Open community formats: ShareGPT, Alpaca, completion-only text, TRL's prompt/completion and
preference datasets, and Anthropic HH transcripts.

Their role names vary, so the adapters map them to the OpenAI names (``human`` -> ``user``,
``gpt`` -> ``assistant``, ...); a role they do not know is carried as written, for C001 to flag.

Sources: LLaMA-Factory's ``data/README.md`` and ``converter.py`` (ShareGPT, Alpaca),
huggingface.co/docs/trl/dataset_formats (TRL), anthropics/hh-rlhf (HH); see
``../shared/design/providers-research.md`` §7.
"""

from __future__ import annotations

import functools
import re

from jsonl_lint.codes import S002
from jsonl_lint.example import ABSENT, Example, Problem, Turn
from jsonl_lint.formats._messages import Messages, fast_message, json_text, new_turn, role_of
from jsonl_lint.formats.base import Format

# -- ShareGPT ----------------------------------------------------------------------

SHAREGPT_ROLES = {
    "human": "user", "user": "user",
    "gpt": "assistant", "assistant": "assistant", "bot": "assistant", "model": "assistant",
    "function_call": "assistant",  # LLaMA-Factory: the assistant's tool call (a JSON string)
    "system": "system",
    "tool": "tool", "function": "tool", "observation": "tool", "function_response": "tool",
}  # fmt: skip
SHAREGPT_MESSAGE_KEYS = frozenset({"from", "value", "weight"})
CONVERSATIONS = Messages("$.conversations", "Message must be an object with `from` and `value`")
MEDIA_KEYS = ("images", "videos", "audios")


def _fast_sharegpt(message: object, path: str) -> Turn | None:
    """The turn of a message exactly ``{"from": str, "value": str}``."""
    if type(message) is dict and len(message) == 2:
        speaker, value = message.get("from"), message.get("value")
        if type(speaker) is str and type(value) is str:
            role = SHAREGPT_ROLES.get(speaker, speaker)
            return new_turn(Turn, (role, value, path, speaker == "function_call", ABSENT))
    return None


def _system_turn(record: dict, turns: list[Turn], problems: list[Problem]) -> None:
    """A top-level ``system`` string as a leading system turn (null or "" count as none)."""
    system = record.get("system")
    if system is None:
        return
    if type(system) is not str:
        problems.append(Problem(S002, "`system` must be a string", "$.system"))
    elif system:
        turns.append(Turn("system", system, "$.system", False))


class ShareGPT(Format):
    """``{"conversations": [{"from", "value"}], "system"?: str, "tools"?: str, "images"?: [...]}``."""

    name = "sharegpt"
    title = "ShareGPT"
    signature = frozenset({"conversations"})
    field_names = {"role": "from", "content": "value"}
    keys = frozenset({"conversations", "system", "tools", "id", *MEDIA_KEYS})

    def adapt(self, record: dict, problems: list[Problem]) -> Example:
        turns: list[Turn] = []
        if len(record) > 1:
            if not self.keys.issuperset(record.keys()):
                self.unknown_keys(record, problems, self.keys)
            _system_turn(record, turns, problems)
            tools = record.get("tools")
            if tools is not None and type(tools) is not str and type(tools) is not list:
                problems.append(Problem(S002, "`tools` must be a JSON string or an array of tools", "$.tools"))
            for key in MEDIA_KEYS:
                media = record.get(key)
                if media is not None and (type(media) is not list or any(type(m) is not str for m in media)):
                    problems.append(Problem(S002, f"`{key}` must be an array of paths or URLs", f"$.{key}"))
        conversations = record["conversations"]
        if type(conversations) is not list or not conversations:
            problems.append(Problem(S002, "`conversations` must be a non-empty array of messages", "$.conversations"))
            return Example(self, record, turns, "$.conversations")
        turns.extend(CONVERSATIONS.walk(conversations, _fast_sharegpt, self._turn, problems))
        return Example(self, record, turns, "$.conversations")

    def _turn(self, message: dict, path: str, problems: list[Problem]) -> Turn:
        if not SHAREGPT_MESSAGE_KEYS.issuperset(message.keys()):
            self.unknown_keys(message, problems, SHAREGPT_MESSAGE_KEYS, path)
        speaker = message.get("from")
        role = None
        if type(speaker) is str:
            role = SHAREGPT_ROLES.get(speaker, speaker)
        else:
            why = "Message has no `from`" if speaker is None else "`from` must be a string"
            problems.append(Problem(S002, why, f"{path}.from"))
        value = message.get("value", ABSENT)
        if type(value) is not str:
            why = "Message has no `value`" if value is ABSENT else "`value` must be a string"
            problems.append(Problem(S002, why, f"{path}.value"))
            value = ""
        return Turn(role, value, path, speaker == "function_call", message.get("weight", ABSENT))


# -- Alpaca ------------------------------------------------------------------------


class Alpaca(Format):
    """``{"instruction", "input"?, "output", "system"?, "history"?: [[instruction, response], ...]}``.

    Turns: the system, the history pairs, then user = instruction (+ "\\n\\n" + input) and
    assistant = output.
    """

    name = "alpaca"
    title = "Alpaca"
    kind = "completion"
    signature = frozenset({"instruction", "output"})
    keys = frozenset({"instruction", "input", "output", "system", "history"})

    def adapt(self, record: dict, problems: list[Problem]) -> Example:
        turns: list[Turn] = []
        if len(record) > 2:
            if not self.keys.issuperset(record.keys()):
                self.unknown_keys(record, problems, self.keys)
            _system_turn(record, turns, problems)
            history = record.get("history")
            if history is not None:
                self._history(history, turns, problems)
        instruction = record["instruction"]
        if type(instruction) is not str:
            problems.append(Problem(S002, "`instruction` must be a string", "$.instruction"))
            instruction = ""
        given = record.get("input")
        if given is not None:
            if type(given) is not str:
                problems.append(Problem(S002, "`input` must be a string", "$.input"))
            elif given:
                instruction = f"{instruction}\n\n{given}"
        output = record["output"]
        if type(output) is not str:
            problems.append(Problem(S002, "`output` must be a string", "$.output"))
            output = ""
        turns.append(Turn("user", instruction, "$.instruction", False))
        turns.append(Turn("assistant", output, "$.output", False))
        return Example(self, record, turns)

    def _history(self, history: object, turns: list[Turn], problems: list[Problem]) -> None:
        if type(history) is not list:
            problems.append(Problem(S002, "`history` must be an array of [instruction, response] pairs", "$.history"))
            return
        for j, pair in enumerate(history):
            where = f"$.history[{j}]"
            if type(pair) is not list or len(pair) != 2:
                problems.append(Problem(S002, "A `history` item must be an [instruction, response] pair", where))
                continue
            for k, role in ((0, "user"), (1, "assistant")):
                text = pair[k]
                if type(text) is not str:
                    problems.append(Problem(S002, "A `history` pair holds two strings", f"{where}[{k}]"))
                    text = ""
                turns.append(Turn(role, text, f"{where}[{k}]", False))


# -- completion-only text ------------------------------------------------------------


class Text(Format):
    """``{"text": str}``: language-modelling text (MLX, TRL, continued pre-training); one turn."""

    name = "text"
    title = 'completion-only text ({"text"})'
    kind = "text"
    signature = frozenset({"text"})
    keys = signature

    def adapt(self, record: dict, problems: list[Problem]) -> Example:
        if len(record) != 1:
            self.unknown_keys(record, problems, self.keys)
        text = record["text"]
        if type(text) is not str:
            problems.append(Problem(S002, "`text` must be a string", "$.text"))
            text = ""
        return Example(self, record, [Turn("assistant", text, "$.text", False)])


# -- TRL -----------------------------------------------------------------------------

#: keys of a conversational message that chat templates read
MESSAGE_KEYS = frozenset({"role", "content", "name", "tool_calls", "tool_call_id", "reasoning_content", "thinking"})
#: columns TRL reads besides the format's own
TRL_EXTRA_KEYS = ("tools", "images")


def _calls_text(calls: list) -> str:
    """``name(arguments)`` of each tool call (arguments may be a string or, for chat templates, an object)."""
    texts = []
    for call in calls:
        function = call.get("function") if type(call) is dict else None
        if type(function) is dict:
            name = function.get("name")
            texts.append(f"{name if type(name) is str else ''}({json_text(function.get('arguments', ''))})")
    return "\n".join(texts)


def _messages(fmt: Format, value: list, path: str, problems: list[Problem]) -> list[Turn]:
    """Turns of a list of chat-template messages ``{"role", "content"}``; S002 when it is empty."""
    if not value:
        problems.append(Problem(S002, "The array of messages is empty", path))
    return _places(path).walk(value, fast_message, functools.partial(_message, fmt), problems)


@functools.cache
def _places(path: str) -> Messages:
    """The messages at ``path`` (`$.prompt`, `$.chosen`, ...): a handful of places, made once."""
    return Messages(path)


def _message(fmt: Format, message: dict, where: str, problems: list[Problem]) -> Turn:
    """The full check of a chat-template message ``{"role", "content", "tool_calls"?}``."""
    if not MESSAGE_KEYS.issuperset(message.keys()):
        fmt.unknown_keys(message, problems, MESSAGE_KEYS, where)
    role = role_of(message, where, problems)
    content = message.get("content")
    nontext = False
    if type(content) is str:
        text = content
    elif content is None:
        text = ""
    elif type(content) is list:
        text, nontext = _parts(content, f"{where}.content", problems)
    else:
        problems.append(Problem(S002, "`content` must be a string or an array of parts", f"{where}.content"))
        text = ""
    calls = message.get("tool_calls")
    if calls is not None:
        if type(calls) is list:
            if calls:
                nontext = True
                extra = _calls_text(calls)
                text = f"{text}\n{extra}" if text else extra
        else:
            problems.append(Problem(S002, "`tool_calls` must be an array", f"{where}.tool_calls"))
    return Turn(role, text, where, nontext)


def _parts(parts: list, path: str, problems: list[Problem]) -> tuple[str, bool]:
    """Text of multimodal content ``[{"type": "text", "text"}, {"type": "image"}, ...]``."""
    texts = []
    media = False
    for j, part in enumerate(parts):
        where = f"{path}[{j}]"
        if type(part) is not dict:
            problems.append(Problem(S002, "Content part must be an object with a `type`", where))
            continue
        kind = part.get("type")
        if kind == "text":
            if type(part.get("text")) is str:
                texts.append(part["text"])
            else:
                problems.append(Problem(S002, "`text` part needs a string `text`", f"{where}.text"))
        elif type(kind) is str:
            media = True  # image, video, audio...: what the processor fills in
        else:
            why = "Content part has no `type`" if kind is None else "Content part `type` must be a string"
            problems.append(Problem(S002, why, f"{where}.type"))
    return "\n".join(texts), media


def _side(fmt: Format, record: dict, key: str, role: str, problems: list[Problem]) -> list[Turn]:
    """Turns of one field: a string (one ``role`` turn) or a list of messages."""
    value = record[key]
    if type(value) is str:
        return [Turn(role, value, f"$.{key}", False)]
    if type(value) is list:
        return _messages(fmt, value, f"$.{key}", problems)
    problems.append(Problem(S002, f"`{key}` must be a string or an array of messages", f"$.{key}"))
    return [Turn(role, "", f"$.{key}", False)]


def _same_form(record: dict, keys: tuple[str, ...], problems: list[Problem]) -> None:
    """TRL needs every field in one form: all strings (standard) or all message lists (conversational)."""
    first = type(record[keys[0]])
    if first is not str and first is not list:
        return
    for key in keys[1:]:
        kind = type(record[key])
        if (kind is str or kind is list) and kind is not first:
            have, want = ("a string", "message arrays") if kind is str else ("an array of messages", "strings")
            others = " and ".join(f"`{k}`" for k in keys if k != key)
            problems.append(
                Problem(S002, f"`{key}` is {have} but {others} are {want}; use one form for all", f"$.{key}")
            )
            return


class TrlPromptCompletion(Format):
    """TRL prompt/completion, standard (``{"prompt": str, "completion": str}``) or conversational
    (``{"prompt": [messages], "completion": [messages]}``). Same signature as openai-completion,
    which it accepts too: a profile chooses one of them."""

    name = "trl-prompt-completion"
    title = "TRL prompt/completion"
    kind = "completion"
    signature = frozenset({"prompt", "completion"})
    keys = frozenset({*signature, *TRL_EXTRA_KEYS})

    def adapt(self, record: dict, problems: list[Problem]) -> Example:
        if len(record) != 2 and not self.keys.issuperset(record.keys()):
            self.unknown_keys(record, problems, self.keys)
        prompt, completion = record["prompt"], record["completion"]
        if type(prompt) is str and type(completion) is str:  # the standard form
            turns = [Turn("user", prompt, "$.prompt", False), Turn("assistant", completion, "$.completion", False)]
            return Example(self, record, turns)
        _same_form(record, ("prompt", "completion"), problems)
        turns = _side(self, record, "prompt", "user", problems)
        turns.extend(_side(self, record, "completion", "assistant", problems))
        return Example(self, record, turns)


def _answer(turns: list[Turn], record: dict, key: str, problems: list[Problem]) -> Turn | None:
    """The answer of one side of a pair: its last assistant turn (None without one: S002 says why)."""
    for turn in reversed(turns):
        if turn.role == "assistant":
            return turn
    value = record[key]
    if type(value) is list and value:  # a transcript says so itself, and an empty list is reported already
        problems.append(Problem(S002, f"`{key}` has no assistant message", f"$.{key}"))
    return None


class TrlPreference(Format):
    """TRL preference: ``{"prompt", "chosen", "rejected"}``, each a string or a list of messages.

    Turns: the prompt, then the chosen side; ``rejected`` is the rejected side's answer.
    """

    name = "trl-preference"
    title = "TRL preference pair"
    kind = "preference"
    signature = frozenset({"prompt", "chosen", "rejected"})
    keys = frozenset({*signature, *TRL_EXTRA_KEYS})

    def adapt(self, record: dict, problems: list[Problem]) -> Example:
        if len(record) != 3 and not self.keys.issuperset(record.keys()):
            self.unknown_keys(record, problems, self.keys)
        prompt, chosen, rejected = record["prompt"], record["chosen"], record["rejected"]
        if type(prompt) is str and type(chosen) is str and type(rejected) is str:  # the standard form
            turns = [Turn("user", prompt, "$.prompt", False), Turn("assistant", chosen, "$.chosen", False)]
            return Example(self, record, turns, "$", Turn("assistant", rejected, "$.rejected", False))
        _same_form(record, ("prompt", "chosen", "rejected"), problems)
        turns = _side(self, record, "prompt", "user", problems)
        chosen = _side(self, record, "chosen", "assistant", problems)
        _answer(chosen, record, "chosen", problems)
        turns.extend(chosen)
        rejected = _answer(_side(self, record, "rejected", "assistant", problems), record, "rejected", problems)
        return Example(self, record, turns, "$", rejected)


# -- Anthropic HH ----------------------------------------------------------------------

#: a speaker marker of an HH transcript; split() returns [before, speaker, text, speaker, text, ...]
_SPEAKER = re.compile(r"(?:\A|\n\n)(Human|Assistant): ?")
HH_ROLES = {"Human": "user", "Assistant": "assistant"}


def _transcript(text: str, path: str, problems: list[Problem]) -> list[Turn]:
    """Turns of ``"\\n\\nHuman: ...\\n\\nAssistant: ..."``; text without markers is one assistant turn
    (TRL's implicit-prompt preference, ``{"chosen": "The sky is blue.", ...}``)."""
    pieces = _SPEAKER.split(text)
    if len(pieces) == 1:
        return [Turn("assistant", text, path, False)]
    turns = []
    if pieces[0] and not pieces[0].isspace():
        problems.append(Problem(S002, "Text before the first `Human:` turn of the transcript", path))
        turns.append(Turn(None, pieces[0], path, False))
    for i in range(1, len(pieces), 2):
        turns.append(Turn(HH_ROLES[pieces[i]], pieces[i + 1], path, False))
    if turns[-1].role != "assistant":
        problems.append(Problem(S002, "The transcript does not end with an `Assistant:` turn", path))
    return turns


class HHPreference(Format):
    """Anthropic HH: ``{"chosen": "\\n\\nHuman: ...\\n\\nAssistant: ...", "rejected": "..."}``.

    Turns: the chosen transcript; ``rejected`` is the rejected transcript's last assistant turn.
    Also TRL's implicit-prompt preference: plain strings, or lists of messages.
    """

    name = "hh-preference"
    title = "Anthropic HH preference pair"
    kind = "preference"
    signature = frozenset({"chosen", "rejected"})
    keys = signature

    def adapt(self, record: dict, problems: list[Problem]) -> Example:
        if len(record) != 2:
            self.unknown_keys(record, problems, self.keys)
        _same_form(record, ("chosen", "rejected"), problems)
        sides = []
        for key in ("chosen", "rejected"):
            value = record[key]
            if type(value) is str:
                sides.append(_transcript(value, f"$.{key}", problems))
            elif type(value) is list:
                sides.append(_messages(self, value, f"$.{key}", problems))
            else:
                why = f"`{key}` must be a transcript string or an array of messages"
                problems.append(Problem(S002, why, f"$.{key}"))
                sides.append([])
        chosen, rejected = sides
        _answer(chosen, record, "chosen", problems)
        rejected_answer = _answer(rejected, record, "rejected", problems)
        return Example(self, record, chosen, "$.chosen", rejected_answer)
