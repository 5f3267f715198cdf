"""Provider profiles, kept as data files: accepted formats, limits, severities."""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from importlib import resources

from jsonl_lint.diagnostics import Severity

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

DEFAULT = "openai"


@dataclass(frozen=True)
class Profile:
    name: str
    title: str
    formats: tuple[str, ...]
    limits: dict = field(default_factory=dict)
    severity: dict[str, Severity] = field(default_factory=dict)


def available() -> list[str]:
    return sorted(p.name[: -len(".toml")] for p in resources.files(__name__).iterdir() if p.name.endswith(".toml"))


def load(name: str) -> Profile:
    """Load a profile by name; raise KeyError for an unknown one."""
    if name not in available():
        raise KeyError(name)
    data = tomllib.loads(resources.files(__name__).joinpath(f"{name}.toml").read_text("utf-8"))
    return Profile(
        name=data["name"],
        title=data["title"],
        formats=tuple(data["formats"]),
        limits=dict(data.get("limits", {})),
        severity={code: Severity.parse(level) for code, level in data.get("severity", {}).items()},
    )
