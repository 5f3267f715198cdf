"""Fixes: ``--fix``, ``--unsafe-fixes`` and ``--diff``.

A fix repairs what a lint found, and nothing else: the findings of a run over
the whole input (after ``--select``, ``--ignore`` and per-file ignores) decide
what changes in each file. Each file is then streamed line by line into a
temporary file beside it, which replaces the original only once it is complete
and on disk (:func:`atomic_write`); on any error the original is untouched.
Memory does not grow with the file.

What a file can get, per finding:

* F002: the byte-order mark removed, or added where the profile requires one
  (azure-openai);
* F003: every CRLF line ending turned into LF;
* F005: a newline added after the last line;
* any other rule whose ``fixable`` is set: its :meth:`~jsonl_lint.rules.base.Rule.fix_line`
  is called on each line it reported, and returns the repaired line or None to
  drop it (F004 drops blank lines; D004, unsafe, drops repeats of an example).

Extension point: a rule (built-in or plugin) offers a fix by setting
``fixable = "safe"`` (applied by ``--fix``) or ``"unsafe"`` (also needs
``--unsafe-fixes``: the repair may change what the data means) and
implementing ``fix_line(content, found)``. J005 (mojibake, safe where the
repair is unambiguous) and P004 (control tokens, unsafe) plug in this way.
"""

from __future__ import annotations

import codecs
import itertools
import os
import stat
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import BinaryIO, TextIO

from jsonl_lint.diagnostics import Diagnostic, Edit
from jsonl_lint.files.reader import BOM, one_line
from jsonl_lint.files.remote import is_url
from jsonl_lint.files.sources import PARQUET
from jsonl_lint.files.write import atomic_write
from jsonl_lint.jsonpath import apply_edits
from jsonl_lint.rules.base import DatasetRule, Rule
from jsonl_lint.text.keys import stable_hash

UNSAFE = "unsafe"  # Rule.fixable: "safe" fixes run with --fix, these also need --unsafe-fixes
#: ``refix(content, code, first)``: the edits rule ``code`` makes to one line (its content), read again
Refix = Callable[[bytes, str, bool], list[Edit]]
#: Fixes of the file's bytes as a whole, applied here rather than by a rule's ``fix_line``.
FILE_FIXES = frozenset({"F002", "F003", "F005"})
READ_BUFFER = 1 << 20
CONTEXT = 3  # lines of context around a change in ``--diff``
RUN_LINES = 1024  # changed lines held before they are written to the hunk
SPOOL_BYTES = 8 << 20  # a hunk of the diff larger than this waits on disk, not in memory
BLANK = -1  # Plan.expect: the line was blank


class FixError(Exception):
    """A fix that cannot be applied (the file is left as it was)."""


class _Unchanged(Exception):
    """Nothing to write: keep the original as it is."""


@dataclass
class Plan:
    """What to change in one file."""

    path: str
    #: the profile's BOM policy where F002 applies to the file (forbidden, required, allowed), else None
    bom: str | None = None
    crlf: bool = False  # CRLF -> LF on every line
    final_newline: bool = False  # end the last line with a newline
    drop_blank: bool = False  # F004 applies: a first line left blank by removing its BOM goes too
    lines: dict[int, dict[Rule, list[Diagnostic]]] = field(default_factory=dict)  # line -> rule -> its findings
    findings: int = 0  # the findings the plan repairs
    file: str = ""  # what to open (``path`` shows a name that is not UTF-8 escaped)
    #: (size, st_mtime_ns) when the run began: a file that changed since is not fixed
    linted: tuple[int, int | None] | None = None
    #: line -> the hash of the content that was linted (BLANK: a blank line), where the finding tells it
    expect: dict[int, int] = field(default_factory=dict)
    repaired: list[Diagnostic] = field(default_factory=list)  # the findings it repairs (--show-fixes)
    refix: Refix | None = None


