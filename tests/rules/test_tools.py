"""C010 tool-call-mismatch and C011 preference-pair: unit, fixture and property tests."""

from __future__ import annotations

import dataclasses
import json
import re
import string
from pathlib import Path

import pytest
from conftest import FIXTURE_DIR, ROOT
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jsonl_lint import Settings, lint, profiles
from jsonl_lint.errors import ConfigError
from jsonl_lint.example import Example, Turn
from jsonl_lint.formats import FORMATS
from jsonl_lint.plugins import registry
from jsonl_lint.rules.tools import PreferencePair, ToolCallMismatch

FIXTURES = FIXTURE_DIR / "rules"

USER = {"role": "user", "content": "Weather in Rome?"}
ANSWER = {"role": "assistant", "content": "It is sunny."}
WEATHER = {"type": "function", "function": {"name": "get_weather"}}


def call(call_id="call_1", name="get_weather", arguments='{"city": "Rome"}'):
    return {"id": call_id, "type": "function", "function": {"name": name, "arguments": arguments}}


def calls(*items):
    return {"role": "assistant", "content": None, "tool_calls": list(items)}


def result(call_id="call_1", content="Sunny"):
    return {"role": "tool", "content": content, "tool_call_id": call_id}


def check(record, **options):
    problems = []
    example = FORMATS["openai-chat"].adapt(record, problems)
    return list(ToolCallMismatch(options).check(example))


def paths(record, **options):
    return [finding.json_path for finding in check(record, **options)]


# -- registration ------------------------------------------------------------------


def test_rules_are_registered():
    rules = registry()
    assert rules["C010"] is ToolCallMismatch and rules["C010"].name == "tool-call-mismatch"
    assert rules["C011"] is PreferencePair and rules["C011"].name == "preference-pair"
    assert str(rules["C010"].severity) == str(rules["C011"].severity) == "error"


def test_c010_applies_to_openai_chat_and_dpo():
    assert ToolCallMismatch.formats == {"openai-chat", "openai-dpo"}
    # The engine filters on the format's kind: openai-dpo records are preference examples.
    assert {"chat", "preference"} <= ToolCallMismatch.kinds
    assert PreferencePair.kinds == {"preference"}


# -- C010 on OpenAI chat -------------------------------------------------------------


def test_valid_parallel_calls_pass():
    record = {
        "messages": [USER, calls(call("a"), call("b", arguments="{}")), result("a"), result("b"), ANSWER],
        "tools": [WEATHER],
    }
    assert check(record) == []


def test_final_call_is_a_training_target():
    assert check({"messages": [USER, calls(call())], "tools": [WEATHER]}) == []


def test_call_without_result_when_the_conversation_goes_on():
    record = {"messages": [USER, calls(call("a"), call("b")), result("a"), ANSWER]}
    [finding] = check(record)
    assert finding.json_path == "$.messages[1].tool_calls[1].id"
    assert "`b`" in finding.message and "`get_weather`" in finding.message


def test_call_followed_by_a_user_message_without_result():
    record = {"messages": [USER, calls(call()), {"role": "user", "content": "Well?"}, ANSWER]}
    assert paths(record) == ["$.messages[1].tool_calls[0].id"]


def test_result_without_call():
    [finding] = check({"messages": [USER, calls(call("a")), result("a"), result("zz"), ANSWER]})
    assert finding.json_path == "$.messages[3].tool_call_id"
    assert "`zz`" in finding.message


def test_result_answering_a_call_twice():
    [finding] = check({"messages": [USER, calls(call("a")), result("a"), result("a"), ANSWER]})
    assert finding.json_path == "$.messages[3].tool_call_id"
    assert "again" in finding.message


def test_tool_message_without_any_call():
    assert paths({"messages": [USER, result("a"), ANSWER]}) == ["$.messages[1].tool_call_id"]


def test_duplicate_ids():
    record = {"messages": [USER, calls(call("a"), call("a")), result("a"), result("a"), ANSWER]}
    [finding] = check(record)
    assert finding.json_path == "$.messages[1].tool_calls[1].id"
    assert "`a`" in finding.message and "$.messages[1].tool_calls[0].id" in finding.message


def test_duplicate_ids_across_turns():
    record = {"messages": [USER, calls(call("a")), result("a"), ANSWER, USER, calls(call("a")), result("a"), ANSWER]}
    assert paths(record) == ["$.messages[5].tool_calls[0].id"]


