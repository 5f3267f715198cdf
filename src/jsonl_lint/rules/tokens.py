"""T rules: tokens and length (the model's per-example limit, configured lengths, outliers)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from jsonl_lint.diagnostics import Severity
from jsonl_lint.rules.base import Choice, DatasetRule, Finding, Option, Positive, RecordRule
from jsonl_lint.text.keys import keys, pack
from jsonl_lint.text.tokens import TOKENIZERS, Tokenizer


@dataclass(frozen=True)
class Lengths(Option):
    """A table of lengths by role (``user``, ``assistant``, ...; ``example`` for the whole example)."""

    def coerce(self, value):
        value = super().coerce(value)
        for key, length in value.items():
            if type(length) is not int or length < 0:
                raise ValueError(f"`{self.name}.{key}` must be a non-negative integer, got {length!r}")
        return value


MODEL = Option("model", str, None, "The model to fine-tune: picks its tokenizer and token limit from the profile")
MAX_TOKENS = Option("max-tokens-per-example", int, None, "Most tokens an example may have (the profile's limit)")
TOKENIZER = Choice(
    "tokenizer",
    str,
    "o200k_base",
    "How tokens are counted: o200k_base, cl100k_base, or estimate (characters / chars-per-token)",
    TOKENIZERS,
)
CHARS_PER_TOKEN = Positive("chars-per-token", float, 4.0, 'Characters per token when `tokenizer = "estimate"`')
UNIT = Choice(
    "length-unit", str, "characters", "What T002, T003 and T004 measure: characters or tokens", ("characters", "tokens")
)
#: Key of a length table that measures the whole example rather than one role's messages.
WHOLE = "example"


def tokenizer(settings: dict) -> Tokenizer:
    return Tokenizer(settings["tokenizer"], settings["chars-per-token"])


class TokenRule(RecordRule):
    """A rule that counts tokens with the configured tokenizer."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.tokenizer = tokenizer(self.settings)


class OverTokenLimit(TokenRule):
    code, name, severity = "T001", "over-token-limit", Severity.ERROR
    summary = "The example has more tokens than the model's per-example limit"
    options = (MODEL, MAX_TOKENS, TOKENIZER, CHARS_PER_TOKEN)

    def check(self, example):
        limit = self.settings["max-tokens-per-example"]
        if limit is None or not example.turns:
            return
        counted = self.tokenizer.example(example, limit)  # None: the byte length proves it fits
        if counted is None or counted.total <= limit:
            return
        tokenizer = self.tokenizer
        model = self.settings["model"]
        where = f" of {model}" if model else ""
        if tokenizer.exact:
            amount = f"{counted.total:,} tokens ({tokenizer.name}, counted as OpenAI does)"
        else:
            amount = f"About {counted.total:,} tokens ({tokenizer.describe()})"
        head = f"{amount}, over the {limit:,}-token limit{where} (`max-tokens-per-example`)"
        turns = example.turns
        answer_roles = example.format.answer_roles
        last = next((t for t in reversed(turns) if t.role in answer_roles), None)
        if last is None or counted.answer is None:
            yield Finding(f"{head}: the last {counted.total - limit:,} tokens are cut", example.turns_path)
            return
        answer = f"the final `{last.role}` answer"
        if counted.before >= limit:
            tail = f"{answer} starts at token {counted.before + 1:,}, past the cut: none of it is trained"
        elif counted.before + counted.answer > limit:
            tail = f"{answer} is cut after {limit - counted.before:,} of its {counted.answer:,} tokens"
        else:
            yield Finding(
                f"{head}: {answer} fits; the {counted.total - limit:,} tokens after it are cut", example.turns_path
            )
            return
        yield Finding(f"{head}: {tail}", last.path)


class LengthRule(TokenRule):
    """T002 and T003: a per-role length compared with a configured bound."""

    table: str  # the option holding the bounds
    word: str  # "minimum" or "maximum"

    def breaks(self, length: int, bound: int) -> bool:
        raise NotImplementedError

    def measure(self, text: str) -> int:
        return len(text) if self.settings["length-unit"] == "characters" else self.tokenizer.count(text)

    def check(self, example):
        bounds = self.settings[self.table]
        if not bounds or not example.turns:
            return
        unit = self.settings["length-unit"]
        about = "" if unit == "characters" or self.tokenizer.exact else "about "
        fmt = example.format
        turns = example.turns if example.rejected is None else [*example.turns, example.rejected]
        for turn in turns:
            bound = bounds.get(turn.role or "")
            if bound is None:
                continue
            length = self.measure(turn.text)
            if self.breaks(length, bound):
                message = f"`{turn.role}` message is {about}{length:,} {unit} long; the {self.word} is {bound:,}"
                yield Finding(f"{message} (`{self.table}`)", fmt.field_path(turn.path, "content"))
        bound = bounds.get(WHOLE)
        if bound is not None:
            if unit == "characters":
                length = sum(len(turn.text) for turn in example.turns)
            else:
                length = self.tokenizer.example(example).total  # type: ignore[union-attr]
            if self.breaks(length, bound):
                message = f"Example is {about}{length:,} {unit} long; the {self.word} is {bound:,} (`{self.table}`)"
                yield Finding(message, example.turns_path)


