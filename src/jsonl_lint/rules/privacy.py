"""P rules: privacy and hygiene of the content (PII, secrets, special tokens, template artefacts).

The texts are scanned once per example (:mod:`jsonl_lint.scanner`); each rule
reads its own hits and reports once per string, at the string's JSON path.
"""

from __future__ import annotations

from fnmatch import fnmatchcase

from jsonl_lint.diagnostics import Severity
from jsonl_lint.example import Example, Turn
from jsonl_lint.jsonpath import map_strings
from jsonl_lint.rules.base import Finding, Option, RecordRule
from jsonl_lint.text.scan import Hit, mask, phone_key, redact_line, scan, secret_kind, special_tokens


def where(turn) -> str:
    """`` in the `user` message``, or nothing when the string has no role."""
    return f" in the `{turn.role}` message" if turn.role else ""


def more(hits: list[Hit]) -> str:
    return f" (and {len(hits) - 1} more)" if len(hits) > 1 else ""


def allowed(value: str, globs: list[str]) -> bool:
    """Whether ``value`` matches one of ``globs`` (``*``, ``?``, ``[...]``; case-insensitive)."""
    value = value.lower()
    return any(fnmatchcase(value, glob.lower()) for glob in globs)


class ContentRule(RecordRule):
    """A rule that reports the hits of the shared scan for its code, one finding per string."""

    def check(self, example: Example) -> list[Finding] | tuple[()]:
        scans = scan(example)
        if not scans:  # most examples: no generator to run
            return ()
        findings = []
        for found in scans:
            hits = found.hits.get(self.code)
            if hits:
                hits = self.keep(hits)
                if hits:
                    first = hits[0]  # the column and the underline point at it
                    span = (first.start, first.end, found.turn.text[first.start : first.end])
                    findings.append(Finding(self.message(found.turn, hits), found.path, span=span))
        return findings

    #: the option whose globs name hits not to report (P002, P003)
    allow: str | None = None

    def keep(self, hits: list[Hit]) -> list[Hit]:
        """The hits to report: those the ``allow`` globs do not match."""
        globs = self.settings[self.allow] if self.allow else None
        return [hit for hit in hits if not allowed(self.allow_key(hit), globs)] if globs else hits

    def allow_key(self, hit: Hit) -> str:
        """What the ``allow`` globs are matched against."""
        return hit.value

    def message(self, turn: Turn, hits: list[Hit]) -> str:
        raise NotImplementedError

    def repaired(self, text: str) -> str:
        """A string with what the rule found repaired (rules that can fix: J005, P004)."""
        raise NotImplementedError

    def fix_line(self, content: bytes, found) -> bytes:
        """The record with every string repaired by :meth:`repaired`; the strings it does not change,
        the keys and everything between them stay as written (a diff shows the repair alone)."""
        return map_strings(content.decode("utf-8"), self.repaired).encode("utf-8")


class EmailAddress(ContentRule):
    code, name, severity = "P001", "email-address", Severity.WARNING
    summary = "An e-mail address in content"
    options = (
        Option("allow-emails", list, [], "e-mail addresses not to report, as globs (`*@acme.com`)"),
        Option("allow-domains", list, [], "domains whose addresses (and subdomains') are not reported"),
    )

    def keep(self, hits):
        emails, domains = (
            self.settings["allow-emails"],
            [d.lower().lstrip("@.") for d in self.settings["allow-domains"]],
        )
        kept = []
        for hit in hits:
            domain = hit.value.rpartition("@")[2].lower()
            if allowed(hit.value, emails) or any(domain == d or domain.endswith("." + d) for d in domains):
                continue
            kept.append(hit)
        return kept

    def message(self, turn, hits):
        return f"E-mail address `{hits[0].value}`{where(turn)}{more(hits)}"


class PhoneNumber(ContentRule):
    code, name, severity = "P002", "phone-number", Severity.INFO
    summary = "A phone number in content"
    options = (Option("allow-phones", list, [], "phone numbers not to report, as globs over the digits (`+1800*`)"),)
    allow = "allow-phones"

    def allow_key(self, hit):
        return phone_key(hit.value)

    def message(self, turn, hits):
        return f"Phone number `{hits[0].value}`{where(turn)}{more(hits)}"


class Secret(ContentRule):
    code, name, severity = "P003", "secret", Severity.ERROR
    summary = "An API key, token or private key in content"
    options = (Option("allow-secrets", list, [], "secrets not to report (published sample keys), as globs"),)
    allow = "allow-secrets"

    def message(self, turn, hits):
        first = hits[0]
        shown = mask(first.value, secret_kind(first.label))
        return f"{first.label} `{shown}`{where(turn)}{more(hits)}; revoke it and remove it from the data"

    def redact(self, line: str) -> str:
        return redact_line(line)


class SpecialToken(ContentRule):
    code, name, severity = "P004", "special-token", Severity.ERROR
    summary = "Tokenizer control tokens written as text"
    # Completion-only text is where you write a model's chat template yourself.
    kinds = frozenset({"chat", "completion", "preference"})

    fixable = "unsafe"  # the tokens may have been meant (a dataset that teaches a template)
    fix_message = "Remove the control tokens"

    def repaired(self, text):
        stripped = False
        while hits := special_tokens(text):  # until none is left (removing one may join another)
            stripped = True
            for hit in reversed(hits):
                text = text[: hit.start] + text[hit.end :]
        return text.strip() if stripped else text

    def message(self, turn, hits):
        tokens = list(dict.fromkeys(hit.value for hit in hits))
        shown = ", ".join(f"`{t}`" for t in tokens[:4]) + (f" and {len(tokens) - 4} more" if len(tokens) > 4 else "")
        noun = "token" if len(tokens) == 1 else "tokens"
        return f"Tokenizer control {noun} {shown} written as text{where(turn)}"


class TemplateArtefact(ContentRule):
    code, name, severity = "P005", "template-artefact", Severity.WARNING
    summary = "A whole transcript (`User:` / `Assistant:` turns) inside one message"
    kinds = frozenset({"chat", "completion", "preference"})

    def message(self, turn, hits):
        labels = ", ".join(f"`{label}`" for label in dict.fromkeys(hit.value for hit in hits))
        whose = f"The `{turn.role}` message" if turn.role else "The text"
        return f"{whose} holds a whole transcript: {len(hits)} speaker turns ({labels})"
