"""The plugin hooks: the hookspecs and the ``hookimpl`` marker, nothing else.

A plugin module (built-in or third-party) implements either hook::

    from jsonl_lint import hookimpl

    @hookimpl
    def register_rules(register):
        register(MyRule)
"""

from __future__ import annotations

import pluggy

PROJECT = "jsonl_lint"
hookspec = pluggy.HookspecMarker(PROJECT)
hookimpl = pluggy.HookimplMarker(PROJECT)


class Hooks:
    @hookspec
    def register_rules(self, register) -> None:
        """Call ``register(RuleClass)`` for each rule this plugin provides."""

    @hookspec
    def register_profiles(self, register) -> None:
        """Call ``register(path)`` for each target profile (a TOML file, named by its stem) this plugin provides."""