@dataclass
class Outcome:
    """What ``--fix`` or ``--diff`` did (or would do)."""

    fixed: int = 0  # findings repaired
    findings: list[Diagnostic] = field(default_factory=list)  # the findings repaired (--show-fixes)
    files: list[str] = field(default_factory=list)  # files changed
    errors: list[str] = field(default_factory=list)  # one-line errors; those files are untouched
    skipped: list[str] = field(default_factory=list)  # inputs that cannot be rewritten (stdin, .gz)

    def notes(self, would: bool = False) -> list[str]:
        """What to tell the user, one line each."""
        files, fixed = len(self.files), self.fixed
        verb = "would fix" if would else "fixed"
        notes = [
            f"{path}: not fixed: standard input, named pipes, compressed and Parquet files are not rewritten"
            for path in self.skipped
        ]
        if files or not self.errors:
            notes.append(
                f"{verb} {fixed} finding{'s' if fixed != 1 else ''} in {files} file{'s' if files != 1 else ''}"
            )
        return notes


def plans(result, unsafe: bool) -> list[Plan]:
    """One plan per file of ``result`` that has a fixable finding, in path order."""
    enabled = {rule.code for rule in result.resolved.rules}
    sources = {s.path: s for s in result.sources}
    found: dict[str, Plan] = {}
    for d in result.diagnostics:
        rule = result.rules.get(d.code)
        if rule is None or d.fix is None or (d.fix.applicability == UNSAFE and not unsafe):
            continue
        plan = found.get(d.path)
        if plan is None:
            here = enabled - result.resolved.ignored_in(d.path)
            plan = found[d.path] = Plan(d.path, result.resolved.profile.bom if "F002" in here else None)
            plan.drop_blank = "F004" in here
            source = sources.get(d.path)
            plan.file = source.name if source is not None else d.path
            plan.linted = (source.size, source.mtime) if source is not None else None
        if d.code == "F003":
            plan.crlf = True
        elif d.code == "F005":
            plan.final_newline = True
        elif d.code not in FILE_FIXES:
            if d.line is None and d.lines is None:
                continue  # a line fix needs a line (S002's null filling is about the file, and lists its lines)
            for line in d.lines if d.lines is not None else (d.line,):  # a collapsed finding: each line
                plan.lines.setdefault(line, {}).setdefault(rule, []).append(d)
            if d.lines is None:
                _expect(plan, d, rule)
        plan.findings += d.count
        plan.repaired.append(d)
    return [found[path] for path in sorted(found)]


def _expect(plan: Plan, d: Diagnostic, rule: Rule) -> None:
    """What line ``d.line`` held when it was linted, where the finding tells it: its content hash is in the
    fingerprint of a record finding (not a dataset rule's, which hashes what it compares); a blank line."""
    if d.code == "F004":
        plan.expect[d.line] = BLANK  # type: ignore[index]
    elif d.fingerprint and not isinstance(rule, DatasetRule):
        parts = d.fingerprint.split(":")
        if len(parts) >= 3 and len(parts[1]) == 16:
            plan.expect[d.line] = int(parts[1], 16)  # type: ignore[index]


def _split(raw: bytes) -> tuple[bytes, bytes]:
    """A line's content and its ending (CRLF, LF, or nothing on a last line)."""
    if raw.endswith(b"\r\n"):
        return raw[:-2], b"\r\n"
    if raw.endswith(b"\n"):
        return raw[:-1], b"\n"
    return raw, b""


