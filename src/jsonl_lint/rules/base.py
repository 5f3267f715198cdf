"""The rule interface, shared by built-in rules and plugins.

A rule is a small class: code, name, default severity, summary and options.

* :class:`PipelineRule` - found where the evidence is: the reader (bytes and
  JSON, F/J rules) or the format adapter (S rules). Declared here so that they
  are selected, documented and reported like every other rule.
* :class:`RecordRule` - a pure function of one normalised example.
* :class:`DatasetRule` - ``map`` turns each example into a small summary (a few
  hundred bytes at most, never the record); ``reduce`` turns the summaries of a
  whole run into diagnostics. The engine may run ``map`` in other processes, so
  summaries must be picklable and rules must not keep per-record state.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any, ClassVar, NamedTuple

from jsonl_lint.diagnostics import Diagnostic, Edit, Fix, Location, Severity
from jsonl_lint.example import Example
from jsonl_lint.files.sources import Source
from jsonl_lint.formats.base import Format
from jsonl_lint.profiles import DEFAULT as DEFAULT_PROFILE
from jsonl_lint.profiles import Profile
from jsonl_lint.profiles import load as load_profile
from jsonl_lint.rules.summaries import Summaries

CODE_RE = re.compile(r"^[A-Z]{1,3}[0-9]{3}$")
NAME_RE = re.compile(r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$")


@dataclass(frozen=True)
class Option:
    """A rule option, settable as ``name = value`` in the config."""

    name: str
    type: type
    default: Any
    help: str

    def coerce(self, value: Any) -> Any:
        """Return ``value`` checked against the option's type, or raise ValueError."""
        if self.type is float and type(value) is int:
            return float(value)
        if type(value) is not self.type:
            raise ValueError(f"`{self.name}` must be {self.type.__name__}, got {value!r}")
        if self.type is list and not all(type(item) is str for item in value):
            raise ValueError(f"`{self.name}` must be a list of strings, got {value!r}")
        if self.type in (int, float) and value < 0:
            raise ValueError(f"`{self.name}` must not be negative, got {value!r}")
        return value


@dataclass(frozen=True)
class Choice(Option):
    """A string option with a fixed set of values."""

    choices: tuple[str, ...] = ()

    def coerce(self, value):
        value = super().coerce(value)
        if value not in self.choices:
            raise ValueError(f"`{self.name}` must be one of {', '.join(self.choices)}, not {value!r}")
        return value


@dataclass(frozen=True)
class Positive(Option):
    """A number above 0 (and at most ``maximum``, if it has one)."""

    maximum: float | None = None

    def coerce(self, value):
        value = super().coerce(value)
        if not value > 0:
            raise ValueError(f"`{self.name}` must be more than 0, got {value!r}")
        if self.maximum is not None and value > self.maximum:
            raise ValueError(f"`{self.name}` must be at most {self.maximum}, got {value!r}")
        return value


class Finding(NamedTuple):
    """What a record rule reports; the engine adds file, line and rule.

    ``fix``: what the fix would do about this finding, for rules whose fixes apply to some findings
    only (None: the rule's ``fix_message``, if it is fixable), made by ``edits`` or by the rule's
    :meth:`Rule.fix_line`. ``span``:
    ``(start, end, text)``, where ``text`` stands in the string at ``json_path`` (character offsets),
    so that the column and the ``full`` output's underline point at it.
    """

    message: str
    json_path: str | None = None
    fix: str | None = None
    span: tuple[int, int, str] | None = None
    edits: tuple[Edit, ...] = ()  # what the fix changes in the record (none: the rule's fix_line does it)


