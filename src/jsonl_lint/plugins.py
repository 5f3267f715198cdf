"""The plugin surface: pluggy hooks, plugin discovery, and the registry of every rule.

The built-in rules (:mod:`jsonl_lint.rules.catalog`) implement
:func:`~jsonl_lint.hooks.Hooks.register_rules` exactly as a third-party plugin does. Plugins are found in two places:

* installed packages with an entry point in the ``jsonl_lint`` group (skipped
  when ``JSONL_LINT_DISABLE_PLUGIN_AUTOLOAD`` is set)::

    [project.entry-points.jsonl_lint]
    my_rules = "my_package.rules"

* local modules named in the config (``plugins = ["house_rules"]``), looked up
  in ``plugin-paths`` first, then on the import path.

Each plugin module defines::

    from jsonl_lint import hookimpl

    @hookimpl
    def register_rules(register):
        register(MyRule)

A plugin owns the code prefixes it registers first; the built-in families
belong to jsonl-lint. Every problem with a plugin (import, registration, a
clash) is a :class:`PluginError` that names the plugin, and the other plugin
of a clash.
"""

from __future__ import annotations

import functools
import importlib
import os
import sys
from contextlib import contextmanager
from dataclasses import dataclass, field
from importlib.machinery import PathFinder
from pathlib import Path
from types import ModuleType
from typing import Any

import pluggy

from jsonl_lint import profiles as profiles_module
from jsonl_lint.errors import PluginError
from jsonl_lint.hooks import PROJECT, Hooks
from jsonl_lint.profiles import Profile
from jsonl_lint.rules import catalog
from jsonl_lint.rules.base import CODE_RE, NAME_RE, Option, Rule

AUTOLOAD_ENV = "JSONL_LINT_DISABLE_PLUGIN_AUTOLOAD"
BUILTIN_FAMILIES = frozenset(catalog.FAMILY_ORDER)


@dataclass
class Plugin:
    """One plugin as ``jsonl-lint plugins`` shows it."""

    name: str  # entry-point name, local module name, or the built-in module
    module: str
    source: str  # "built-in", "entry point" or "local"
    distribution: str | None = None
    version: str | None = None
    path: str | None = None  # the module's file
    codes: list[str] = field(default_factory=list)
    profiles: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        if self.source == "built-in":
            return "jsonl-lint's built-in rules"
        if self.distribution:
            return f"plugin {self.name!r} ({self.distribution} {self.version})"
        return f"plugin {self.name!r} (local module {self.path or self.module})"

    def as_dict(self) -> dict[str, Any]:
        keys = ("name", "module", "source", "distribution", "version", "path", "codes", "profiles")
        return {key: getattr(self, key) for key in keys}


@dataclass
class Registry:
    rules: dict[str, type[Rule]]  # by code: built-in families in catalogue order, then plugins
    profiles: dict[str, Any]  # plugin profile name -> its TOML file (a path or importlib.resources Traversable)
    plugins: list[Plugin]  # every plugin but the built-in modules, in load order


# -- discovery --------------------------------------------------------------------


@dataclass(frozen=True)
class Local:
    """Local plugins from the config: module names, and folders to look for them in first."""

    modules: tuple[str, ...] = ()
    paths: tuple[str, ...] = ()


_local = Local()


def use_local(modules: list[str], paths: list[str]) -> None:
    """Make the registry include these local plugin modules (the config's ``plugins`` and ``plugin-paths``).

    Raise :class:`PluginError` if a plugin cannot be loaded, and keep the previous local plugins.
    """
    global _local
    previous, _local = _local, Local(tuple(modules), tuple(paths))
    try:
        loaded()
    except PluginError:
        _local = previous
        raise


def autoload() -> bool:
    return os.environ.get(AUTOLOAD_ENV, "") in ("", "0")


def entry_points() -> list:
    """The installed entry points of the ``jsonl_lint`` group. importlib.metadata (and the email package it
    imports) is imported only when a distribution may declare one: 35 ms of a start under ``-X importtime``."""
    if not may_declare(PROJECT):
        return []
    from importlib import metadata

    return list(metadata.entry_points(group=PROJECT))


