"""A record in a format the profile does not accept, written in one it does (S001's unsafe fix).

ShareGPT, Alpaca, TRL prompt/completion and preference records, Anthropic HH transcripts and the
others jsonl-lint reads become OpenAI chat (``messages``) or OpenAI DPO pairs, when the profile
accepts those: their normalised view has what the target needs. Records with tool calls, images or
a role the target has no name for are not converted: that needs a person's choices.
"""

from __future__ import annotations

import orjson

from jsonl_lint.codes import S002
from jsonl_lint.example import Example
from jsonl_lint.formats import FORMATS
from jsonl_lint.profiles import Profile

CHAT_ROLES = frozenset({"system", "user", "assistant"})


def _source_example(record: dict, key_sets) -> Example | None:
    """The record as the first format of every format it shows the keys of and is valid in."""
    keys = record.keys()
    for sets, fmt in key_sets:
        if any(needs <= keys for needs in sets):
            problems: list = []
            example = fmt.adapt(record, problems)
            if not any(p.code == S002 for p in problems):
                return example
    return None


def converted(record: dict, profile: Profile, key_sets) -> tuple[str, str] | None:
    """(the target format's title, the record as JSON text in it), or None when it cannot be converted
    without a person's choices. ``key_sets``: (key sets, format) of every format, most specific first."""
    example = _source_example(record, key_sets)
    if example is None or any(t.nontext or t.role not in CHAT_ROLES or not t.text for t in example.turns):
        return None
    messages = [{"role": t.role, "content": t.text} for t in example.turns]
    if example.kind == "preference":
        if "openai-dpo" not in profile.formats or example.rejected is None or len(messages) < 2:
            return None
        *prompt, chosen = messages
        if chosen["role"] != "assistant" or not example.rejected.text:
            return None
        pair = {
            "input": {"messages": prompt},
            "preferred_output": [chosen],
            "non_preferred_output": [{"role": "assistant", "content": example.rejected.text}],
        }
        return FORMATS["openai-dpo"].title, orjson.dumps(pair).decode()
    if (
        example.kind in ("chat", "completion")
        and "openai-chat" in profile.formats
        and messages[-1]["role"] == "assistant"
    ):
        return FORMATS["openai-chat"].title, orjson.dumps({"messages": messages}).decode()
    return None
