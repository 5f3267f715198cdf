"""``jsonl-lint suppress TARGET... [CODE...] --reason TEXT``: accept findings without editing the data.

JSONL has no comments, so there is no ``noqa``: an accepted finding is an entry of the baseline
file, keyed by its content (the record's hash, never the line), with the reason it was accepted.
A TARGET is ``path:line`` (the findings on that line) or a path (every finding in it: bulk
acceptance, like ruff's ``--add-noqa``); CODEs (codes, prefixes or names) narrow it to those rules.
"""

from __future__ import annotations

import argparse
import os
import re

from jsonl_lint import baseline
from jsonl_lint.cli.args import Parser, codes, load_settings
from jsonl_lint.cli.check import lint_paths
from jsonl_lint.cli.output import Outcome, errors, notes
from jsonl_lint.config import specificity
from jsonl_lint.errors import UsageError
from jsonl_lint.files.sources import display_path
from jsonl_lint.plugins import registry

_AT_LINE = re.compile(r"^(?P<path>.+):(?P<line>[1-9][0-9]*)$")


def parser() -> argparse.ArgumentParser:
    p = Parser(
        prog="jsonl-lint suppress",
        description="Accept findings in the baseline file, with a reason: `jsonl-lint suppress data/train.jsonl:42 "
        "P004 --reason 'teaches the template'`; a path without a line accepts every finding in it.",
    )
    p.add_argument("targets", nargs="+", metavar="TARGET_OR_CODE", help="path:line, a path, or a rule code or name")
    p.add_argument("--reason", required=True, help="why the finding is accepted (kept in the baseline file)")
    p.add_argument(
        "--baseline", dest="file", metavar="FILE", help="the baseline file (default: `baseline` in the config)"
    )
    p.add_argument("--select", type=codes, action="extend", metavar="CODES", help="the rules to accept findings of")
    p.add_argument("--profile", help="target profile")
    p.add_argument("--config", action="append", default=[], metavar="FILE_OR_OPTION")
    p.add_argument("--isolated", action="store_true", help="ignore config files found in parent folders")
    p.add_argument("-q", "--quiet", action="store_true", help="say nothing on success")
    p.set_defaults(
        extend_select=[], ignore=[], fail_on=None, jobs=None, no_progress=True, paths=[], prune_baseline=False
    )
    return p


def _split(tokens: list[str]) -> tuple[list[tuple[str, int | None]], list[str]]:
    """(path, line or None) targets and rule selectors, told apart: an existing path is a target."""
    known = list(registry().values())
    targets, selectors = [], []
    for token in tokens:
        at = _AT_LINE.match(token)
        if at and os.path.exists(at["path"]):
            targets.append((at["path"], int(at["line"])))
        elif os.path.exists(token):
            targets.append((token, None))
        elif any(specificity(token, rule) > 1 for rule in known):
            selectors.append(token)
        else:
            raise UsageError(f"{token}: neither a file (path or path:line) nor a rule")
    if not targets:
        raise UsageError("name what to suppress: path:line or a path")
    return targets, selectors


def run(argv: list[str]) -> Outcome:
    args = parser().parse_args(argv)
    targets, selectors = _split(args.targets)
    args.select = [*(args.select or []), *selectors] or None
    settings = load_settings(args)
    configured = settings.baseline
    file = args.file or configured
    if file is None:
        raise UsageError('which baseline file? --baseline FILE, or `baseline = "..."` in the config')
    settings.baseline = None  # every finding, the accepted ones too: none is added twice
    args.paths = list(dict.fromkeys(path for path, _ in targets))
    result = lint_paths(args, settings, baseline=False)
    if result.errors:
        return Outcome.ERROR
    wanted = [(display_path(path), line) for path, line in targets]
    chosen = [d for d in result.diagnostics if any(_within(d, path, line) for path, line in wanted)]
    if not chosen:
        errors([f"nothing to suppress: no finding of the selected rules at {' '.join(args.targets)}"])
        return Outcome.ERROR
    added = baseline.suppress(file, chosen, args.reason)
    listed = ", ".join(dict.fromkeys(f"{d.code} {d.path}" + (f":{d.line}" if d.line else "") for d in chosen))
    told = [f"{file}: accepted {added} finding{'s' if added != 1 else ''} ({listed})"]
    if added < len(chosen):
        told.append(f"{len(chosen) - added} of them were accepted already")
    if configured is None or os.path.abspath(configured) != os.path.abspath(file):
        told.append(f'runs apply it with `--baseline {file}`, or `baseline = "{file}"` in the config')
    notes(args.quiet, *told)
    return Outcome.CLEAN


def _within(d, path: str, line: int | None) -> bool:
    """Whether finding ``d`` is at the target: the line of a file, a whole file, or a folder's files."""
    if line is not None:
        return d.path == path and d.line == line
    return d.path == path or path in (".", "") or d.path.startswith(path.rstrip("/") + "/")