class Rule:
    code: ClassVar[str]
    name: ClassVar[str]
    severity: Severity  # default; a profile may override it per instance
    summary: ClassVar[str]
    options: ClassVar[tuple[Option, ...]] = ()
    #: example kinds ("chat", "completion") the rule applies to; None means all
    kinds: ClassVar[frozenset[str] | None] = None
    #: format names (e.g. "openai-chat") the rule applies to; None means all
    formats: ClassVar[frozenset[str] | None] = None
    #: a finding that repeats on most lines of a file (the same message but for its numbers, on at
    #: least half of the file's lines and 10 times or more) is reported once, at its first line, with
    #: a count: a file wholly in another format is one finding, not 10,000. False: always each one
    collapse: ClassVar[bool] = True
    #: "safe" (``--fix``) or "unsafe" (``--fix --unsafe-fixes``) when the rule can repair
    #: what it finds, None when it cannot; the repair is :meth:`fix_line` (see jsonl_lint.fix)
    fixable: ClassVar[str | None] = None
    #: what the fix does, in one line ("Remove the blank line"); None for rules that say it per finding
    #: (``Finding.fix``) because only some of their findings can be fixed
    fix_message: ClassVar[str | None] = None
    #: a plugin rule's documentation page: a Markdown file (pathlib.Path or importlib.resources file) in
    #: its package, shown by `jsonl-lint rule CODE`; built-in rules' pages are rules/CODE.md
    docs: ClassVar[Any] = None
    #: the page's address on the web, for links in SARIF output (built-in rules: their page on GitHub)
    help_uri: ClassVar[str | None] = None

    #: codes of every rule enabled in the run: a rule that leaves a case to another (a near-duplicate
    #: that is an exact one, D004's) reports it itself when that one is off
    enabled: frozenset[str] = frozenset()

    def __init__(
        self,
        settings: dict[str, Any] | None = None,
        severity: Severity | None = None,
        profile: Profile | None = None,
    ):
        # A rule sees the options it declares, and no others.
        self.settings = {opt.name: opt.default for opt in self.options}
        given = settings or {}
        self.settings.update({name: given[name] for name in self.settings if name in given})
        if severity is not None:
            self.severity = severity
        self.profile = profile or load_profile(DEFAULT_PROFILE)  # the target: formats, structure, limits

    def __repr__(self) -> str:
        return f"<{self.code} {self.name}>"

    def fix_line(self, content: bytes, found: list[Diagnostic]) -> bytes | None:
        """Repair one line that this rule reported ``found`` on; None removes the line.

        ``content`` is the line's bytes without its line ending (and without the
        file's byte-order mark); for a finding that spans lines (``end_line``, J006),
        the span's lines so, joined by ``\n``. The result must hold no line break. Called by
        ``--fix`` for a rule whose ``fixable`` is set, once per line it reported,
        from the findings of a run over the whole input (a collapsed finding stands for
        every line it repeats on, and each is repaired). The byte-level file rules (F002, F003, F005) are repaired by
        :mod:`jsonl_lint.fix` itself.
        """
        raise NotImplementedError

    def redact(self, line: str) -> str:
        """The line as snippets show it (``--output-format full``): a rule that finds secrets masks them in the
        snippets of every finding on the line."""
        return line


class PipelineRule(Rule):
    """Found by the reader or the format adapters; nothing to run."""


class RecordRule(Rule):
    def check(self, example: Example) -> Iterable[Finding]:
        raise NotImplementedError


class AnswerRule(RecordRule):
    """A record rule that judges each answer in words of an example on its own: its answer-role turns that
    carry text (not tool calls) and a preference pair's rejected answer (C012, L004: the model's writing)."""

    def check(self, example: Example) -> Iterator[Finding]:
        answer_roles = example.format.answer_roles
        turns = [turn for turn in example.turns if turn.role in answer_roles and not turn.nontext]
        if example.rejected is not None:
            turns.append(example.rejected)
        for turn in turns:
            message = self.judge(turn)
            if message is not None:
                yield Finding(message, turn.path)

    def judge(self, turn) -> str | None:
        """The finding's message for one answer, or None."""
        raise NotImplementedError


class RoleFinding(NamedTuple):
    """What a :class:`RoleRule` reports: a turn (by index) or, with None, the conversation."""

    index: int | None
    message: str
    field: str = ""  # "role" or "content" to point inside the turn; "" for the turn itself
    fix: str | None = None  # what the fix does, when it writes ``value`` (JSON text) over the field
    value: str | None = None


class Structure(NamedTuple):
    roles: tuple[str, ...]  # every accepted role
    first: tuple[str, ...]  # roles the first message after any system message may have
    last: tuple[str, ...]  # roles the last message may have
    answer: tuple[str, ...]  # trainable roles (the assistant's); () when the format needs none