def test_duplicate_id_with_a_single_result_leaves_one_call_unanswered():
    record = {"messages": [USER, calls(call("a"), call("a")), result("a"), ANSWER]}
    assert paths(record) == ["$.messages[1].tool_calls[1].id", "$.messages[1].tool_calls[1].id"]


@pytest.mark.parametrize("key", ["tools", "functions"])
def test_undeclared_function(key):
    declared = [WEATHER] if key == "tools" else [{"name": "get_weather"}]
    [finding] = check({"messages": [USER, calls(call(name="get_time")), result(), ANSWER], key: declared})
    assert finding.json_path == "$.messages[1].tool_calls[0].function.name"
    assert "`get_time`" in finding.message and f"`{key}`" in finding.message


def test_no_declarations_means_no_undeclared_check():
    assert check({"messages": [USER, calls(call(name="anything")), result(), ANSWER]}) == []


def test_empty_tools_declares_nothing():
    assert paths({"messages": [USER, calls(call()), result(), ANSWER], "tools": []}) == [
        "$.messages[1].tool_calls[0].function.name"
    ]


def test_tools_of_another_type_declare_no_function():
    record = {"messages": [USER, calls(call()), result(), ANSWER], "tools": [{"type": "code_interpreter"}]}
    assert paths(record) == ["$.messages[1].tool_calls[0].function.name"]


@pytest.mark.parametrize(
    ("arguments", "words"),
    [
        ("{'city': 'Rome'}", "not valid JSON"),
        ('{"city": "Rome"', "not valid JSON"),
        ('["Rome"]', "not an array"),
        ("42", "not a number"),
        ("1.5", "not a number"),
        ('"Rome"', "not a string"),
        ("true", "not a boolean"),
        ("null", "not null"),
        ("", "empty"),
        ("  ", "empty"),
        ("NaN", "not valid JSON"),
    ],
)
def test_arguments_not_a_json_object(arguments, words):
    [finding] = check({"messages": [USER, calls(call(arguments=arguments)), result(), ANSWER]})
    assert finding.json_path == "$.messages[1].tool_calls[0].function.arguments"
    assert words in finding.message and "`get_weather`" in finding.message


@pytest.mark.parametrize("arguments", ['{"city": "Rome"}', "{}", ' {"a": [1, {"b": null}]} '])
def test_arguments_json_objects_pass(arguments):
    assert check({"messages": [USER, calls(call(arguments=arguments)), result(), ANSWER]}) == []


@pytest.mark.parametrize("arguments", [{"city": "Rome"}, None, 5, ["x"]])
def test_arguments_not_a_string_is_left_to_s002(arguments):
    assert check({"messages": [USER, calls(call(arguments=arguments)), result(), ANSWER]}) == []


@pytest.mark.parametrize(
    ("name", "words"),
    [("get weather", "may only contain"), ("weather.get", "may only contain"), ("f" * 65, "65 characters"),
     ("", "is empty"), ("météo", "may only contain"), ("a\nb", "may only contain")],
)  # fmt: skip
def test_invalid_function_names(name, words):
    [finding] = check({"messages": [USER, calls(call(name=name)), result(), ANSWER]})
    assert finding.json_path == "$.messages[1].tool_calls[0].function.name"
    assert words in finding.message


@pytest.mark.parametrize("name", ["get_weather", "A-b_9", "f" * 64, "x"])
def test_valid_function_names(name):
    assert check({"messages": [USER, calls(call(name=name)), result(), ANSWER]}) == []


def test_invalid_names_in_declarations():
    record = {
        "messages": [USER, ANSWER],
        "tools": [{"type": "function", "function": {"name": "bad name"}}, WEATHER],
        "functions": [{"name": "also.bad"}],
    }
    assert paths(record) == ["$.tools[0].function.name", "$.functions[0].name"]


def test_messages_name_the_id_and_function():
    for finding in check({"messages": [USER, calls(call("call_xyz")), USER, ANSWER]}):
        assert "`call_xyz`" in finding.message


def test_odd_values_are_quoted_safely():
    odd = "a`b\ud800" + "x" * 100
    [finding] = check({"messages": [USER, result(odd), ANSWER]})
    assert "\ud800" not in finding.message and len(finding.message) < 200


# -- legacy function calling ----------------------------------------------------------


def fcall(name="get_weather", arguments='{"city": "Rome"}'):
    return {"role": "assistant", "content": None, "function_call": {"name": name, "arguments": arguments}}


