"""Command-line arguments: the parsers of every command, and settings from config files and options."""

from __future__ import annotations

import argparse
import os

from jsonl_lint import plugins
from jsonl_lint._version import __version__
from jsonl_lint.config import Settings, check_profile, find_config, parse_inline
from jsonl_lint.diagnostics import Severity
from jsonl_lint.errors import ConfigError, UsageError
from jsonl_lint.reporters import REPORTERS


class Parser(argparse.ArgumentParser):
    """Options and paths in any order (``jsonl-lint data/ --select V001 more.jsonl``); errors raised, not printed."""

    def error(self, message: str):  # argparse would print usage and exit itself
        raise UsageError(message)

    def parse_args(self, args=None, namespace=None):  # type: ignore[override]
        return self.parse_intermixed_args(args, namespace)


def codes(value: str) -> list[str]:
    """``C001,C002`` as a list."""
    return [part.strip() for part in value.split(",") if part.strip()]


EPILOG = """\
examples:
  jsonl-lint data/                        lint every *.jsonl, *.ndjson (and .gz) file below data/
  jsonl-lint data/train.jsonl --fix       apply the safe fixes, then report what is left
  jsonl-lint data/ --select C,D --ignore D002
  cat train.jsonl | jsonl-lint - --stdin-filename data/train.jsonl
  jsonl-lint data/ --output-format sarif -o jsonl-lint.sarif
  jsonl-lint stats data/ --html report.html
  jsonl-lint rule C002                    what a rule checks, and how to fix what it finds

exit codes:
  0  no findings at or above --fail-on (default: warning)
  1  findings at or above --fail-on (with --diff: changes it would make)
  2  a usage, configuration or internal error, or an input that could not be read

configuration: the nearest jsonl-lint.toml, or pyproject.toml with a [tool.jsonl-lint] table, from the
current folder upwards (--config FILE names one; --isolated reads none). Rule pages: jsonl-lint rule CODE.
"""


def check_parser() -> argparse.ArgumentParser:
    p = Parser(
        prog="jsonl-lint",
        usage="jsonl-lint [check] [OPTIONS] [PATHS ...]",
        description="Lint JSONL fine-tuning datasets (`check` is the default command). Other commands: "
        "`jsonl-lint stats PATHS`, `jsonl-lint rule CODE`, `jsonl-lint rules`, `jsonl-lint profiles`, "
        "`jsonl-lint plugins`.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument(
        "paths", nargs="*", default=["."], help="files or folders to lint (folders: *.jsonl, *.ndjson); - for stdin"
    )
    rules = p.add_argument_group("rule selection")
    rules.add_argument(
        "--select",
        type=codes,
        action="extend",
        metavar="CODES",
        help="rules to enable: codes, prefixes (C, C00) or names; ALL",
    )
    rules.add_argument(
        "--extend-select",
        type=codes,
        action="extend",
        default=[],
        metavar="CODES",
        help="rules to enable on top of the selection",
    )
    rules.add_argument("--ignore", type=codes, action="extend", default=[], metavar="CODES", help="rules to disable")
    rules.add_argument("--profile", help=f"target profile (known: {', '.join(plugins.available_profiles())})")
    rules.add_argument(
        "--language", type=codes, metavar="CODES", help="languages the data should be in, e.g. pt,en (L001)"
    )
    files = p.add_argument_group("files")
    files.add_argument(
        "--extend-exclude",
        type=codes,
        action="extend",
        default=[],
        metavar="GLOBS",
        help="more paths for folder walks to leave out",
    )
    files.add_argument(
        "--force-exclude",
        action="store_true",
        default=None,
        help="apply `exclude` and .gitignore to the files named too (pre-commit)",
    )
    files.add_argument(
        "--respect-gitignore",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="leave out what .gitignore files ignore (default: yes)",
    )
    files.add_argument(
        "--stdin-filename", metavar="PATH", help="the name of standard input: its split role and leakage partners"
    )
    report = p.add_argument_group("report")
    report.add_argument(
        "--output-format", choices=list(REPORTERS), default=None, help="report format (default: concise)"
    )
    report.add_argument("-o", "--output-file", metavar="FILE", help="write the report to FILE")
    report.add_argument(
        "--min-severity",
        choices=["info", "warning", "error"],
        default=None,
        help="show only findings at or above this severity (the exit code still counts every finding)",
    )
    report.add_argument("--statistics", action="store_true", help="show the number of findings per rule")
    report.add_argument(
        "--no-collapse",
        action="store_true",
        help="list every finding, also those that repeat on most lines of a file (by default reported once, "
        "with a count)",
    )
    report.add_argument(
        "--show-fixes", action="store_true", help="list what --fix would change for each fixable finding"
    )
    report.add_argument(
        "--show-pii",
        action="store_true",
        help="show e-mail addresses and phone numbers unmasked (local text output only)",
    )
    report.add_argument("-q", "--quiet", action="store_true", help="print findings only, no summary")
    report.add_argument("--show-settings", action="store_true", help="show the resolved settings and files, then exit")
    report.add_argument(
        "--color",
        choices=["auto", "always", "never"],
        default="auto",
        help="colour the output (default: on a terminal)",
    )
    report.add_argument(
        "--no-progress", action="store_true", help="no progress bar (shown on a terminal for large inputs)"
    )
    outcome = p.add_argument_group("exit code")
    outcome.add_argument(
        "--fail-on",
        choices=["error", "warning", "info"],
        help="lowest severity that makes the exit code 1 (default: warning)",
    )
    outcome.add_argument("--exit-zero", action="store_true", help="exit 0 even when there are findings")
    fixes = p.add_argument_group("fixes and baselines")
    fixes.add_argument("--fix", action="store_true", help="apply the safe fixes, then report what is left")
    fixes.add_argument(
        "--unsafe-fixes", action="store_true", help="with --fix or --diff: also the unsafe fixes (drop duplicates)"
    )
    fixes.add_argument(
        "--diff", action="store_true", help="print the fixes as a unified diff, change nothing; exit 1 if any"
    )
    fixes.add_argument("--baseline", metavar="FILE", help="accept the findings recorded in FILE; report only new ones")
    fixes.add_argument(
        "--write-baseline", metavar="FILE", help="add the current findings to FILE (created if need be), then exit"
    )
    fixes.add_argument(
        "--overwrite-baseline", action="store_true", help="with --write-baseline: start FILE over, keep nothing of it"
    )
    fixes.add_argument("--prune-baseline", action="store_true", help="drop baseline entries that no longer match")
    run = p.add_argument_group("run")
    run.add_argument(
        "--config",
        action="append",
        default=[],
        metavar="FILE_OR_OPTION",
        help="a config file, or an inline `key = value` TOML override (repeatable)",
    )
    run.add_argument("--isolated", action="store_true", help="ignore config files found in parent folders")
    run.add_argument(
        "-j",
        "--jobs",
        type=int,
        metavar="N",
        help="worker processes (default: one per core for inputs over 8 MB, else 1); never more than the "
        "cores or the tasks (16 MB ranges of lines) there are",
    )
    run.add_argument("--debug", action="store_true", help="show tracebacks of plugin and internal errors")
    run.add_argument("--version", action="version", version=f"jsonl-lint {__version__}")
    return p


