"""``jsonl-lint stats PATH...``: the dataset report, per file.

What the OpenAI cookbook's data-preparation notebook prints, corrected: token counts with the
target model's tokenizer and the provider's per-message overhead, p10/p90 named as such, weight-0
answers left out of the trained tokens, and the default-epoch heuristic for the billing estimate.

The report runs the normal lint (the configured rules) plus one collector, :class:`ExampleStats`,
whose ``map`` keeps a few numbers per example; :func:`report` turns the run into plain data, which
the reporters print (``reporters/stats_text.py``, ``reporters/stats_html.py``). The report is a list of sections
(:data:`SECTIONS`): each is a function of one file's :class:`FileContext` (its rows, and the run's
result: every rule's findings) returning a :class:`Section` or None. A section built on a rule
reads that rule's findings (``context.findings("D004")``, its ``reduce`` output) or, for a rule
that keeps more, the collector's rows; a new section is one more function in the list.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, NamedTuple

from jsonl_lint.diagnostics import Diagnostic, Severity
from jsonl_lint.engine import Result
from jsonl_lint.files.sources import Source
from jsonl_lint.rules.base import Collector
from jsonl_lint.rules.language import CONFIDENCE
from jsonl_lint.rules.tokens import CHARS_PER_TOKEN, TOKENIZER, quantile, tokenizer
from jsonl_lint.text.language import NAMES, verdict
from jsonl_lint.text.tokens import Tokenizer

#: The cookbook's default-epoch heuristic (openai-cookbook Chat_finetuning_data_prep.ipynb).
TARGET_EPOCHS, MIN_TARGET_EXAMPLES, MAX_TARGET_EXAMPLES, MIN_EPOCHS, MAX_EPOCHS = 3, 100, 25_000, 1, 25
#: An answer longer than this is free text, not a class label.
LABEL_CHARS = 64
#: Most distinct answers for a file to count as classification data.
MAX_CLASSES = 20
MIN_CLASS_SHARE = 0.05
#: Findings listed in the HTML report.
TOP_FINDINGS = 100


class Row(NamedTuple):
    """What the report keeps of one example."""

    messages: int
    tokens: int  # the whole example, counted as the provider does
    trained: int  # text tokens of the trained answer turns (weight not 0)
    system: bool
    user: bool
    answered: bool  # has a final answer
    label: str | None  # that answer when it is short enough to be a class label
    language: str  # as L001/L002 judge it; "" when too short or unsure


class ExampleStats(Collector):
    """The report's collector (not a rule: never registered, never reports)."""

    code, name, severity = "stats", "stats", Severity.INFO
    summary = "Numbers per example for the dataset report"
    options = (CONFIDENCE, TOKENIZER, CHARS_PER_TOKEN)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.tokenizer = tokenizer(self.settings)

    def map(self, example):
        turns = example.turns
        if not turns:
            return None
        counted = self.tokenizer.example(example)
        roles = {turn.role for turn in turns}
        answered = counted.answer is not None  # type: ignore[union-attr]
        label = example.answer.strip() if answered else None
        if label is not None and len(label) > LABEL_CHARS:
            label = None
        found = verdict(example, "example", self.settings["language-confidence"], careful=False)
        language = "" if found is None else found.lang
        return Row(
            len(turns), counted.total, counted.trained, "system" in roles, "user" in roles, answered, label, language
        )  # type: ignore[union-attr]

    def reduce(self, items, sources) -> dict[str, list[Row]]:
        """The rows of each file, by path."""
        rows: dict[str, list[Row]] = {}
        for location, row in items:
            rows.setdefault(location.path, []).append(row)
        return rows


# -- numbers -----------------------------------------------------------------


def distribution(values: list[int]) -> dict[str, float] | None:
    if not values:
        return None
    ordered = sorted(values)
    return {
        "min": ordered[0],
        "p10": quantile(ordered, 0.1),
        "median": quantile(ordered, 0.5),
        "p90": quantile(ordered, 0.9),
        "max": ordered[-1],
        "mean": sum(ordered) / len(ordered),
    }


