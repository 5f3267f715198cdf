"""JSON and JSON Lines: one object per diagnostic, with its rule's page (``url``), fix and fingerprint."""

from __future__ import annotations

from typing import TextIO

import orjson

from jsonl_lint import docs
from jsonl_lint.codes import ABOUT_THE_FILE
from jsonl_lint.reporters.text import Style


def _objects(result, style: Style | None) -> list[dict]:
    style = style or Style()
    urls = {code: docs.help_uri(rule) for code, rule in result.rules.items()}
    found = []
    for d in result.diagnostics:
        item = d.to_dict()
        item["message"] = style.private(d.message)
        item["url"] = urls.get(d.code)
        found.append(item)
    return found


def json_array(result, out: TextIO, style: Style | None = None) -> None:
    out.write(orjson.dumps(_objects(result, style), option=orjson.OPT_INDENT_2).decode())
    out.write("\n")


def drops(result, out: TextIO, style: Style | None = None) -> None:
    """``path<TAB>line<TAB>codes``: each line a finding stands for (collapsed ones too), for other tools
    to drop records by; findings about a whole file have none."""
    lines: dict[tuple[str, int], set[str]] = {}
    for d in result.diagnostics:
        if d.code in ABOUT_THE_FILE:
            continue
        for line in d.lines if d.lines is not None else ((d.line,) if d.line is not None else ()):
            lines.setdefault((d.path, line), set()).add(d.code)
    for (path, line), found in sorted(lines.items()):
        out.write(f"{path}\t{line}\t{','.join(sorted(found))}\n")


def json_lines(result, out: TextIO, style: Style | None = None) -> None:
    for item in _objects(result, style):
        out.write(orjson.dumps(item).decode())
        out.write("\n")