def fresult(name="get_weather"):
    return {"role": "function", "name": name, "content": "Sunny"}


def test_legacy_function_calling_passes():
    assert check({"messages": [USER, fcall(), fresult(), ANSWER], "functions": [{"name": "get_weather"}]}) == []
    assert check({"messages": [USER, fcall()], "functions": [{"name": "get_weather"}]}) == []


def test_legacy_call_without_result():
    assert paths({"messages": [USER, fcall(), ANSWER]}) == ["$.messages[1].function_call"]


def test_legacy_result_without_call():
    [finding] = check({"messages": [USER, fresult(), ANSWER]})
    assert finding.json_path == "$.messages[1].name" and "`get_weather`" in finding.message


def test_legacy_result_for_another_function():
    record = {"messages": [USER, fcall(), fresult("get_time"), ANSWER]}
    assert paths(record) == ["$.messages[2].name", "$.messages[1].function_call"]


def test_legacy_second_call_after_an_answered_one():
    record = {"messages": [USER, fcall(), fresult(), fcall(), ANSWER]}
    assert paths(record) == ["$.messages[3].function_call"]


def test_legacy_result_twice():
    [finding] = check({"messages": [USER, fcall(), fresult(), fresult(), ANSWER]})
    assert "again" in finding.message


def test_legacy_undeclared_and_bad_arguments():
    record = {"messages": [USER, fcall("get_time", "[]"), fresult("get_time"), ANSWER], "functions": [{"name": "x"}]}
    assert paths(record) == ["$.messages[1].function_call.name", "$.messages[1].function_call.arguments"]


# -- the id pattern option ---------------------------------------------------------------

MISTRAL = "^[a-zA-Z0-9]{9}$"


def test_id_pattern_is_off_by_default():
    assert ToolCallMismatch.options[0].name == "tool-call-id-pattern"
    assert ToolCallMismatch.options[0].default == ""
    assert check({"messages": [USER, calls(call("call_1")), result("call_1"), ANSWER]}) == []


def test_id_pattern():
    record = {
        "messages": [USER, calls(call("D681PevKs"), call("call_1")), result("D681PevKs"), result("call_1"), ANSWER]
    }
    [finding] = check(record, **{"tool-call-id-pattern": MISTRAL})
    assert finding.json_path == "$.messages[1].tool_calls[1].id"
    assert "`call_1`" in finding.message and MISTRAL in finding.message


def test_id_pattern_matches_the_whole_id():
    record = {"messages": [USER, calls(call("D681PevKs\n")), result("D681PevKs\n"), ANSWER]}
    assert len(check(record, **{"tool-call-id-pattern": MISTRAL})) == 1
    assert len(check(record, **{"tool-call-id-pattern": "[A-Za-z0-9]{9}"})) == 1


def test_id_pattern_is_compiled_once():
    rule = ToolCallMismatch({"tool-call-id-pattern": MISTRAL})
    example = FORMATS["openai-chat"].adapt({"messages": [USER, calls(call("abc")), result("abc"), ANSWER]}, [])
    assert len(list(rule.check(example))) == 1
    compiled = rule._compiled
    assert isinstance(compiled, re.Pattern)
    list(rule.check(example))
    assert rule._compiled is compiled


def test_id_pattern_from_the_config(tmp_path):
    path = tmp_path / "data.jsonl"
    path.write_text(json.dumps({"messages": [USER, calls(call("call_1")), result("call_1"), ANSWER]}) + "\n")
    configured = Settings()
    configured.apply({"tool-call-id-pattern": MISTRAL}, "test")
    assert [d.line for d in lint([str(path)], configured).diagnostics if d.code == "C010"] == [1]
    assert [d for d in lint([str(path)], Settings()).diagnostics if d.code == "C010"] == []


def test_id_pattern_from_the_mistral_profile(tmp_path):
    if "mistral" not in profiles.available():
        pytest.skip("no mistral profile yet")
    path = tmp_path / "data.jsonl"
    records = [
        {"messages": [USER, calls(call("D681PevKs")), result("D681PevKs"), ANSWER]},
        {"messages": [USER, calls(call("call_1")), result("call_1"), ANSWER]},
    ]
    path.write_text("".join(json.dumps(r) + "\n" for r in records))
    configured = Settings()
    configured.apply({"profile": "mistral"}, "test")
    assert [d.line for d in lint([str(path)], configured, jobs=1).diagnostics if d.code == "C010"] == [2]


