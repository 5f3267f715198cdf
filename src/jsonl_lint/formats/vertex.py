"""Vertex AI Gemini supervised tuning: ``{"systemInstruction"?, "contents": [{"role", "parts"}], "tools"?}``.

Shape from cloud.google.com/vertex-ai/generative-ai/docs/models/gemini-supervised-tuning-prepare;
see ``../shared/design/providers-research.md`` §4. Roles are carried as written (``user`` and
``model``): the format's structure names ``model`` as the answering role. ``systemInstruction``
becomes a leading ``system`` turn, so ``system`` is among the format's roles, and a ``system``
role inside ``contents`` is a schema error here rather than an unknown role.

Vertex reads the lines as protocol-buffer JSON, which accepts each field's snake_case name as
well as its camelCase one (``fileData`` or ``file_data``); both are accepted here.
"""

from __future__ import annotations

from jsonl_lint.codes import S002
from jsonl_lint.example import ABSENT, Example, Problem, Turn
from jsonl_lint.formats._messages import Messages, json_text, new_turn, one_text, role_of
from jsonl_lint.formats.base import Format

CONTENT_KEYS = frozenset({"role", "parts"})
#: the data fields of a Part (exactly one per part), camelCase name -> snake_case name
PART_DATA = {
    "text": "text",
    "inlineData": "inline_data",
    "fileData": "file_data",
    "functionCall": "function_call",
    "functionResponse": "function_response",
    "executableCode": "executable_code",
    "codeExecutionResult": "code_execution_result",
}
PART_META = {"videoMetadata": "video_metadata", "thought": "thought", "thoughtSignature": "thought_signature"}
PART_DATA_KEYS = frozenset({*PART_DATA, *PART_DATA.values()})
PART_KEYS = frozenset({*PART_DATA_KEYS, *PART_META, *PART_META.values()})
#: required string fields of the media parts (both spellings)
MEDIA_FIELDS = {
    "inlineData": ("mimeType", "data"),
    "inline_data": ("mime_type", "data"),
    "fileData": ("mimeType", "fileUri"),
    "file_data": ("mime_type", "file_uri"),
}
CONTENTS = Messages("$.contents", "Content must be an object with `role` and `parts`")
VERTEX_KEYS = frozenset({"systemInstruction", "system_instruction", "contents", "tools"})


_fast_content = one_text("parts", "model")


