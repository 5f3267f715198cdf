"""Command line: ``jsonl-lint [check] PATHS``, ``jsonl-lint rule CODE``, ``jsonl-lint rules``, ``plugins``.

Exit codes: 0 no findings at or above ``--fail-on``; 1 findings; 2 usage,
configuration or internal error.
"""

from __future__ import annotations

import argparse
import os
import sys
import traceback
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, TextIO

import orjson

from jsonl_lint import __version__, docs, fix, profiles, progress
from jsonl_lint.baseline import Baseline
from jsonl_lint.baseline import write as write_baseline
from jsonl_lint.config import ConfigError, Settings, check_profile, closest, find_config, parse_inline, resolve
from jsonl_lint.diagnostics import Severity
from jsonl_lint.engine import Linter, Result, detect_formats, main_format, profile_formats
from jsonl_lint.plugins import PluginError, loaded, registry, use_local
from jsonl_lint.reporters import REPORTERS
from jsonl_lint.reporters.text import Style, statistics, summary
from jsonl_lint.sources import discover

EXIT_CLEAN, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2
COMMANDS = ("check", "rule", "rules", "profiles", "plugins", "stats", "github-action")


class UsageError(Exception):
    """A bad command line (exit code 2)."""


class Parser(argparse.ArgumentParser):
    def error(self, message: str):  # argparse would print usage and exit itself
        raise UsageError(message)