@pytest.mark.parametrize("value", ["[a-z", 9])
def test_id_pattern_config_is_validated(value):
    with pytest.raises(ConfigError, match="tool-call-id-pattern"):
        Settings().apply({"tool-call-id-pattern": value}, "test")


# -- cheapness ----------------------------------------------------------------------------


class Untouchable(dict):
    """A record whose values the rule must not read."""

    def get(self, *args):
        raise AssertionError("the rule read the record")

    def __getitem__(self, key):
        raise AssertionError("the rule read the record")


def test_plain_records_are_not_read():
    example = FORMATS["openai-chat"].adapt({"messages": [USER, ANSWER]}, [])
    example.record = Untouchable(example.record)
    assert list(ToolCallMismatch().check(example)) == []


# -- C010 on OpenAI DPO -------------------------------------------------------------------


def dpo(inputs, preferred, rejected, **extra):
    record = {"input": {"messages": inputs, **extra}, "preferred_output": preferred, "non_preferred_output": rejected}
    # Built by hand: the openai-dpo format is written concurrently; the rule reads the raw record.
    return Example(FORMATS["openai-dpo"], record, [], "$.input.messages")


def test_dpo_valid_pair_passes():
    example = dpo([USER, calls(call()), result()], [ANSWER], [{"role": "assistant", "content": "No idea."}])
    assert list(ToolCallMismatch().check(example)) == []
    example = dpo([USER], [calls(call())], [ANSWER], tools=[WEATHER])
    assert list(ToolCallMismatch().check(example)) == []


def test_dpo_findings_in_input_are_reported_once():
    example = dpo([USER, result("zz")], [ANSWER], [ANSWER])
    assert [f.json_path for f in ToolCallMismatch().check(example)] == ["$.input.messages[1].tool_call_id"]


def test_dpo_outputs_are_checked_against_input_tools():
    example = dpo([USER], [calls(call(name="get_time"))], [calls(call(arguments="[]"))], tools=[WEATHER])
    assert [f.json_path for f in ToolCallMismatch().check(example)] == [
        "$.preferred_output[0].tool_calls[0].function.name",
        "$.non_preferred_output[0].tool_calls[0].function.arguments",
    ]


def test_dpo_same_id_in_both_outputs_is_not_a_duplicate():
    example = dpo([USER], [calls(call("a"))], [calls(call("a", arguments='{"city": "Paris"}'))])
    assert list(ToolCallMismatch().check(example)) == []


def test_dpo_input_call_answered_by_an_output_result():
    example = dpo([USER, calls(call("a"))], [result("a"), ANSWER], [ANSWER])
    # The preferred branch answers the call; the rejected one goes on without its result.
    assert [f.json_path for f in ToolCallMismatch().check(example)] == ["$.input.messages[1].tool_calls[0].id"]


def test_dpo_declarations_and_broken_shapes():
    example = dpo([USER], [ANSWER], [ANSWER], tools=[{"type": "function", "function": {"name": "bad name"}}])
    assert [f.json_path for f in ToolCallMismatch().check(example)] == ["$.input.tools[0].function.name"]
    for record in ({"input": None}, {"input": {"messages": 5}}, {"input": {}, "preferred_output": {}}):
        assert list(ToolCallMismatch().check(Example(FORMATS["openai-dpo"], record, []))) == []


# -- C011 -------------------------------------------------------------------------------------


def pair(preferred: str | None, rejected: str | None, nontext=False, fmt="openai-dpo"):
    turns = [Turn("user", "Capital of France?", "$.input.messages[0]", False)]
    if preferred is not None:
        turns.append(Turn("assistant", preferred, "$.preferred_output[0]", nontext))
    loser = None if rejected is None else Turn("assistant", rejected, "$.non_preferred_output[0]", nontext)
    record = {"input": {"messages": []}}
    return Example(FORMATS[fmt], record, turns, "$.input.messages", loser)


def c011(example):
    return [(f.json_path, f.message) for f in PreferencePair().check(example)]


def test_c011_distinct_answers_pass():
    assert c011(pair("Paris.", "I don't know.")) == []
    assert c011(pair("Paris.", "paris.")) == []  # case matters


@pytest.mark.parametrize("rejected", ["Paris.", " Paris.\n", "Paris.  ", "\tParis."])
def test_c011_identical(rejected):
    [(path, message)] = c011(pair("Paris.", rejected))
    assert path == "$.non_preferred_output[0]" and "identical" in message