class RoleRule(RecordRule):
    """A record rule that reads nothing but the sequence of roles.

    Real datasets repeat a handful of role sequences, so the engine runs
    ``check_roles`` once per distinct sequence and reuses the findings.
    """

    def check_roles(self, roles: tuple[str | None, ...], fmt: Format) -> Iterable[RoleFinding]:
        """Findings for a conversation with these roles, in a record of format ``fmt``."""
        raise NotImplementedError

    def structure(self, fmt: Format) -> Structure:
        """The conversation structure the target accepts: the profile's where it sets one, else the format's."""
        profile = self.profile
        return Structure(
            profile.roles or fmt.roles,
            profile.first_roles or fmt.first_roles,
            profile.last_roles or fmt.last_roles,
            fmt.answer_roles,
        )

    def check(self, example: Example) -> Iterator[Finding]:
        turns = example.turns
        fmt = example.format
        for found in self.check_roles(tuple([turn.role for turn in turns]), fmt):
            yield Finding(found.message, role_finding_path(found, turns, example.turns_path, fmt))


def role_finding_path(found: RoleFinding, turns: list, conversation: str, fmt: Format) -> str:
    """The JSON path a role rule's finding points at: the turn (or its role or content), or the conversation."""
    if found.index is None:
        return conversation
    path = turns[found.index].path
    return fmt.field_path(path, found.field) if found.field else path


class DatasetRule(Rule):
    #: bytes of every summary ``map`` returns, if fixed: the engine then keeps them packed in one
    #: buffer (no Python object per example) and ``reduce`` reads them with ``items.array()``
    width: ClassVar[int | None] = None
    #: the rule reads some records again in ``reduce`` (``items.examples(rows)``): standard
    #: input is then kept in a temporary file
    rereads: ClassVar[bool] = False
    #: a rule with a ``width`` whose reduce compares only rows equal in this column (of the
    #: ``items.array()`` view) and yields its findings in row order: it may then reduce each part of
    #: the rows that share a value apart, and a cluster does so, rows shuffled by that column
    partition: ClassVar[int | None] = None
    #: a rule whose reduce compares only rows of one file and yields its findings file by file, in the
    #: order of the files: it may then reduce each file's rows apart, and a cluster does so, a file's
    #: rows all on the worker the file falls to
    per_file: ClassVar[bool] = False

    def prepare(self, head: list[Example]) -> Any:
        """What the rule learns from a file's first examples (a template, say), before ``map``.

        Called once per file, in the main process, with up to 200 examples from the head of the
        file. What :meth:`context_of` makes of the results (the file's own, by default) is passed
        to ``map(example, context)`` for that file's examples, wherever they are mapped, and is
        ``items.contexts[path]`` in ``reduce``. Rules that need nothing of the kind do not override
        it (and their ``map`` takes the example alone). Results must be small and picklable.
        """
        return None

    @classmethod
    def prepares(cls) -> bool:
        """The rule overrides :meth:`prepare`: its ``map`` takes the file's context too."""
        return cls.prepare is not DatasetRule.prepare

    def context_of(self, path: str, contexts: dict[str, Any]) -> Any:
        """The context file ``path``'s examples are mapped with, given what ``prepare`` found in
        every file: by default the file's own."""
        return contexts.get(path)

    def summary_key(self) -> Any:
        """A key that rules whose ``map`` gives the very same summaries share (the engine then maps
        and keeps them once for all of them); None: the rule's own."""
        return None

    def map(self, example: Example, context: Any = None) -> Any:
        """Return a small picklable summary of ``example`` (``width`` bytes if set), or None to skip it.

        ``context`` is what :meth:`prepare` found for the example's file (rules that prepare only).
        """
        return None

    def reduce(self, items: Summaries, sources: list[Source]) -> Iterator[Diagnostic]:
        """Turn the summaries of the whole run into diagnostics.

        ``items`` yields ``(location, summary)`` in input order and may be iterated
        more than once; it also gives them as one array (``items.array()``, rules with
        a ``width``), the location of a row (``items.location(row)``), the records
        of chosen rows read again (``items.examples(rows)``) and what ``prepare`` found
        in each file (``items.contexts``). ``sources`` describes every linted file: path,
        split role, record count, formats.
        """
        raise NotImplementedError

    def diagnostic(self, location: Location, message: str, **extra: Any) -> Diagnostic:
        if self.fixable is not None and self.fix_message is not None:
            extra.setdefault("fix", Fix(self.fixable, self.fix_message))
        return Diagnostic(location.path, location.line, self.code, self.name, self.severity, message, **extra)


class Collector(DatasetRule):
    """Mapped like a dataset rule, but never registered nor reported: its ``reduce`` returns a value
    (the data of a report), which the run hands back in ``Result.collected[code]``."""

    def reduce(self, items: Summaries, sources: list[Source]) -> Any:  # type: ignore[override]
        raise NotImplementedError