def _codes(value: str) -> list[str]:
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
        type=_codes,
        action="extend",
        metavar="CODES",
        help="rules to enable: codes, prefixes (C, C00) or names; ALL",
    )
    p.add_argument(
        "--extend-select",
        type=_codes,
        action="extend",
        default=[],
        metavar="CODES",
        help="rules to enable on top of the selection",
    )
    p.add_argument("--ignore", type=_codes, action="extend", default=[], metavar="CODES", help="rules to disable")
    p.add_argument("--profile", help=f"target profile (known: {', '.join(profiles.available())})")
    p.add_argument(
        "--language", type=_codes, metavar="CODES", help="languages the data should be in, e.g. pt,en (L001)"
    )
    p.add_argument(
        "--fail-on",
        choices=["error", "warning", "info"],
        help="lowest severity that makes the exit code 1 (default: warning)",
    )
    p.add_argument("--exit-zero", action="store_true", help="exit 0 even when there are findings")
    p.add_argument("--output-format", choices=list(REPORTERS), default=None, help="report format (default: concise)")
    p.add_argument("-o", "--output-file", metavar="FILE", help="write the report to FILE")
    p.add_argument("--statistics", action="store_true", help="show the number of findings per rule")
    p.add_argument("-q", "--quiet", action="store_true", help="print findings only, no summary")
    p.add_argument("--show-settings", action="store_true", help="show the resolved settings and files, then exit")
    p.add_argument(
        "-j",
        "--jobs",
        type=int,
        metavar="N",
        help="worker processes (default: one per core for inputs over 8 MB, else 1)",
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


def exit_code(result: Result, fail_on: Severity, exit_zero: bool) -> int:
    """The one place that decides the exit code."""
    if result.errors:
        return EXIT_ERROR
    if exit_zero:
        return EXIT_CLEAN
    return EXIT_FINDINGS if any(d.severity >= fail_on for d in result.diagnostics) else EXIT_CLEAN


def _style(choice: str, stream: TextIO) -> Style:
    if choice != "auto":
        return Style(choice == "always")
    if os.environ.get("NO_COLOR"):
        return Style(False)
    if os.environ.get("FORCE_COLOR"):
        return Style(True)
    return Style(hasattr(stream, "isatty") and stream.isatty())


@contextmanager
def _output(path: str | None, option: str = "--output-file", stdout: bool = True) -> Iterator[Any]:
    """``path`` opened for writing (a usage error, naming ``option``, if it cannot be); without
    a path, standard output (or None when not ``stdout``)."""
    if not path:
        yield sys.stdout if stdout else None
        return
    try:
        stream = open(path, "w", encoding="utf-8")
    except OSError as exc:
        raise UsageError(f"{option} {path}: {exc.strerror}") from None
    with stream:
        yield stream


def _detected(source, formats, auto: bool) -> str:
    counts = detect_formats(source, formats, auto)
    if not counts:
        return "no records" if not source.is_stdin else "read at lint time"
    main = main_format(counts)
    others = sum(counts.values()) - counts[main]
    return main + (f", and {others} other record(s) of the first {sum(counts.values())}" if others else "")


def show_settings(settings: Settings, args: argparse.Namespace, out: TextIO) -> None:
    resolved = resolve(settings)
    formats = profile_formats(resolved.profile)
    auto = not resolved.profile.formats
    sources, errors = discover(args.paths, settings.exclude, settings.root, settings.splits)
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
        f"plugins: {settings.plugins} (plugin-paths: {settings.plugin_paths})",
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
        *(f"  {s.path} (split: {s.split or 'none'}; format: {_detected(s, formats, auto)})" for s in sources),
        *(f"error: {e}" for e in errors),
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
    try:
        result = (linter or Linter(resolve(settings))).run(args.paths, settings, args.jobs, bar, progress.MIN_BYTES)
    finally:
        if bar is not None:
            bar.close()
    if quiet:
        return result
    _errors(result.errors)
    if not result.sources and not result.errors:
        print(f"jsonl-lint: warning: no *.jsonl or *.ndjson files found in {', '.join(args.paths)}", file=sys.stderr)
    if baseline and settings.baseline is not None:
        _note(args, *_apply_baseline(settings.baseline, result, getattr(args, "prune_baseline", False)))
    return result


def run_check(argv: list[str]) -> int:
    args = check_parser().parse_args(argv)
    settings = load_settings(args)
    fmt = args.output_format or "concise"
    with _output(args.output_file) as out:
        if args.show_settings:
            show_settings(settings, args, out)
            return EXIT_CLEAN
        linter = Linter(resolve(settings))
        result = lint_paths(args, settings, linter, baseline=False)
        if args.fix or args.diff:
            done = fix.apply(result, args.unsafe_fixes, out if args.diff else None)
            _note(args, *done.notes(would=args.diff))
            _errors(done.errors)
            if args.diff:
                return EXIT_ERROR if result.errors or done.errors else EXIT_FINDINGS if done.files else EXIT_CLEAN
            if done.files:
                # what is left, at its new lines
                result = lint_paths(args, settings, linter, baseline=False, quiet=True)
            result.errors += done.errors
        if args.write_baseline:
            if result.errors:
                return EXIT_ERROR  # a file that could not be read would lose its entries
            count = write_baseline(args.write_baseline, result.diagnostics)
            _note(args, f"wrote {count} finding{'s' if count != 1 else ''} to {args.write_baseline}")
            return EXIT_CLEAN
        if settings.baseline is not None:
            _note(args, *_apply_baseline(settings.baseline, result, args.prune_baseline))
        style = _style(args.color, out)
        if args.statistics:
            if fmt in ("json", "json-lines"):
                counts = [
                    {"code": c, "name": r.name, "count": sum(d.code == c for d in result.diagnostics)}
                    for c, r in result.rules.items()
                ]
                out.write(orjson.dumps(counts, option=orjson.OPT_INDENT_2).decode() + "\n")
            else:
                statistics(result, out, style)
        else:
            REPORTERS[fmt](result, out, style)
        if fmt in ("concise", "full") and not args.quiet:
            summary(result, out, style)
    return exit_code(result, settings.fail_on, args.exit_zero)


def _errors(errors: list[str]) -> None:
    for error in errors:
        print(f"jsonl-lint: error: {error}", file=sys.stderr)


def _note(args: argparse.Namespace, *notes: str) -> None:
    if not args.quiet:
        for note in notes:
            print(f"jsonl-lint: {note}", file=sys.stderr)


def _apply_baseline(path: str, result: Result, prune: bool) -> list[str]:
    """Drop the findings ``path`` accepts from ``result``; say what it did."""
    baseline = Baseline.load(path)
    matched = baseline.match(
        result.diagnostics, [s.path for s in result.sources], {r.code for r in result.resolved.rules}
    )
    result.diagnostics = matched.kept
    notes = [f"baseline {path}: {matched.hidden} finding{'s' if matched.hidden != 1 else ''} accepted"]
    stale = len(matched.stale)
    if prune and stale and not result.errors:
        baseline.prune(matched.stale)
        notes.append(f"baseline {path}: removed {stale} entr{'ies' if stale != 1 else 'y'} that no longer match")
    elif stale:
        notes.append(
            f"baseline {path}: {stale} entr{'ies' if stale != 1 else 'y'} no longer match (fixed or changed); "
            "--prune-baseline removes them"
        )
    return notes


def _profile_info(profile: profiles.Profile) -> dict:
    return {
        "name": profile.name,
        "title": profile.title,
        "description": profile.description,
        "formats": list(profile.formats) or ["(every format)"],
        "roles": profile.roles and list(profile.roles),
        "first_roles": profile.first_roles and list(profile.first_roles),
        "last_roles": profile.last_roles and list(profile.last_roles),
        "bom": profile.bom,
        "limits": profile.limits,
        "options": profile.options,
        "severity": {code: str(level) for code, level in profile.severity.items()},
        "sources": profile.sources,
    }


def run_profiles(argv: list[str]) -> int:
    args = rule_parser("profiles").parse_args(argv)
    known = [profiles.load(name) for name in profiles.available()]
    if args.output_format == "json":
        sys.stdout.write(orjson.dumps([_profile_info(p) for p in known], option=orjson.OPT_INDENT_2).decode() + "\n")
        return EXIT_CLEAN
    for profile in known:
        marker = " (default)" if profile.name == profiles.DEFAULT else ""
        sys.stdout.write(f"{profile.name}{marker}: {profile.title}\n")
        sys.stdout.write(f"  formats: {', '.join(profile.formats) or 'every format, detected per file'}\n")
        if profile.limits:
            limits = ", ".join(f"{key} {value:,}" for key, value in profile.limits.items())
            sys.stdout.write(f"  limits: {limits}\n")
        structure = [f"roles {'/'.join(profile.roles)}" if profile.roles else "", f"BOM {profile.bom}"]
        if profile.severity:
            structure.append("errors: " + ", ".join(c for c, lv in profile.severity.items() if str(lv) == "error"))
        sys.stdout.write(f"  {'; '.join(part for part in structure if part)}\n")
    return EXIT_CLEAN


def rule_parser(command: str) -> argparse.ArgumentParser:
    p = Parser(prog=f"jsonl-lint {command}")
    if command == "rule":
        p.add_argument("code", help="rule code or name, e.g. C002 or missing-assistant")
    p.add_argument("--output-format", choices=["text", "json"], default="text")
    p.add_argument("--debug", action="store_true", help="show tracebacks of plugin and internal errors")
    return p


def _rule_info(rule) -> dict:
    options = [{"name": o.name, "type": o.type.__name__, "default": o.default, "help": o.help} for o in rule.options]
    return {
        "code": rule.code, "name": rule.name, "severity": str(rule.severity), "summary": rule.summary,
        "options": options, "url": docs.help_uri(rule),
    }  # fmt: skip


def run_rules(argv: list[str]) -> int:
    args = rule_parser("rules").parse_args(argv)
    rules = list(registry().values())
    if args.output_format == "json":
        sys.stdout.write(orjson.dumps([_rule_info(r) for r in rules], option=orjson.OPT_INDENT_2).decode() + "\n")
    else:
        width = max(len(r.name) for r in rules)
        for r in rules:
            sys.stdout.write(f"{r.code}  {r.name:<{width}}  {str(r.severity):<7}  {r.summary}\n")
    return EXIT_CLEAN


def run_rule(argv: list[str]) -> int:
    args = rule_parser("rule").parse_args(argv)
    rules = registry()
    by_name = {r.name: r for r in rules.values()}
    rule = rules.get(args.code.upper()) or by_name.get(args.code)
    if rule is None:
        raise UsageError(f"unknown rule {args.code!r}{closest(args.code, [*rules, *by_name])}")
    if args.output_format == "json":
        info = _rule_info(rule) | {"page": docs.page(rule.code)}
        sys.stdout.write(orjson.dumps(info, option=orjson.OPT_INDENT_2).decode() + "\n")
    else:
        sys.stdout.write(
            docs.page(rule.code) or f"# {rule.code} {rule.name}\n\n{rule.summary}\n\n{docs.help_uri(rule) or ''}\n"
        )
    return EXIT_CLEAN


def run_plugins(argv: list[str]) -> int:
    args = rule_parser("plugins").parse_args(argv)
    found = loaded().plugins
    if args.output_format == "json":
        sys.stdout.write(orjson.dumps([p.as_dict() for p in found], option=orjson.OPT_INDENT_2).decode() + "\n")
        return EXIT_CLEAN
    if not found:
        sys.stdout.write("No plugins: none installed (entry points `jsonl_lint`), none in the config (`plugins`)\n")
    for plugin in found:
        where = f"{plugin.distribution} {plugin.version}" if plugin.distribution else f"local, {plugin.path}"
        sys.stdout.write(f"{plugin.name} ({where}): {', '.join(plugin.codes) or 'no rules'}\n")
        if plugin.profiles:
            sys.stdout.write(f"  profiles: {', '.join(plugin.profiles)}\n")
    return EXIT_CLEAN


def _config_plugins() -> None:
    """Load the local plugins the config file names, so that `rules` and `plugins` list them too."""
    found = find_config(os.getcwd())
    if found is not None:
        Settings().load_file(found)
    else:
        use_local([], [])


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    command = argv[0] if argv and argv[0] in COMMANDS else "check"
    rest = argv[1:] if argv and argv[0] in COMMANDS else argv
    debug = "--debug" in rest or bool(os.environ.get("JSONL_LINT_DEBUG"))
    try:
        if command != "check":
            _config_plugins()
        if command == "plugins":
            return run_plugins(rest)
        if command == "rule":
            return run_rule(rest)
        if command == "rules":
            return run_rules(rest)
        if command == "profiles":
            return run_profiles(rest)
        if command == "stats":
            from jsonl_lint import stats  # the dataset report

            return stats.run(rest)
        if command == "github-action":  # the step of action.yml; reads its inputs from INPUT_* variables
            from jsonl_lint.action import run_action

            return run_action(rest)
        return run_check(rest)
    except UsageError as exc:
        print(f"jsonl-lint: error: {exc}", file=sys.stderr)
        print("Run `jsonl-lint --help` for usage.", file=sys.stderr)
        return EXIT_ERROR
    except (ConfigError, PluginError) as exc:
        if debug and exc.__cause__ is not None:
            traceback.print_exception(exc.__cause__)
        print(f"jsonl-lint: error: {exc}", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        print("jsonl-lint: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # `jsonl-lint data/ | head`: the reader went away; stop quietly.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_CLEAN
    except Exception as exc:  # never a traceback; --debug (or JSONL_LINT_DEBUG=1) shows it
        if debug:
            traceback.print_exception(exc)
        print(f"jsonl-lint: internal error: {type(exc).__name__}: {exc} (--debug shows a traceback)", file=sys.stderr)
        return EXIT_ERROR
