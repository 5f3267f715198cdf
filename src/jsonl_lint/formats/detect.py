"""The adapt stage: which format a record is in for the profile, and its normalised example.

For each record: the user's own schema (S002, when configured), the profile's format the record
is in (S001 when none), the adapter's shape checks (S002, S003) and the profile's narrower
keys (S003). The engine reports the problems and runs the rules on the example.
"""

from __future__ import annotations

import functools
import zlib
from collections import Counter
from itertools import islice
from typing import Any

from jsonl_lint import profiles
from jsonl_lint.codes import S001, S002, S003
from jsonl_lint.example import Example, Problem
from jsonl_lint.files.open import Span, open_span
from jsonl_lint.files.reader import Reader
from jsonl_lint.files.sources import Source
from jsonl_lint.formats import FORMATS
from jsonl_lint.formats.base import Format, unknown_key_problem
from jsonl_lint.formats.convert import converted
from jsonl_lint.formats.hints import explain_unknown, renames_for_unknown
from jsonl_lint.formats.user_schema import problems as schema_problems
from jsonl_lint.profiles import Profile

#: Distinct key sets whose candidate formats are remembered.
MEMO_LIMIT = 10_000


def profile_formats(profile: Profile) -> list[Format]:
    """The formats a profile accepts, in detection order; ``auto``: every format, most specific first."""
    if profile.formats:
        return [FORMATS[name] for name in profile.formats]
    return sorted(FORMATS.values(), key=lambda fmt: -len(fmt.signature))  # stable: ties keep the table's order


@functools.cache
def _accepting_by_format() -> dict[str, tuple[str, ...]]:
    """The shipped profiles that accept each format, `auto` (every format) last."""
    found: dict[str, list[str]] = {name: [] for name in FORMATS}
    for name in profiles.shipped():
        profile = profiles.load(name)
        for fmt in profile.formats:
            found[fmt].append(name)
    return {fmt: (*names, profiles.AUTO) for fmt, names in found.items()}


_AUTO_KEY_SETS = [(fmt.key_sets(True), fmt) for fmt in profile_formats(profiles.load(profiles.AUTO))]


def accepting(record: dict) -> tuple[str, ...]:
    """The shipped profiles that accept the format a record's keys show (none when they show none)."""
    keys = record.keys()
    fmt = next((fmt for sets, fmt in _AUTO_KEY_SETS if any(needs <= keys for needs in sets)), None)
    return () if fmt is None else _accepting_by_format()[fmt.name]


class Detector:
    """The adapt stage for one profile and, if configured, the user's schema (``schema_mode``:
    "extend" the formats' own checks, or "replace" them)."""

    def __init__(self, profile: Profile, schema: Any = None, schema_mode: str = "extend"):
        self.profile = profile
        self.formats = profile_formats(profile)
        # `auto`: every format, detected per record; a format must show its signature. A profile
        # that names its formats needs only their required keys (Bedrock's optional `system`).
        self.auto = not profile.formats
        self.accepted = [(f.title, f.signature) for f in self.formats]
        self.key_sets = [(f.key_sets(self.auto), f) for f in self.formats]
        self.schema = schema
        self.replace = schema is not None and schema_mode == "replace"
        self._candidates: dict[tuple, list[Format]] = {}

    def match(self, record: dict) -> tuple[Example, list[Problem]] | None:
        """The record's example in the first accepted format it is in, and the adapter's problems."""
        keys = tuple(record)
        candidates = self._candidates.get(keys)
        if candidates is None:  # records of a file mostly share their keys: detect once per key set
            candidates = [fmt for sets, fmt in self.key_sets if any(needs.issubset(keys) for needs in sets)]
            if len(self._candidates) < MEMO_LIMIT:
                self._candidates[keys] = candidates
        auto = self.auto
        found = None
        for fmt in candidates:
            problems: list[Problem] = []
            example = fmt.adapt(record, problems)
            # `auto`: a record that breaks the first format it resembles may be valid in another.
            if not auto or not problems or not any(p.code == S002 for p in problems):
                return example, problems
            found = found or (example, problems)
        return found

    def adapt(self, record: dict) -> tuple[Example | None, list[Problem]]:
        """The record's example (None in no accepted format) and every problem of its shape, in order."""
        problems = [] if self.schema is None else schema_problems(self.schema, record)
        found = self.match(record)
        if found is None:
            if not self.replace:  # the user's schema is the format
                message = explain_unknown(record, self.profile.name, self.accepted, accepting(record))
                renames = renames_for_unknown(record, self.accepted)
                into = None if renames else converted(record, self.profile, _AUTO_KEY_SETS)
                problems.append(Problem(S001, message, "$", renames, into))
            return None, problems
        example, shape = found
        allowed = self.profile.keys
        if allowed is not None and not allowed.issuperset(record.keys()):
            narrowed = [k for k in record if k not in allowed and k in example.format.keys]  # the others: adapter's
            if narrowed:
                shape.append(unknown_key_problem(narrowed, allowed, self.profile.title, record))
        if self.replace:  # the user's schema rules shapes and keys
            shape = [p for p in shape if p.code != S002 and p.code != S003]
        problems.extend(shape)
        return example, problems


def detect_formats(source: Source, detector: Detector, limit: int = 1000) -> Counter:
    """Records per format among the first ``limit`` records of a file (for --show-settings)."""
    found: Counter = Counter()
    if source.is_stdin:
        return found
    try:
        with open_span(Span(source.path)) as stream:
            for _, _, record in islice(Reader(stream, lambda *_: None, check_duplicate_keys=False), limit):
                keys = record.keys()
                matched = (fmt.name for sets, fmt in detector.key_sets if any(s <= keys for s in sets))
                found[next(matched, "unknown")] += 1
    except (OSError, EOFError, zlib.error):
        pass  # the lint itself reports an unreadable file
    return found
