"""Rule documentation pages: ``rules/CODE.md`` shipped inside the wheel, or a plugin rule's own page.

A plugin rule ships its page in its package and points to it with the ``docs``
attribute (a ``pathlib.Path`` or ``importlib.resources`` file); ``help_uri``,
if set, is the page's address on the web (SARIF output links to it).
"""

from __future__ import annotations

import re
from pathlib import Path

from jsonl_lint.plugins import registry

DOCS_URL = "https://github.com/jsonl-lint/jsonl-lint/blob/main/rules"
_SECTION = re.compile(r"^## What it does\s*\n(.*?)(?=^## |\Z)", re.S | re.M)


def _folder() -> Path:
    """The installed pages; in a source checkout (editable install), the repository's ``rules/``."""
    shipped = Path(__file__).parent / "rule_docs"
    return shipped if shipped.is_dir() else Path(__file__).resolve().parents[2] / "rules"


def page(code: str) -> str | None:
    """The Markdown page of a rule (built-in, or a plugin rule with ``docs``), or None."""
    path = _folder() / f"{code}.md"
    if path.is_file():
        return path.read_text(encoding="utf-8")
    rule = registry().get(code)
    own = getattr(rule, "docs", None)
    return own.read_text(encoding="utf-8") if own is not None and own.is_file() else None


def codes() -> list[str]:
    """Codes that have a page."""
    return sorted(p.stem for p in _folder().glob("*.md") if re.fullmatch(r"[A-Z]{1,3}[0-9]{3}", p.stem))


def description(code: str) -> str | None:
    """The page's "What it does" section as one paragraph of plain text."""
    text = page(code)
    match = _SECTION.search(text or "")
    return " ".join(match.group(1).split()) if match else None


def help_uri(rule) -> str | None:
    """Where a rule's documentation lives on the web: a plugin's own ``help_uri``, our page, or None."""
    if getattr(rule, "help_uri", None):
        return rule.help_uri
    return f"{DOCS_URL}/{rule.code}.md" if (_folder() / f"{rule.code}.md").is_file() else None
