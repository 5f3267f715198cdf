"""D rules: the dataset as a whole (counts and exact duplicates)."""

from __future__ import annotations

from jsonl_lint.diagnostics import Location, Severity
from jsonl_lint.plugins import hookimpl
from jsonl_lint.rule import DatasetRule, Option
from jsonl_lint.text import Keys, combine, keys


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


def pools(sources) -> dict[str, str]:
    """The pool each file's examples are compared in: its held-out split, or "train" for every other file."""
    return {s.path: (s.split if s.held_out else "train") for s in sources}


def hex_key(key: int | None) -> str:
    """A key as it stands in a fingerprint; "-" for an absent part (an empty answer)."""
    return "-" if key is None else f"{key:016x}"


def where(original: Location, location: Location) -> str:
    """How a message names an earlier place: "line 3" in the same file, "train.jsonl:3" in another."""
    return f"line {original.line}" if original.path == location.path else f"{original.path}:{original.line}"


class DuplicateExample(DatasetRule):
    code, name, severity = "D004", "duplicate-example", Severity.WARNING
    summary = "An exact duplicate of an earlier example"
    fixable = "unsafe"  # the record may differ in what the comparison ignores (metadata, whitespace)

    def fix_line(self, content, found):
        return None  # drop the repeat; the first occurrence stays

    def map(self, example):
        # A record without a single usable message is S002's finding, not a duplicate.
        return keys(example) if example.turns else None

    def reduce(self, items, sources):
        pool_of = pools(sources)
        first: dict[str, dict[int, Location]] = {}  # per pool: example key -> first location
        repeats: dict[tuple[str, int], int] = {}  # only for keys seen more than once
        for location, found in items:
            pool = pool_of[location.path]
            key = found.example
            original = first.setdefault(pool, {}).setdefault(key, location)
            if original is location:
                continue
            repeats[pool, key] = count = repeats.get((pool, key), 0) + 1
            yield self.diagnostic(
                location,
                f"Duplicate of the example at {where(original, location)} (ignoring whitespace)",
                related=(original,),
                fingerprint=f"{self.code}:{key:016x}:{count}",
            )


IGNORE_SYSTEM = Option(
    "ignore-system-prompt", bool, True, "Compare prompts without their system messages (a shared one is not a match)"
)


def prompt_key(found: Keys, settings) -> int | None:
    """The key of an example's prompt, None when it has no answer or no prompt to compare."""
    if found.prompt is None:
        return None
    return found.prompt if settings["ignore-system-prompt"] else combine(found.system, found.prompt)


class ConflictingAnswers(DatasetRule):
    code, name, severity = "D006", "conflicting-answers", Severity.WARNING
    summary = "The same prompt with different answers"
    options = (IGNORE_SYSTEM,)

    def map(self, example):
        found = keys(example)
        return None if found.prompt is None else found  # shared with the other dataset rules

    def reduce(self, items, sources):
        pool_of = pools(sources)
        first: dict[str, dict[int, tuple[Location, int]]] = {}  # per pool: prompt -> (first example, its answer)
        other: dict[tuple[str, int], set[int]] = {}  # the further answers of prompts that have several
        for location, found in items:
            prompt, answer = prompt_key(found, self.settings), found.answer
            pool = pool_of[location.path]
            original, first_answer = first.setdefault(pool, {}).setdefault(prompt, (location, answer))
            if answer == first_answer:
                continue  # the first with this prompt, or a repeat of its answer (D004's if the same example)
            seen = other.setdefault((pool, prompt), set())
            if answer in seen:
                continue
            seen.add(answer)
            yield self.diagnostic(
                location,
                f"Same prompt as the example at {where(original, location)}, with a different answer",
                related=(original,),
                fingerprint=f"{self.code}:{prompt:016x}:{hex_key(first_answer)}:{hex_key(answer)}",
            )


@hookimpl
def register_rules(register):
    for rule in (TooFewExamples, FewExamples, TooManyExamples, DuplicateExample, ConflictingAnswers):
        register(rule)
