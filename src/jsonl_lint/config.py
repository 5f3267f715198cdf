"""Settings: discovery and validation of ``[tool.jsonl-lint]`` / ``jsonl-lint.toml``.

Every problem with the configuration raises :class:`ConfigError` with a
message that names the key and, where it can, the closest valid one; the CLI
turns it into exit code 2.
"""

from __future__ import annotations

import os
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from jsonl_lint import plugins, profiles
from jsonl_lint.diagnostics import Severity
from jsonl_lint.errors import ConfigError, SchemaError, closest
from jsonl_lint.files.ignore import DEFAULT_EXCLUDES
from jsonl_lint.files.sources import path_matches
from jsonl_lint.formats import user_schema
from jsonl_lint.plugins import registry
from jsonl_lint.rules.base import Option, Rule

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

CONFIG_FILE = "jsonl-lint.toml"
ORIGIN = "Settings"  # what errors in settings given in Python name as their origin
PYPROJECT = "pyproject.toml"
LIST_KEYS = ("select", "extend-select", "ignore", "exclude", "extend-exclude")
BOOL_KEYS = ("respect-gitignore", "force-exclude")
PLUGIN_KEYS = ("plugins", "plugin-paths")
CORE_KEYS = (
    *LIST_KEYS,
    *BOOL_KEYS,
    *PLUGIN_KEYS,
    "per-file-ignores",
    "fail-on",
    "min-severity",
    "profile",
    "schema",
    "schema-mode",
    "splits",
    "baseline",
    "executor",
    "scheduler",
)
#: Where tasks run: this machine's processes (`--jobs`), or a Dask cluster (the `dask` extra).
EXECUTORS = ("local", "dask")


