"""Provider profiles, kept as data files: accepted formats, structure, limits, severities.

Every limit in a profile file names its source and the date it was read (the
``[sources]`` table). A profile may leave the structure (roles, first and last
role) to each format's own; ``auto`` accepts every format. Pure data: plugins'
profiles are handed in by the registry (``extra``), never looked up from here.
"""

from __future__ import annotations

import functools
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any

from jsonl_lint.diagnostics import Severity

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

#: The shipped profiles' folder: a path, where importlib.resources would import tempfile and shutil
#: (10 ms of every start) to say the same of a package installed as files.
HERE = Path(__file__).parent
DEFAULT = "openai"
AUTO = "auto"
BOM_POLICIES = ("forbidden", "required", "allowed")
_KEYS = {"name", "title", "description", "formats", "structure", "limits", "options", "models", "severity", "sources"}
_STRUCTURE = {"roles", "first-roles", "last-roles", "bom", "keys"}


class ProfileError(Exception):
    """A profile file that does not follow the profile schema (a bug in a shipped profile)."""


@dataclass(frozen=True)
class Profile:
    name: str
    title: str
    formats: tuple[str, ...]  # accepted format names, most specific first; () for auto: every format
    limits: dict = field(default_factory=dict)  # numbers rules read as options (min-examples, ...)
    options: dict = field(default_factory=dict)  # other rule options the target implies
    severity: dict[str, Severity] = field(default_factory=dict)
    roles: tuple[str, ...] | None = None  # None: each format's own
    first_roles: tuple[str, ...] | None = None
    last_roles: tuple[str, ...] | None = None
    bom: str = "forbidden"
    keys: frozenset[str] | None = None  # top-level keys the target accepts, narrowing the formats' own
    description: str = ""
    sources: dict[str, str] = field(default_factory=dict)
    #: model name (or the start of one) -> the limits and options that model sets (`model = "..."`)
    models: dict[str, dict] = field(default_factory=dict)

    def model_options(self, model: str) -> dict:
        """The limits and options of ``model``: the longest known name it starts with.

        A dated or fine-tuned name finds its family: ``gpt-4.1-nano-2025-04-14`` and
        ``ft:gpt-4o-mini-2024-07-18:org::id`` are ``gpt-4.1-nano`` and ``gpt-4o-mini``.
        Raise ValueError for a model the profile does not know.
        """
        base = model.removeprefix("ft:").split(":", 1)[0]
        known = [name for name in self.models if base == name or base.startswith(name + "-")]
        if not known:
            names = ", ".join(self.models) or "none"
            raise ValueError(f"unknown model {model!r} for the {self.name} profile (known: {names})")
        return dict(self.models[max(known, key=len)])


@functools.cache
def shipped() -> list[str]:
    """Names of the profiles shipped with jsonl-lint."""
    return sorted(p.name[: -len(".toml")] for p in HERE.iterdir() if p.name.endswith(".toml"))


def available(extra: Mapping[str, Any] = MappingProxyType({})) -> list[str]:
    """Names of every profile: shipped, and ``extra`` (the plugins' ``register_profiles``, by name)."""
    return sorted([*shipped(), *extra])


def _tuple(value, where: str) -> tuple[str, ...] | None:
    if value is None:
        return None
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ProfileError(f"{where} must be a list of strings")
    return tuple(value)


def _severity(level, name: str) -> Severity:
    try:
        return Severity.parse(level)
    except ValueError as exc:
        raise ProfileError(f"profile {name}: {exc}") from None


def load(name: str, extra: Mapping[str, Any] = MappingProxyType({})) -> Profile:
    """Load a profile by name, shipped or one of ``extra`` (name -> TOML file); KeyError for an unknown one."""
    if name in shipped():
        return parse(name, HERE / f"{name}.toml")
    return parse(name, extra[name])


@functools.cache
def parse(name: str, path) -> Profile:
    """Read and check the profile file ``path`` (a path or importlib.resources Traversable)."""
    try:
        data = tomllib.loads(path.read_text("utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ProfileError(f"profile {name} ({path}): cannot read: {exc}") from None
    unknown = set(data) - _KEYS or set(data.get("structure", {})) - _STRUCTURE
    if unknown:
        raise ProfileError(f"profile {name}: unknown keys {sorted(unknown)}")
    if data.get("name") != name or not isinstance(data.get("title"), str) or not isinstance(data.get("formats"), list):
        raise ProfileError(f"profile {name}: needs `name = {name!r}`, a `title` and a list of `formats`")
    structure = data.get("structure", {})
    bom = structure.get("bom", "forbidden")
    if bom not in BOM_POLICIES:
        raise ProfileError(f"profile {name}: bom must be one of {BOM_POLICIES}")
    return Profile(
        name=data["name"],
        title=data["title"],
        description=data.get("description", ""),
        formats=tuple(data["formats"]),
        limits=dict(data.get("limits", {})),
        options=dict(data.get("options", {})),
        severity={code: _severity(level, name) for code, level in data.get("severity", {}).items()},
        roles=_tuple(structure.get("roles"), "roles"),
        first_roles=_tuple(structure.get("first-roles"), "first-roles"),
        last_roles=_tuple(structure.get("last-roles"), "last-roles"),
        bom=bom,
        keys=frozenset(_tuple(structure["keys"], "keys")) if "keys" in structure else None,
        sources=dict(data.get("sources", {})),
        models={model: dict(table) for model, table in data.get("models", {}).items()},
    )
