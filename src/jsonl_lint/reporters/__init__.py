"""Reporters: a lint :class:`~jsonl_lint.engine.Result` in, text on a stream out."""

from __future__ import annotations

from collections.abc import Callable
from typing import TextIO

from jsonl_lint.engine import Result
from jsonl_lint.reporters import github, machine, markdown, sarif, text

Reporter = Callable[[Result, TextIO, "text.Style"], None]

REPORTERS: dict[str, Reporter] = {
    "concise": text.concise,
    "full": text.full,
    "json": machine.json_array,
    "json-lines": machine.json_lines,
    "drops": machine.drops,
    "sarif": sarif.report,
    "github": github.report,
    "summary-md": markdown.summary,
}
