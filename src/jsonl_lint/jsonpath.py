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


def _value_at(text: str, path: str) -> int | None:
    """0-based offset of the value ``path`` names, None unless every step is found."""
    steps = _steps(path)
    if steps is None:
        return None
    try:
        i = _ws(text, 0)
        for step in steps:
            found = _enter(text, i, step)
            if found is None:
                return None
            i = found[1]
        return i
    except (ValueError, IndexError):
        return None


def string_span(text: str, path: str, start: int, end: int, expected: str) -> tuple[int, int] | None:
    """Where characters ``start`` to ``end`` of the string at ``path`` stand in ``text``: (first, past the last),
    0-based, as the line is written (escapes such as ``\\n`` and ``\\u00e9`` counted as written).

    ``expected`` is the text that should stand there; when the offsets are not quite right (a rule's
    view of the string differs: content parts joined), its first occurrence in the string is taken.
    None when ``path`` is not a string or ``expected`` is not in it.
    """
    value = _value_at(text, path)
    if value is None or text[value] != '"':
        return None
    try:
        decoded = scanstring(text, value + 1)[0]
    except ValueError:
        return None
    if decoded[start:end] != expected:
        start = decoded.find(expected)
        if start < 0 or not expected:
            return None
        end = start + len(expected)
    i, k, first = value + 1, 0, value + 1
    while k < end:
        if k == start:
            first = i
        if text[i] != "\\":
            i += 1
        elif text[i + 1] != "u":
            i += 2
        elif 0xD800 <= int(text[i + 2 : i + 6], 16) < 0xDC00 and text[i + 6 : i + 8] == "\\u":
            i += 12  # a surrogate pair is one character
        else:
            i += 6
        k += 1
    return (first if start < end else i), i


def apply_edits(text: str, edits) -> str:
    """``text`` with each edit applied: an ``Edit`` writes its ``value`` (JSON text) over the value at its
    path, or renames the key there to ``key``. Edits whose path is not found are skipped; the rest of
    the text stays as written."""
    spans = []
    for edit in edits:
        if edit.key is not None:
            span, new = key_span(text, edit.path), json.dumps(edit.key, ensure_ascii=False)
        else:
            span, new = value_span(text, edit.path), edit.value
        if span is not None:
            spans.append((span, new))
    for (start, end), new in sorted(spans, reverse=True):
        text = text[:start] + new + text[end:]
    return text


def value_span(text: str, path: str) -> tuple[int, int] | None:
    """(start, end) of the value ``path`` names in ``text``, None unless every step is found."""
    start = _value_at(text, path)
    if start is None:
        return None
    try:
        return start, _skip_value(text, start)
    except (ValueError, IndexError):
        return None


def key_span(text: str, path: str) -> tuple[int, int] | None:
    """(start, end) of the key (quotes included) of the object member ``path`` names."""
    steps = _steps(path)
    if not steps or not isinstance(steps[-1], str):
        return None
    parent = _value_at(text, join(steps[:-1])) if len(steps) > 1 else _ws(text, 0)
    if parent is None:
        return None
    try:
        found = _enter(text, parent, steps[-1])
        return None if found is None else (found[0], scanstring(text, found[0] + 1)[1])
    except (ValueError, IndexError):
        return None


_STRING = re.compile(r'"(?:[^"\\]|\\.)*"')


def map_strings(text: str, repair) -> str:
    """``text`` (a JSON value) with ``repair`` applied to each string value, object keys left alone; every
    string it does not change stays as written, escapes and all, and so does everything between them."""
    parts, last = [], 0
    for m in _STRING.finditer(text):
        after = _WS.match(text, m.end()).end()  # type: ignore[union-attr]
        if after < len(text) and text[after] == ":":
            continue  # a key
        value = scanstring(text, m.start() + 1)[0]
        fixed = repair(value)
        if fixed != value:
            parts.append(text[last : m.start()])
            parts.append(json.dumps(fixed, ensure_ascii=False))
            last = m.end()
    parts.append(text[last:])
    return "".join(parts)


#: JSON names as Arrow's JSON reader says them ("changed from string to number").
ARROW_TYPES = {"object": "struct", "array": "array", "string": "string", "number": "number", "boolean": "boolean"}


def type_shape(value: object, depth: int = 6, limit: int = 64) -> dict[str, dict[str, str]]:
    """The types found at each path of ``value``'s members, array items folded into ``[*]``
    (``$.messages[*].content``), to ``depth`` levels and at most ``limit`` paths: path -> type ->
    the first concrete path with it (``$.messages[2].content``)."""
    found: dict[str, dict[str, str]] = {}
    stack: list[tuple[object, str, str, int]] = [(value, "$", "$", 0)]
    while stack:
        item, pattern, path, level = stack.pop()
        if level == depth:
            continue
        if type(item) is dict:
            children = [(child, member(pattern, key), member(path, key)) for key, child in item.items()]
        elif type(item) is list:
            children = [(child, f"{pattern}[*]", f"{path}[{i}]") for i, child in enumerate(item)]
        else:
            continue
        for child, child_pattern, child_path in children:
            types = found.get(child_pattern)
            if types is None:
                if len(found) >= limit:
                    continue
                types = found[child_pattern] = {}
            types.setdefault(json_type(child), child_path)
        stack.extend((child, cp, p, level + 1) for child, cp, p in reversed(children) if type(child) in (dict, list))
    return found


def shape(value: object, depth: int = 6) -> object:
    """A hashable description of ``value``'s types (objects: their keys and the types of their values;
    arrays: the distinct shapes of their items), to ``depth`` levels: equal for records whose every path
    has the same types (``int`` and ``float`` differ here, both numbers for :func:`type_shape`). Its
    ``repr`` is the same in every process. An object of scalars costs two C-level tuple builds."""
    kind = type(value)
    if kind is dict:
        if not depth:
            return dict
        values = value.values()  # type: ignore[union-attr]
        types = tuple(map(type, values))
        if dict in types or list in types:
            depth -= 1
            types = tuple(
                [shape(v, depth) if t is dict or t is list else t for t, v in zip(types, values, strict=True)]
            )
        return (tuple(value), types)  # type: ignore[arg-type]
    if kind is list:
        if not depth or not value:
            return list
        depth -= 1
        # objects of scalars (a conversation's messages) without a call each; the others in full
        flat = [(tuple(item), tuple(map(type, item.values()))) if type(item) is dict else item for item in value]  # type: ignore[union-attr]
        found = [
            item if type(item) is tuple and dict not in item[1] and list not in item[1] else shape(original, depth)
            for item, original in zip(flat, value, strict=True)  # type: ignore[arg-type]
        ]
        return (list, *dict.fromkeys(found))
    return kind
