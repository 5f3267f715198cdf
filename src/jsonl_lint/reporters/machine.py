"""JSON and JSON Lines: one object per diagnostic, with its rule's page (``url``), fix and fingerprint."""

from __future__ import annotations

from typing import TextIO

import orjson

from jsonl_lint.engine.result import record_lines
from jsonl_lint.reporters.text import Style


def json_array(result, out: TextIO, style: Style | None = None) -> None:
    out.write(result.to_json(show_pii=bool(style and style.show_pii)) + "\n")


def drops(result, out: TextIO, style: Style | None = None) -> None:
    """``path<TAB>line<TAB>codes<TAB>groups``: each line a finding stands for (collapsed ones too), for
    other tools to drop records by; findings about a whole file have none. ``groups`` are the group ids
    of its duplicate and leakage findings (empty when it has none): keep one line of each to keep one
    member of each group."""
    lines: dict[tuple[str, int], tuple[set[str], set[str]]] = {}
    for d in result.diagnostics:
        for line in record_lines(d):
            codes, groups = lines.setdefault((d.path, line), (set(), set()))
            codes.add(d.code)
            if d.group is not None:
                groups.add(d.group)
    for (path, line), (codes, groups) in sorted(lines.items()):
        out.write(f"{path}\t{line}\t{','.join(sorted(codes))}\t{','.join(sorted(groups))}\n")


def json_lines(result, out: TextIO, style: Style | None = None) -> None:
    for item in result.objects(show_pii=bool(style and style.show_pii)):
        out.write(orjson.dumps(item).decode())
        out.write("\n")
