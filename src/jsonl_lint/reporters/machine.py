"""JSON and JSON Lines: one object per diagnostic, with its rule's page (``url``), fix and fingerprint."""

from __future__ import annotations

from typing import TextIO

import orjson

from jsonl_lint.reporters.text import Style


def json_array(result, out: TextIO, style: Style | None = None) -> None:
    out.write(result.to_json(show_pii=bool(style and style.show_pii)) + "\n")


def json_lines(result, out: TextIO, style: Style | None = None) -> None:
    for item in result.objects(show_pii=bool(style and style.show_pii)):
        out.write(orjson.dumps(item).decode())
        out.write("\n")