def test_c011_identical_after_folding_inner_whitespace():
    [(path, _)] = c011(pair("Crisp leaves\nfall.", "Crisp  leaves fall."))
    assert path == "$.non_preferred_output[0]"


@pytest.mark.parametrize(("text", "word"), [("", "empty"), (" \n", "whitespace-only")])
def test_c011_empty_preferred(text, word):
    [(path, message)] = c011(pair(text, "I don't know."))
    assert path == "$.preferred_output[0]" and "Preferred" in message and word in message


@pytest.mark.parametrize(("text", "word"), [("", "empty"), ("\u3000", "whitespace-only")])
def test_c011_empty_rejected(text, word):
    [(path, message)] = c011(pair("Paris.", text))
    assert path == "$.non_preferred_output[0]" and "Rejected" in message and word in message


def test_c011_both_empty_is_two_findings_not_identical():
    found = c011(pair("", ""))
    assert [path for path, _ in found] == ["$.preferred_output[0]", "$.non_preferred_output[0]"]
    assert not any("identical" in message for _, message in found)


def test_c011_leaves_a_missing_rejected_side_to_s002():
    assert c011(pair("Paris.", None)) == []
    assert c011(pair("", None)) == [("$.preferred_output[0]", "Preferred answer is empty")]


def test_c011_missing_preferred():
    [(path, message)] = c011(pair(None, "Paris."))
    assert path == "$.input.messages" and "no preferred" in message


def test_c011_tool_call_answers_are_not_empty():
    assert c011(pair("", "", nontext=True)) == []


# -- fixtures and docs through the engine ------------------------------------------------------


def _profile_for(fmt: str) -> str | None:
    for name in profiles.available():
        formats = profiles.load(name).formats
        if not formats or fmt in formats:
            return name
    return None


@pytest.fixture
def accepting(monkeypatch):
    """``accepting(fmt)``: a profile that accepts ``fmt``; the default one, widened, if none does yet."""

    def profile(fmt: str) -> str:
        if fmt not in FORMATS:
            pytest.skip(f"format {fmt} is not registered yet")
        name = _profile_for(fmt)
        if name is not None:
            return name
        load = profiles.load

        def widened(name):
            loaded = load(name)
            return dataclasses.replace(loaded, formats=(*loaded.formats, fmt)) if name == profiles.DEFAULT else loaded

        monkeypatch.setattr(profiles, "load", widened)
        return profiles.DEFAULT

    return profile


def _lines(path: Path, code: str, profile: str | None = None) -> list[int | None]:
    configured = Settings()
    if profile:
        configured.apply({"profile": profile}, "test")
    result = lint([str(path)], configured, jobs=1)
    assert result.errors == []
    return sorted(d.line for d in result.diagnostics if d.code == code)


@pytest.mark.parametrize("name", ["fail.jsonl", "pass.jsonl"])
def test_c011_fixtures(accepting, name):
    """The C011 fixtures (OpenAI DPO), with a profile that accepts the format."""
    profile = accepting("openai-dpo")
    expected = json.loads((FIXTURES / "C011" / "expected.json").read_text("utf-8"))
    assert _lines(FIXTURES / "C011" / name, "C011", profile) == expected[name]


def test_c010_on_dpo_records_through_the_engine(accepting, tmp_path):
    profile = accepting("openai-dpo")
    good = {
        "input": {"messages": [USER, calls(call("a")), result("a")], "tools": [WEATHER]},
        "preferred_output": [ANSWER],
        "non_preferred_output": [{"role": "assistant", "content": "No idea."}],
    }
    bad = {
        "input": {"messages": [USER], "tools": [WEATHER]},
        "preferred_output": [calls(call(name="get_time"))],
        "non_preferred_output": [ANSWER],
    }
    path = tmp_path / "dpo.jsonl"
    path.write_text(f"{json.dumps(good)}\n{json.dumps(bad)}\n", "utf-8")
    assert _lines(path, "C010", profile) == [2]


def _blocks(code: str, heading: str) -> list[str]:
    page = (ROOT / "rules" / f"{code}.md").read_text("utf-8")
    section = re.search(rf"^## {heading}\n(.*?)(?=^## )", page, re.S | re.M).group(1)
    return [line for block in re.findall(r"```jsonl\n(.*?)```", section, re.S) for line in block.splitlines()]