@dataclass
class Settings:
    """What the user asked for, from config files and the command line."""

    select: list[str] = field(default_factory=lambda: ["ALL"])
    extend_select: list[str] = field(default_factory=list)
    ignore: list[str] = field(default_factory=list)
    #: globs of paths a folder walk leaves out (relative to `root`; a glob without / matches any folder
    #: or file name): setting `exclude` replaces the defaults, `extend-exclude` adds to them
    exclude: list[str] = field(default_factory=lambda: list(DEFAULT_EXCLUDES))
    extend_exclude: list[str] = field(default_factory=list)
    respect_gitignore: bool = True  # a folder walk leaves out what .gitignore files ignore
    force_exclude: bool = False  # `exclude` and .gitignore also apply to files named on the command line
    stdin_filename: str | None = None  # the name standard input stands for (`--stdin-filename`)
    per_file_ignores: dict[str, list[str]] = field(default_factory=dict)
    fail_on: Severity = Severity.WARNING
    min_severity: Severity | None = None  # findings below it are not shown (they still count for fail-on)
    profile: str = profiles.DEFAULT
    options: dict[str, Any] = field(default_factory=dict)
    #: options set for one rule only: ``[tool.jsonl-lint.H001]`` (by code or name), by code
    rule_options: dict[str, dict[str, Any]] = field(default_factory=dict)
    plugins: list[str] = field(default_factory=list)  # local plugin modules
    plugin_paths: list[str] = field(default_factory=list)  # folders searched for them first
    config_file: str | None = None
    schema: str | None = None  # a JSON Schema file every record must follow (S002)
    schema_mode: str = "extend"  # "extend" the formats' own checks, or "replace" them
    #: split name -> globs: which files are the training set ("train") and which held-out sets
    splits: dict[str, list[str]] = field(default_factory=dict)
    baseline: str | None = None  # a baseline file: its findings are accepted (jsonl_lint.baseline)
    executor: str = "local"  # where tasks run: "local" (processes of this machine) or "dask"
    #: with the dask executor: a running scheduler's address (tcp://HOST:PORT), or local:N for a
    #: LocalCluster of N workers started for the run (None: one worker per core)
    scheduler: str | None = None
    #: folder that path globs (exclude, per-file-ignores) are relative to: the config file's, else the current one
    root: str = field(default_factory=os.getcwd)

    def __post_init__(self) -> None:
        """Check what was given as a config file is checked: an unknown key, a misspelt rule option or a
        bad value is a :class:`ConfigError` with the config file's message (origin ``Settings``)."""
        if isinstance(self.fail_on, str):
            self.apply({"fail-on": self.fail_on}, ORIGIN)
        for key in LIST_KEYS:
            value = getattr(self, key.replace("-", "_"))
            if isinstance(value, tuple):
                setattr(self, key.replace("-", "_"), list(value))
            elif not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                raise ConfigError(f"{ORIGIN}: `{key}` must be a list of strings")
        if self.profile != profiles.DEFAULT:
            self.profile = check_profile(self.profile, f"{ORIGIN}: `profile`")
        table: dict[str, Any] = dict(self.options)
        for rule, given in self.rule_options.items():
            if not isinstance(given, dict):
                raise ConfigError(f"{ORIGIN}: `{rule}` must be a table of the rule's options, e.g. {{threshold = 0.7}}")
            table[rule] = given
        for key, value in (("per-file-ignores", self.per_file_ignores), ("splits", self.splits)):
            if value:
                table[key] = value
        if self.schema_mode != "extend":
            table["schema-mode"] = self.schema_mode
        if table or self.plugins:
            self.options, self.rule_options, self.per_file_ignores = {}, {}, {}
            self.apply(table, ORIGIN)
        if self.select != ["ALL"] or self.extend_select or self.ignore or self.per_file_ignores:
            self.check_selectors()

    @classmethod
    def discover(cls, path: str | os.PathLike = ".") -> Settings:
        """The settings of the nearest config file up from ``path`` (a folder, or a file's folder), as the
        command line finds it (``jsonl-lint.toml`` first, then ``pyproject.toml`` with ``[tool.jsonl-lint]``);
        the defaults when there is none."""
        start = Path(path)
        settings = cls()
        found = find_config(start if start.is_dir() else start.parent)
        if found is not None:
            settings.load_file(found)
        return settings

    def discovery(self) -> dict[str, Any]:
        """What :func:`~jsonl_lint.files.sources.discover` needs besides the paths."""
        return {
            "exclude": [*self.exclude, *self.extend_exclude],
            "root": self.root,
            "splits": self.splits,
            "gitignore": self.respect_gitignore,
            "force_exclude": self.force_exclude,
            "stdin_filename": self.stdin_filename,
        }

    # -- loading ---------------------------------------------------------

    def apply(self, table: dict[str, Any], origin: str) -> None:
        """Merge one config table (file contents or an inline override) into these settings."""
        self._apply_plugins(table, origin)  # first: the other keys may be plugin rules' options
        options = rule_options()
        rules = {key: rule for rule in registry().values() for key in (rule.code, rule.name)}
        for key, value in table.items():
            where = f"{origin}: `{key}`"
            if key in PLUGIN_KEYS:
                continue
            if key in LIST_KEYS:
                if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                    raise ConfigError(f"{where} must be a list of strings")
                setattr(self, key.replace("-", "_"), list(value))
            elif key in BOOL_KEYS:
                if not isinstance(value, bool):
                    raise ConfigError(f"{where} must be true or false")
                setattr(self, key.replace("-", "_"), value)
            elif key == "per-file-ignores":
                if not isinstance(value, dict) or not all(
                    isinstance(v, list) and all(isinstance(c, str) for c in v) for v in value.values()
                ):
                    raise ConfigError(f'{where} must map globs to lists of codes, e.g. {{"data/raw/*" = ["D002"]}}')
                self.per_file_ignores.update(value)
            elif key == "splits":
                if (
                    not isinstance(value, dict)
                    or not value
                    or not all(isinstance(v, list) and v and all(isinstance(g, str) for g in v) for v in value.values())
                ):
                    raise ConfigError(
                        f'{where} must map split names to lists of globs, e.g. {{train = ["data/*train*.jsonl"], '
                        'validation = ["data/*val*.jsonl"]}'
                    )
                self.splits = {name: list(globs) for name, globs in value.items()}
            elif key in ("fail-on", "min-severity"):
                try:
                    level = Severity.parse(value if isinstance(value, str) else repr(value))
                except ValueError as exc:
                    raise ConfigError(f"{where}: {exc}") from None
                setattr(self, key.replace("-", "_"), level)
            elif key == "profile":
                self.profile = check_profile(value, where)
            elif key == "schema":
                if not isinstance(value, str):
                    raise ConfigError(f"{where} must be the path of a JSON Schema file")
                self.schema = value if os.path.isabs(value) else os.path.join(self.root_of(origin), value)
            elif key == "baseline":
                if not isinstance(value, str):
                    raise ConfigError(f"{where} must be the path of a baseline file")
                self.baseline = value if os.path.isabs(value) else os.path.join(self.root_of(origin), value)
            elif key == "executor":
                self.executor = check_executor(value, where)
            elif key == "scheduler":
                self.scheduler = check_scheduler(value, where)
            elif key == "schema-mode":
                if value not in user_schema.MODES:
                    raise ConfigError(f"{where} must be one of {', '.join(user_schema.MODES)}, not {value!r}")
                self.schema_mode = value
            elif key in options:
                try:
                    self.options[key] = options[key].coerce(value)
                except ValueError as exc:
                    raise ConfigError(f"{origin}: {exc}") from None
            elif key in rules and isinstance(value, dict):
                self._apply_rule_options(rules[key], value, where)
            else:
                raise ConfigError(f"{origin}: unknown key `{key}`{closest(key, [*CORE_KEYS, *options, *rules])}")

    def _apply_plugins(self, table: dict[str, Any], origin: str) -> None:
        for key in PLUGIN_KEYS:
            value = table.get(key)
            if value is not None and (not isinstance(value, list) or not all(isinstance(v, str) for v in value)):
                raise ConfigError(f"{origin}: `{key}` must be a list of strings")
        if "plugins" in table:
            self.plugins = list(table["plugins"])
        if "plugin-paths" in table:
            self.plugin_paths = [os.path.join(self.root_of(origin), path) for path in table["plugin-paths"]]
        plugins.use_local(self.plugins, self.plugin_paths)

    def _apply_rule_options(self, rule: type[Rule], table: dict[str, Any], where: str) -> None:
        known = {opt.name: opt for opt in rule.options}
        for name, value in table.items():
            if name not in known:
                choices = ", ".join(known) or "none"
                raise ConfigError(f"{where}: {rule.code} has no option `{name}`{closest(name, [*known])} ({choices})")
            try:
                self.rule_options.setdefault(rule.code, {})[name] = known[name].coerce(value)
            except ValueError as exc:
                raise ConfigError(f"{where}: {exc}") from None

    def root_of(self, origin: str) -> str:
        """Folder that relative paths in ``origin`` (a config file, or the command line) are relative to."""
        return os.path.dirname(os.path.abspath(origin)) if os.path.isfile(origin) else os.getcwd()

    def load_file(self, path: str | os.PathLike) -> None:
        path = Path(path)
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except OSError as exc:
            raise ConfigError(f"{path}: cannot read config: {exc.strerror}") from None
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise ConfigError(f"{path}: invalid TOML: {exc}") from None
        if path.name == PYPROJECT:
            data = data.get("tool", {}).get("jsonl-lint", {})
        self.apply(data, str(path))
        self.config_file = str(path)
        self.root = str(path.resolve().parent)

    def check_selectors(self) -> None:
        """Raise for a selector that names no rule (a misspelt code or name)."""
        known = registry()
        choices = [*known, *(rule.name for rule in known.values())]
        lists = {"select": self.select, "extend-select": self.extend_select, "ignore": self.ignore}
        lists.update({f"per-file-ignores.{glob!r}": codes for glob, codes in self.per_file_ignores.items()})
        for key, selectors in lists.items():
            for selector in selectors:
                if not any(specificity(selector, rule) for rule in known.values()):
                    raise ConfigError(f"`{key}`: {selector!r} matches no rule{closest(selector, choices)}")


