"""``jsonl-lint [check] PATHS``: lint, then fix, baseline or report."""

from __future__ import annotations

import argparse
import sys
from dataclasses import replace
from typing import TextIO

from jsonl_lint import fix, progress
from jsonl_lint.baseline import Baseline
from jsonl_lint.baseline import write as write_baseline
from jsonl_lint.cli.args import check_parser, load_settings
from jsonl_lint.cli.output import Outcome, errors, judge, notes, output, refuse_inputs, say, settle, style
from jsonl_lint.config import Settings, resolve
from jsonl_lint.engine import Linter, Result
from jsonl_lint.errors import UsageError
from jsonl_lint.files.sources import Source, discover
from jsonl_lint.formats.detect import Detector, detect_formats
from jsonl_lint.reporters import REPORTERS, statistics
from jsonl_lint.reporters.text import fixes, summary


def _detected(source: Source, detector: Detector) -> str:
    counts = detect_formats(source, detector)
    if not counts:
        return "no records" if not source.is_stdin else "read at lint time"
    main = counts.most_common(1)[0][0]
    others = sum(counts.values()) - counts[main]
    return main + (f", and {others} other record(s) of the first {sum(counts.values())}" if others else "")


def show_settings(settings: Settings, args: argparse.Namespace, out: TextIO) -> None:
    resolved = resolve(settings)
    detector = Detector(resolved.profile)
    sources, found_errors = discover(args.paths, **settings.discovery())
    lines = [
        f"config file: {settings.config_file or '(none)'}",
        f"profile: {resolved.profile.name} ({resolved.profile.title})",
        f"formats: {', '.join(resolved.profile.formats) or 'every format, detected per file'}",
        f"fail-on: {settings.fail_on}",
        f"select: {settings.select}",
        f"extend-select: {settings.extend_select}",
        f"ignore: {settings.ignore}",
        f"per-file-ignores: {settings.per_file_ignores}",
        f"exclude: {settings.exclude}",
        f"extend-exclude: {settings.extend_exclude}",
        f"respect-gitignore: {settings.respect_gitignore}; force-exclude: {settings.force_exclude}",
        f"plugins: {settings.plugins} (plugin-paths: {settings.plugin_paths})",
        f"executor: {settings.executor}" + (f" (scheduler: {settings.scheduler})" if settings.scheduler else ""),
        "options:",
        *(f"  {name} = {value!r}" for name, value in sorted(resolved.options.items())),
        *(
            f"  {code}.{key} = {value!r}"
            for code, per_rule in settings.rule_options.items()
            for key, value in per_rule.items()
        ),
        f"enabled rules ({len(resolved.rules)}):",
        *(f"  {rule.code} {rule.name} ({rule.severity})" for rule in resolved.rules),
        f"files ({len(sources)}):",
        *(f"  {s.path} (split: {s.split or 'none'}; format: {_detected(s, detector)})" for s in sources),
        *(f"error: {e}" for e in found_errors),
    ]
    out.write("\n".join(lines) + "\n")


def lint_paths(
    args: argparse.Namespace,
    settings: Settings,
    linter: Linter | None = None,
    baseline: bool = True,
    quiet: bool = False,
) -> Result:
    """Lint the command line's paths; inputs that could not be read, or no input at all, are told on stderr.

    On a terminal, a progress bar on stderr for inputs over a few MB (never with ``--no-progress``).
    With ``baseline``, the findings of the configured baseline file are dropped (and stale entries
    told or pruned). ``quiet``: a second run over the same inputs, which tells nothing again.
    """
    bar = progress.Bar(sys.stderr) if progress.wanted(getattr(args, "no_progress", False)) else None
    linter = linter or Linter(resolve(settings), collapse=not getattr(args, "no_collapse", False))
    try:
        result = linter.run(args.paths, settings, args.jobs, bar, progress.MIN_BYTES)
    finally:
        if bar is not None:
            bar.close()
    if quiet:
        return result
    notes(args.quiet, *result.notes)
    errors(result.errors)
    if not result.sources and not result.errors:
        say(f"jsonl-lint: warning: no *.jsonl or *.ndjson files found in {', '.join(args.paths)}")
    if baseline and settings.baseline is not None:
        notes(args.quiet, *apply_baseline(settings.baseline, result, getattr(args, "prune_baseline", False)))
    return result


