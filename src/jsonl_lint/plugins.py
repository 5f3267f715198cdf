"""The plugin surface: pluggy hooks, and the registry of every rule.

Built-in rule modules implement :func:`register_rules` exactly as a third-party
plugin does; plugins are found through the ``jsonl_lint`` entry-point group::

    [project.entry-points.jsonl_lint]
    my_rules = "my_package.rules"

and the module defines::

    from jsonl_lint import hookimpl

    @hookimpl
    def register_rules(register):
        register(MyRule)
"""

from __future__ import annotations

import functools
import importlib

import pluggy

from jsonl_lint.rule import CODE_RE, NAME_RE, Rule

PROJECT = "jsonl_lint"
hookspec = pluggy.HookspecMarker(PROJECT)
hookimpl = pluggy.HookimplMarker(PROJECT)

BUILTIN_MODULES = (
    "jsonl_lint.rules.file",
    "jsonl_lint.rules.syntax",
    "jsonl_lint.rules.hygiene",
    "jsonl_lint.rules.schema",
    "jsonl_lint.rules.conversation",
    "jsonl_lint.rules.tools",
    "jsonl_lint.rules.dataset",
    "jsonl_lint.rules.leakage",
    "jsonl_lint.rules.privacy",
)
#: Rule families reserved for built-in rules, in catalogue order (RULES.md); plugins use other prefixes.
FAMILY_ORDER = "FJSCDVLTP"
BUILTIN_FAMILIES = frozenset(FAMILY_ORDER)


class PluginError(Exception):
    """A plugin registered something invalid."""


class Hooks:
    @hookspec
    def register_rules(self, register) -> None:
        """Call ``register(RuleClass)`` for each rule this plugin provides."""


def plugin_manager() -> pluggy.PluginManager:
    pm = pluggy.PluginManager(PROJECT)
    pm.add_hookspecs(Hooks)
    for name in BUILTIN_MODULES:
        pm.register(importlib.import_module(name), name=name)
    pm.load_setuptools_entrypoints(PROJECT)
    return pm


def _validate(rule: type[Rule], builtin: bool, seen: dict[str, type[Rule]]) -> None:
    where = f"{rule.__module__}.{rule.__qualname__}"
    if not isinstance(rule, type) or not issubclass(rule, Rule):
        raise PluginError(f"{where}: register_rules must return Rule subclasses")
    if not CODE_RE.match(getattr(rule, "code", "")):
        raise PluginError(f"{where}: rule code {getattr(rule, 'code', None)!r} must look like ABC123")
    if not NAME_RE.match(getattr(rule, "name", "")):
        raise PluginError(f"{where}: rule name {getattr(rule, 'name', None)!r} must be kebab-case")
    if not builtin and rule.code.rstrip("0123456789") in BUILTIN_FAMILIES:
        raise PluginError(f"{where}: code {rule.code} uses a built-in rule family; pick another prefix")
    for key in (rule.code, rule.name):
        if key in seen and seen[key] is not rule:
            raise PluginError(f"{where}: {key} is already registered by {seen[key].__module__}")
        seen[key] = rule


@functools.lru_cache(maxsize=1)
def registry() -> dict[str, type[Rule]]:
    """Every registered rule class by code: built-in families in catalogue order, then plugins."""
    pm = plugin_manager()
    seen: dict[str, type[Rule]] = {}
    for impl in pm.hook.register_rules.get_hookimpls():
        builtin = impl.plugin_name in BUILTIN_MODULES
        impl.function(register=lambda rule, builtin=builtin: _validate(rule, builtin, seen))
    rules = {rule.code: rule for rule in seen.values()}
    return dict(sorted(rules.items(), key=lambda item: (_family_rank(item[0]), item[0])))


def _family_rank(code: str) -> int:
    family = code.rstrip("0123456789")
    return FAMILY_ORDER.index(family) if family in BUILTIN_FAMILIES else len(FAMILY_ORDER)
