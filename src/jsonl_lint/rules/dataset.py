"""D rules: the dataset as a whole (counts and exact duplicates)."""

from __future__ import annotations

from jsonl_lint.diagnostics import Location, Severity
from jsonl_lint.plugins import hookimpl
from jsonl_lint.rule import DatasetRule, Option
from jsonl_lint.text import example_key


class CountRule(DatasetRule):
    """A limit on the number of examples in a training file.

    Validation and test splits are not held to it, nor files without records
    (F006 or F008 says why those have none).
    """

    def message(self, count: int) -> str | None:
        raise NotImplementedError

    def reduce(self, items, sources):
        for source in sources:
            if source.held_out or not source.records:
                continue
            message = self.message(source.records)
            if message:
                yield self.diagnostic(Location(source.path), message, fingerprint=f"{self.code}:{source.path}")


class TooFewExamples(CountRule):
    code, name, severity = "D001", "too-few-examples", Severity.ERROR
    summary = "Fewer examples than the profile's minimum"
    options = (Option("min-examples", int, None, "Fewest examples a training file may have; none: no minimum"),)

    def message(self, count):
        minimum = self.settings["min-examples"]
        if minimum is not None and count < minimum:
            return f"Only {count} example(s); at least {minimum} are required (`min-examples`)"
        return None


class FewExamples(CountRule):
    code, name, severity = "D002", "few-examples", Severity.WARNING
    summary = "Fewer examples than recommended"
    options = (
        Option("recommended-examples", int, None, "Examples recommended for a clear improvement; none: no advice"),
    )

    def message(self, count):
        recommended = self.settings["recommended-examples"]
        # Below the hard minimum (`min-examples`), D001 reports the file instead.
        if recommended is not None and (self.settings["min-examples"] or 0) <= count < recommended:
            return f"Only {count} examples; {recommended} or more are recommended (`recommended-examples`)"
        return None


class TooManyExamples(CountRule):
    code, name, severity = "D003", "too-many-examples", Severity.ERROR
    summary = "More examples than the profile's maximum"
    options = (Option("max-examples", int, None, "Most examples a training file may have (none: no limit)"),)

    def message(self, count):
        maximum = self.settings["max-examples"]
        if maximum is not None and count > maximum:
            return f"{count:,} examples; at most {maximum:,} are accepted (`max-examples`)"
        return None


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
    for rule in (TooFewExamples, FewExamples, TooManyExamples, DuplicateExample):
        register(rule)
