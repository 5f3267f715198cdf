"""The dataset report as one self-contained HTML page: inline CSS, inline SVG charts drawn here, and
a few lines of script that only sort tables (the page reads the same without it).

Nothing is fetched: a Content-Security-Policy allows no source but the page's own styles and its
one script, by hash, so even text that escaped escaping could not load or run anything. Every
string that comes from the data (paths, labels, samples, messages) goes through :func:`escape`;
links are made only from http(s) rule pages and the user's ``--line-url`` template.

Charts are SVG built from the report's numbers: a histogram with labelled axes, percentile marks
and the token limit; horizontal bars for counts and shares. Colours are the Okabe-Ito palette
(distinct for the common colour-vision deficiencies), and every mark also has a text label.
"""

from __future__ import annotations

import base64
import difflib
import hashlib
import math
import re
from html import escape as _escape
from urllib.parse import quote

from jsonl_lint import docs
from jsonl_lint.text.language import NAMES


def escape(value: object) -> str:
    return _escape(str(value), quote=True)


STYLE = """
:root{--fg:#1d1d1f;--muted:#5a5a60;--bg:#fff;--card:#f5f6f8;--line:#d8dae0;--bar:#0072b2;--answer:#e69f00;
--mark:#cc79a7;--limit:#d55e00;--error:#b8410a;--warning:#8a6100;--info:#005d91;--ok:#007a55;--del:#fbe3d4;
--ins:#d4ecf9;color-scheme:light dark}
@media (prefers-color-scheme:dark){:root{--fg:#e8e8ea;--muted:#a6a6ad;--bg:#16171a;--card:#212227;--line:#3a3c44;
--bar:#56b4e9;--answer:#f0c45a;--mark:#e3a3c9;--limit:#ff8a4c;--error:#ff8a4c;--warning:#f0c45a;--info:#7cc8f2;
--ok:#4fd1a1;--del:#5a3422;--ins:#1f4660}}
*{box-sizing:border-box}
body{font:15px/1.5 system-ui,-apple-system,"Segoe UI",sans-serif;margin:0 auto;max-width:78rem;
padding:1rem 1.25rem 4rem;color:var(--fg);background:var(--bg)}
h1{font-size:1.6rem;margin:.5rem 0}h2{font-size:1.3rem;margin:2.5rem 0 .75rem;padding-bottom:.25rem;
border-bottom:2px solid var(--line);overflow-wrap:anywhere}h3{font-size:1.05rem;margin:1.5rem 0 .5rem}
a{color:var(--info)}code,pre{font:13px/1.45 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace}
.muted,.note{color:var(--muted)}nav{margin:.5rem 0 1rem;display:flex;flex-wrap:wrap;gap:.25rem 1rem}
nav a{overflow-wrap:anywhere}
.verdict{padding:.75rem 1rem;border-radius:.5rem;border-left:.4rem solid;background:var(--card);font-weight:600}
.verdict.fail{border-color:var(--error)}.verdict.pass{border-color:var(--ok)}
.cards{display:grid;grid-template-columns:repeat(auto-fit,minmax(10rem,1fr));gap:.75rem;margin:1rem 0}
.card{background:var(--card);border-radius:.5rem;padding:.6rem .9rem}.card b{display:block;font-size:1.35rem}
.table{overflow-x:auto}table{border-collapse:collapse;margin:.5rem 0;min-width:50%}
td,th{padding:.3rem .7rem;text-align:left;vertical-align:top;border-bottom:1px solid var(--line)}
th{font-weight:600}th[data-sort]{cursor:pointer}td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}
.error{color:var(--error)}.warning{color:var(--warning)}.info{color:var(--info)}
.sev{font-weight:600;text-transform:uppercase;font-size:.75rem;letter-spacing:.03em}
.charts{display:grid;grid-template-columns:repeat(auto-fill,minmax(min(100%,24rem),1fr));gap:1rem 1.5rem}
figure{margin:0;background:var(--card);border-radius:.5rem;padding:.6rem .75rem}
figcaption{font-weight:600;margin-bottom:.25rem}figure p{margin:.25rem 0 0;font-size:.85rem}
svg.chart{width:100%;height:auto;display:block}svg text{fill:var(--muted);font:12px system-ui,sans-serif}
svg .bar{fill:var(--bar)}svg .bar.answer{fill:var(--answer)}svg .axis{stroke:var(--line)}
svg .pct{stroke:var(--mark);stroke-dasharray:4 3}svg text.pct{fill:var(--mark);stroke:none}
svg .limit{stroke:var(--limit);stroke-width:2}svg text.limit{fill:var(--limit);stroke:none}
svg .value{fill:var(--fg)}
.columns{display:grid;grid-template-columns:repeat(auto-fit,minmax(min(100%,26rem),1fr));gap:0 2rem}
.pair{display:grid;grid-template-columns:repeat(auto-fit,minmax(min(100%,22rem),1fr));gap:.75rem}
.sample{background:var(--card);border-radius:.5rem;padding:.5rem .75rem;min-width:0}
.sample pre{white-space:pre-wrap;overflow-wrap:anywhere;margin:.25rem 0 0;max-height:22rem;overflow:auto}
mark{color:inherit;border-radius:2px}mark.del{background:var(--del);text-decoration:line-through}
mark.ins{background:var(--ins);text-decoration:underline}
details{margin:.4rem 0;border:1px solid var(--line);border-radius:.5rem;padding:.4rem .75rem}
summary{cursor:pointer}details[open] summary{margin-bottom:.4rem}
"""

