"""Baselines: accept today's findings, fail only on new ones.

A finding is keyed by its file and its fingerprint (see
:class:`~jsonl_lint.diagnostics.Diagnostic`): the rule code and a hash of the
record's content, never a line number, so moving or inserting lines does not
bring an accepted finding back, and a changed record is a new finding.
Findings of dataset rules (D004, D006, V001, V003) key on the content of both
records they compare. Findings without a record (blank lines, line endings)
key on the rule and the file. Keys form a multiset: a baseline that accepts
two identical findings hides two, and a third is new.

The file is JSON, one finding per line, sorted, with paths relative to the
baseline's own folder, so that it reads well in a diff and works from any
current folder::

    {
      "jsonl-lint-baseline": 1,
      "findings": [
        {"path": "data/train.jsonl", "code": "C002", "fingerprint": "C002:9f...:$.messages", "message": "..."}
      ]
    }

``message`` is there for the reader; matching ignores it.
"""

from __future__ import annotations

import os
from collections import Counter
from dataclasses import dataclass

import orjson

from jsonl_lint.diagnostics import Diagnostic
from jsonl_lint.errors import BaselineError
from jsonl_lint.files.sources import STDIN
from jsonl_lint.files.write import atomic_write

FORMAT_KEY = "jsonl-lint-baseline"
VERSION = 1
FIELDS = ("path", "code", "fingerprint", "message")

Key = tuple[str, str, "str | None"]  # (path from the baseline's folder, code, fingerprint)


def _relative(path: str, folder: str) -> str:
    if path == STDIN:
        return path
    return os.path.relpath(os.path.abspath(path), folder).replace(os.sep, "/")


def entry(diagnostic: Diagnostic, folder: str) -> dict:
    """A diagnostic as a baseline entry, its path taken from ``folder``."""
    path = _relative(diagnostic.path, folder)
    fingerprint = diagnostic.fingerprint
    # Findings about a whole file (D001, S004, collapsed repeats) name the file in their fingerprint,
    # as shown from the current folder: rebase it too.
    prefix = f"{diagnostic.code}:{diagnostic.path}"
    if fingerprint is not None and fingerprint.startswith(prefix) and fingerprint[len(prefix) : len(prefix) + 1] in ":":
        fingerprint = f"{diagnostic.code}:{path}{fingerprint[len(prefix) :]}"
    return {"path": path, "code": diagnostic.code, "fingerprint": fingerprint, "message": diagnostic.message}


def _key(item: dict) -> Key:
    return item["path"], item["code"], item["fingerprint"]


def _sort_key(item: dict) -> tuple:
    return item["path"], item["code"], item["fingerprint"] or "", item["message"]


def write(path: str, diagnostics: list[Diagnostic]) -> int:
    """Record ``diagnostics`` in the baseline file ``path``; return how many."""
    folder = os.path.dirname(os.path.abspath(path))
    _write(path, [entry(d, folder) for d in diagnostics])
    return len(diagnostics)


def _write(path: str, entries: list[dict]) -> None:
    lines = [orjson.dumps({name: item[name] for name in FIELDS}).decode() for item in sorted(entries, key=_sort_key)]
    body = ",\n".join(f"    {line}" for line in lines)
    text = f'{{\n  "{FORMAT_KEY}": {VERSION},\n  "findings": [\n{body}{chr(10) if lines else ""}  ]\n}}\n'
    try:
        with atomic_write(path) as out:
            out.write(text.encode())
    except OSError as exc:
        raise BaselineError(f"baseline {path}: cannot write: {exc.strerror or exc}") from None


@dataclass
class Match:
    """What a baseline did to a run's findings."""

    kept: list[Diagnostic]  # new findings: not in the baseline
    hidden: int  # findings the baseline accepted
    stale: list[dict]  # entries that matched nothing, for files and rules of this run


class Baseline:
    def __init__(self, path: str, entries: list[dict]):
        self.path = path
        self.folder = os.path.dirname(os.path.abspath(path))
        self.entries = entries

    @classmethod
    def load(cls, path: str) -> Baseline:
        try:
            with open(path, "rb") as stream:
                data = orjson.loads(stream.read())
        except OSError as exc:
            raise BaselineError(f"baseline {path}: {exc.strerror or exc} (create it with --write-baseline)") from None
        except orjson.JSONDecodeError as exc:
            raise BaselineError(f"baseline {path}: not JSON: {exc}") from None
        if not isinstance(data, dict) or data.get(FORMAT_KEY) != VERSION or not isinstance(data.get("findings"), list):
            raise BaselineError(f'baseline {path}: not a jsonl-lint baseline (expected {{"{FORMAT_KEY}": {VERSION}}})')
        entries = data["findings"]
        for number, item in enumerate(entries, 1):
            if not (
                isinstance(item, dict)
                and isinstance(item.get("path"), str)
                and isinstance(item.get("code"), str)
                and isinstance(item.get("fingerprint"), (str, type(None)))
            ):
                raise BaselineError(f"baseline {path}: finding {number} needs a path, a code and a fingerprint")
            item.setdefault("message", "")
        return cls(path, entries)

    def match(self, diagnostics: list[Diagnostic], paths: list[str], codes: set[str]) -> Match:
        """Split ``diagnostics`` into new ones and accepted ones.

        An entry is stale when it matched nothing although its file was linted
        (``paths``) with its rule enabled (``codes``): a baseline that covers more
        files than a run (pre-commit on staged files) keeps the others' entries.
        """
        left = Counter(_key(item) for item in self.entries)
        kept = []
        for diagnostic in diagnostics:
            key = _key(entry(diagnostic, self.folder))
            if left[key] > 0:
                left[key] -= 1
            else:
                kept.append(diagnostic)
        linted = {_relative(path, self.folder) for path in paths}
        stale = []
        for item in self.entries:
            key = _key(item)
            if left[key] > 0 and item["path"] in linted and item["code"] in codes:
                left[key] -= 1
                stale.append(item)
        return Match(kept, len(diagnostics) - len(kept), stale)

    def prune(self, stale: list[dict]) -> None:
        """Rewrite the baseline file without the ``stale`` entries."""
        drop = Counter(_key(item) for item in stale)
        kept = []
        for item in self.entries:
            key = _key(item)
            if drop[key] > 0:
                drop[key] -= 1
            else:
                kept.append(item)
        _write(self.path, kept)
        self.entries = kept
