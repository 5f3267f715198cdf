"""JSON and JSON Lines: one object per diagnostic."""

from __future__ import annotations

from typing import TextIO

import orjson


def json_array(result, out: TextIO, style=None) -> None:
    out.write(result.to_json() + "\n")


def json_lines(result, out: TextIO, style=None) -> None:
    for diagnostic in result.diagnostics:
        out.write(orjson.dumps(diagnostic.to_dict()).decode())
        out.write("\n")
