"""The house rules: one record rule, one dataset rule."""

from __future__ import annotations

from collections import Counter
from importlib.resources import files

from jsonl_lint import DatasetRule, Finding, Location, Option, RecordRule, Severity

DOCS = files(__package__) / "docs"


class RequiredSystemPrompt(RecordRule):
    """A record rule: a pure function of one example, the normalised view every format has."""

    code, name, severity = "H001", "required-system-prompt", Severity.ERROR
    summary = "A conversation that does not start with the house system prompt"
    options = (
        Option("system-prompt", str, "", "The system prompt every conversation starts with; empty: any system prompt"),
    )
    kinds = frozenset({"chat", "preference"})  # conversations; completion-only text has no system prompt
    docs = DOCS / "H001.md"

    def check(self, example):
        turns = example.turns
        if not turns or turns[0].role != "system":
            yield Finding("The conversation does not start with a system message", example.turns_path)
            return
        wanted = self.settings["system-prompt"]
        if wanted and turns[0].text.strip() != wanted.strip():
            yield Finding("The system message is not the house system prompt (`system-prompt`)", turns[0].path)


class LabelBalance(DatasetRule):
    """A dataset rule: ``map`` keeps each example's label (a few bytes); ``reduce`` counts them all."""

    code, name, severity = "H002", "label-balance", Severity.WARNING
    summary = "One answer label holds too large a share of the training examples, or a label has none"
    options = (
        Option("labels", list, [], "The answer labels of a classification dataset; empty: the rule is off"),
        Option("max-label-share", float, 0.5, "The largest share of the labelled training examples one label may have"),
    )
    docs = DOCS / "H002.md"

    def map(self, example):
        answer = example.answer.strip()
        return answer if answer in self.settings["labels"] else None

    def reduce(self, items, sources):
        training = [s.path for s in sources if not s.held_out and s.records]
        counts: Counter[str] = Counter()
        first: dict[str, Location] = {}
        for location, label in items:
            if location.path in training:
                counts[label] += 1
                first.setdefault(label, location)
        total = sum(counts.values())
        if not total:
            return
        limit = self.settings["max-label-share"]
        for label, count in counts.most_common():
            if count / total <= limit:
                break
            yield self.diagnostic(
                first[label],
                f"Label {label!r} is the answer of {count} of {total} labelled examples ({count / total:.0%}); "
                f"at most {limit:.0%} is allowed (`max-label-share`)",
            )
        for label in self.settings["labels"]:
            if label not in counts:
                yield self.diagnostic(Location(training[0]), f"Label {label!r} has no training example (`labels`)")
