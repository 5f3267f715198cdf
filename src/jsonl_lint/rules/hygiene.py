"""J004, J005: characters in the strings that no one meant to write (control characters, mojibake).

J rules about the characters of strings, found on the normalised view, so they
apply to every format; the scan is shared with the P rules.
"""

from __future__ import annotations

from jsonl_lint.diagnostics import Severity
from jsonl_lint.rules.privacy import ContentRule, more, where
from jsonl_lint.text.scan import mojibake


class ControlCharacter(ContentRule):
    code, name, severity = "J004", "control-character", Severity.WARNING
    summary = "Control, zero-width or U+FFFD replacement characters inside a string"

    def message(self, turn, hits):
        first = hits[0]
        if first.value == "\ufffd":
            kind = "Replacement character"
        elif first.value >= "\u200b":
            kind = "Zero-width character"
        else:
            kind = "Control character"
        return f"{kind} {first.label} at character {first.start + 1}{where(turn)}{more(hits)}"


class Mojibake(ContentRule):
    code, name, severity = "J005", "mojibake", Severity.WARNING
    summary = "Text decoded with the wrong codec (`NÃ­vel` for `Nível`)"

    fixable = "safe"  # only the words whose repair holds (no new mojibake) are changed
    fix_message = "Decode the mis-decoded words again as UTF-8"

    def repaired(self, text):
        for hit in reversed(mojibake(text)):
            text = text[: hit.start] + hit.label.rsplit("|", 1)[0] + text[hit.end :]
        return text

    def message(self, turn, hits):
        first = hits[0]
        fixed, codec = first.label.rsplit("|", 1)
        return f"Mojibake `{first.value}`, probably `{fixed}` (UTF-8 read as {codec}){where(turn)}{more(hits)}"
