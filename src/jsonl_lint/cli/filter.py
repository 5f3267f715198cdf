"""``jsonl-lint filter PATHS --drop error --output-dir DIR``: the clean files, not only the list.

Each linted file is written to the output folder (under its path as reports show it) with the
records that have a finding to drop left out, and every other line as it was, byte for byte (a
gzipped file stays gzipped). The records left out go to a rejected log, one JSON object each:
``{"path", "line", "codes", "messages", "record"}`` (the record as its line was written).
``--drop`` takes a severity (the findings at or above it) or rule codes, prefixes and names.
Findings about a whole file (too few examples, mixed line endings) drop no record; a file that is
not JSONL at all (F006) is left out whole, with one entry in the log.
"""

from __future__ import annotations

import argparse
import gzip
import os
from contextlib import ExitStack

import orjson

from jsonl_lint.cli.args import Parser, codes, load_settings
from jsonl_lint.cli.check import lint_paths
from jsonl_lint.cli.output import Outcome, errors, notes
from jsonl_lint.codes import F006
from jsonl_lint.config import resolve, specificity
from jsonl_lint.diagnostics import Diagnostic, Severity
from jsonl_lint.engine import Linter
from jsonl_lint.engine.result import record_lines
from jsonl_lint.errors import UsageError
from jsonl_lint.files.open import Span, open_span
from jsonl_lint.files.write import atomic_write
from jsonl_lint.plugins import registry
from jsonl_lint.text.scan import mask_pii

SEVERITIES = ("error", "warning", "info")
REJECTED = "rejected.jsonl"


def parser() -> argparse.ArgumentParser:
    p = Parser(
        prog="jsonl-lint filter",
        description="Write each file's records without those a finding drops, byte for byte, to DIR, and "
        "the dropped ones to a rejected log: `jsonl-lint filter data/ --drop error --output-dir clean/`.",
    )
    p.add_argument("paths", nargs="*", default=["."], help="files or folders (folders: *.jsonl, *.ndjson)")
    p.add_argument(
        "--drop", required=True, metavar="SEVERITY_OR_CODES",
        help="error, warning or info (the findings at or above it), or rule codes, prefixes or names: C002,V001",
    )  # fmt: skip
    p.add_argument("--output-dir", required=True, metavar="DIR", help="where the kept records are written")
    p.add_argument("--rejected", metavar="FILE", help=f"the rejected log (default: DIR/{REJECTED})")
    p.add_argument("--select", type=codes, action="extend", metavar="CODES", help="rules to run")
    p.add_argument("--extend-select", type=codes, action="extend", default=[], metavar="CODES")
    p.add_argument("--ignore", type=codes, action="extend", default=[], metavar="CODES")
    p.add_argument("--profile", help="target profile")
    p.add_argument("--config", action="append", default=[], metavar="FILE_OR_OPTION")
    p.add_argument("--isolated", action="store_true", help="ignore config files found in parent folders")
    p.add_argument("-j", "--jobs", type=int, metavar="N", help="worker processes")
    p.add_argument("-q", "--quiet", action="store_true", help="say nothing on success")
    p.set_defaults(fail_on=None, no_progress=True, baseline=None, prune_baseline=False)
    return p


def dropper(drop: str):
    """Whether a finding drops its records, by ``--drop``."""
    if drop.lower() in SEVERITIES:
        floor = Severity.parse(drop)
        return lambda d: d.severity >= floor
    selectors = codes(drop)
    rules = registry()
    for selector in selectors:
        if not any(specificity(selector, rule) for rule in rules.values()):
            raise UsageError(f"--drop: {selector!r} is neither a severity ({', '.join(SEVERITIES)}) nor a rule")
    return lambda d: d.code in rules and any(specificity(s, rules[d.code]) for s in selectors)


def _target(folder: str, path: str) -> str:
    """Where a file's kept records go: its path as shown, under ``folder`` (an absolute one by its name)."""
    return os.path.join(folder, os.path.basename(path) if os.path.isabs(path) else path)


def run(argv: list[str]) -> Outcome:
    args = parser().parse_args(argv)
    drops = dropper(args.drop)
    settings = load_settings(args)
    rejected_path = args.rejected or os.path.join(args.output_dir, REJECTED)
    # every line a finding stands for is needed, collapsed or not: the lines are kept compactly either way
    result = lint_paths(args, settings, Linter(resolve(settings)))
    if result.errors:
        return Outcome.ERROR
    dropped: dict[str, dict[int, list[Diagnostic]]] = {}
    whole = {d.path: d for d in result.diagnostics if d.code == F006 and drops(d)}
    for d in result.diagnostics:
        if drops(d):
            for line in record_lines(d):
                dropped.setdefault(d.path, {}).setdefault(line, []).append(d)
    targets = {
        s.path: _target(args.output_dir, s.path if s.path != "-" else "stdin.jsonl")
        for s in result.sources
        if s.path not in whole
    }
    inputs = {os.path.realpath(s.name) for s in result.sources if not s.pipe}
    for target in (*targets.values(), rejected_path):
        if os.path.realpath(target) in inputs:
            raise UsageError(f"{target} is an input of this run; choose another --output-dir")
    if len(set(targets.values())) < len(targets):
        raise UsageError("two inputs would be written to the same file; name them by paths under this folder")
    kept = total = 0
    os.makedirs(os.path.dirname(os.path.abspath(rejected_path)), exist_ok=True)
    with atomic_write(rejected_path) as log:
        for d in whole.values():
            item = {"path": d.path, "line": None, "codes": [d.code], "messages": [d.message], "record": None}
            log.write(orjson.dumps(item) + b"\n")
        for source in result.sources:
            if source.path in whole:
                continue
            target = targets[source.path]
            os.makedirs(os.path.dirname(os.path.abspath(target)), exist_ok=True)
            lines = dropped.get(source.path, {})
            with ExitStack() as stack:
                stream = stack.enter_context(open_span(Span(source.path, source.file)))
                out = stack.enter_context(atomic_write(target))
                if source.path.endswith(".gz"):
                    out = stack.enter_context(gzip.GzipFile(fileobj=out, mode="wb", mtime=0))
                for number, raw in enumerate(stream, 1):
                    total += 1
                    found = lines.get(number)
                    if found is None:
                        out.write(raw)
                        kept += 1
                        continue
                    item = {
                        "path": source.path,
                        "line": number,
                        "codes": sorted({d.code for d in found}),
                        "messages": [mask_pii(d.message) for d in found],
                        "record": raw.rstrip(b"\r\n").decode("utf-8", "replace"),
                    }
                    log.write(orjson.dumps(item) + b"\n")
    left_out = total - kept
    notes(
        args.quiet,
        f"kept {kept:,} of {total:,} lines in {len(targets):,} file{'s' if len(targets) != 1 else ''} "
        f"under {args.output_dir}; {left_out:,} dropped, logged in {rejected_path}",
    )
    if not result.sources:
        errors([f"no *.jsonl or *.ndjson files found in {', '.join(args.paths)}"])
        return Outcome.ERROR
    return Outcome.CLEAN
