"""Type shapes (S005 keys every record by one), and their compiled twin (jsonl_lint/text/_shape.c)
against the Python code, the reference: S005's memo and stable keys hash the shape's repr, so the two
must give equal objects of the same nested tuples and the very same type objects."""

from __future__ import annotations

import random
import sys

import pytest
from conftest import CORPUS, FIXTURE_DIR, ROOT, SHARED, both, real_records
from hypothesis import given, settings
from hypothesis import strategies as st

from jsonl_lint import jsonpath
from jsonl_lint.rules import schema

sys.path.insert(0, str(ROOT / "bench"))
import bench_core  # noqa: E402

KEYS = ["role", "content", "name", "weight", "", "é", "a b"]


def json_values(levels: int = 8) -> st.SearchStrategy:
    """What orjson.loads gives, nested up to ``levels`` deep: many items of one shape, empty containers."""
    leaves = st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=3)
    if not levels:
        return leaves
    inner = json_values(levels - 1)
    messages = st.lists(st.fixed_dictionaries({"role": leaves, "content": leaves}), max_size=6)
    return (
        leaves
        | st.lists(inner, max_size=5)
        | st.dictionaries(st.sampled_from(KEYS) | st.text(max_size=2), inner, max_size=4)
        | messages
        | st.builds(lambda item, n: [item] * n, inner, st.integers(0, 4))
    )


def same(a: object, b: object) -> bool:
    """Equal, and of the same tuples and the very same type objects all the way down."""
    if type(a) is tuple:
        return type(b) is tuple and len(a) == len(b) and all(same(x, y) for x, y in zip(a, b, strict=True))
    return a is b or (type(a) is type(b) is str and a == b)


def check(value: object, depth: int = 6) -> None:
    fast, reference = both(schema, schema.record_shape, value, depth)
    assert same(fast, reference), (value, depth)
    assert fast == reference and repr(fast) == repr(reference) and hash(fast) == hash(reference)


def test_shape_describes_keys_types_and_distinct_items():
    record = {"messages": [{"role": "user", "content": "a"}, {"role": "user", "content": "b"}, [], {}], "n": 1.5}
    items = (list, (("role", "content"), (str, str)), list, ((), ()))
    assert jsonpath.shape(record) == (("messages", "n"), (items, float))
    assert jsonpath.shape(record, 1) == (("messages", "n"), (list, float))
    assert jsonpath.shape(record, 0) is dict and jsonpath.shape([], 3) is list
    assert jsonpath.shape([True, 1, 1.0, None]) == (list, bool, int, float, type(None))


compiled = pytest.mark.skipif(schema._C is None, reason="the compiled accelerator is not built here")


@compiled
@settings(max_examples=1000, deadline=None)
@given(json_values(), st.integers(0, 8))
def test_the_accelerator_gives_the_python_codes_shape(value, depth):
    check(value, depth)
    check({"messages": value}, depth)


@compiled
def test_the_accelerator_on_depths_and_odd_objects():
    deep: object = "leaf"
    for level in range(12):  # each level holds the one below twice
        deep = [deep, {"k": deep}] if level % 2 else {"a": deep, "b": [deep]}
    for depth in (-1, 0, 1, 2, 3, 6, 8, 40, 2**70, True, False):
        check(deep, depth)

    class Key(str):
        pass

    odd = [
        (("role",), (str,)),  # a tuple among the items: the Python takes it for an object's keys and types
        ("a", [dict]),
        {Key("role"): 1},
        {"role": 1},
        {1: 2, None: 3, (4,): 5},
        {1: 2, None: 3, (4,): 5},
        {"x": dict, "y": {1, 2}, "z": (1,)},
        object(),
        range(3),
        {"v": [{}, {"w": [[]]}]},
    ]
    for depth in range(6):
        check(odd, depth)
        check(odd[::-1], depth)
    for unshaped in ([()], [("a",)], [(1, 2)], [((1,), ([],))]):  # errors the Python code raises, raised alike
        fast, reference = both(schema, outcome, unshaped)
        assert fast == reference and issubclass(fast, Exception)


def outcome(value: object) -> object:
    try:
        return schema.record_shape(value)
    except Exception as error:
        return type(error)


@compiled
def test_the_accelerator_stops_where_python_would_recurse_too_deep():
    deep: object = []
    for _ in range(100_000):
        deep = [deep]
    check(deep, 6)
    with pytest.raises(RecursionError):
        schema.record_shape(deep, -1)
    with pytest.raises(TypeError):
        schema._C.shape(deep, 6.0)


@compiled
def test_the_accelerator_on_real_records():
    rng = random.Random(5)
    bench = [bench_core.example(rng) for _ in range(2000)]
    found = list(real_records(FIXTURE_DIR))
    assert len(found) > 1000
    for record in bench + found:
        check(record)
        fast, reference = both(schema, fresh_key, record)
        assert fast == reference


def fresh_key(record: dict) -> int:
    """S005's stable key of ``record``, not from its memo."""
    schema._memo.clear()
    return schema.shape_key(record)


@compiled
@pytest.mark.skipif(not CORPUS.is_dir(), reason=f"no corpus at {CORPUS} (JSONL_LINT_SHARED={SHARED})")
def test_the_accelerator_on_the_corpus():
    count = 0
    for record in real_records(CORPUS):
        check(record)
        count += 1
    assert count > 1000