def edits(stream: BinaryIO, plan: Plan) -> Iterator[tuple[bytes, bytes | None]]:
    """``(old line, new line or None when dropped)`` for every line of ``stream``, endings included.

    The byte-order mark goes before the first line written, as the profile
    wants it: none (every leading one removed, so that none is left for the next
    run to find), one, or as the file had it.
    """
    bom = b""
    first = True  # nothing written yet
    lines = enumerate(stream, 1)
    for number, raw in lines:
        old = raw
        if number == 1 and raw.startswith(BOM):
            bom, raw = BOM, raw[len(BOM) :]
        content: bytes | None
        content, ending = _split(raw)
        fixes = plan.lines.get(number, {})
        end = max((d.end_line or number for found in fixes.values() for d in found), default=number)
        if end > number:  # a finding that spans lines (J006): its fix gets them joined, and makes one line
            contents = [content]
            for _, more in itertools.islice(lines, end - number):
                yield old, None
                old = more
                content, ending = _split(more)
                contents.append(content)
            content = b"\n".join(contents)
        expected = plan.expect.get(number)
        if expected is not None and not _as_linted(one_line(content) if end > number else content, expected):
            raise FixError(f"line {number} is not the line that was linted: the file changed during the run")
        for rule, found in sorted(fixes.items(), key=lambda item: item[0].code):
            if type(rule).fix_line is Rule.fix_line:  # the rule's fix is the edits its findings say
                edits = [edit for d in found if d.line == number for edit in d.fix.edits]  # type: ignore[union-attr]
                if not edits and plan.refix is not None:  # a finding collapsed over lines: said again by this one
                    edits = plan.refix(content, rule.code, number == 1)
                content = apply_edits(content.decode("utf-8"), edits).encode("utf-8")
                continue
            content = rule.fix_line(content, found)
            if content is None:
                break
            if b"\n" in content:
                raise FixError(f"{rule.code} fix of line {number} would split it")
        if content is not None and first:
            if plan.bom == "forbidden":
                bom = b""
                while content.startswith(BOM):
                    content = content[len(BOM) :]
                if plan.drop_blank and not content.strip():
                    content = None
            elif plan.bom == "required":
                bom = BOM
        if content is None:
            yield old, None
            continue
        if plan.crlf and ending == b"\r\n":
            content, ending = content.rstrip(b"\r"), b"\n"
        elif plan.final_newline and not ending:
            content, ending = content.rstrip(b"\r"), b"\n"  # a bare CR would make it a CRLF
        yield old, bom + content + ending
        bom, first = b"", False


def _as_linted(content: bytes, expected: int) -> bool:
    """The line's content is what the lint saw (hashed as engine.findings hashes a record)."""
    if expected == BLANK:
        return not content.strip()
    return (stable_hash(content.rstrip(b"\r\n")) or 1) == expected


def rewrite(plan: Plan) -> bool:
    """Apply ``plan`` to its file, atomically; False (and the file untouched) when nothing changes."""
    path = os.path.realpath(plan.file or plan.path)  # a symbolic link stays a link: its target is rewritten
    _unchanged(plan, path)
    try:
        with open(path, "rb", buffering=READ_BUFFER) as stream, atomic_write(path) as out:
            changed = False
            for old, new in edits(stream, plan):
                if new is not None:
                    out.write(new)
                changed = changed or old != new
            if not changed:
                raise _Unchanged
    except _Unchanged:
        return False
    return True


def _unchanged(plan: Plan, path: str) -> None:
    """Raise FixError when the file is not the one that was linted (its size or time changed)."""
    info = os.stat(path)
    if plan.linted is not None and (info.st_size, info.st_mtime_ns) != plan.linted and plan.linted[1] is not None:
        raise FixError("the file changed during the run")


def diff(plan: Plan, out: TextIO) -> bool:
    """Write the unified diff of ``plan`` to ``out``; False when nothing would change."""
    with open(plan.file or plan.path, "rb", buffering=READ_BUFFER) as stream:
        return unified_diff(edits(stream, plan), plan.path, out)


class _Hunk:
    """One hunk of a unified diff, its body spooled to disk when large."""

    def __init__(self, old_start: int, new_start: int, context: Iterable[bytes]):
        import tempfile  # with shutil, 3 ms of every start, for the runs that fix

        self.old_start, self.new_start = old_start, new_start
        self.old_count = self.new_count = 0
        self.body = tempfile.SpooledTemporaryFile(SPOOL_BYTES)
        for line in context:
            self.add(b" ", line)

    def add(self, tag: bytes, line: bytes) -> None:
        self.body.write(tag + line if line.endswith(b"\n") else tag + line + b"\n\\ No newline at end of file\n")
        if tag != b"+":
            self.old_count += 1
        if tag != b"-":
            self.new_count += 1

    def write(self, out: TextIO) -> None:
        out.write(f"@@ -{_range(self.old_start, self.old_count)} +{_range(self.new_start, self.new_count)} @@\n")
        decoder = codecs.getincrementaldecoder("utf-8")("replace")
        self.body.seek(0)
        while chunk := self.body.read(READ_BUFFER):
            out.write(decoder.decode(chunk))
        out.write(decoder.decode(b"", final=True))
        self.body.close()


