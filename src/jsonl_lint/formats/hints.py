"""Explain a record that matches none of the profile's formats (S001)."""

from __future__ import annotations

import difflib
from collections.abc import Iterable

from jsonl_lint.jsonpath import member

# Key signatures of common formats; the first match wins, so specific ones come first. Used only
# for records that none of the profile's formats match, so an entry may name a format jsonl-lint
# knows (`--profile auto` accepts them all).
FOREIGN = (
    (frozenset({"input", "preferred_output", "non_preferred_output"}), "an OpenAI DPO preference pair"),
    (
        frozenset({"input", "preferred_completion", "non_preferred_completion"}),
        "an OpenAI DPO preference pair, with the API spec's names (rename them `preferred_output`"
        " and `non_preferred_output`)",
    ),
    (frozenset({"schemaVersion"}), "Amazon Bedrock conversation data (Nova)"),
    (frozenset({"system", "messages"}), "Claude on Amazon Bedrock (a `system` string and `messages`)"),
    (frozenset({"contents"}), "Vertex AI Gemini `contents`"),
    (frozenset({"conversations"}), "ShareGPT (`conversations` with `from`/`value`)"),
    (frozenset({"prompt", "chosen", "rejected"}), "a TRL preference pair (`prompt`/`chosen`/`rejected`)"),
    (frozenset({"chosen", "rejected"}), "Anthropic HH preference transcripts (`chosen`/`rejected`)"),
    (frozenset({"instruction", "output"}), "Alpaca (`instruction`/`input`/`output`)"),
    (frozenset({"messages"}), "OpenAI-style chat (`messages` with `role`/`content`)"),
    (frozenset({"prompt", "completion"}), "`prompt`/`completion` pairs"),
    (frozenset({"prompt", "response"}), "`prompt`/`response` pairs; rename `response` to `completion`"),
    (frozenset({"question", "answer"}), "`question`/`answer` pairs"),
    (frozenset({"text"}), 'completion-only `{"text"}` records (MLX, TRL)'),
)


#: A foreign format that is a profile's with one key renamed: (its keys, the key, the profile format's name).
RENAMED = ((frozenset({"prompt", "response"}), "response", "completion"),)


def _misspelt(record: dict, accepted: list[tuple[str, frozenset[str]]]) -> tuple[str, str] | None:
    """(key, the accepted format's key it is probably a typo of), for the first such key the record has."""
    expected = sorted({key for _, signature in accepted for key in signature})
    for key in sorted(record):
        close = difflib.get_close_matches(key, expected, n=1, cutoff=0.75)
        if close and close[0] not in record:
            return key, close[0]
    return None


def renames_for_unknown(record: dict, accepted: Iterable[tuple[str, frozenset[str]]]) -> tuple[tuple[str, str], ...]:
    """What renaming one key makes of a record in no accepted format, as the S001 message suggests:
    ``(("$.response", "completion"),)``; none when no rename would do."""
    accepted = list(accepted)
    keys = set(record)
    expected = {key for _, signature in accepted for key in signature}
    for signature, key, new in RENAMED:
        if signature <= keys and new in expected and new not in keys:
            return ((member("$", key), new),)
    if any(signature <= keys for signature, _ in FOREIGN):
        return ()  # another format altogether: converting it is not a rename
    typo = _misspelt(record, accepted)
    return () if typo is None else ((member("$", typo[0]), typo[1]),)


def explain_unknown(
    record: dict, profile: str, accepted: Iterable[tuple[str, frozenset[str]]], accepting: Iterable[str] = ()
) -> str:
    """Message for a record that no accepted format matches.

    ``accepted`` holds (title, signature keys) of the profile's formats; ``accepting`` names the
    profiles that accept the format the record looks like, if any.
    """
    accepted = list(accepted)
    head = f"Not a format of profile `{profile}`"
    keys = set(record)
    others = [f"`{name}`" for name in accepting]
    if others:
        joined = others[0] if len(others) == 1 else f"{', '.join(others[:-1])} and {others[-1]}"
        noun, verb = ("profiles", "accept") if len(others) > 1 else ("profile", "accepts")
        tail = f"; {noun} {joined} {verb} it (`--profile NAME`)"
    else:
        tail = ""
    for signature, what in FOREIGN:
        if signature <= keys:
            return f"{head}: it looks like {what}{tail}"
    typo = _misspelt(record, accepted)
    if typo is not None:
        return f"{head}: top-level key `{typo[0]}`; did you mean `{typo[1]}`?"
    if not keys:
        return f"{head}: the object is empty"
    shown = ", ".join(f"`{k}`" for k in sorted(keys)[:6])
    more = ", …" if len(keys) > 6 else ""
    titles = " or ".join(title for title, _ in accepted)
    return f"{head} (expected {titles}); its keys are {shown}{more}"
