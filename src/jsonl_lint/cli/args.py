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
    def error(self, message: str):  # argparse would print usage and exit itself
        raise UsageError(message)


def codes(value: str) -> list[str]:
    """``C001,C002`` as a list."""
    return [part.strip() for part in value.split(",") if part.strip()]


def check_parser() -> argparse.ArgumentParser:
    p = Parser(
        prog="jsonl-lint",
        description="Lint JSONL fine-tuning datasets. "
        "Other commands: `jsonl-lint rule CODE`, `jsonl-lint rules`, `jsonl-lint profiles`, `jsonl-lint plugins`, "
        "`jsonl-lint stats PATHS`.",
    )
    p.add_argument(
        "paths", nargs="*", default=["."], help="files or folders to lint (folders: *.jsonl, *.ndjson); - for stdin"
    )
    p.add_argument(
        "--select",
        type=codes,
        action="extend",
        metavar="CODES",
        help="rules to enable: codes, prefixes (C, C00) or names; ALL",
    )
    p.add_argument(
        "--extend-select",
        type=codes,
        action="extend",
        default=[],
        metavar="CODES",
        help="rules to enable on top of the selection",
    )
    p.add_argument("--ignore", type=codes, action="extend", default=[], metavar="CODES", help="rules to disable")
    p.add_argument("--profile", help=f"target profile (known: {', '.join(plugins.available_profiles())})")
    p.add_argument("--language", type=codes, metavar="CODES", help="languages the data should be in, e.g. pt,en (L001)")
    p.add_argument(
        "--fail-on",
        choices=["error", "warning", "info"],
        help="lowest severity that makes the exit code 1 (default: warning)",
    )
    p.add_argument("--exit-zero", action="store_true", help="exit 0 even when there are findings")
    p.add_argument("--output-format", choices=list(REPORTERS), default=None, help="report format (default: concise)")
    p.add_argument("-o", "--output-file", metavar="FILE", help="write the report to FILE")
    p.add_argument("--statistics", action="store_true", help="show the number of findings per rule")
    p.add_argument(
        "--no-collapse",
        action="store_true",
        help="list every finding, also those that repeat on most lines of a file (by default reported once, "
        "with a count)",
    )
    p.add_argument("-q", "--quiet", action="store_true", help="print findings only, no summary")
    p.add_argument("--show-settings", action="store_true", help="show the resolved settings and files, then exit")
    p.add_argument(
        "-j",
        "--jobs",
        type=int,
        metavar="N",
        help="worker processes (default: one per core for inputs over 8 MB, else 1); never more than the "
        "cores or the tasks (16 MB ranges of lines) there are",
    )
    p.add_argument("--no-progress", action="store_true", help="no progress bar (shown on a terminal for large inputs)")
    p.add_argument(
        "--config",
        action="append",
        default=[],
        metavar="FILE_OR_OPTION",
        help="a config file, or an inline `key = value` TOML override (repeatable)",
    )
    p.add_argument("--isolated", action="store_true", help="ignore config files found in parent folders")
    p.add_argument("--fix", action="store_true", help="apply the safe fixes, then report what is left")
    p.add_argument(
        "--unsafe-fixes", action="store_true", help="with --fix or --diff: also the unsafe fixes (drop duplicates)"
    )
    p.add_argument(
        "--diff", action="store_true", help="print the fixes as a unified diff, change nothing; exit 1 if any"
    )
    p.add_argument("--baseline", metavar="FILE", help="accept the findings recorded in FILE; report only new ones")
    p.add_argument("--write-baseline", metavar="FILE", help="record the current findings in FILE, then exit")
    p.add_argument("--prune-baseline", action="store_true", help="drop baseline entries that no longer match")
    p.add_argument(
        "--color",
        choices=["auto", "always", "never"],
        default="auto",
        help="colour the output (default: on a terminal)",
    )
    p.add_argument("--debug", action="store_true", help="show tracebacks of plugin and internal errors")
    p.add_argument("--version", action="version", version=f"jsonl-lint {__version__}")
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
    if args.profile is not None:
        settings.profile = check_profile(args.profile, "--profile")
    if args.fail_on is not None:
        settings.fail_on = Severity.parse(args.fail_on)
    if getattr(args, "language", None) is not None:
        settings.apply({"languages": args.language}, "--language")
    # Commands other than check (stats) have no baseline or fix options.
    if getattr(args, "baseline", None) is not None:
        settings.baseline = args.baseline
    if getattr(args, "unsafe_fixes", False) and not (args.fix or args.diff):
        raise UsageError("--unsafe-fixes needs --fix or --diff")
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
