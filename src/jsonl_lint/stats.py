"""``jsonl-lint stats PATH...``: the dataset report, per file, with an overview and drift.

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

Samples (a near-duplicate pair, a leaked example and its training twin, a record a rule reported)
are read again once the run is over, only the lines shown (:func:`jsonl_lint.files.open.read_lines`,
each file read once up to its last such line), with secrets and personal data masked
(:func:`masked`) and cut to :data:`SAMPLE_CHARS`: the report stays a few hundred kilobytes whatever
the size of the data. :func:`drift` compares a report with an earlier one (``--compare``).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from sys import intern
from typing import Any, NamedTuple

from jsonl_lint.diagnostics import Diagnostic, Location, Severity
from jsonl_lint.engine import Result
from jsonl_lint.files.open import read_lines
from jsonl_lint.files.reader import parse_line
from jsonl_lint.files.sources import Source
from jsonl_lint.formats.detect import Detector
from jsonl_lint.rules.base import Collector
from jsonl_lint.rules.language import CONFIDENCE, LANGUAGES
from jsonl_lint.rules.tokens import CHARS_PER_TOKEN, TOKENIZER, quantile, tokenizer
from jsonl_lint.text.language import NAMES, verdict
from jsonl_lint.text.scan import emails, mask, phones, redact_line, secret_kind, secrets
from jsonl_lint.text.tokens import Tokenizer

#: The cookbook's default-epoch heuristic (openai-cookbook Chat_finetuning_data_prep.ipynb).
TARGET_EPOCHS, MIN_TARGET_EXAMPLES, MAX_TARGET_EXAMPLES, MIN_EPOCHS, MAX_EPOCHS = 3, 100, 25_000, 1, 25
#: An answer longer than this is free text, not a class label.
LABEL_CHARS = 64
#: Most distinct answers for a file to count as classification data.
MAX_CLASSES = 20
MIN_CLASS_SHARE = 0.05
#: Fewest distinct message counts for which the report draws a histogram rather than each count.
COUNT_VALUES = 12
#: Near-duplicate clusters and leaked examples shown per file, with their samples.
TOP_CLUSTERS, TOP_LEAKS = 5, 6
#: Records shown per rule, and members listed per cluster.
RULE_SAMPLES, CLUSTER_MEMBERS = 3, 20
#: Characters of a sample kept (after masking): enough for the words that differ to show.
SAMPLE_CHARS = 1500


class Row(NamedTuple):
    """What the report keeps of one example (a few dozen bytes)."""

    messages: int
    tokens: int  # the whole example, counted as the provider does
    trained: int  # text tokens of the trained answer turns (weight not 0)
    system: bool
    user: bool
    answered: bool  # has a final answer
    label: str | None  # that answer when it is short enough to be a class label
    language: str  # as L001/L002 judge it; "" when too short or unsure
    prompt: int  # tokens before the final answer, framing included
    answer: int  # text tokens of the final answer (0 without one)
    #: per role: its name, the text tokens of its turns, whether it is an answer role, one after
    #: another (one flat tuple: 112 bytes for three roles, 256 as a tuple of triples)
    roles: tuple


class _Remembering(Tokenizer):
    """A tokenizer that keeps the counts of the texts it was last asked about: the per-role tokens
    come from the same pass that counts the example (no text is tokenized twice)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.counts: dict[str, int] = {}

    def count(self, text: str) -> int:
        found = self.counts.get(text)
        if found is None:
            found = self.counts[text] = super().count(text)
        return found