class VertexGemini(Format):
    name = "vertex-gemini"
    title = "Vertex AI Gemini"
    signature = frozenset({"contents"})
    field_names = {"role": "role", "content": "parts"}
    keys = VERTEX_KEYS
    roles = ("system", "user", "model")  # `system`: the turn made of `systemInstruction`
    first_roles = ("user",)
    last_roles = ("model",)
    answer_roles = ("model",)

    def adapt(self, record: dict, problems: list[Problem]) -> Example:
        turns: list[Turn] = []
        if len(record) == 2 and "systemInstruction" in record:  # the common keys, with `contents`
            system = record["systemInstruction"]
            # Fast path: exactly {"parts": [{"text": str}]}; any other JSON value fails a test or raises
            try:
                [part] = system["parts"]
                text = part["text"]
                if len(system) + len(part) != 2:  # a key besides `parts` and `text`
                    text = None
            except (KeyError, TypeError, ValueError):
                text = None
            if type(text) is str:
                turns.append(new_turn(Turn, ("system", text, "$.systemInstruction", False, ABSENT)))
            else:
                self._system(system, "$.systemInstruction", turns, problems)
        else:
            self._top_level(record, turns, problems)
        contents = record["contents"]
        if type(contents) is not list or not contents:
            problems.append(Problem(S002, "`contents` must be a non-empty array of contents", "$.contents"))
            return Example(self, record, turns, "$.contents")
        turns.extend(CONTENTS.walk(contents, _fast_content, self._turn, problems))
        return Example(self, record, turns, "$.contents")

    def _top_level(self, record: dict, turns: list[Turn], problems: list[Problem]) -> None:
        """The top-level keys besides `contents`, in full, for records with others than `systemInstruction`."""
        if not VERTEX_KEYS.issuperset(record):
            self.unknown_keys(record, problems, VERTEX_KEYS)
        for key in ("systemInstruction", "system_instruction"):
            if key in record:
                self._system(record[key], f"$.{key}", turns, problems)
        tools = record.get("tools")
        if tools is not None and (type(tools) is not list or any(type(t) is not dict for t in tools)):
            problems.append(Problem(S002, "`tools` must be an array of objects", "$.tools"))

    def _system(self, system: object, path: str, turns: list[Turn], problems: list[Problem]) -> None:
        if type(system) is not dict:
            problems.append(Problem(S002, '`systemInstruction` must be an object `{"parts": [{"text": ...}]}`', path))
            return
        if not CONTENT_KEYS.issuperset(system.keys()):
            self.unknown_keys(system, problems, CONTENT_KEYS, path)  # its `role` is allowed and ignored
        parts = system.get("parts")
        if type(parts) is not list or not parts:
            problems.append(Problem(S002, "`parts` must be a non-empty array of parts", f"{path}.parts"))
            return
        texts = []
        for j, part in enumerate(parts):
            where = f"{path}.parts[{j}]"
            if type(part) is not dict:
                problems.append(Problem(S002, 'Part must be an object such as `{"text": ...}`', where))
                continue
            if len(part) != 1:
                self.unknown_keys(part, problems, frozenset({"text"}), where)
            text = part.get("text")
            if type(text) is str:
                texts.append(text)
            else:
                problems.append(Problem(S002, "A system instruction part needs a string `text`", f"{where}.text"))
        turns.append(Turn("system", "\n".join(texts), path, False))

    def _turn(self, content: dict, path: str, problems: list[Problem]) -> Turn:
        if not CONTENT_KEYS.issuperset(content.keys()):
            self.unknown_keys(content, problems, CONTENT_KEYS, path)
        role = role_of(content, path, problems, "Content")
        if role == "system":
            why = "`contents` has no `system` role; put the system prompt in `systemInstruction`"
            problems.append(Problem(S002, why, f"{path}.role"))
        parts = content.get("parts")
        if type(parts) is not list or not parts:
            problems.append(Problem(S002, "`parts` must be a non-empty array of parts", f"{path}.parts"))
            return Turn(role, "", path, False)
        texts: list[str] = []
        nontext = False
        for j, part in enumerate(parts):
            where = f"{path}.parts[{j}]"
            if type(part) is not dict:
                problems.append(Problem(S002, 'Part must be an object such as `{"text": ...}`', where))
                continue
            if not PART_KEYS.issuperset(part.keys()):
                self.unknown_keys(part, problems, PART_KEYS, where)
            kinds = [key for key in part if key in PART_DATA_KEYS]
            if not kinds:
                why = "Part needs one of `text`, `fileData`, `inlineData`, `functionCall`, `functionResponse`"
                problems.append(Problem(S002, why, where))
                continue
            if len(kinds) > 1:
                why = f"Part holds both `{kinds[0]}` and `{kinds[1]}`; use one part each"
                problems.append(Problem(S002, why, where))
            for kind in kinds:
                value = part[kind]
                if kind == "text":
                    if type(value) is str:
                        texts.append(value)
                    else:
                        problems.append(Problem(S002, "`text` must be a string", f"{where}.text"))
                    continue
                nontext = True
                if type(value) is not dict:
                    problems.append(Problem(S002, f"`{kind}` must be an object", f"{where}.{kind}"))
                    continue
                fields = MEDIA_FIELDS.get(kind)
                if fields is not None:
                    for field in fields:
                        if type(value.get(field)) is not str:
                            why = f"`{kind}` needs a string `{field}`"
                            problems.append(Problem(S002, why, f"{where}.{kind}.{field}"))
                elif kind in ("functionCall", "function_call", "functionResponse", "function_response"):
                    name = value.get("name")
                    if type(name) is not str:
                        problems.append(Problem(S002, f"`{kind}` needs a string `name`", f"{where}.{kind}.name"))
                        name = ""
                    if kind in ("functionCall", "function_call"):
                        texts.append(f"{name}({json_text(value.get('args', {}))})")
                    else:
                        texts.append(json_text(value.get("response", {})))
                elif kind in ("executableCode", "executable_code"):
                    if type(value.get("code")) is str:
                        texts.append(value["code"])
                elif type(value.get("output")) is str:  # codeExecutionResult
                    texts.append(value["output"])
        return Turn(role, "\n".join(texts), path, nontext)
