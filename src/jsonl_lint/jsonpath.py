"""JSON paths (``$.messages[2].role``): building them, finding where one starts in a line's text, and
the JSON names of value types.

A leaf: the reader, the formats and the engine all name places in a record this way.
:func:`locate` runs only for lines that have a diagnostic, so a small scanner in Python is fine.
"""

from __future__ import annotations

import json
import re
from json.decoder import scanstring

_STEP = re.compile(r'\.([A-Za-z_][\w-]*)|\[(\d+)\]|\[("(?:[^"\\]|\\.)*")\]')
_SIMPLE_KEY = re.compile(r"[A-Za-z_][\w-]*\Z")


def member(path: str, key: str) -> str:
    """The JSON path of ``key`` in the object at ``path``: ``$.a.b``, or ``$.a["odd key"]``."""
    return f"{path}.{key}" if _SIMPLE_KEY.match(key) else f"{path}[{json.dumps(key, ensure_ascii=False)}]"


def json_type(value: object) -> str:
    """The JSON name of a parsed value's type: object, array, string, number, boolean or null."""
    return _TYPES.get(type(value), "null")


_TYPES = {dict: "object", list: "array", str: "string", int: "number", float: "number", bool: "boolean"}


def join(parts) -> str:
    """The JSON path of a sequence of keys and indices (``["messages", 2, "role"]``)."""
    path = "$"
    for part in parts:
        path = f"{path}[{part}]" if isinstance(part, int) else member(path, part)
    return path


_WS = re.compile(r"[ \t\r\n]*")
_SPECIAL = re.compile(r'["{}\[\]]')
_SCALAR = re.compile(r"[^,\]}\s]+")


def _steps(path: str) -> list[str | int] | None:
    if not path.startswith("$"):
        return None
    steps: list[str | int] = []
    pos = 1
    while pos < len(path):
        m = _STEP.match(path, pos)
        if m is None:
            return None
        if m.group(1) is not None:
            steps.append(m.group(1))
        elif m.group(2) is not None:
            steps.append(int(m.group(2)))
        else:
            steps.append(json.loads(m.group(3)))
        pos = m.end()
    return steps


def _skip_value(s: str, i: int) -> int:
    """Index just past the JSON value starting at ``i``."""
    c = s[i]
    if c == '"':
        return scanstring(s, i + 1)[1]
    if c in "{[":
        depth = 0
        while True:
            m = _SPECIAL.search(s, i)
            if m is None:
                raise ValueError("unterminated")
            i = m.start()
            c = s[i]
            if c == '"':
                i = scanstring(s, i + 1)[1]
                continue
            depth += 1 if c in "{[" else -1
            i += 1
            if depth == 0:
                return i
    m = _SCALAR.match(s, i)
    if m is None:
        raise ValueError("no value")
    return m.end()


def _ws(s: str, i: int) -> int:
    return _WS.match(s, i).end()  # type: ignore[union-attr]


def _enter(s: str, i: int, step: str | int) -> tuple[int, int] | None:
    """From the container at ``i``, return (start of member ``step``, start of its value)."""
    opener = "{" if isinstance(step, str) else "["
    if s[i] != opener:
        return None
    i = _ws(s, i + 1)
    index = 0
    while s[i] not in "}]":
        member = i
        if isinstance(step, str):
            key, i = scanstring(s, i + 1)
            i = _ws(s, i) + 1  # past ':'
            i = _ws(s, i)
            if key == step:
                return member, i
        elif index == step:
            return member, i
        i = _ws(s, _skip_value(s, i))
        index += 1
        if s[i] == ",":
            i = _ws(s, i + 1)
    return None


def locate(text: str, path: str) -> int | None:
    """0-based character offset of the element ``path`` names (its key for object members)."""
    steps = _steps(path)
    if steps is None:
        return None
    try:
        i = _ws(text, 0)
        start = i
        for step in steps:
            found = _enter(text, i, step)
            if found is None:
                # The element is missing (e.g. no `role`): point at the object that lacks it.
                return start
            start, i = found
        return start
    except (ValueError, IndexError):
        return None