class ExampleStats(Collector):
    """The report's collector (not a rule: never registered, never reports)."""

    code, name, severity = "stats", "stats", Severity.INFO
    summary = "Numbers per example for the dataset report"
    options = (CONFIDENCE, LANGUAGES, TOKENIZER, CHARS_PER_TOKEN)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.tokenizer = _Remembering(self.settings["tokenizer"], self.settings["chars-per-token"])
        # L002's verdict (careful when L001 is on): judged once per example for both, and the same
        self.careful = bool(self.settings["languages"])

    def map(self, example):
        turns = example.turns
        if not turns:
            return None
        counter = self.tokenizer
        counter.counts.clear()
        counted = counter.example(example)
        answer_roles = example.format.answer_roles
        per_role: dict[str, int] = {}
        for turn in turns:
            role = intern(turn.role or "?")  # one string per role: the rows share it, and a task's pickle too
            per_role[role] = per_role.get(role, 0) + counter.count(turn.text)
        answered = counted.answer is not None  # type: ignore[union-attr]
        label = example.answer.strip() if answered else None
        if label is not None:
            label = intern(label) if len(label) <= LABEL_CHARS else None
        found = verdict(example, "example", self.settings["language-confidence"], self.careful)
        return Row(
            len(turns),
            counted.total,  # type: ignore[union-attr]
            counted.trained,  # type: ignore[union-attr]
            "system" in per_role,
            "user" in per_role,
            answered,
            label,
            "" if found is None else found.lang,
            counted.before,  # type: ignore[union-attr]
            counted.answer or 0,  # type: ignore[union-attr]
            tuple(item for role, n in per_role.items() for item in (role, n, role in answer_roles)),
        )

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


# -- samples -------------------------------------------------------------------


def masked(text: str) -> str:
    """``text`` with secrets shown as P003's messages show them (kind prefix, four characters) and
    e-mail addresses and phone numbers replaced by what they are: a report is passed around."""
    hits = [(h.start, h.end, mask(h.value, secret_kind(h.label))) for h in secrets(text)]
    hits += [(h.start, h.end, "‹e-mail›") for h in emails(text)]
    hits += [(h.start, h.end, "‹phone›") for h in phones(text)]
    pieces, last = [], 0
    for start, end, shown in sorted(hits, key=lambda hit: (hit[0], -hit[1])):
        if start >= last:  # a hit inside another (digits of a key read as a phone) is already hidden
            pieces += (text[last:start], shown)
            last = end
    return "".join(pieces) + text[last:]


def clipped(text: str, limit: int = SAMPLE_CHARS) -> str:
    return text if len(text) <= limit else text[:limit] + "…"


class Samples:
    """The text of the records the report shows, read once the run is over: each example as its
    turns (``role: text``, whatever the format), or the raw line when it is not a record."""

    def __init__(self, result: Result, wanted: Iterable[Location]):
        by_path: dict[str, set[int]] = {}
        for location in wanted:
            if location.line is not None:
                by_path.setdefault(location.path, set()).add(location.line)
        detector = Detector(result.resolved.profile, result.resolved.schema, result.resolved.schema_mode)
        self.texts = {
            key: clipped(self._text(line, key[1] == 1, detector)) for key, line in read_lines(by_path).items()
        }

    @staticmethod
    def _text(line: str, first: bool, detector: Detector) -> str:
        record = parse_line(line.encode("utf-8", "surrogatepass"), first)
        match = detector.match(record) if isinstance(record, dict) else None
        if match is None or not match[0].turns:
            return masked(redact_line(line.rstrip("\r\n")))
        example = match[0]
        text = "\n".join(f"{turn.role or '?'}: {turn.text}" for turn in example.turns)
        if example.rejected is not None:
            text += f"\nrejected: {example.rejected.text}"
        return masked(text)

    def get(self, location: Location, message: str | None = None) -> dict:
        """One sample as the report holds it: where, the finding's message if any, the text."""
        sample: dict[str, Any] = {"path": location.path, "line": location.line}
        if message is not None:
            sample["message"] = masked(message)
        sample["text"] = self.texts.get((location.path, location.line)) if location.line is not None else None
        return sample


