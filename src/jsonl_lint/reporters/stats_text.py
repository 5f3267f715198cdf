"""The dataset report (``jsonl-lint stats``) as text and as JSON, from :func:`jsonl_lint.stats.report`'s data."""

from __future__ import annotations

from typing import TextIO

import orjson

from jsonl_lint.reporters.text import printable
from jsonl_lint.stats import public
from jsonl_lint.text.language import NAMES


def write_text(data: dict, out: TextIO) -> None:
    out.write(
        f"profile {data['profile']}; tokens: {data['tokenizer']}"
        + (f"; model {data['model']}" if data["model"] else "")
        + "\n"
    )
    for line in overview_lines(data["overview"]):
        out.write(line + "\n")
    for file in data["files"]:
        split = f", {file['split']} split" if file["split"] else ""
        out.write(f"\n{printable(file['path'])} ({file['format'] or 'no records'}{split})\n")
        width = max((len(label) for label, _ in file["_rows"]), default=0)
        for label, value in file["_rows"]:
            out.write(f"  {label:<{width}}  {printable(value)}\n")
        if file["findings"]:
            listed = ", ".join(f"{code} {n:,}" for code, n in file["findings"].items())
            out.write(f"  {'findings':<{width}}  {listed} (`jsonl-lint {printable(file['path'])}` lists them)\n")
        for note in file["notes"]:
            out.write(f"  {printable(note)}\n")
    if "drift" in data:
        for line in drift_lines(data["drift"]):
            out.write(line + "\n")


def overview_lines(overview: dict) -> list[str]:
    """The verdict, the totals and the splits, one line each."""
    verdict = overview["verdict"]
    severities = ", ".join(
        f"{n:,} {level}{'s' if n != 1 and level != 'info' else ''}" for level, n in overview["severities"].items() if n
    )
    outcome = "passes" if verdict["passed"] else "fails"
    lines = [f"verdict: {outcome} at fail-on {verdict['fail_on']} ({severities or 'no findings'})"]
    totals = overview["totals"]
    cost = (
        f", about ${totals['cost']:,.2f} at ${totals['price_per_million']:g} per million"
        if totals["cost"] is not None
        else ""
    )
    lines.append(
        f"totals: {totals['files']:,} file(s), {totals['examples']:,} examples, {totals['tokens']:,} tokens, "
        f"{totals['billed_tokens']:,} billed tokens{cost}"
    )
    for split in overview["splits"]:
        if split["split"] is None:
            continue
        text = f"split {split['split']}: {split['examples']:,} examples in {split['files']:,} file(s)"
        if split["leaked"] is not None:
            leaked = ", ".join(f"{n:,} {kind}" for kind, n in split["leaked"].items())
            text += f"; leaked from train: {leaked} ({split['leaked_share']:.1%} of the split)"
        lines.append(text)
    return lines


def _change(entry: dict, key: str) -> str | None:
    value = entry[key]
    if value["change"] in (None, 0):
        return None
    return f"{key.replace('_', '-')} {value['old']:,} -> {value['new']:,} ({value['change']:+,})"


def drift_lines(drift: dict) -> list[str]:
    """What changed from the earlier report, per file and split, then each limit's verdict."""
    lines = ["", "drift from the earlier report"]
    for entry in [*drift["files"], *drift["splits"]]:
        name = printable(entry["path"]) if "path" in entry else f"{entry['split']} split"
        parts = [
            text
            for key in ("examples", "tokens", "duplicates", "near_duplicates", "leakage")
            if (text := _change(entry, key))
        ]
        rules = ", ".join(f"{code} {v['change']:+,}" for code, v in entry["rules"].items())
        if rules:
            parts.append(f"findings {rules}")
        for key in ("languages", "labels"):
            moved = ", ".join(
                f"{printable(NAMES.get(name_, name_) if key == 'languages' else repr(name_))} "
                f"{v['old']:.1%} -> {v['new']:.1%}"
                for name_, v in entry[key].items()
                if abs(v["change"]) >= 0.001
            )
            if moved:
                parts.append(f"{key} {moved}")
        status = f" ({entry['status']})" if entry.get("status", "kept") != "kept" else ""
        lines.append(f"  {name}{status}: {'; '.join(parts) if parts else 'no change'}")
    for limit in drift["limits"]:
        where = "; ".join(printable(w) for w in limit["exceeded"])
        verdict = f"exceeded: {where}" if where else "within"
        lines.append(f"  limit {limit['limit']}={limit['threshold']:g}: {verdict}")
    return lines


def write_json(data: dict, out: TextIO) -> None:
    out.write(orjson.dumps(public(data), option=orjson.OPT_INDENT_2).decode() + "\n")