def _range(start: int, count: int) -> str:
    """A hunk range as in ``diff -u``: 0-based ``start``; an empty range names the line before it."""
    if count == 1:
        return str(start + 1)
    return f"{start + 1 if count else start},{count}"


def unified_diff(pairs: Iterable[tuple[bytes, bytes | None]], path: str, out: TextIO, context: int = CONTEXT) -> bool:
    """Stream a unified diff of line-for-line edits (each old line kept, changed or dropped).

    The alignment is known, so no matching is needed: one pass, memory bounded by
    the context and the spooled hunk. Returns whether there was any change.
    """
    before: deque[bytes] = deque(maxlen=context)  # unchanged lines that may lead the next hunk
    trailing: list[bytes] = []  # unchanged lines after the open hunk's last change
    removed: list[bytes] = []
    added: list[bytes] = []
    hunk: _Hunk | None = None
    old_line = new_line = 0  # lines read of each side (0-based index of the next one)
    header = False

    def flush_changes() -> None:
        for line in removed:
            hunk.add(b"-", line)  # type: ignore[union-attr]
        for line in added:
            hunk.add(b"+", line)  # type: ignore[union-attr]
        removed.clear()
        added.clear()

    def close(keep: int) -> None:
        nonlocal hunk, header
        if not header:
            shown = path.replace(os.sep, "/")
            out.write(f"--- a/{shown}\n+++ b/{shown}\n")
            header = True
        for line in trailing[:keep]:
            hunk.add(b" ", line)  # type: ignore[union-attr]
        hunk.write(out)  # type: ignore[union-attr]
        hunk = None

    for old, new in pairs:
        if old == new:
            if hunk is None:
                before.append(old)
            else:
                flush_changes()
                trailing.append(old)
                if len(trailing) > 2 * context:  # too far from the next change: this hunk is done
                    close(context)
                    before.extend(trailing[context:])
                    trailing.clear()
            old_line += 1
            new_line += 1
            continue
        if hunk is None:
            hunk = _Hunk(old_line - len(before), new_line - len(before), before)
            before.clear()
        else:
            for line in trailing:
                hunk.add(b" ", line)
            trailing.clear()
        removed.append(old)
        old_line += 1
        if new is not None:
            added.append(new)
            new_line += 1
        if len(removed) >= RUN_LINES:  # a long run of changes (CRLF everywhere): keep memory bounded
            flush_changes()
    if hunk is not None:
        flush_changes()
        close(context)
    return header


def apply(result, unsafe: bool = False, diff_out: TextIO | None = None, refix: Refix | None = None) -> Outcome:
    """Fix what ``result`` found (or, with ``diff_out``, write the diff there and change nothing).

    ``refix`` says the edits of a rule on a line again (the engine's
    :meth:`~jsonl_lint.engine.records.TaskRunner.edits`): a finding collapsed over many lines keeps the
    edits of its first line only.
    """
    outcome = Outcome()
    piped = {source.path for source in result.sources if source.pipe}  # read from a pipe: nothing to rewrite
    for plan in plans(result, unsafe):
        plan.refix = refix
        if (
            plan.path in piped
            or plan.path.endswith((".gz", PARQUET))
            or is_url(plan.path)
            or not _regular(plan.file or plan.path)
        ):
            outcome.skipped.append(plan.path)
            continue
        try:
            changed = diff(plan, diff_out) if diff_out is not None else rewrite(plan)
        except OSError as exc:
            outcome.errors.append(f"{plan.path}: not fixed: {exc.strerror or exc}")
            continue
        except FixError as exc:
            outcome.errors.append(f"{plan.path}: not fixed: {exc}")
            continue
        except Exception as exc:  # a rule's fix_line: this file stays as it was, the others are fixed
            outcome.errors.append(f"{plan.path}: not fixed: {type(exc).__name__}: {exc}")
            continue
        if changed:
            outcome.fixed += plan.findings
            outcome.findings.extend(plan.repaired)
            outcome.files.append(plan.path)
    return outcome


def _regular(path: str) -> bool:
    try:
        return stat.S_ISREG(os.stat(path).st_mode)
    except OSError:
        return True  # rewrite() says why it cannot be read