def may_declare(group: str) -> bool:
    """Whether a distribution importlib.metadata finds may declare entry points in ``group``: an
    ``entry_points.txt`` of a ``*.dist-info`` or ``*.egg-info`` folder (or an egg's ``EGG-INFO``) on
    ``sys.path`` that names the group's section, or what this scan does not read as importlib.metadata
    does: a file (a zip) on the path, or a meta-path finder besides the path finder that finds
    distributions. Never a false no; 0.9 ms for the 81 distributions of this project's own environment."""
    if any(hasattr(finder, "find_distributions") and finder is not PathFinder for finder in sys.meta_path):
        return True
    header = f"[{group}]".encode()
    for entry in sys.path:
        folder = entry or "."
        try:
            names = os.listdir(folder)
        except NotADirectoryError:
            return True
        except OSError:  # not there, or not readable: importlib.metadata finds nothing there either
            continue
        egg = folder.lower().endswith(".egg")
        for name in names:
            low = name.lower()
            if low.endswith((".dist-info", ".egg-info")) or (egg and low == "egg-info"):
                try:
                    with open(os.path.join(folder, name, "entry_points.txt"), "rb") as declared:
                        if header in declared.read():
                            return True
                except OSError:  # no entry points, or an .egg-info file of distutils'
                    continue
    return False


@contextmanager
def _import_path(paths: tuple[str, ...]):
    saved = list(sys.path)
    sys.path[:0] = paths
    try:
        yield
    finally:
        sys.path[:] = saved


def _import(plugin: Plugin, load) -> ModuleType:
    try:
        return load()
    except Exception as exc:  # an ImportError, or anything the module raised while importing
        raise PluginError(f"{plugin} failed to import: {type(exc).__name__}: {exc}") from exc


def _discover(local: Local, with_entry_points: bool) -> tuple[pluggy.PluginManager, dict[str, Plugin]]:
    pm = pluggy.PluginManager(PROJECT)
    pm.add_hookspecs(Hooks)
    found: dict[str, Plugin] = {}

    def add(module: ModuleType, plugin: Plugin) -> None:
        if pm.is_registered(module):  # e.g. a local plugin that is also installed
            return
        plugin.path = getattr(module, "__file__", None)
        try:
            pm.register(module, name=plugin.name)
        except Exception as exc:  # pluggy's PluginValidationError: a hook with the wrong arguments
            raise PluginError(f"{plugin} cannot be registered: {exc}") from exc
        found[plugin.name] = plugin

    add(catalog, Plugin(catalog.__name__, catalog.__name__, "built-in"))
    if with_entry_points:
        for ep in entry_points():
            dist = getattr(ep, "dist", None)
            plugin = Plugin(ep.name, ep.value, "entry point", dist and dist.name, dist and dist.version)
            add(_import(plugin, ep.load), plugin)
    for name in local.modules:
        plugin = Plugin(name, name, "local")
        with _import_path(local.paths):
            module = _import(plugin, functools.partial(importlib.import_module, name))
        plugin.version = getattr(module, "__version__", None)
        add(module, plugin)
    return pm, found


# -- registration -----------------------------------------------------------------


BUILTIN = Plugin("jsonl_lint", "jsonl_lint", "built-in")