@pytest.mark.parametrize(("code", "fmt"), [("C010", "openai-chat"), ("C011", "openai-dpo")])
def test_doc_examples(accepting, tmp_path, code, fmt):
    """Every line of the page's Example is reported, no line of Use instead is."""
    profile = accepting(fmt)
    for heading, reported in (("Example", True), ("Use instead", False)):
        lines = _blocks(code, heading)
        assert lines
        path = tmp_path / f"{heading[0]}.jsonl"
        path.write_text("\n".join(lines) + "\n", "utf-8")
        found = set(_lines(path, code, profile))
        assert found == (set(range(1, len(lines) + 1)) if reported else set()), heading


# -- properties ---------------------------------------------------------------------------------

texts = st.text(max_size=10) | st.sampled_from(["", " ", "call_1", "call_2", "get_weather", "{}", "[]", "{'a'"])
json_scalars = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | texts
json_values = st.recursive(
    json_scalars,
    lambda children: st.lists(children, max_size=3) | st.dictionaries(texts, children, max_size=3),
    max_leaves=10,
)
ids = st.sampled_from(["call_1", "call_2", "D681PevKs", ""]) | json_values
names = st.sampled_from(["get_weather", "get_time", "bad name", "f" * 65]) | json_values
function = (
    st.fixed_dictionaries(
        {}, optional={"name": names, "arguments": st.sampled_from(['{"a": 1}', "{}", "[]", "", "x"]) | json_values}
    )
    | json_values
)
tool_calls = (
    st.lists(
        st.fixed_dictionaries({}, optional={"id": ids, "type": st.just("function") | json_values, "function": function})
        | json_values,
        max_size=3,
    )
    | json_values
)
message = (
    st.fixed_dictionaries(
        {},
        optional={
            "role": st.sampled_from(["user", "assistant", "tool", "function", "system"]) | json_values,
            "content": texts | json_values,
            "tool_calls": tool_calls,
            "tool_call_id": ids,
            "function_call": function,
            "name": names,
        },
    )
    | json_values
)
declarations = (
    st.lists(
        st.fixed_dictionaries(
            {}, optional={"type": st.just("function") | json_values, "function": function, "name": names}
        )
        | json_values,
        max_size=3,
    )
    | json_values
)
records = st.fixed_dictionaries(
    {"messages": st.lists(message, max_size=6) | json_values},
    optional={"tools": declarations, "functions": declarations, "parallel_tool_calls": json_values},
)
PROPERTY = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
PATH = re.compile(r"^\$(\.[a-z_]+|\[\d+\])*$")


def _well_formed(findings):
    for finding in findings:
        assert isinstance(finding.message, str) and finding.message.strip()
        assert finding.json_path and PATH.match(finding.json_path), finding


@PROPERTY
@given(record=records, pattern=st.sampled_from(["", MISTRAL]))
def test_c010_never_raises_on_chat(record, pattern):
    example = FORMATS["openai-chat"].adapt(record, [])
    _well_formed(ToolCallMismatch({"tool-call-id-pattern": pattern}).check(example))


@PROPERTY
@given(
    inputs=st.dictionaries(
        st.sampled_from(["messages", "tools", "functions"]), st.lists(message, max_size=4) | json_values
    )
    | json_values,
    outputs=st.dictionaries(
        st.sampled_from(["preferred_output", "non_preferred_output", "preferred_completion"]),
        st.lists(message, max_size=3) | json_values,
    ),
)
def test_c010_never_raises_on_dpo(inputs, outputs):
    example = Example(FORMATS["openai-dpo"], {"input": inputs, **outputs}, [], "$.input.messages")
    _well_formed(ToolCallMismatch().check(example))


turns = st.builds(
    Turn,
    st.sampled_from(["user", "assistant", "tool", None]),
    st.text(string.printable, max_size=8) | st.sampled_from(["", " ", "Paris.", " Paris. "]),
    st.sampled_from(["$.input.messages[0]", "$.preferred_output[0]"]),
    st.booleans(),
)


@PROPERTY
@given(history=st.lists(turns, max_size=4), rejected=st.none() | turns)
def test_c011_never_raises(history, rejected):
    example = Example(FORMATS["openai-dpo"], {}, history, "$.input.messages", rejected)
    findings = list(PreferencePair().check(example))
    _well_formed(findings)
    assert len(findings) <= 3