def load_settings(args: argparse.Namespace) -> Settings:
    settings = Settings()
    files = [c for c in args.config if os.path.isfile(c)]
    inline = [c for c in args.config if c not in files]
    if not args.isolated and not files:
        found = find_config(os.getcwd())
        if found is not None:
            settings.load_file(found)
    for path in files:
        settings.load_file(path)
    for text in inline:
        if "=" not in text:
            raise ConfigError(f"--config {text!r}: no such file")
        settings.apply(parse_inline(text), "--config")
    if args.select is not None:
        settings.select = args.select
    settings.extend_select += args.extend_select
    settings.ignore += args.ignore
    settings.extend_exclude += getattr(args, "extend_exclude", [])
    if getattr(args, "force_exclude", None) is not None:
        settings.force_exclude = args.force_exclude
    if getattr(args, "stdin_filename", None) is not None:
        settings.stdin_filename = args.stdin_filename
    if getattr(args, "respect_gitignore", None) is not None:
        settings.respect_gitignore = args.respect_gitignore
    if args.profile is not None:
        settings.profile = check_profile(args.profile, "--profile")
    if args.fail_on is not None:
        settings.fail_on = Severity.parse(args.fail_on)
    if getattr(args, "min_severity", None) is not None:
        settings.min_severity = Severity.parse(args.min_severity)
    if getattr(args, "language", None) is not None:
        settings.apply({"languages": args.language}, "--language")
    # Commands other than check (stats) have no baseline or fix options.
    if getattr(args, "baseline", None) is not None:
        settings.baseline = args.baseline
    if getattr(args, "overwrite_baseline", False) and not args.write_baseline:
        raise UsageError("--overwrite-baseline needs --write-baseline FILE")
    if getattr(args, "prune_baseline", False) and settings.baseline is None:
        raise UsageError("--prune-baseline needs --baseline FILE (or `baseline` in the config)")
    return settings


def rule_parser(command: str) -> argparse.ArgumentParser:
    p = Parser(prog=f"jsonl-lint {command}")
    if command == "rule":
        p.add_argument("code", help="rule code or name, e.g. C002 or missing-assistant")
    p.add_argument("--output-format", choices=["text", "json"], default="text")
    p.add_argument("--debug", action="store_true", help="show tracebacks of plugin and internal errors")
    return p
