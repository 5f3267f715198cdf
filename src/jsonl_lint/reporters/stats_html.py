"""The dataset report as one self-contained HTML page: inline CSS and SVG, nothing fetched."""

from __future__ import annotations

from html import escape

from jsonl_lint.diagnostics import Diagnostic

STYLE = """
body{font:14px/1.45 system-ui,sans-serif;margin:2em auto;max-width:60em;padding:0 1em;color:#222}
h1{font-size:1.5em}h2{font-size:1.2em;margin-top:2em;border-bottom:1px solid #ddd}
table{border-collapse:collapse;margin:.5em 0}td,th{padding:.2em .8em;text-align:left;vertical-align:top}
tr:nth-child(even){background:#f6f6f6}th{background:#eee}.num{text-align:right}
.note{color:#555}.error{color:#b00}.warning{color:#a60}.info{color:#057}
figure{display:inline-block;margin:.5em 1.5em .5em 0}figcaption{font-weight:600}
svg rect.bar{fill:#4a7bb7}svg text{font-size:10px;fill:#444}
"""
WIDTH, HEIGHT, MARGIN = 420, 150, 18


def histogram_svg(title: str, hist: dict | None, unit: str) -> str:
    """Bars of ``hist`` (``edges``, ``counts``) as inline SVG, each with a tooltip."""
    if not hist:
        return ""
    edges, counts = hist["edges"], hist["counts"]
    top = max(counts) or 1
    step = (WIDTH - 2 * MARGIN) / len(counts)
    bars = []
    for i, count in enumerate(counts):
        high = (HEIGHT - 2 * MARGIN) * count / top
        low, end = edges[i], edges[i + 1] - 1
        span = f"{low:,}" if low == end else f"{low:,} to {end:,}"
        bars.append(
            f'<rect class="bar" x="{MARGIN + i * step:.1f}" y="{HEIGHT - MARGIN - high:.1f}" '
            f'width="{max(step - 1, 1):.1f}" height="{high:.1f}">'
            f"<title>{span} {unit}: {count:,} example(s)</title></rect>"
        )
    axis = (
        f'<text x="{MARGIN}" y="{HEIGHT - 4}">{edges[0]:,}</text>'
        f'<text x="{WIDTH - MARGIN}" y="{HEIGHT - 4}" text-anchor="end">{edges[-1] - 1:,}</text>'
        f'<text x="{MARGIN}" y="12">{top:,} examples</text>'
    )
    return (
        f'<figure><figcaption>{escape(title)}</figcaption><svg class="histogram" '
        f'width="{WIDTH}" height="{HEIGHT}" role="img" aria-label="{escape(title)}">'
        f"{''.join(bars)}{axis}</svg></figure>"
    )


def render(data: dict, findings: list[Diagnostic]) -> str:
    """The page for a report (``stats.report(...)``) and its top findings."""
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8"><title>jsonl-lint dataset report</title>',
        f"<style>{STYLE}</style></head><body>",
        "<h1>jsonl-lint dataset report</h1>",
        f'<p class="note">Profile {escape(data["profile"])}; tokens: {escape(data["tokenizer"])}'
        f"{'; model ' + escape(data['model']) if data['model'] else ''}. Counting: {escape(data['counting'])}.</p>",
    ]
    for file in data["files"]:
        sizes = file.get("sizes") or {}
        parts.append(f"<h2>{escape(file['path'])}</h2>")
        parts.append("<table>")
        for label, value in file["_rows"]:
            parts.append(f"<tr><th>{escape(label)}</th><td>{escape(value)}</td></tr>")
        parts.append("</table>")
        for note in file["notes"]:
            parts.append(f'<p class="note info">{escape(note)}</p>')
        histograms = sizes.get("histograms") or {}
        parts.append(histogram_svg("Tokens per example", histograms.get("tokens_per_example"), "tokens"))
        parts.append(histogram_svg("Messages per example", histograms.get("messages_per_example"), "messages"))
    parts.append(f"<h2>Top findings ({len(findings):,})</h2>")
    if findings:
        parts.append("<table><tr><th>file</th><th>line</th><th>rule</th><th>severity</th><th>message</th></tr>")
        for d in findings:
            parts.append(
                f"<tr><td>{escape(d.path)}</td><td class=num>{d.line or ''}</td><td>{d.code} {escape(d.name)}</td>"
                f'<td class="{d.severity}">{d.severity}</td><td>{escape(d.message)}</td></tr>'
            )
        parts.append("</table>")
    else:
        parts.append("<p>No findings.</p>")
    parts.append("</body></html>\n")
    return "\n".join(parts)
