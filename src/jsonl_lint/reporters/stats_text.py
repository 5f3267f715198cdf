"""The dataset report (``jsonl-lint stats``) as text and as JSON, from :func:`jsonl_lint.stats.report`'s data."""

from __future__ import annotations

from typing import TextIO

import orjson

from jsonl_lint.stats import public


def write_text(data: dict, out: TextIO) -> None:
    out.write(
        f"profile {data['profile']}; tokens: {data['tokenizer']}"
        + (f"; model {data['model']}" if data["model"] else "")
        + "\n"
    )
    for file in data["files"]:
        split = f", {file['split']} split" if file["split"] else ""
        out.write(f"\n{file['path']} ({file['format'] or 'no records'}{split})\n")
        width = max((len(label) for label, _ in file["_rows"]), default=0)
        for label, value in file["_rows"]:
            out.write(f"  {label:<{width}}  {value}\n")
        if file["findings"]:
            listed = ", ".join(f"{code} {n:,}" for code, n in file["findings"].items())
            out.write(f"  {'findings':<{width}}  {listed} (`jsonl-lint {file['path']}` lists them)\n")
        for note in file["notes"]:
            out.write(f"  {note}\n")


def write_json(data: dict, out: TextIO) -> None:
    out.write(orjson.dumps(public(data), option=orjson.OPT_INDENT_2).decode() + "\n")