class TooShort(LengthRule):
    code, name, severity = "T002", "too-short", Severity.WARNING
    summary = "A message (or the example) shorter than the configured minimum"
    table, word = "min-length", "minimum"
    options = (
        Lengths(
            "min-length",
            dict,
            {},
            "Fewest characters (or tokens) per role, e.g. {assistant = 20}; `example`: the whole",
        ),
        UNIT,
        TOKENIZER,
        CHARS_PER_TOKEN,
    )

    def breaks(self, length, bound):
        return length < bound


class TooLong(LengthRule):
    code, name, severity = "T003", "too-long", Severity.WARNING
    summary = "A message (or the example) longer than the configured maximum"
    table, word = "max-length", "maximum"
    options = (
        Lengths(
            "max-length", dict, {}, "Most characters (or tokens) per role, e.g. {user = 4000}; `example`: the whole"
        ),
        UNIT,
        TOKENIZER,
        CHARS_PER_TOKEN,
    )

    def breaks(self, length, bound):
        return length > bound


#: Fewest examples in a file for its length distribution to say what an outlier is.
MIN_SAMPLE = 20


def quantile(ordered, q: float) -> float:
    """Linear interpolation between the closest ranks of a sorted list or array: ``np.quantile``'s default,
    computed as it does (its ``_lerp``), so the same to the last bit, without ``np.quantile``, whose
    ``np.unique`` imports ``numpy.ma`` (14 ms of a run's start)."""
    position = q * (len(ordered) - 1)
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    a, b, t = float(ordered[low]), float(ordered[high]), position - low
    return b - (b - a) * (1 - t) if t >= 0.5 else a + (b - a) * t


class LengthOutlier(DatasetRule):
    code, name, severity = "T004", "length-outlier", Severity.INFO
    summary = "An example far outside the file's length distribution"
    options = (
        Positive(
            "outlier-threshold", float, 3.5, "Robust z-score (of the log length) beyond which a length is an outlier"
        ),
        UNIT,
        TOKENIZER,
        CHARS_PER_TOKEN,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.tokenizer = tokenizer(self.settings)

    width = 16  # the example's key, its length
    per_file = True  # a cluster reduces each file's rows apart

    def map(self, example):
        if not example.turns:
            return None
        if self.settings["length-unit"] == "characters":
            length = sum(len(turn.text) for turn in example.turns)
        else:
            length = self.tokenizer.example(example).total  # type: ignore[union-attr]
        return pack(keys(example).example, length)

    def reduce(self, items, sources):
        if not len(items):
            return
        table = items.array()
        files = items.paths()
        threshold, unit = self.settings["outlier-threshold"], self.settings["length-unit"]
        for index, path in enumerate(items.files):
            rows = np.flatnonzero(files == index)
            lengths = table[rows, 1]
            found, low, high = outliers(lengths, threshold)
            for row, length in zip(rows[found].tolist(), lengths[found].tolist(), strict=True):
                side = "above" if length > high else "below"
                yield self.diagnostic(
                    items.location(row),
                    f"Example is {length:,} {unit} long, far {side} the rest of this file "
                    f"(half of its examples are {low:,.0f} to {high:,.0f} {unit} long)",
                    fingerprint=f"{self.code}:{path}:{table[row, 0]:016x}",
                )


def outliers(lengths: np.ndarray, threshold: float) -> tuple[np.ndarray, float, float]:
    """The indices of the lengths outside the far fences, and the first and third quartile lengths.

    Tukey's fences on ``log(1 + length)``: below Q1 - k x IQR or above Q3 + k x IQR (k is
    ``threshold``; 3 is Tukey's "far out"). Lengths are skewed, so logs; quartiles ignore the
    outliers themselves, and hold for lopsided distributions where the median absolute
    deviation flags a whole tail.
    """
    none = np.empty(0, np.int64)
    if len(lengths) < MIN_SAMPLE:
        return none, 0.0, 0.0
    logs = np.log1p(lengths.astype(np.float64))
    ordered = np.sort(logs)
    q1, q3 = quantile(ordered, 0.25), quantile(ordered, 0.75)
    spread = q3 - q1
    if spread == 0:
        return none, 0.0, 0.0
    outside = np.flatnonzero((logs < q1 - threshold * spread) | (logs > q3 + threshold * spread))
    ordered = np.sort(lengths)
    return outside, quantile(ordered, 0.25), quantile(ordered, 0.75)