class _Rules:
    """Checks each registered rule: a valid code and name, a prefix and options the plugin may use."""

    def __init__(self) -> None:
        self.by_key: dict[str, tuple[type[Rule], Plugin]] = {}  # code and name -> rule
        self.prefixes: dict[str, Plugin] = {family: BUILTIN for family in BUILTIN_FAMILIES}
        self.options: dict[str, tuple[Option, type[Rule]]] = {}

    def register(self, rule: Any, plugin: Plugin) -> None:
        where = f"{plugin}: {getattr(rule, '__qualname__', rule)!s}"
        if not isinstance(rule, type) or not issubclass(rule, Rule):
            raise PluginError(f"{where}: register() takes a RecordRule or DatasetRule subclass")
        if not CODE_RE.match(getattr(rule, "code", "")):
            raise PluginError(f"{where}: rule code {getattr(rule, 'code', None)!r} must look like ABC123")
        if not NAME_RE.match(getattr(rule, "name", "")):
            raise PluginError(f"{where}: rule name {getattr(rule, 'name', None)!r} must be kebab-case")
        if self.by_key.get(rule.code, (None,))[0] is rule:  # the same class registered twice: no harm
            return
        for key in (rule.code, rule.name):
            if key in self.by_key:
                raise PluginError(f"{where}: {key} is already registered by {self.by_key[key][1]}")
        prefix = rule.code.rstrip("0123456789")
        owner = self.prefixes.setdefault(prefix, plugin)
        if owner is not plugin and not (owner is BUILTIN and plugin.source == "built-in"):
            family = "a built-in rule family" if owner is BUILTIN else "a prefix"
            raise PluginError(f"{where}: code {rule.code} uses {family} ({prefix}) owned by {owner}; pick another")
        self.by_key[rule.code] = self.by_key[rule.name] = (rule, plugin)
        for option in rule.options:
            other = self.options.setdefault(option.name, (option, rule))
            if other[0] != option:
                raise PluginError(
                    f"{where}: option `{option.name}` clashes with the different option of that name of "
                    f"{other[1].code} ({self.by_key[other[1].code][1]}); rename it"
                )
        plugin.codes.append(rule.code)


def _call(impl, plugin: Plugin, register) -> None:
    try:
        impl.function(register=register)
    except PluginError:
        raise
    except Exception as exc:
        raise PluginError(f"{plugin}: {impl.function.__name__} failed: {type(exc).__name__}: {exc}") from exc


@functools.lru_cache(maxsize=4)
def _load(local: Local, with_entry_points: bool) -> Registry:
    pm, found = _discover(local, with_entry_points)
    rules = _Rules()
    for impl in pm.hook.register_rules.get_hookimpls():
        plugin = found[impl.plugin_name]
        _call(impl, plugin, lambda rule, plugin=plugin: rules.register(rule, plugin))
    profiles: dict[str, Any] = {}
    owners: dict[str, Plugin] = {}

    def add_profile(path: Any, plugin: Plugin) -> None:
        path = Path(path) if isinstance(path, (str, os.PathLike)) else path
        name = path.name.removesuffix(".toml")
        if name in profiles_module.shipped() or name in owners:
            other = owners.get(name, BUILTIN)
            raise PluginError(f"{plugin}: profile {name!r} is already provided by {other}")
        try:
            profiles_module.parse(name, path)
        except profiles_module.ProfileError as exc:
            raise PluginError(f"{plugin}: {exc}") from None
        profiles[name], owners[name] = path, plugin
        plugin.profiles.append(name)

    for impl in pm.hook.register_profiles.get_hookimpls():
        plugin = found[impl.plugin_name]
        _call(impl, plugin, lambda path, plugin=plugin: add_profile(path, plugin))
    ordered = sorted(((r.code, r) for r, _ in rules.by_key.values()), key=lambda item: (_family_rank(item[0]), item[0]))
    return Registry(dict(ordered), profiles, [p for p in found.values() if p.source != "built-in"])


def loaded() -> Registry:
    """Rules, profiles and plugins: built-in, installed (entry points) and local (the config's ``plugins``)."""
    return _load(_local, autoload())


def registry() -> dict[str, type[Rule]]:
    """Every registered rule class by code: built-in families in catalogue order, then plugins."""
    return loaded().rules


def owner(code: str) -> str:
    """Who registered rule ``code``, as error messages name it (a plugin, or the built-in rules)."""
    found = next((plugin for plugin in loaded().plugins if code in plugin.codes), None)
    return str(found) if found is not None else "jsonl-lint's built-in rules"


def available_profiles() -> list[str]:
    """Names of every profile: shipped, and registered by plugins."""
    return profiles_module.available(loaded().profiles)


def load_profile(name: str) -> Profile:
    """A profile by name, shipped or registered by a plugin; KeyError for an unknown one."""
    return profiles_module.load(name, loaded().profiles)


def clear_cache() -> None:
    """Forget what was loaded (tests; a long-lived process after installing a plugin)."""
    _load.cache_clear()


def _family_rank(code: str) -> int:
    family = code.rstrip("0123456789")
    return catalog.FAMILY_ORDER.index(family) if family in BUILTIN_FAMILIES else len(catalog.FAMILY_ORDER)
