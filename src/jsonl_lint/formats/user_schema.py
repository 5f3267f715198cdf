"""A user's own JSON Schema for records (``schema = "path"`` in the config), checked as S002.

Python ``jsonschema`` costs about 30 times the parse per record, so it runs only
when a schema is configured; the built-in formats use hand-written checks.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from jsonl_lint.codes import S002
from jsonl_lint.errors import SchemaError
from jsonl_lint.example import Problem
from jsonl_lint.jsonpath import join

MODES = ("extend", "replace")


#: Keywords that refer to another schema by URI.
REFERENCES = ("$ref", "$dynamicRef", "$recursiveRef")


def _remote_refs(node: Any, found: list[str]) -> list[str]:
    stack = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            for keyword in REFERENCES:
                ref = item.get(keyword)
                if isinstance(ref, str) and not ref.startswith("#"):
                    found.append(f"{keyword} {ref!r}")
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return found


def load(path: str | Path) -> Any:
    """A validator for the schema at ``path``; SchemaError says why it cannot be used."""
    from jsonschema import exceptions, validators  # lazy: only a configured schema pays for its import
    from referencing import Registry

    try:
        schema = json.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as exc:
        raise SchemaError(f"schema {path}: {exc.strerror}") from None
    except (ValueError, UnicodeDecodeError) as exc:
        raise SchemaError(f"schema {path}: not valid JSON: {exc}") from None
    if not isinstance(schema, (dict, bool)):
        raise SchemaError(f"schema {path}: a JSON Schema is an object or a boolean")
    refs = _remote_refs(schema, [])
    if refs:
        raise SchemaError(
            f"schema {path}: {refs[0]} points outside the schema; jsonl-lint never fetches "
            "(no network): inline it under $defs and refer to it as #/$defs/..."
        )
    cls = validators.validator_for(schema)
    try:
        cls.check_schema(schema)
    except exceptions.SchemaError as exc:
        where = "/".join(str(p) for p in exc.absolute_path) or "(root)"
        raise SchemaError(f"schema {path}: invalid {cls.__name__} schema at {where}: {exc.message}") from None
    return cls(schema, registry=Registry(retrieve=_refuse))  # whatever refers outside, nothing is fetched


def _refuse(uri: str) -> Any:
    from referencing.exceptions import NoSuchResource

    raise NoSuchResource(ref=uri)  # no network, ever: the validation fails as an unresolvable reference


def problems(validator: Any, record: dict) -> list[Problem]:
    """S002 problems for every way ``record`` breaks the schema (none, quickly, when it conforms)."""
    try:
        if validator.is_valid(record):
            return []
        found = [Problem(S002, f"Schema: {e.message}", join(e.absolute_path)) for e in validator.iter_errors(record)]
    except Exception as exc:  # noqa: BLE001 - only an unresolvable reference is the schema's problem here
        from referencing.exceptions import Unresolvable  # lazy, as jsonschema itself

        if not isinstance(exc, Unresolvable):
            raise
        return [Problem(S002, f"Schema: cannot resolve a reference ({exc}); jsonl-lint never fetches", "$")]
    found.sort(key=lambda p: p.json_path or "")
    return found
