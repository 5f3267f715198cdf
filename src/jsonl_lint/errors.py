"""Every error that ends a run with exit code 2, and ``closest()`` for the suggestions they make.

A leaf: each layer raises these, and only the command line turns them into an exit code.
"""

from __future__ import annotations

import difflib


class JsonlLintError(Exception):
    """A problem with what the user asked for, or with the setup; one line, exit code 2."""


class ConfigError(JsonlLintError):
    """Invalid configuration or command-line settings."""


class PluginError(JsonlLintError):
    """A plugin that cannot be imported, or that registered something invalid."""


class UsageError(JsonlLintError):
    """A bad command line."""


class SchemaError(ConfigError):
    """A user's JSON Schema that cannot be used."""


class BaselineError(ConfigError):
    """A baseline file that cannot be read or written."""


class InternalError(JsonlLintError):
    """A bug: a rule or the pipeline did something the engine does not allow (an unknown code)."""


def closest(word: str, choices: list[str]) -> str:
    """``; did you mean `x`?`` for the choice closest to ``word``, or ""."""
    match = difflib.get_close_matches(word, choices, n=1, cutoff=0.6)
    return f"; did you mean `{match[0]}`?" if match else ""


class ClusterError(JsonlLintError):
    """The cluster a run's tasks were sent to could not be reached, or lost them: the run reports nothing."""
