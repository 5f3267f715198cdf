"""Amazon Bedrock: the Converse format of Nova (``bedrock-conversation-2024``) and Claude 3 Haiku's Messages format.

Shapes follow docs.aws.amazon.com/bedrock/latest/userguide/model-customization-prepare.md and
AWS's open Nova validator (aws-samples/amazon-nova-samples ``nova_ft_dataset_validator.py``);
see ``../shared/design/providers-research.md`` §3. Roles are carried as written (they already
use the OpenAI names); the top-level ``system`` becomes a leading ``system`` turn.
"""

from __future__ import annotations

import re

from jsonl_lint.codes import S002
from jsonl_lint.example import ABSENT, Example, Problem, Turn
from jsonl_lint.formats._messages import Messages, fast_message, json_text, new_turn, one_text, role_of
from jsonl_lint.formats.base import Format

SCHEMA_VERSION = "bedrock-conversation-2024"
MESSAGE_KEYS = frozenset({"role", "content"})
TEXT_BLOCK_KEYS = frozenset({"text"})
#: Converse content blocks: each block holds exactly one of these
BLOCK_KINDS = ("text", "image", "video", "document", "toolUse", "toolResult", "reasoningContent")
BLOCK_KEYS = frozenset(BLOCK_KINDS)
MESSAGES = Messages("$.messages")
NOVA_KEYS = frozenset({"schemaVersion", "system", "messages", "toolConfig"})
#: Words Nova's training rejects anywhere in a text, whatever their case (AWS's Nova data preparation
#: guide; its validator, nova_ft_dataset_validator.py, checks every text block this way, the answers too).
RESERVED = re.compile(r"(?:system|user|bot|assistant|thought):|\[eos\]|<(?:image|video|unk)>", re.IGNORECASE)


_fast_block = one_text("content", "assistant")


class BedrockNova(Format):
    """``{"schemaVersion": "bedrock-conversation-2024", "system"?: [{"text"}], "messages": [{"role", "content"}]}``.

    ``content`` is an array of blocks: ``{"text"}``, ``{"image"}``, ``{"video"}``, ``{"document"}``,
    ``{"toolUse"}``, ``{"toolResult"}`` or ``{"reasoningContent"}``.
    """

    name = "bedrock-nova"
    title = "Amazon Bedrock conversation (Nova)"
    signature = frozenset({"schemaVersion", "messages"})
    required = frozenset({"messages"})
    keys = NOVA_KEYS
    roles = ("system", "user", "assistant")

    def adapt(self, record: dict, problems: list[Problem]) -> Example:
        # The common keys: `schemaVersion` (as it must be), `system` and `messages`
        if len(record) == 3 and "system" in record and record.get("schemaVersion") == SCHEMA_VERSION:
            system = record["system"]
        else:
            system = self._top_level(record, problems)
        turns: list[Turn] = []
        if system is not ABSENT:
            # Fast path: exactly [{"text": str}]; any other JSON value fails a test or raises
            try:
                [block] = system
                text = block["text"]
                if len(block) != 1:
                    text = None
            except (KeyError, TypeError, ValueError):
                text = None
            if type(text) is str:
                turns.append(new_turn(Turn, ("system", text, "$.system", False, ABSENT)))
            else:
                self._system(system, turns, problems)
        messages = record["messages"]
        if type(messages) is not list or not messages:
            problems.append(Problem(S002, "`messages` must be a non-empty array of messages", "$.messages"))
            return Example(self, record, turns, "$.messages")
        turns.extend(MESSAGES.walk(messages, _fast_block, self._turn, problems))
        for turn in turns:
            found = RESERVED.search(turn.text)
            if found:
                where = turn.path if turn.path == "$.system" else f"{turn.path}.content"
                problems.append(
                    Problem(S002, f"`{found.group()}` is a reserved keyword for Nova training; reword it", where)
                )
        return Example(self, record, turns, "$.messages")

    def _top_level(self, record: dict, problems: list[Problem]) -> object:
        """The top-level keys besides `messages`, in full; returns `system` (ABSENT when not given)."""
        if not NOVA_KEYS.issuperset(record):
            self.unknown_keys(record, problems, NOVA_KEYS)
        if record.get("schemaVersion", SCHEMA_VERSION) != SCHEMA_VERSION:
            problems.append(Problem(S002, f'`schemaVersion` must be "{SCHEMA_VERSION}"', "$.schemaVersion"))
        if "toolConfig" in record and type(record["toolConfig"]) is not dict:
            problems.append(Problem(S002, "`toolConfig` must be an object with `tools`", "$.toolConfig"))
        return record.get("system", ABSENT)

    def _system(self, system: object, turns: list[Turn], problems: list[Problem]) -> None:
        if type(system) is not list:
            problems.append(Problem(S002, '`system` must be an array of `{"text": ...}` blocks', "$.system"))
            return
        texts = []
        for j, block in enumerate(system):
            where = f"$.system[{j}]"
            if type(block) is not dict:
                problems.append(Problem(S002, 'System block must be an object `{"text": ...}`', where))
                continue
            if len(block) != 1:
                self.unknown_keys(block, problems, TEXT_BLOCK_KEYS, where)
            text = block.get("text")
            if type(text) is str:
                texts.append(text)
            else:
                problems.append(Problem(S002, "System block needs a string `text`", f"{where}.text"))
        if system:
            turns.append(Turn("system", "\n".join(texts), "$.system", False))

    def _turn(self, message: dict, path: str, problems: list[Problem]) -> Turn:
        if not MESSAGE_KEYS.issuperset(message.keys()):
            self.unknown_keys(message, problems, MESSAGE_KEYS, path)
        role = role_of(message, path, problems)
        if role == "system":
            why = "`system` is not a role of `messages` for Nova: the system prompt goes in the top-level `system`"
            problems.append(Problem(S002, why, f"{path}.role"))
        content = message.get("content")
        if type(content) is not list or not content:
            problems.append(Problem(S002, "`content` must be a non-empty array of content blocks", f"{path}.content"))
            return Turn(role, "", path, False)
        texts: list[str] = []
        nontext = False
        for j, block in enumerate(content):
            where = f"{path}.content[{j}]"
            if type(block) is not dict:
                problems.append(Problem(S002, 'Content block must be an object such as `{"text": ...}`', where))
                continue
            if not BLOCK_KEYS.issuperset(block.keys()):
                self.unknown_keys(block, problems, BLOCK_KEYS, where)
            kinds = [kind for kind in BLOCK_KINDS if kind in block]
            if not kinds:
                wanted = ", ".join(f"`{k}`" for k in BLOCK_KINDS)
                problems.append(Problem(S002, f"Content block needs one of {wanted}", where))
                continue
            if len(kinds) > 1:
                why = f"Content block holds both `{kinds[0]}` and `{kinds[1]}`; use one block each"
                problems.append(Problem(S002, why, where))
            for kind in kinds:
                value = block[kind]
                if kind == "text":
                    if type(value) is str:
                        texts.append(value)
                    else:
                        problems.append(Problem(S002, "`text` must be a string", f"{where}.text"))
                    continue
                nontext = True
                if type(value) is not dict:
                    problems.append(Problem(S002, f"`{kind}` must be an object", f"{where}.{kind}"))
                elif kind == "toolUse":
                    name = value.get("name")
                    if type(name) is not str:
                        problems.append(Problem(S002, "`toolUse` needs a string `name`", f"{where}.toolUse.name"))
                        name = ""
                    texts.append(f"{name}({json_text(value.get('input', ''))})")
                elif kind == "toolResult":
                    texts.extend(_result_texts(value.get("content")))
                elif kind == "reasoningContent":
                    reasoning = value.get("reasoningText")
                    if type(reasoning) is dict and type(reasoning.get("text")) is str:
                        texts.append(reasoning["text"])
        return Turn(role, "\n".join(texts), path, nontext)


