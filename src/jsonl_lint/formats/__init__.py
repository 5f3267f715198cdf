"""Format adapters: one record in, one normalised :class:`~jsonl_lint.example.Example` out.

Content rules only ever look at the normalised view (turns of role + text, prompt, answer), so a
new format gets every content rule for free. Each format also validates its own shape while it
adapts, reporting S002 (schema) and S003 (unknown key) problems with the JSON path of the
offending element. :mod:`jsonl_lint.formats.detect` is the whole adapt stage: which format a
record is in for the profile, S001, the profile's narrower keys and the user's own schema.
"""

from __future__ import annotations

from jsonl_lint.formats.base import Format, unknown_key_problem
from jsonl_lint.formats.bedrock import BedrockClaude, BedrockNova
from jsonl_lint.formats.community import Alpaca, HHPreference, ShareGPT, Text, TrlPreference, TrlPromptCompletion
from jsonl_lint.formats.openai import OpenAIChat, OpenAICompletion, OpenAIPreference, OpenAIReinforcement
from jsonl_lint.formats.vertex import VertexGemini

#: Every format known to jsonl-lint, by name. Profiles choose which they accept. The order breaks
#: ties between equal signatures in `auto` (openai-completion before trl-prompt-completion).
FORMATS: dict[str, Format] = {
    fmt.name: fmt()
    for fmt in (
        OpenAIChat,
        OpenAICompletion,
        OpenAIPreference,
        OpenAIReinforcement,
        BedrockNova,
        BedrockClaude,
        ShareGPT,
        Alpaca,
        Text,
        TrlPromptCompletion,
        TrlPreference,
        HHPreference,
        VertexGemini,
    )
}

__all__ = ["FORMATS", "Format", "unknown_key_problem"]
