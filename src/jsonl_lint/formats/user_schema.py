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


def _remote_refs(node: Any, found: list[str]) -> list[str]:
    stack = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            ref = item.get("$ref")
            if isinstance(ref, str) and not ref.startswith("#"):
                found.append(ref)
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return found


def load(path: str | Path) -> Any:
    """A validator for the schema at ``path``; SchemaError says why it cannot be used."""
    from jsonschema import exceptions, validators  # lazy: only a configured schema pays for its import

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
            f"schema {path}: $ref {refs[0]!r} points outside the schema; jsonl-lint never fetches "
            "(no network): inline it under $defs and refer to it as #/$defs/..."
        )
    cls = validators.validator_for(schema)
    try:
        cls.check_schema(schema)
    except exceptions.SchemaError as exc:
        where = "/".join(str(p) for p in exc.absolute_path) or "(root)"
        raise SchemaError(f"schema {path}: invalid {cls.__name__} schema at {where}: {exc.message}") from None
    return cls(schema)


def problems(validator: Any, record: dict) -> list[Problem]:
    """S002 problems for every way ``record`` breaks the schema (none, quickly, when it conforms)."""
    if validator.is_valid(record):
        return []
    errors = validator.iter_errors(record)
    found = [Problem(S002, f"Schema: {error.message}", join(error.absolute_path)) for error in errors]
    found.sort(key=lambda p: p.json_path or "")
    return found
