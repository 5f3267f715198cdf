"""D rules: the dataset as a whole (counts and exact duplicates)."""

from __future__ import annotations

from jsonl_lint.diagnostics import Location, Severity
from jsonl_lint.plugins import hookimpl
from jsonl_lint.rule import DatasetRule, Option
from jsonl_lint.text import example_key


def _training_sources(sources):
    """Files held to the count rules: not validation or test splits, and not empty (F008/F006 say why)."""
    return [s for s in sources if not s.held_out and s.records]


class TooFewExamples(DatasetRule):
    code, name, severity = "D001", "too-few-examples", Severity.ERROR
    summary = "Fewer examples than the profile's minimum"
    options = (Option("min-examples", int, 10, "Fewest examples a training file may have"),)

    def reduce(self, items, sources):
        minimum = self.settings["min-examples"]
        for source in _training_sources(sources):
            if source.records < minimum:
                yield self.diagnostic(
                    Location(source.path),
                    f"Only {source.records} example(s); at least {minimum} are required (`min-examples`)",
                    fingerprint=f"{self.code}:{source.path}",
                )


class FewExamples(DatasetRule):
    code, name, severity = "D002", "few-examples", Severity.WARNING
    summary = "Fewer examples than recommended"
    options = (Option("recommended-examples", int, 100, "Examples recommended for a clear improvement"),)
    # Reads `min-examples` too: below the hard minimum D001 reports the file instead.

    def reduce(self, items, sources):
        recommended = self.settings["recommended-examples"]
        for source in _training_sources(sources):
            if self.settings["min-examples"] <= source.records < recommended:
                yield self.diagnostic(
                    Location(source.path),
                    f"Only {source.records} examples; {recommended} or more are recommended (`recommended-examples`)",
                    fingerprint=f"{self.code}:{source.path}",
                )


class DuplicateExample(DatasetRule):
    code, name, severity = "D004", "duplicate-example", Severity.WARNING
    summary = "An exact duplicate of an earlier example"

    def map(self, example):
        # A record without a single usable message is S002's finding, not a duplicate.
        return example_key(example) if example.turns else None

    def reduce(self, items, sources):
        split = {s.path: (s.split if s.held_out else "train") for s in sources}
        first: dict[tuple[str, int], Location] = {}
        seen: dict[tuple[str, int], int] = {}
        for location, key in items:
            pool = (split[location.path], key)
            original = first.setdefault(pool, location)
            if original is location:
                continue
            seen[pool] = seen.get(pool, 0) + 1
            where = f"line {original.line}" if original.path == location.path else f"{original.path}:{original.line}"
            yield self.diagnostic(
                location,
                f"Duplicate of the example at {where} (ignoring whitespace)",
                related=(original,),
                fingerprint=f"{self.code}:{key:016x}:{seen[pool]}",
            )


@hookimpl
def register_rules(register):
    for rule in (TooFewExamples, FewExamples, DuplicateExample):
        register(rule)