#: Sorts a table by the column whose header is clicked (numbers as numbers); nothing else.
SCRIPT = """
document.querySelectorAll("th[data-sort]").forEach(function (th) {
  th.addEventListener("click", function () {
    var table = th.closest("table"), body = table.tBodies[0], i = th.cellIndex;
    var up = th.getAttribute("aria-sort") !== "ascending";
    table.querySelectorAll("th").forEach(function (h) { h.removeAttribute("aria-sort"); });
    th.setAttribute("aria-sort", up ? "ascending" : "descending");
    var key = function (row) {
      var cell = row.cells[i], v = cell.getAttribute("data-value"), n = parseFloat(v);
      return v === null ? cell.textContent.trim() : isNaN(n) ? v : n;
    };
    Array.from(body.rows).sort(function (a, b) {
      var x = key(a), y = key(b), d = typeof x === "number" ? x - y : String(x).localeCompare(String(y));
      return up ? d : -d;
    }).forEach(function (row) { body.appendChild(row); });
  });
});
"""
_SCRIPT_HASH = base64.b64encode(hashlib.sha256(SCRIPT.encode()).digest()).decode()
#: Nothing may be loaded: no images, fonts, frames or connections; only this page's style and script.
POLICY = (
    f"default-src 'none'; style-src 'unsafe-inline'; script-src 'sha256-{_SCRIPT_HASH}'; "
    "img-src 'none'; base-uri 'none'; form-action 'none'"
)

#: Schemes a ``--line-url`` template may use.
LINK_SCHEMES = ("https://", "http://", "file://", "vscode://")
#: Bars drawn in a chart of shares (the rest are summed into one).
MAX_BARS = 12
#: Characters of a bar's label (the whole label is in its tooltip).
LABEL_CHARS = 20


def rule_pages(rules) -> dict[str, str]:
    """Each rule's page on the web, by code: http(s) only (a plugin's ``help_uri`` is not trusted)."""
    pages = {}
    for rule in rules:
        uri = docs.help_uri(rule)
        if uri and uri.lower().startswith(("https://", "http://")):
            pages[rule.code] = uri
    return pages


# -- charts ------------------------------------------------------------------------


def _ticks(low: float, high: float, count: int = 5) -> list[float]:
    """Round tick values from ``low`` to ``high`` (1, 2, 2.5 or 5 times a power of ten apart)."""
    span = high - low
    if span <= 0:
        return [low]
    raw = span / count
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw)
    first = math.ceil(low / step) * step
    return [first + i * step for i in range(int((high - first) / step + 1e-9) + 1)]


def _fmt(value: float) -> str:
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"


