"""The catalogue commands: ``jsonl-lint rules``, ``rule CODE``, ``profiles`` and ``plugins``."""

from __future__ import annotations

import os
import sys

import orjson

from jsonl_lint import docs, plugins, profiles
from jsonl_lint.cli.args import rule_parser
from jsonl_lint.cli.output import Outcome
from jsonl_lint.config import Settings, find_config
from jsonl_lint.errors import UsageError, closest


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


def profiles_command(argv: list[str]) -> Outcome:
    args = rule_parser("profiles").parse_args(argv)
    known = [plugins.load_profile(name) for name in plugins.available_profiles()]
    if args.output_format == "json":
        sys.stdout.write(orjson.dumps([_profile_info(p) for p in known], option=orjson.OPT_INDENT_2).decode() + "\n")
        return Outcome.CLEAN
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
    return Outcome.CLEAN


def _rule_info(rule) -> dict:
    options = [{"name": o.name, "type": o.type.__name__, "default": o.default, "help": o.help} for o in rule.options]
    return {
        "code": rule.code, "name": rule.name, "severity": str(rule.severity), "summary": rule.summary,
        "options": options, "url": docs.help_uri(rule),
    }  # fmt: skip


def rules_command(argv: list[str]) -> Outcome:
    args = rule_parser("rules").parse_args(argv)
    rules = list(plugins.registry().values())
    if args.output_format == "json":
        sys.stdout.write(orjson.dumps([_rule_info(r) for r in rules], option=orjson.OPT_INDENT_2).decode() + "\n")
    else:
        width = max(len(r.name) for r in rules)
        for r in rules:
            sys.stdout.write(f"{r.code}  {r.name:<{width}}  {str(r.severity):<7}  {r.summary}\n")
    return Outcome.CLEAN


def rule_command(argv: list[str]) -> Outcome:
    args = rule_parser("rule").parse_args(argv)
    rules = plugins.registry()
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
    return Outcome.CLEAN


def plugins_command(argv: list[str]) -> Outcome:
    args = rule_parser("plugins").parse_args(argv)
    found = plugins.loaded().plugins
    if args.output_format == "json":
        sys.stdout.write(orjson.dumps([p.as_dict() for p in found], option=orjson.OPT_INDENT_2).decode() + "\n")
        return Outcome.CLEAN
    if not found:
        sys.stdout.write("No plugins: none installed (entry points `jsonl_lint`), none in the config (`plugins`)\n")
    for plugin in found:
        where = f"{plugin.distribution} {plugin.version}" if plugin.distribution else f"local, {plugin.path}"
        sys.stdout.write(f"{plugin.name} ({where}): {', '.join(plugin.codes) or 'no rules'}\n")
        if plugin.profiles:
            sys.stdout.write(f"  profiles: {', '.join(plugin.profiles)}\n")
    return Outcome.CLEAN


def config_plugins() -> None:
    """Load the local plugins the config file names, so that `rules` and `plugins` list them too."""
    found = find_config(os.getcwd())
    if found is not None:
        Settings().load_file(found)
    else:
        plugins.use_local([], [])