def _result_texts(content: object) -> list[str]:
    """The texts of a ``toolResult``'s content (``{"text"}`` and ``{"json"}`` items)."""
    if type(content) is not list:
        return []
    texts = []
    for item in content:
        if type(item) is dict:
            if type(item.get("text")) is str:
                texts.append(item["text"])
            elif "json" in item:
                texts.append(json_text(item["json"]))
    return texts


class BedrockClaude(Format):
    """Claude 3 Haiku on Bedrock: ``{"system": str, "messages": [{"role", "content": str}]}``, no other keys.

    ``system`` is optional for Bedrock, but without it a record is indistinguishable from
    OpenAI chat, so the signature needs it.
    """

    name = "bedrock-claude"
    title = "Amazon Bedrock Claude (Messages)"
    signature = frozenset({"system", "messages"})
    required = frozenset({"messages"})
    keys = signature
    roles = ("system", "user", "assistant")

    def adapt(self, record: dict, problems: list[Problem]) -> Example:
        if not self.keys.issuperset(record.keys()):
            self.unknown_keys(record, problems, self.keys)
        turns: list[Turn] = []
        system = record.get("system", "")  # optional; auto-detection keys on it, a bedrock profile need not
        if type(system) is not str:
            problems.append(Problem(S002, "`system` must be a string", "$.system"))
        elif system:
            turns.append(Turn("system", system, "$.system", False))
        messages = record["messages"]
        if type(messages) is not list or not messages:
            problems.append(Problem(S002, "`messages` must be a non-empty array of messages", "$.messages"))
            return Example(self, record, turns, "$.messages")
        turns.extend(MESSAGES.walk(messages, fast_message, self._turn, problems))
        return Example(self, record, turns, "$.messages")

    def _turn(self, message: dict, path: str, problems: list[Problem]) -> Turn:
        if not MESSAGE_KEYS.issuperset(message.keys()):
            self.unknown_keys(message, problems, MESSAGE_KEYS, path)
        role = role_of(message, path, problems)
        content = message.get("content")
        text = ""
        if type(content) is str:
            text = content
        else:
            problems.append(Problem(S002, "`content` must be a string", f"{path}.content"))
            if type(content) is list:  # Messages API text blocks: keep their text for the content rules
                text = "\n".join(
                    block["text"] for block in content if type(block) is dict and type(block.get("text")) is str
                )
        return Turn(role, text, path, False)