def check_profile(value: Any, where: str) -> str:
    names = plugins.available_profiles()
    if value not in names:
        raise ConfigError(f"{where}: unknown profile {value!r}{closest(str(value), names)} (known: {', '.join(names)})")
    return value


def check_executor(value: Any, where: str) -> str:
    if value not in EXECUTORS:
        hint = closest(str(value), [*EXECUTORS])
        raise ConfigError(f"{where} must be one of {', '.join(EXECUTORS)}, not {value!r}{hint}")
    return value


_SCHEDULER = re.compile(r"(?:tcp|tls)://[^\s/:]+(?::\d{1,5})?|local:[1-9]\d{0,3}")


def check_scheduler(value: Any, where: str) -> str:
    """A Dask scheduler's address (``tcp://HOST:PORT``, ``tls://HOST:PORT``) or ``local:N`` (N workers here)."""
    if not isinstance(value, str) or not _SCHEDULER.fullmatch(value):
        raise ConfigError(
            f"{where} must be a scheduler address, tcp://HOST:PORT, or local:N for N workers of this machine, "
            f"not {value!r}"
        )
    return value


def rule_options() -> dict[str, Option]:
    return {opt.name: opt for rule in registry().values() for opt in rule.options}


def find_config(start: str | os.PathLike) -> Path | None:
    """The nearest jsonl-lint.toml, or pyproject.toml with a [tool.jsonl-lint] table, upwards from ``start``."""
    folder = Path(start).resolve()
    for candidate in (folder, *folder.parents):
        own = candidate / CONFIG_FILE
        if own.is_file():
            return own
        pyproject = candidate / PYPROJECT
        if pyproject.is_file():
            try:
                if "jsonl-lint" in tomllib.loads(pyproject.read_text(encoding="utf-8")).get("tool", {}):
                    return pyproject
            except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
                continue
    return None