def histogram_svg(hist: dict, spread: dict | None, limit: int | None, unit: str) -> str:
    """A histogram of ``hist`` (``edges``, ``counts``) with axes and ticks, p10/median/p90 marks
    from ``spread`` and the token ``limit`` when it falls near the data (else said under it)."""
    width, height, left, right, top, bottom = 400, 230, 44, 14, 36, 40
    edges, counts = hist["edges"], hist["counts"]
    low, high = edges[0], edges[-1]
    if limit is not None and high < limit <= high + (high - low) * 0.5:
        high = limit + max(1, (limit - low) // 40)  # room for the line inside the axis
    top_count = max(counts) or 1
    y_max = _ticks(0, top_count, 4)[-1]
    y_max = y_max if y_max >= top_count else top_count

    def x(value: float) -> float:
        return left + (width - left - right) * (value - low) / ((high - low) or 1)

    def y(value: float) -> float:
        return height - bottom - (height - top - bottom) * value / (y_max or 1)

    out = []
    for tick in _ticks(0, y_max, 4):
        out.append(f'<line class="axis" x1="{left}" x2="{width - right}" y1="{y(tick):.1f}" y2="{y(tick):.1f}"/>')
        out.append(f'<text x="{left - 6}" y="{y(tick) + 4:.1f}" text-anchor="end">{_fmt(tick)}</text>')
    for i, count in enumerate(counts):
        start, end = edges[i], edges[i + 1]
        span = f"{start:,}" if end - start == 1 else f"{start:,} to {end - 1:,}"
        x0, x1 = x(start), x(end)
        out.append(
            f'<rect class="bar" data-value="{count}" x="{x0 + 0.5:.1f}" y="{y(count):.1f}" '
            f'width="{max(x1 - x0 - 1, 1):.1f}" height="{y(0) - y(count):.1f}">'
            f"<title>{span} {unit}: {count:,} example(s)</title></rect>"
        )
    out.append(f'<line class="axis" x1="{left}" x2="{width - right}" y1="{y(0):.1f}" y2="{y(0):.1f}"/>')
    for tick in _ticks(low, high, 5):
        at = x(tick)
        anchor = "end" if at > width - right - 16 else "start" if at < left + 16 else "middle"  # inside the chart
        out.append(f'<text x="{at:.1f}" y="{height - bottom + 14}" text-anchor="{anchor}">{_fmt(tick)}</text>')
    middle_x, middle_y = (left + width - right) / 2, (top + height - bottom) / 2
    out.append(f'<text x="{middle_x}" y="{height - 6}" text-anchor="middle">{escape(unit)} per example</text>')
    out.append(
        f'<text x="12" y="{middle_y}" transform="rotate(-90 12 {middle_y})" text-anchor="middle">examples</text>'
    )
    if spread:  # short tags on three rows (the marks are often close); the values are in the caption
        for i, (name, tag) in enumerate((("p10", "p10"), ("median", "p50"), ("p90", "p90"))):
            at = x(spread[name])
            out.append(f'<line class="pct" x1="{at:.1f}" x2="{at:.1f}" y1="{top - 24 + 11 * i}" y2="{y(0):.1f}"/>')
            out.append(
                f'<text class="pct" x="{at + 2:.1f}" y="{top - 26 + 11 * i}">{tag}'
                f"<title>{name} {_fmt(spread[name])} {escape(unit)}</title></text>"
            )
    if limit is not None and limit <= high:
        at = x(limit)
        out.append(f'<line class="limit" x1="{at:.1f}" x2="{at:.1f}" y1="{top}" y2="{y(0):.1f}"/>')
        out.append(f'<text class="limit" x="{at + 4:.1f}" y="{top + 12}">limit {limit:,}</text>')
    return _svg("tokens", width, height, "".join(out), f"Histogram of {unit} per example")


def bars_svg(kind: str, items: list[tuple[str, float, str, str]], label: str) -> str:
    """Horizontal bars: ``items`` are (label, value, the value as shown, extra CSS class)."""
    row, left, top = 24, 156, 6  # 20 characters of 12-pixel text fit left of the bars
    right = 12 + 7 * max((len(shown) for _, _, shown, _ in items), default=0)  # room for the value
    width, height = 400, top + row * len(items) + 22
    most = max((v for _, v, _, _ in items), default=0) or 1
    out = []
    for i, (name, value, shown, css) in enumerate(items):
        y = top + i * row
        size = (width - left - right) * value / most
        short = name if len(name) <= LABEL_CHARS else name[: LABEL_CHARS - 1] + "…"
        out.append(
            f'<text x="{left - 8}" y="{y + 15}" text-anchor="end">{escape(short)}<title>{escape(name)}</title></text>'
        )
        out.append(
            f'<rect class="bar {css}" data-value="{value}" x="{left}" y="{y + 3}" width="{max(size, 1):.1f}" '
            f'height="{row - 7}"><title>{escape(name)}: {escape(shown)}</title></rect>'
        )
        out.append(f'<text class="value" x="{left + max(size, 1) + 5:.1f}" y="{y + 15}">{escape(shown)}</text>')
    out.append(f'<line class="axis" x1="{left}" x2="{left}" y1="{top}" y2="{height - 20}"/>')
    out.append(f'<text x="{left}" y="{height - 5}">{escape(label)}</text>')
    return _svg(kind, width, height, "".join(out), label)


def _svg(kind: str, width: int, height: int, body: str, label: str) -> str:
    return (
        f'<svg class="chart" data-chart="{kind}" viewBox="0 0 {width} {height}" role="img" '
        f'aria-label="{escape(label)}" xmlns="http://www.w3.org/2000/svg">{body}</svg>'
    )


def _figure(title: str, chart: str, note: str = "") -> str:
    extra = f'<p class="note">{escape(note)}</p>' if note else ""
    return f"<figure><figcaption>{escape(title)}</figcaption>{chart}{extra}</figure>"


def _shares(shares: dict[str, float], names: dict[str, str] | None = None) -> list[tuple[str, float, str, str]]:
    """Bars of shares, largest first; past MAX_BARS the rest as one bar of "N others"."""
    items = [((names or {}).get(k, k), v, f"{v:.1%}", "") for k, v in shares.items()]
    if len(items) > MAX_BARS:
        rest = sum(v for _, v, _, _ in items[MAX_BARS - 1 :])
        items = items[: MAX_BARS - 1] + [(f"{len(items) - MAX_BARS + 1} others", rest, f"{rest:.1%}", "")]
    return items


def charts(file: dict, unit: str) -> list[str]:
    """The file's figures, in the order a reader looks for them."""
    sizes = file.get("sizes") or {}
    found = []
    hist = (sizes.get("histograms") or {}).get("tokens_per_example")
    if hist:
        limit = (file.get("limit") or {}).get("limit")
        spread = sizes.get("tokens_per_example")
        note = " · ".join(f"{name} {_fmt(spread[name])}" for name in ("p10", "median", "p90", "max")) if spread else ""
        if limit is not None and limit > hist["edges"][-1] + (hist["edges"][-1] - hist["edges"][0]) * 0.5:
            note += f". The limit, {limit:,} tokens, is far right of every example."
        elif limit is not None:
            note += f" · limit {limit:,}"
        found.append(_figure(f"{unit.capitalize()} per example", histogram_svg(hist, spread, limit, unit), note))
    roles = file.get("role_tokens")
    if roles:
        items = [(r["role"], r["tokens"], f"{r['tokens']:,}", "answer" if r["answer"] else "") for r in roles]
        prompt, answer = sizes.get("prompt_tokens_per_example"), sizes.get("answer_tokens_per_example")
        means = ", ".join(f"{r['role']} {_fmt(r['mean'])}" for r in roles)
        note = f"Blue: prompt roles; amber: answer roles. Mean per example: {means}."
        if prompt and answer:
            note += (
                f" Median prompt {_fmt(prompt['median'])} tokens (framing included), answer {_fmt(answer['median'])}."
            )
        found.append(_figure("Prompt and answer tokens by role", bars_svg("roles", items, f"text {unit}"), note))
    counts = sizes.get("messages_counts")
    messages = (sizes.get("histograms") or {}).get("messages_per_example")
    if counts:
        items = [(f"{n} message{'s' if n != 1 else ''}", c, f"{c:,}", "") for n, c in counts]
        found.append(_figure("Turns per conversation", bars_svg("messages", items, "examples")))
    elif messages:
        found.append(
            _figure(
                "Turns per conversation", histogram_svg(messages, sizes.get("messages_per_example"), None, "messages")
            )
        )
    if file.get("languages"):
        found.append(
            _figure(
                "Languages", bars_svg("languages", _shares(file["languages"], NAMES), "share of the examples judged")
            )
        )
    if file.get("answers"):
        found.append(
            _figure("Answers (labels)", bars_svg("answers", _shares(file["answers"]), "share of the examples"))
        )
    return found


# -- text --------------------------------------------------------------------------

_WORDS = re.compile(r"\S+|\s+")


def highlighted(a: str, b: str) -> tuple[str, str]:
    """Both texts escaped, the words each has that the other lacks marked (``del`` in ``a``, ``ins`` in ``b``)."""
    left, right = _WORDS.findall(a), _WORDS.findall(b)
    matcher = difflib.SequenceMatcher(None, left, right, autojunk=False)
    out_a, out_b = [], []
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        one, two = escape("".join(left[i1:i2])), escape("".join(right[j1:j2]))
        if op == "equal":
            out_a.append(one)
            out_b.append(two)
            continue
        if one:
            out_a.append(f'<mark class="del">{one}</mark>')
        if two:
            out_b.append(f'<mark class="ins">{two}</mark>')
    return "".join(out_a), "".join(out_b)


class Links:
    """Where a path:line points: the ``--line-url`` template (``{path}``, ``{line}``), or nowhere."""

    def __init__(self, template: str | None):
        if template is not None and not template.lower().startswith(LINK_SCHEMES):
            raise ValueError(f"--line-url must start with one of {', '.join(LINK_SCHEMES)}")
        self.template = template

    def place(self, path: str, line: int | None) -> str:
        shown = escape(path if line is None else f"{path}:{line}")
        if self.template is None:
            return f"<code>{shown}</code>"
        url = self.template.replace("{path}", quote(path, safe="/")).replace("{line}", str(line or 1))
        return f'<a href="{escape(url)}"><code>{shown}</code></a>'


def _sample(sample: dict, links: Links, body: str | None = None, title: str = "") -> str:
    head = f"<b>{escape(title)}</b> " if title else ""
    message = f'<div class="muted">{escape(sample["message"])}</div>' if sample.get("message") else ""
    text = body if body is not None else escape(sample["text"]) if sample.get("text") is not None else ""
    pre = f"<pre>{text}</pre>" if text else '<div class="muted">(the record could not be read again)</div>'
    if sample.get("line") is None:
        pre = ""
    return f'<div class="sample">{head}{links.place(sample["path"], sample["line"])}{message}{pre}</div>'


def _pair(a: dict, b: dict, links: Links, titles: tuple[str, str]) -> str:
    if a.get("text") is not None and b.get("text") is not None:
        one, two = highlighted(a["text"], b["text"])
    else:
        one = two = None
    return f'<div class="pair">{_sample(a, links, one, titles[0])}{_sample(b, links, two, titles[1])}</div>'


def _severity(level: str) -> str:
    return f'<span class="sev {escape(level)}">{escape(level)}</span>'


def _rule(code: str, name: str, url: str | None) -> str:
    label = f"<code>{escape(code)}</code> {escape(name)}"
    return f'<a href="{escape(url)}">{label}</a>' if url else label


def _table(head: list[tuple[str, bool]], rows: list[list[tuple[str, object]]]) -> str:
    """A sortable table: ``head`` is (title, numeric); a cell is (html, sort value or None)."""
    ths = "".join(f"<th data-sort{' class=num' if num else ''}>{escape(title)}</th>" for title, num in head)
    body = []
    for row in rows:
        cells = []
        for (html, value), (_, num) in zip(row, head, strict=True):
            attr = f' data-value="{escape(value)}"' if value is not None else ""
            cells.append(f"<td{' class=num' if num else ''}{attr}>{html}</td>")
        body.append(f"<tr>{''.join(cells)}</tr>")
    return f'<div class="table"><table><thead><tr>{ths}</tr></thead><tbody>{"".join(body)}</tbody></table></div>'


# -- the page ----------------------------------------------------------------------


def overview_html(data: dict, pages: dict[str, str]) -> list[str]:
    o = data["overview"]
    verdict, totals = o["verdict"], o["totals"]
    severities = ", ".join(_counted(n, level) for level, n in o["severities"].items() if n) or "no findings"
    if verdict["passed"]:
        banner = (
            f'<p class="verdict pass">✓ Passes at fail-on <code>{escape(verdict["fail_on"])}</code>: {severities}.</p>'
        )
    else:
        banner = (
            f'<p class="verdict fail">✗ Fails at fail-on <code>{escape(verdict["fail_on"])}</code>: '
            f"{verdict['failing']:,} finding(s) at or above it ({severities})"
            f"{'; some inputs could not be read' if data['errors'] else ''}.</p>"
        )
    cards = [
        ("files", f"{totals['files']:,}"),
        ("examples", f"{totals['examples']:,}"),
        ("tokens", f"{totals['tokens']:,}"),
        ("billed tokens", f"{totals['billed_tokens']:,}"),
    ]
    if totals["cost"] is not None:
        cards.append((f"cost at ${totals['price_per_million']:g} per million", f"${totals['cost']:,.2f}"))
    parts = ['<section id="overview"><h2>Overview</h2>', banner, '<div class="cards">']
    parts += [f'<div class="card"><b>{value}</b>{escape(label)}</div>' for label, value in cards]
    parts.append("</div>")
    if totals["cost"] is None:
        parts.append(
            '<p class="note">No cost estimate: give the model\'s price with <code>--price-per-million</code>.</p>'
        )
    parts.append('<div class="columns">')
    splits = [s for s in o["splits"] if s["split"] is not None]
    if splits:
        parts.append("<div><h3>Splits</h3>")
        rows = []
        for s in splits:
            leaked = s["leaked"]
            cells = [(escape(s["split"]), None), (f"{s['files']:,}", s["files"]), (f"{s['examples']:,}", s["examples"])]
            cells.append((f"{s['tokens']:,}", s["tokens"]))
            if leaked is None:
                cells += [("–", -1), ("–", -1)]
            else:
                listed = " · ".join(f"{leaked[kind]:,} {kind}" for kind in ("exact", "near", "prompt"))
                cells += [(listed, sum(leaked.values())), (f"{s['leaked_share']:.1%}", s["leaked_share"])]
            rows.append(cells)
        head = [("split", False), ("files", True), ("examples", True), ("tokens", True)]
        head += [("leaked from train", False), ("share", True)]
        parts.append(_table(head, rows) + "</div>")
    if o["rules"]:
        parts.append("<div><h3>Findings by rule</h3>")
        rows = [
            [
                (_rule(r["code"], r["name"], pages.get(r["code"])), r["code"]),
                (_severity(r["severity"]), {"error": 3, "warning": 2, "info": 1}.get(r["severity"], 0)),
                (f"{r['count']:,}", r["count"]),
                (f"{r['files']:,}", r["files"]),
            ]
            for r in o["rules"]
        ]
        parts.append(
            _table([("rule", False), ("severity", False), ("findings", True), ("files", True)], rows) + "</div>"
        )
    parts.append("</div></section>")
    return parts


def _counted(n: int, level: str) -> str:
    return f"{n:,} {level}{'s' if n != 1 and level != 'info' else ''}"


def drift_html(drift: dict) -> list[str]:
    parts = ['<section id="drift"><h2>Drift from the earlier report</h2>']
    for limit in drift["limits"]:
        where = "; ".join(limit["exceeded"])
        state = f"exceeded: {escape(where)}" if where else "within"
        css = "fail" if where else "pass"
        parts.append(
            f'<p class="verdict {css}"><code>{escape(limit["limit"])}={limit["threshold"]:g}</code> {state}</p>'
        )
    rows = []
    for entry in [*drift["files"], *drift["splits"]]:
        name = escape(entry["path"]) if "path" in entry else f"{escape(entry['split'])} split"
        status = (
            f' <span class="muted">({escape(entry["status"])})</span>' if entry.get("status", "kept") != "kept" else ""
        )
        cells = [(name + status, None)]
        for key in ("examples", "tokens", "duplicates", "near_duplicates", "leakage", "findings"):
            v = entry[key]
            if v["change"] is None:
                cells.append(("–", None))
            else:
                cells.append((f"{v['old']:,} → {v['new']:,} <b>({v['change']:+,})</b>", v["change"]))
        moved = [
            f"{escape(NAMES.get(k, k) if key == 'languages' else k)} {v['change'] * 100:+.1f} pts"
            for key in ("languages", "labels")
            for k, v in entry[key].items()
            if abs(v["change"]) >= 0.001
        ]
        rules = [f"<code>{escape(code)}</code> {v['change']:+,}" for code, v in entry["rules"].items()]
        cells.append((", ".join(moved) or "–", None))
        cells.append((", ".join(rules) or "–", None))
        rows.append(cells)
    head = [("file or split", False), ("examples", True), ("tokens", True), ("duplicates", True)]
    head += [
        ("near-duplicates", True),
        ("leaked", True),
        ("findings", True),
        ("shares moved", False),
        ("by rule", False),
    ]
    parts.append(_table(head, rows))
    parts.append("</section>")
    return parts


def file_html(index: int, file: dict, unit: str, links: Links, pages: dict[str, str]) -> list[str]:
    split = f", {escape(file['split'])} split" if file["split"] else ""
    parts = [
        f'<section id="file-{index}"><h2>{escape(file["path"])} '
        f'<span class="muted">({escape(file["format"] or "no records")}{split})</span></h2>'
    ]
    figures = charts(file, unit)
    if figures:
        parts.append(f'<div class="charts">{"".join(figures)}</div>')
    for note in file["notes"]:
        parts.append(f'<p class="note info">{escape(note)}</p>')
    parts.append("<details><summary>Every number</summary><table>")
    for label, value in file.get("_rows", ()):  # the text report's lines (not in the JSON report)
        parts.append(f"<tr><th>{escape(label)}</th><td>{escape(value)}</td></tr>")
    parts.append("</table></details>")
    clusters = file.get("clusters")
    if clusters:
        parts.append(f"<h3>Near-duplicate groups ({clusters['count']:,})</h3>")
        if clusters.get("across_files"):
            parts.append(
                f'<p class="note">{clusters["across_files"]:,} of them go on in other training files '
                "(the training files are compared as one pool).</p>"
            )
        for cluster in clusters["largest"]:
            members = ", ".join(links.place(m["path"], m["line"]) for m in cluster["members"])
            more = " …" if cluster["size"] > len(cluster["members"]) else ""
            parts.append(
                f"<details open><summary><b>{cluster['size']:,} examples</b> alike: {members}{more}</summary>"
                f'<p class="muted">{escape(cluster["message"])}; the words that differ are marked.</p>'
                + _pair(*cluster["pair"], links, ("first", "alike"))
                + "</details>"
            )
    leaks = file.get("leaks")
    if leaks:
        parts.append("<h3>Leaked from training</h3>")
        for leak in leaks:
            parts.append(
                f"<details open><summary><code>{escape(leak['code'])}</code> {escape(leak['kind'])} leak</summary>"
                + _pair(leak["held_out"], leak["train"], links, (file["split"] or "held out", "train"))
                + "</details>"
            )
    rules = file.get("rules")
    if rules:
        parts.append("<h3>Findings by rule</h3>")
        for rule in rules:
            samples = "".join(_sample(s, links) for s in rule["samples"])
            shown = len(rule["samples"])
            more = f'<p class="muted">{shown} of {rule["count"]:,} shown.</p>' if rule["count"] > shown else ""
            title = f"{_severity(rule['severity'])} {_rule(rule['code'], rule['name'], pages.get(rule['code']))}"
            parts.append(f"<details><summary>{title} · {rule['count']:,}</summary>{samples}{more}</details>")
    parts.append("</section>")
    return parts


def render(data: dict, line_url: str | None = None, pages: dict[str, str] | None = None) -> str:
    """The page for a report (``stats.report(...)``); ``line_url`` links each ``path:line`` shown,
    ``pages`` (:func:`rule_pages`) each rule code to its documentation."""
    links = Links(line_url)
    pages = pages or {}
    unit = "tokens" if "estimated" not in data["tokenizer"] else "tokens (estimated)"
    model = f"; model {escape(data['model'])}" if data["model"] else ""
    toc = ['<a href="#overview">Overview</a>']
    if "drift" in data:
        toc.append('<a href="#drift">Drift</a>')
    toc += [f'<a href="#file-{i}">{escape(f["path"])}</a>' for i, f in enumerate(data["files"])]
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f'<meta http-equiv="Content-Security-Policy" content="{POLICY}">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        '<meta name="color-scheme" content="light dark">',
        "<title>jsonl-lint dataset report</title>",
        f"<style>{STYLE}</style></head><body>",
        "<header><h1>jsonl-lint dataset report</h1>",
        f'<p class="muted">Profile {escape(data["profile"])}; tokens: {escape(data["tokenizer"])}{model}. '
        f"Counting: {escape(data['counting'])}.</p>",
        f"<nav>{''.join(toc)}</nav></header>",
    ]
    for error in data["errors"]:
        parts.append(f'<p class="error">error: {escape(error)}</p>')
    parts += overview_html(data, pages)
    if "drift" in data:
        parts += drift_html(data["drift"])
    for index, file in enumerate(data["files"]):
        parts += file_html(index, file, unit, links, pages)
    parts.append(f"<script>{SCRIPT}</script>")
    parts.append("</body></html>\n")
    return "\n".join(parts)