class Cluster(NamedTuple):
    """A group of near-duplicates: its first example and the findings (D005) of the others."""

    first: Location
    findings: list[Diagnostic]

    @property
    def pair(self) -> Diagnostic:
        """The finding that compares an example with the group's first, to show side by side."""
        return next((d for d in self.findings if d.related[0] == self.first), self.findings[0])

    def members(self) -> list[Location]:
        return sorted({self.first, *(Location(d.path, d.line) for d in self.findings)}, key=_order)


def clusters(diagnostics: list[Diagnostic]) -> list[Cluster]:
    """The near-duplicate groups of the run, from D005's findings and the example each names;
    largest first, then in file order. A group may span the training files (one pool)."""
    parent: dict[Location, Location] = {}

    def root(at: Location) -> Location:
        while parent.get(at, at) != at:
            at = parent[at]
        return at

    found = [d for d in diagnostics if d.code == "D005" and d.related]
    for d in found:
        a, b = root(Location(d.path, d.line)), root(d.related[0])
        if a != b:
            parent[max(a, b, key=_order)] = min(a, b, key=_order)
    groups: dict[Location, list[Diagnostic]] = {}
    for d in found:
        groups.setdefault(root(Location(d.path, d.line)), []).append(d)
    return sorted(
        (Cluster(first, group) for first, group in groups.items()), key=lambda c: (-len(c.findings), _order(c.first))
    )


def _order(location: Location) -> tuple:
    return (location.path, location.line or 0)


def leak_picks(found: list[Diagnostic]) -> list[Diagnostic]:
    """Up to TOP_LEAKS leakage findings of a file, taken in turn from V001, V002 and V003."""
    by_code = [[d for d in found if d.code == code and d.related] for code in LEAK_KINDS]
    picked: list[Diagnostic] = []
    while len(picked) < TOP_LEAKS and any(by_code):
        for queue in by_code:
            if queue and len(picked) < TOP_LEAKS:
                picked.append(queue.pop(0))
    return picked


