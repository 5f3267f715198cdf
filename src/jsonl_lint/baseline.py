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

``message`` is there for the reader; matching ignores it. An entry written by ``jsonl-lint
suppress`` also has the ``reason`` it was accepted for, which every later write keeps.

``--write-baseline`` merges: the entries of files and rules the run did not cover are kept, and
for those it did, the run's findings replace them (an entry still matched keeps its reason);
``--overwrite-baseline`` starts the file over.
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
from jsonl_lint.text.scan import mask_pii

FORMAT_KEY = "jsonl-lint-baseline"
VERSION = 1
FIELDS = ("path", "code", "fingerprint", "message")
OPTIONAL = ("reason",)

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
    # The file is committed: personal data in messages is masked, as in every public output.
    return {"path": path, "code": diagnostic.code, "fingerprint": fingerprint, "message": mask_pii(diagnostic.message)}


def _key(item: dict) -> Key:
    return item["path"], item["code"], item["fingerprint"]


def _sort_key(item: dict) -> tuple:
    return item["path"], item["code"], item["fingerprint"] or "", item["message"]


def write(path: str, diagnostics: list[Diagnostic], linted: list[str], codes: set[str], overwrite: bool = False) -> int:
    """Record ``diagnostics`` in the baseline file ``path``; return how many entries it holds.

    Without ``overwrite``, an existing file's entries for files not ``linted`` or rules not in ``codes``
    are kept, and those of the run's scope are replaced by the run's findings (keeping their reasons).
    """
    folder = os.path.dirname(os.path.abspath(path))
    fresh = [entry(d, folder) for d in diagnostics]
    if overwrite or not os.path.exists(path):
        _write(path, fresh)
        return len(fresh)
    old = Baseline.load(path)
    scope = {_relative(p, folder) for p in linted}
    kept = [item for item in old.entries if item["path"] not in scope or item["code"] not in codes]
    reasons: dict[Key, list[dict]] = {}
    for item in old.entries:
        if "reason" in item:
            reasons.setdefault(_key(item), []).append(item)
    for item in fresh:
        earlier = reasons.get(_key(item))
        if earlier:
            item["reason"] = earlier.pop()["reason"]
    _write(path, kept + fresh)
    return len(kept) + len(fresh)


def suppress(path: str, diagnostics: list[Diagnostic], reason: str) -> int:
    """Accept ``diagnostics`` in the baseline file ``path`` (created if need be), each with ``reason``;
    return how many were added (those already accepted are not added twice)."""
    folder = os.path.dirname(os.path.abspath(path))
    entries = Baseline.load(path).entries if os.path.exists(path) else []
    present = Counter(_key(item) for item in entries)
    added = 0
    for diagnostic in diagnostics:
        item = entry(diagnostic, folder)
        if present[_key(item)] > 0:
            present[_key(item)] -= 1
            continue
        entries.append({**item, "reason": reason})
        added += 1
    _write(path, entries)
    return added


def _write(path: str, entries: list[dict]) -> None:
    lines = [
        orjson.dumps({name: item[name] for name in (*FIELDS, *OPTIONAL) if name in item}).decode()
        for item in sorted(entries, key=_sort_key)
    ]
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
            if not isinstance(item.get("reason", ""), str):
                raise BaselineError(f"baseline {path}: finding {number}: `reason` must be a string")
            if item["fingerprint"] is None:  # written before file findings had one: theirs is the file's
                item["fingerprint"] = f"{item['code']}:{item['path']}"
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
