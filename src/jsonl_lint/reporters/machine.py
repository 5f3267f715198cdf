"""JSON and JSON Lines: one object per diagnostic, with its rule's page (``url``), fix and fingerprint."""

from __future__ import annotations

from typing import TextIO

import orjson

from jsonl_lint.engine.result import record_lines
from jsonl_lint.reporters.text import Style


def json_array(result, out: TextIO, style: Style | None = None) -> None:
    out.write(result.to_json(show_pii=bool(style and style.show_pii)) + "\n")


def drops(result, out: TextIO, style: Style | None = None) -> None:
    """``path<TAB>line<TAB>codes``: each line a finding stands for (collapsed ones too), for other tools
    to drop records by; findings about a whole file have none."""
    lines: dict[tuple[str, int], set[str]] = {}
    for d in result.diagnostics:
        for line in record_lines(d):
            lines.setdefault((d.path, line), set()).add(d.code)
    for (path, line), found in sorted(lines.items()):
        out.write(f"{path}\t{line}\t{','.join(sorted(found))}\n")


def json_lines(result, out: TextIO, style: Style | None = None) -> None:
    for item in result.objects(show_pii=bool(style and style.show_pii)):
        out.write(orjson.dumps(item).decode())
        out.write("\n")