def parse_inline(text: str) -> dict[str, Any]:
    """``--config 'min-examples = 20'``: one TOML key/value pair."""
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"--config {text!r} is neither a file nor a valid `key = value` TOML pair: {exc}") from None


# -- rule selection ------------------------------------------------------


def specificity(selector: str, rule: type[Rule]) -> int:
    """How specifically ``selector`` names ``rule``: 0 no match, 1 ALL, 2+ prefix length, 9 exact."""
    if selector == "ALL":
        return 1
    if selector == rule.code or selector == rule.name:
        return 9
    if selector.isupper() and rule.code.startswith(selector) and selector[:1].isalpha():
        return 1 + len(selector)
    return 0


def is_enabled(rule: type[Rule], select: list[str], ignore: list[str]) -> bool:
    """Ruff's rule: the most specific matching selector wins; on a tie, ignore wins."""
    chosen = max((specificity(s, rule) for s in select), default=0)
    dropped = max((specificity(s, rule) for s in ignore), default=0)
    return chosen > 0 and chosen > dropped


@dataclass
class Resolved:
    """Settings turned into what the engine needs."""

    profile: profiles.Profile
    rules: list[Rule]  # enabled rule instances, sorted by code
    options: dict[str, Any]  # every rule option's value
    per_file_ignores: list[tuple[str, list[str]]]
    root: str  # folder the per-file-ignores globs are relative to
    schema: Any = None  # a validator for the user's JSON Schema, if one is configured
    schema_mode: str = "extend"

    def ignored_in(self, path: str) -> set[str]:
        """Codes that per-file-ignores switch off for ``path``."""
        codes: set[str] = set()
        for glob, selectors in self.per_file_ignores:
            if path_matches(path, [glob], self.root):
                codes.update(r.code for r in self.rules if any(specificity(s, type(r)) for s in selectors))
        return codes


def resolve(settings: Settings) -> Resolved:
    """The enabled rules and their options; a ConfigError names the config file the settings came from."""
    try:
        return _resolve(settings)
    except ConfigError as exc:
        if settings.config_file is None or str(exc).startswith(settings.config_file):
            raise
        raise ConfigError(f"{exc} (settings from {settings.config_file} and the command line)") from None


def _resolve(settings: Settings) -> Resolved:
    plugins.use_local(settings.plugins, settings.plugin_paths)  # a worker process resolves settings afresh
    settings.check_selectors()
    profile = plugins.load_profile(settings.profile)
    options = {name: opt.default for name, opt in rule_options().items()}
    options.update({k: v for k, v in {**profile.limits, **profile.options}.items() if k in options})
    if settings.options.get("model") is not None:  # the model's tokenizer and limits, under the user's own
        try:
            options.update(profile.model_options(settings.options["model"]))
        except ValueError as exc:
            raise ConfigError(f"`model`: {exc}") from None
    options.update(settings.options)
    select = [*settings.select, *settings.extend_select]
    rules = []
    for code, rule_class in registry().items():
        if is_enabled(rule_class, select, settings.ignore):
            own = {**options, **settings.rule_options.get(code, {})}
            try:
                rules.append(rule_class(own, profile.severity.get(code), profile))
            except ValueError as exc:  # an option value the rule cannot work with
                raise ConfigError(f"{code} {rule_class.name}: {exc}") from None
    enabled = frozenset(rule.code for rule in rules)
    for rule in rules:
        rule.enabled = enabled
    validator = None
    if settings.schema is not None:
        try:
            validator = user_schema.load(settings.schema)
        except SchemaError as exc:
            raise ConfigError(str(exc)) from None
    return Resolved(
        profile, rules, options, list(settings.per_file_ignores.items()), settings.root, validator, settings.schema_mode
    )