#: The leakage rules and what each says leaked.
LEAK_KINDS = {"V001": "exact", "V002": "near", "V003": "prompt"}


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
    samples: Samples
    clusters: list[Cluster] = field(default_factory=list)  # the near-duplicate groups that start in this file

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
    counts = Counter(r.messages for r in rows)
    unit = "tokens" if c.tokenizer.exact else "tokens (estimated)"
    data = {
        "examples": len(rows),
        "tokens": sum(r.tokens for r in rows),
        "messages_per_example": messages,
        "tokens_per_example": tokens,
        "assistant_tokens_per_example": trained,
        "prompt_tokens_per_example": distribution([r.prompt for r in rows if r.answered]),
        "answer_tokens_per_example": distribution([r.answer for r in rows if r.answered]),
        # few distinct message counts are shown as such: a histogram of them is one solid block
        "messages_counts": [[n, count] for n, count in sorted(counts.items())] if len(counts) <= COUNT_VALUES else None,
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


def role_tokens(c: FileContext) -> Section | None:
    """Text tokens per role: how much of the data is prompt and how much is answer."""
    totals: dict[str, list] = {}
    for row in c.rows:
        roles_ = row.roles
        for i in range(0, len(roles_), 3):
            role, tokens, answer = roles_[i : i + 3]
            entry = totals.setdefault(role, [0, 0, answer])
            entry[0] += 1
            entry[1] += tokens
    if not totals:
        return None
    data = [
        {"role": role, "answer": answer, "examples": n, "tokens": tokens, "mean": tokens / n}
        for role, (n, tokens, answer) in sorted(totals.items(), key=lambda item: (item[1][2], -item[1][1]))
    ]
    text = ", ".join(f"{e['role']} {e['tokens']:,} ({'answer' if e['answer'] else 'prompt'})" for e in data)
    return Section("role_tokens", [("text tokens by role", text)], data)


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


def occurrences(found: list[Diagnostic]) -> int:
    """How many times the findings occur: a finding collapsed over many lines counts each of them."""
    return sum(d.count for d in found)


def duplicates(c: FileContext) -> Section:
    found = c.findings("D004")
    if found is None:
        return Section("duplicates", [("exact duplicates", "not checked (D004 is off)")], None)
    count = occurrences(found)
    return Section("duplicates", [("exact duplicates", f"{count:,} (D004, whitespace ignored)")], count)


def near_duplicates(c: FileContext) -> Section:
    found = c.findings("D005")
    if found is None:
        return Section("near_duplicates", [("near-duplicates", "not checked (D005 is off)")], None)
    count = occurrences(found)
    text = f"{count:,} (D005: word n-gram Jaccard at or above the threshold, templates aside)"
    return Section("near_duplicates", [("near-duplicates", text)], count)


def near_duplicate_clusters(c: FileContext) -> Section | None:
    """The largest groups of near-duplicates that start in this file: their size, members and one
    pair (the group's first example and the one most like it) to read side by side."""
    if not c.clusters:
        return None
    shown = []
    for cluster in c.clusters[:TOP_CLUSTERS]:
        pair, members = cluster.pair, cluster.members()
        shown.append(
            {
                "size": len(members),
                "members": [m.to_dict() for m in members[:CLUSTER_MEMBERS]],
                "message": masked(pair.message),
                "pair": [c.samples.get(cluster.first), c.samples.get(Location(pair.path, pair.line))],
            }
        )
    sizes_ = ", ".join(str(s["size"]) for s in shown)
    # The training files are one pool: a group that starts here may go on in another file.
    across = sum(any(m.path != c.source.path for m in cluster.members()) for cluster in c.clusters)
    elsewhere = f" ({across:,} go on in other files)" if across else ""
    text = f"{len(c.clusters):,} group(s) start here{elsewhere}; the largest hold {sizes_} examples"
    data = {"count": len(c.clusters), "across_files": across, "largest": shown}
    return Section("clusters", [("near-duplicate groups", text)], data)


def leakage(c: FileContext) -> Section | None:
    """A held-out file's examples that stand in the training split (V001 to V003), with examples."""
    if not c.source.held_out:
        return None
    counts = {code: c.findings(code) for code in LEAK_KINDS}
    data = {code: None if found is None else occurrences(found) for code, found in counts.items()}
    text = ", ".join(f"{'off' if n is None else f'{n:,}'} {label}" for n, label in zip(
        data.values(), ("exact (V001)", "near (V002)", "same prompt (V003)"), strict=True
    ))  # fmt: skip
    return Section("leakage", [("leaked from training", text)], data)


def leaked_examples(c: FileContext) -> Section | None:
    """A few leaked examples of a held-out file beside the training example they stand for."""
    if not c.source.held_out:
        return None
    found = [d for code in LEAK_KINDS for d in (c.findings(code) or [])]
    picked = leak_picks(sorted(found, key=Diagnostic.sort_key))
    if not picked:
        return None
    data = [
        {
            "code": d.code,
            "kind": LEAK_KINDS[d.code],
            "held_out": c.samples.get(Location(d.path, d.line), d.message),
            "train": c.samples.get(d.related[0]),
        }
        for d in picked
    ]
    return Section("leaks", [], data)


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


def rules(c: FileContext) -> Section | None:
    """The file's findings grouped by rule, most severe first, each with a few of the records it
    reported (masked)."""
    by_code: dict[str, list[Diagnostic]] = {}
    for d in c.result.diagnostics:
        if d.path == c.source.path:
            by_code.setdefault(d.code, []).append(d)
    if not by_code:
        return None
    data = []
    for code, found in sorted(by_code.items(), key=lambda item: (-item[1][0].severity, item[0])):
        first = found[0]
        samples = [c.samples.get(Location(d.path, d.line), d.message) for d in found[:RULE_SAMPLES]]
        data.append(
            {
                "code": code,
                "name": first.name,
                "severity": str(first.severity),
                "count": occurrences(found),
                "samples": samples,
            }
        )
    return Section("rules", [], data)


#: The report's sections, in order; a section may read a rule's findings: ``c.findings("D005")``.
SECTIONS: list[Callable[[FileContext], Section | None]] = [
    sizes,
    role_tokens,
    limit,
    roles,
    languages,
    duplicates,
    near_duplicates,
    near_duplicate_clusters,
    leakage,
    leaked_examples,
    answers,
    billing,
    rules,
]


def sampled(result: Result, groups: list[Cluster]) -> Iterator[Location]:
    """Every place a section will show a sample of (what :class:`Samples` reads)."""
    for cluster in groups:
        pair = cluster.pair
        yield cluster.first
        yield Location(pair.path, pair.line)
    by_file: dict[str, list[Diagnostic]] = {}
    for d in result.diagnostics:
        by_file.setdefault(d.path, []).append(d)
    for found in by_file.values():
        for d in leak_picks([d for d in found if d.code in LEAK_KINDS]):
            yield Location(d.path, d.line)
            yield d.related[0]
        seen: Counter = Counter()
        for d in found:
            seen[d.code] += 1
            if seen[d.code] <= RULE_SAMPLES:
                yield Location(d.path, d.line)


# -- the overview ---------------------------------------------------------------


def overview(result: Result, files: list[dict], fail_on: Severity, price: float | None) -> dict:
    """The dataset at a glance: the verdict at ``fail_on``, findings by severity and by rule,
    totals across files, and each split's size and what of it leaked from training."""
    diagnostics = result.diagnostics
    failing = sum(d.count for d in diagnostics if d.severity >= fail_on)
    severities: Counter = Counter()
    for d in diagnostics:
        severities[str(d.severity)] += d.count
    by_code: dict[str, list[Diagnostic]] = {}
    for d in diagnostics:
        by_code.setdefault(d.code, []).append(d)
    by_rule = [
        {
            "code": code,
            "name": found[0].name,
            "severity": str(found[0].severity),
            "count": occurrences(found),
            "files": len({d.path for d in found}),
        }
        for code, found in sorted(
            by_code.items(), key=lambda item: (-item[1][0].severity, -occurrences(item[1]), item[0])
        )
    ]
    billed = sum(f["billing"]["billed_tokens"] for f in files if f.get("billing"))
    totals = {
        "files": len(files),
        "examples": sum(f["sizes"]["examples"] for f in files),
        "tokens": sum(f["sizes"]["tokens"] for f in files),
        "billed_tokens": billed,
        "price_per_million": price,
        "cost": None if price is None else round(billed * price / 1_000_000, 2),
    }
    splits: dict[str, dict] = {}
    for f in files:
        split = splits.setdefault(
            f["split"] or "", {"split": f["split"], "files": 0, "examples": 0, "tokens": 0, "leaked": None}
        )
        split["files"] += 1
        split["examples"] += f["sizes"]["examples"]
        split["tokens"] += f["sizes"]["tokens"]
        if f.get("leakage") is not None:
            leaked = split["leaked"] or {kind: 0 for kind in LEAK_KINDS.values()}
            for code, kind in LEAK_KINDS.items():
                leaked[kind] += f["leakage"][code] or 0
            split["leaked"] = leaked
    for split in splits.values():
        if split["leaked"] is not None:
            total = sum(split["leaked"].values())  # a held-out example is reported by one V rule at most
            split["leaked_share"] = total / split["examples"] if split["examples"] else 0.0
    order = {"train": 0, "validation": 1, "test": 2}
    return {
        "verdict": {"fail_on": str(fail_on), "passed": not failing and not result.errors, "failing": failing},
        "severities": {str(s): severities.get(str(s), 0) for s in (Severity.ERROR, Severity.WARNING, Severity.INFO)},
        "rules": by_rule,
        "totals": totals,
        "splits": sorted(splits.values(), key=lambda s: (order.get(s["split"] or "", 3), s["split"] or "")),
    }


# -- the report ------------------------------------------------------------------


def report(
    result: Result,
    min_class_share: float = MIN_CLASS_SHARE,
    fail_on: Severity = Severity.WARNING,
    price: float | None = None,
    previous: dict | None = None,
    limits: dict[str, float] | None = None,
) -> dict:
    """The whole report as plain data (what ``--output-format json`` prints, JSON-serialisable):
    ``previous`` (an earlier report) adds the ``drift`` from it, judged against ``limits``."""
    options = result.resolved.options
    counter = tokenizer(options)
    rows: dict[str, list[Row]] = result.collected[ExampleStats.code]
    groups = clusters(result.diagnostics)
    samples = Samples(result, sampled(result, groups))
    starts: dict[str, list[Cluster]] = {}
    for cluster in groups:
        starts.setdefault(cluster.first.path, []).append(cluster)
    files = []
    for source in result.sources:
        context = FileContext(
            source,
            rows.get(source.path, []),
            result,
            counter,
            options.get("max-tokens-per-example"),
            min_class_share,
            samples,
            starts.get(source.path, []),
        )
        found = [s for s in (section(context) for section in SECTIONS) if s is not None]
        codes: Counter = Counter()
        for d in result.diagnostics:
            if d.path == source.path:
                codes[d.code] += d.count  # a finding collapsed over many lines counts each of them
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
    data = {
        "profile": result.resolved.profile.name,
        "model": options.get("model"),
        "tokenizer": counter.describe(),
        "counting": "OpenAI chat: 3 tokens per message + role + content (+ name + 1), + 3 for the reply"
        if counter.exact
        else "characters / chars-per-token, no per-message overhead",
        "overview": overview(result, files, fail_on, price),
        "files": files,
        "errors": result.errors,
    }
    if previous is not None:
        data["drift"] = drift(data, previous, limits or {})
    return data


def public(data: dict) -> dict:
    """The report without the text report's rows: what ``--output-format json`` prints and ``jsonl_lint.stats``
    returns (plain, JSON-serialisable data)."""
    return {**data, "files": [{k: v for k, v in f.items() if k != "_rows"} for f in data["files"]]}


# -- drift -------------------------------------------------------------------------

#: ``--fail-on-drift`` limits: name -> (default threshold, what exceeding it means). A share is a
#: fraction (0.05 is five points); a ``.decrease``/``.increase`` of examples or tokens is a fraction
#: of the earlier count, of duplicates, leakage or findings a number of examples.
DRIFT_LIMITS: dict[str, tuple[float, str]] = {
    "examples.decrease": (0.0, "examples fell by more than this fraction of the earlier count"),
    "examples.increase": (0.0, "examples rose by more than this fraction of the earlier count"),
    "tokens.decrease": (0.0, "tokens fell by more than this fraction of the earlier count"),
    "tokens.increase": (0.0, "tokens rose by more than this fraction of the earlier count"),
    "duplicates.increase": (0.0, "exact duplicates (D004) rose by more than this many"),
    "near-duplicates.increase": (0.0, "near-duplicates (D005) rose by more than this many"),
    "leakage.increase": (0.0, "examples leaked from training (V001-V003) rose by more than this many"),
    "findings.increase": (0.0, "findings (every rule) rose by more than this many"),
    "label.share.change": (0.05, "an answer label's share moved by more than this"),
    "language.share.change": (0.05, "a language's share moved by more than this"),
}
#: What a limit reads: (measure, direction); direction -1 a decrease, +1 an increase, 0 a share's move.
_LIMIT_MEASURES = {
    "examples.decrease": ("examples", -1),
    "examples.increase": ("examples", 1),
    "tokens.decrease": ("tokens", -1),
    "tokens.increase": ("tokens", 1),
    "duplicates.increase": ("duplicates", 1),
    "near-duplicates.increase": ("near_duplicates", 1),
    "leakage.increase": ("leakage", 1),
    "findings.increase": ("findings", 1),
    "label.share.change": ("labels", 0),
    "language.share.change": ("languages", 0),
}
_RELATIVE = {"examples", "tokens"}
_COUNTS = ("examples", "tokens", "duplicates", "near_duplicates", "leakage", "findings")
_SHARES = ("languages", "labels")


def is_report(data: object) -> bool:
    """Whether ``data`` looks like a ``stats --output-format json`` report."""
    return (
        isinstance(data, dict)
        and isinstance(data.get("files"), list)
        and all(
            isinstance(f, dict) and isinstance(f.get("path"), str) and isinstance(f.get("sizes"), dict)
            for f in data["files"]
        )
    )


def measures(file: dict) -> dict:
    """What drift compares of one file of a report. An earlier report is a file the user gives:
    what it lacks, or holds in the wrong type, is None (a count) or left out (a share)."""
    sizes_ = file.get("sizes") or {}
    leakage_ = file.get("leakage")
    leaked = [_count(n) for n in leakage_.values()] if isinstance(leakage_, dict) else None
    rules_ = _table(file.get("findings"), _count)
    return {
        "examples": _count(sizes_.get("examples")),
        "tokens": _count(sizes_.get("tokens")),
        "duplicates": _count(file.get("duplicates")),
        "near_duplicates": _count(file.get("near_duplicates")),
        "leakage": None if leaked is None else sum(n or 0 for n in leaked),
        "findings": sum(rules_.values()),
        "rules": rules_,
        "languages": _table(file.get("languages"), _share),
        "labels": _table(file.get("answers"), _share),
    }


def _count(value: object) -> int | None:
    return value if type(value) is int and value >= 0 else None


def _share(value: object) -> float | None:
    return float(value) if type(value) in (int, float) and 0 <= value <= 1 else None  # type: ignore[operator]


def _table(value: object, kind: Callable[[object], Any]) -> dict:
    """A JSON object of counts or shares, its keys strings, what is not of ``kind`` left out."""
    if not isinstance(value, dict):
        return {}
    return {str(k): v for k, v in ((k, kind(v)) for k, v in value.items()) if v is not None}


def _combined(parts: list[dict]) -> dict:
    """The measures of a split: counts added, shares weighted by each file's examples."""
    total: dict[str, Any] = {key: None for key in _COUNTS}
    for key in _COUNTS:
        values = [p[key] for p in parts if p[key] is not None]
        total[key] = sum(values) if values else None
    total["rules"] = dict(sum((Counter(p["rules"]) for p in parts), Counter()))
    weights = [p["examples"] or 0 for p in parts]
    for key in _SHARES:
        weighted: Counter = Counter()
        for part, weight in zip(parts, weights, strict=True):
            for name, share in part[key].items():
                weighted[name] += share * weight
        whole = sum(w for p, w in zip(parts, weights, strict=True) if p[key])
        total[key] = {name: value / whole for name, value in weighted.items()} if whole else {}
    return total


def _delta(old: dict | None, new: dict | None) -> dict:
    """Each measure before and after, and its change (None where either side lacks it)."""
    empty = {key: 0 for key in _COUNTS} | {"rules": {}, "languages": {}, "labels": {}}
    before, after = old or empty, new or empty
    out: dict[str, Any] = {}
    for key in _COUNTS:
        a, b = before[key], after[key]
        out[key] = {"old": a, "new": b, "change": None if a is None or b is None else b - a}
    for key in ("rules", *_SHARES):
        names = sorted(set(before[key]) | set(after[key]))
        out[key] = {
            name: {"old": before[key].get(name, 0), "new": after[key].get(name, 0),
                   "change": after[key].get(name, 0) - before[key].get(name, 0)}
            for name in names
            if before[key].get(name, 0) != after[key].get(name, 0)
        }  # fmt: skip
    return out


def _exceeds(name: str, threshold: float, delta: dict) -> str | None:
    """How ``delta`` exceeds the limit ``name``, or None."""
    key, direction = _LIMIT_MEASURES[name]
    if direction == 0:
        worst = max(delta[key].items(), key=lambda item: abs(item[1]["change"]), default=None)
        if worst is not None and abs(worst[1]["change"]) > threshold:
            label, moved = worst
            return f"{label!r} {moved['old']:.1%} -> {moved['new']:.1%}"
        return None
    old, new, change = delta[key]["old"], delta[key]["new"], delta[key]["change"]
    if change is None or change * direction <= 0:
        return None
    amount = abs(change) / old if key in _RELATIVE and old else float("inf") if key in _RELATIVE else abs(change)
    return f"{key.replace('_', '-')} {old:,} -> {new:,}" if amount > threshold else None


def _split(file: dict) -> str:
    """A file's split name, "" for none (or for what an earlier report holds that is not a name)."""
    split = file.get("split")
    return split if isinstance(split, str) else ""


def matched(before: dict[str, dict], after: dict[str, dict]) -> list[tuple[dict | None, dict | None]]:
    """Pairs of (earlier, current) file reports: by path, then by file name where it is unique on
    both sides (``v1/train.jsonl`` and ``v2/train.jsonl``); a file on one side only is paired with None."""
    pairs: list[tuple[dict | None, dict | None]] = [(before.get(p), f) for p, f in after.items() if p in before]
    left = {p: f for p, f in before.items() if p not in after}
    right = {p: f for p, f in after.items() if p not in before}

    def names(files: dict[str, dict]) -> dict[str, str]:
        counted = Counter(p.rsplit("/", 1)[-1] for p in files)
        return {p.rsplit("/", 1)[-1]: p for p in files if counted[p.rsplit("/", 1)[-1]] == 1}

    old_names, new_names = names(left), names(right)
    for name, path in new_names.items():
        if name in old_names:
            pairs.append((left.pop(old_names[name]), right.pop(path)))
    pairs += [(None, f) for f in right.values()] + [(f, None) for f in left.values()]
    order = {p: i for i, p in enumerate(after)}
    return sorted(pairs, key=lambda pair: order.get(pair[1]["path"], len(order)) if pair[1] else len(order))


def drift(new: dict, old: dict, limits: dict[str, float]) -> dict:
    """What changed from an earlier report ``old`` to ``new``: per file (matched by path) and per
    split, and each of ``limits`` (name -> threshold, :data:`DRIFT_LIMITS`) with where it is exceeded."""
    before = {f["path"]: f for f in old["files"]}
    after = {f["path"]: f for f in new["files"]}
    files = []
    for was, now in matched(before, after):
        status = "added" if was is None else "removed" if now is None else "kept"
        path = now["path"] if now is not None else was["path"]  # type: ignore[index]
        if was is not None and now is not None and was["path"] != path:
            path = f"{path} (was {was['path']})"
        split = _split(now or was or {}) or None
        change = _delta(None if was is None else measures(was), None if now is None else measures(now))
        files.append({"path": path, "split": split, "status": status, **change})
    splits = []
    for name in sorted({_split(f) for f in (*before.values(), *after.values())}):
        if not name:
            continue  # files of no split are compared as files
        parts = [[measures(f) for f in side.values() if _split(f) == name] for side in (before, after)]
        splits.append({"split": name, **_delta(*(_combined(p) if p else None for p in parts))})
    judged = []
    for name, threshold in limits.items():
        where = [f"{entry['path']}: {text}" for entry in files if (text := _exceeds(name, threshold, entry))]
        where += [f"{entry['split']} split: {text}" for entry in splits if (text := _exceeds(name, threshold, entry))]
        judged.append({"limit": name, "threshold": threshold, "exceeded": where})
    return {
        "files": files,
        "splits": splits,
        "limits": judged,
        "exceeded": any(limit["exceeded"] for limit in judged),
    }