def histogram(values: list[int], bins: int = 20) -> dict[str, list[int]]:
    """``edges`` (one more than ``counts``): bin i holds edges[i] <= v < edges[i+1], the last one v <= its end."""
    low, high = min(values), max(values)
    width = max(1, -(-(high - low + 1) // bins))
    edges = list(range(low, high + 1, width)) + [low + width * (-(-(high - low + 1) // width))]
    counts = [0] * (len(edges) - 1)
    for value in values:
        counts[(value - low) // width] += 1
    return {"edges": edges, "counts": counts}


def default_epochs(examples: int) -> int:
    """OpenAI's default ``n_epochs``: 3, raised or lowered so that examples x epochs stays in 100..25,000."""
    epochs = TARGET_EPOCHS
    if examples * epochs < MIN_TARGET_EXAMPLES:
        epochs = min(MAX_EPOCHS, MIN_TARGET_EXAMPLES // examples)
    elif examples * epochs > MAX_TARGET_EXAMPLES:
        epochs = max(MIN_EPOCHS, MAX_TARGET_EXAMPLES // examples)
    return epochs


# -- sections ------------------------------------------------------------------


@dataclass
class FileContext:
    """What a section may read about one file."""

    source: Source
    rows: list[Row]
    result: Result
    tokenizer: Tokenizer
    limit: int | None
    min_class_share: float

    def findings(self, code: str) -> list[Diagnostic] | None:
        """The findings of rule ``code`` in this file (its ``reduce`` output), None when the rule did not run."""
        if not any(rule.code == code for rule in self.result.resolved.rules):
            return None
        return [d for d in self.result.diagnostics if d.code == code and d.path == self.source.path]


class Section(NamedTuple):
    key: str  # the section's key in the JSON report
    rows: list[tuple[str, str]]  # (label, value) lines of the text report
    data: Any  # the JSON value
    notes: list[str] = []  # info lines (a class under its share, ...)


def _spread(d: dict | None) -> str:
    if d is None:
        return "-"
    return " · ".join(f"{k} {_number(d[k])}" for k in ("min", "p10", "median", "p90", "max", "mean"))


def _number(value: float) -> str:
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"


def sizes(c: FileContext) -> Section:
    rows = c.rows
    messages = distribution([r.messages for r in rows])
    tokens = distribution([r.tokens for r in rows])
    trained = distribution([r.trained for r in rows])
    unit = "tokens" if c.tokenizer.exact else "tokens (estimated)"
    data = {
        "examples": len(rows),
        "messages_per_example": messages,
        "tokens_per_example": tokens,
        "assistant_tokens_per_example": trained,
        "histograms": {
            "tokens_per_example": histogram([r.tokens for r in rows]) if rows else None,
            "messages_per_example": histogram([r.messages for r in rows]) if rows else None,
        },
    }
    lines = [
        ("examples", f"{len(rows):,}"),
        ("messages per example", _spread(messages)),
        (f"{unit} per example", _spread(tokens)),
        ("trained answer tokens", _spread(trained)),
    ]
    return Section("sizes", lines, data)


def limit(c: FileContext) -> Section:
    if c.limit is None:
        return Section("limit", [("over the token limit", "no limit set")], None)
    over = sum(r.tokens > c.limit for r in c.rows)
    text = f"{over:,} example(s) over {c.limit:,} tokens" + (": truncated in training (T001)" if over else "")
    return Section("limit", [("over the token limit", text)], {"limit": c.limit, "examples_over": over})


def roles(c: FileContext) -> Section:
    missing_system = sum(not r.system for r in c.rows)
    missing_user = sum(not r.user for r in c.rows)
    data = {"missing_system": missing_system, "missing_user": missing_user}
    return Section(
        "roles",
        [("without a system message", f"{missing_system:,}"), ("without a user message", f"{missing_user:,}")],
        data,
    )


def duplicates(c: FileContext) -> Section:
    found = c.findings("D004")
    if found is None:
        return Section("duplicates", [("exact duplicates", "not checked (D004 is off)")], None)
    return Section("duplicates", [("exact duplicates", f"{len(found):,} (D004, whitespace ignored)")], len(found))


def near_duplicates(c: FileContext) -> Section:
    found = c.findings("D005")
    if found is None:
        return Section("near_duplicates", [("near-duplicates", "not checked (D005 is off)")], None)
    text = f"{len(found):,} (D005: word n-gram Jaccard at or above the threshold, templates aside)"
    return Section("near_duplicates", [("near-duplicates", text)], len(found))


def leakage(c: FileContext) -> Section | None:
    """A held-out file's examples that stand in the training split (V001 to V003)."""
    if not c.source.held_out:
        return None
    counts = {code: c.findings(code) for code in ("V001", "V002", "V003")}
    data = {code: None if found is None else len(found) for code, found in counts.items()}
    text = ", ".join(f"{'off' if n is None else f'{n:,}'} {label}" for n, label in zip(
        data.values(), ("exact (V001)", "near (V002)", "same prompt (V003)"), strict=True
    ))  # fmt: skip
    return Section("leakage", [("leaked from training", text)], data)


def languages(c: FileContext) -> Section | None:
    """Share of each language among the examples judged (L001/L002's detector)."""
    counts = Counter(r.language for r in c.rows)
    unsure = counts.pop("", 0)
    judged = sum(counts.values())
    if not judged:
        return None
    shares = {lang: n / judged for lang, n in counts.most_common()}
    text = ", ".join(f"{NAMES.get(lang, lang)} {share:.1%}" for lang, share in list(shares.items())[:6])
    if unsure:
        text += f" ({unsure:,} too short or unsure)"
    return Section("languages", [("languages", text)], shares)


def answers(c: FileContext) -> Section | None:
    """Classification-style data: few short answers, each repeated."""
    labels = [r.label for r in c.rows if r.answered]
    if not labels or None in labels:
        return None
    counts = Counter(labels)
    if len(counts) > MAX_CLASSES or len(counts) > len(labels) / 2:
        return None
    shares = {label: n / len(labels) for label, n in counts.most_common()}
    notes = [
        f"info: the answer {label!r} is {share:.1%} of the examples, under {c.min_class_share:.0%} "
        "(--min-class-share): the model sees few examples of it"
        for label, share in shares.items()
        if share < c.min_class_share
    ]
    text = ", ".join(f"{label!r} {share:.1%}" for label, share in shares.items())
    return Section("answers", [("answers", f"{len(counts)} distinct: {text}")], shares, notes)


def billing(c: FileContext) -> Section | None:
    if c.source.held_out or not c.rows:
        return None  # validation tokens are not charged
    epochs = default_epochs(len(c.rows))
    capped = sum(r.tokens if c.limit is None else min(c.limit, r.tokens) for r in c.rows)
    about = "" if c.tokenizer.exact else "about "
    text = (
        f"{about}{capped * epochs:,} billed tokens: {capped:,} tokens x {epochs} epochs "
        f"(the default for {len(c.rows):,} examples)"
    )
    return Section(
        "billing", [("billing estimate", text)], {"epochs": epochs, "tokens": capped, "billed_tokens": capped * epochs}
    )


#: The report's sections, in order; a section may read a rule's findings: ``c.findings("D005")``.
SECTIONS: list[Callable[[FileContext], Section | None]] = [
    sizes,
    limit,
    roles,
    languages,
    duplicates,
    near_duplicates,
    leakage,
    answers,
    billing,
]


# -- the report ------------------------------------------------------------------


def report(result: Result, min_class_share: float = MIN_CLASS_SHARE) -> dict:
    """The whole report as plain data (what ``--output-format json`` prints)."""
    options = result.resolved.options
    counter = tokenizer(options)
    rows: dict[str, list[Row]] = result.collected[ExampleStats.code]
    files = []
    for source in result.sources:
        context = FileContext(
            source, rows.get(source.path, []), result, counter, options.get("max-tokens-per-example"), min_class_share
        )
        found = [s for s in (section(context) for section in SECTIONS) if s is not None]
        codes = Counter(d.code for d in result.diagnostics if d.path == source.path)
        files.append(
            {
                "path": source.path,
                "split": source.split,
                "format": source.main_format,
                **{s.key: s.data for s in found},
                "findings": dict(sorted(codes.items())),
                "notes": [note for s in found for note in s.notes],
                "_rows": [row for s in found for row in s.rows],
            }
        )
    return {
        "profile": result.resolved.profile.name,
        "model": options.get("model"),
        "tokenizer": counter.describe(),
        "counting": "OpenAI chat: 3 tokens per message + role + content (+ name + 1), + 3 for the reply"
        if counter.exact
        else "characters / chars-per-token, no per-message overhead",
        "files": files,
        "errors": result.errors,
    }


def public(data: dict) -> dict:
    """The report without the text report's rows: what ``--output-format json`` prints and ``jsonl_lint.stats``
    returns (plain, JSON-serialisable data)."""
    return {**data, "files": [{k: v for k, v in f.items() if k != "_rows"} for f in data["files"]]}


def top_findings(diagnostics: list[Diagnostic]) -> list[Diagnostic]:
    """The most severe findings first, in file order within a severity."""
    return sorted(diagnostics, key=lambda d: (-d.severity, *d.sort_key()))[:TOP_FINDINGS]