def run(argv: list[str]) -> Outcome:
    args = check_parser().parse_args(argv)
    settings = load_settings(args)
    fmt = args.output_format or "concise"
    refuse_inputs(args.paths, settings, (args.output_file, "--output-file"), (args.write_baseline, "--write-baseline"))
    with output(args.output_file) as out:
        if args.show_settings:
            show_settings(settings, args, out)
            return Outcome.CLEAN
        linter = Linter(resolve(settings), collapse=not args.no_collapse)
        settle()
        if not linter.rules:
            raise UsageError(
                f"no rule is enabled (select: {settings.select}, extend-select: {settings.extend_select}, "
                f"ignore: {settings.ignore}): nothing would be checked"
            )
        result = lint_paths(args, settings, linter, baseline=False)
        fixed = None
        if args.fix or args.diff:
            done = fix.apply(result, args.unsafe_fixes, out if args.diff else None, linter.runner.edits)
            notes(args.quiet, *done.notes(would=args.diff))
            errors(done.errors)
            if args.diff:
                if result.errors or done.errors:
                    return Outcome.ERROR
                return Outcome.FINDINGS if done.files else Outcome.CLEAN
            if done.files:
                # what is left, at its new lines
                result = lint_paths(args, settings, linter, baseline=False, quiet=True)
            result.errors += done.errors
            fixed = done.findings
        if args.write_baseline:
            if result.errors:
                return Outcome.ERROR  # a file that could not be read would lose its entries
            linted = [s.path for s in result.sources]
            codes = {rule.code for rule in result.resolved.rules}
            count = write_baseline(args.write_baseline, result.diagnostics, linted, codes, args.overwrite_baseline)
            notes(args.quiet, f"wrote {count} finding{'s' if count != 1 else ''} to {args.write_baseline}")
            return Outcome.CLEAN
        if settings.baseline is not None:
            notes(args.quiet, *apply_baseline(settings.baseline, result, args.prune_baseline))
        outcome = judge(result, settings.fail_on, args.exit_zero)  # every finding counts, shown or not
        hidden = 0
        if settings.min_severity is not None:
            shown = [d for d in result.diagnostics if d.severity >= settings.min_severity]
            hidden, result.diagnostics = len(result.diagnostics) - len(shown), shown
        colours = replace(style(args.color, out), unsafe_fixes=args.unsafe_fixes, show_pii=args.show_pii, hidden=hidden)
        if args.statistics:
            (statistics.json if fmt in ("json", "json-lines") else statistics.text)(result, out, colours)
        else:
            REPORTERS[fmt](result, out, colours)
        if args.show_fixes:
            fixes(result.diagnostics if fixed is None else fixed, out, colours, done=fixed is not None)
        if fmt in ("concise", "full") and not args.quiet:
            summary(result, out, colours)
    return outcome


def apply_baseline(path: str, result: Result, prune: bool) -> list[str]:
    """Drop the findings ``path`` accepts from ``result``; say what it did."""
    baseline = Baseline.load(path)
    matched = baseline.match(
        result.diagnostics, [s.path for s in result.sources], {r.code for r in result.resolved.rules}
    )
    result.diagnostics = matched.kept
    told = [f"baseline {path}: {matched.hidden} finding{'s' if matched.hidden != 1 else ''} accepted"]
    stale = len(matched.stale)
    if prune and stale and not result.errors:
        baseline.prune(matched.stale)
        told.append(f"baseline {path}: removed {stale} entr{'ies' if stale != 1 else 'y'} that no longer match")
    elif stale:
        told.append(
            f"baseline {path}: {stale} entr{'ies' if stale != 1 else 'y'} no longer match (fixed or changed); "
            "--prune-baseline removes them"
        )
    return told
