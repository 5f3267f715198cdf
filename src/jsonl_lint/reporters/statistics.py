"""``--statistics``: the number of findings per rule, as text or JSON."""

from __future__ import annotations

from collections import Counter
from typing import TextIO

import orjson

from jsonl_lint.reporters.text import Style


def text(result, out: TextIO, style: Style) -> None:
    counts = Counter(d.code for d in result.diagnostics)
    names = {d.code: d.name for d in result.diagnostics}
    width = max((len(f"{n:,}") for n in counts.values()), default=1)
    for code, count in sorted(counts.items(), key=lambda item: (-item[1], item[0])):
        out.write(f"{count:>{width},}\t{style.severity(result.rules[code].severity, code)}\t{names[code]}\n")


def json(result, out: TextIO, style: Style | None = None) -> None:
    counts = [
        {"code": c, "name": r.name, "count": sum(d.code == c for d in result.diagnostics)}
        for c, r in result.rules.items()
    ]
    out.write(orjson.dumps(counts, option=orjson.OPT_INDENT_2).decode() + "\n")
