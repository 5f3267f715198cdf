"""Format adapters: each format normalises to the same Example view and reports its own shape problems."""

from __future__ import annotations

import re

import orjson
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jsonl_lint import profiles
from jsonl_lint.example import Example, Turn
from jsonl_lint.formats import FORMATS
from jsonl_lint.formats.detect import Detector, profile_formats
from jsonl_lint.formats.hints import explain_unknown

KINDS = {"chat", "completion", "preference", "text"}
NEW_FORMATS = [
    "openai-dpo", "openai-rft", "bedrock-nova", "bedrock-claude", "vertex-gemini", "sharegpt", "alpaca", "text",
    "trl-prompt-completion", "trl-preference", "hh-preference",
]  # fmt: skip


def adapt(name: str, record: dict) -> tuple[Example, list[tuple[str, str]]]:
    problems: list = []
    example = FORMATS[name].adapt(record, problems)
    return example, [(p.code, p.json_path) for p in problems]


def detect(record: dict) -> str | None:
    """The format the `auto` profile picks: every format, largest signature first (ties: registration order)."""
    for fmt in profile_formats(profiles.load("auto")):
        if any(keys <= record.keys() for keys in fmt.key_sets(auto=True)):
            return fmt.name
    return None


def view(turns: list[Turn]) -> list[tuple]:
    return [(t.role, t.text, t.path, t.nontext) for t in turns]


def T(role, text, path, nontext=False):  # noqa: N802 (reads like the Turn it stands for)
    return (role, text, path, nontext)


# -- the formats' declarations ------------------------------------------------------------


@pytest.mark.parametrize("name", NEW_FORMATS)
def test_declarations(name):
    fmt = FORMATS[name]
    assert fmt.name == name and fmt.title and fmt.kind in KINDS
    assert fmt.signature and fmt.signature <= fmt.keys
    assert "prompt-completion" not in FORMATS  # Bedrock Titan/Cohere/Llama data is openai-completion


# -- valid records ----------------------------------------------------------------------------

USER = {"role": "user", "content": "Hi"}
ASSISTANT = {"role": "assistant", "content": "Hello"}
NOVA = "bedrock-conversation-2024"
NOVA_USER = {"role": "user", "content": [{"text": "Hi"}]}
GCS_FILE = {"mimeType": "image/png", "fileUri": "gs://b/x.png"}
HH_HUMAN_LAST = "\n\nHuman: Hi\n\nAssistant: Hello\n\nHuman: Bye"
HH_CHOSEN = "\n\nHuman: Hi\n\nAssistant: Hello\n\nHuman: Bye\n\nAssistant: Bye!"
HH_REJECTED = "\n\nHuman: Hi\n\nAssistant: Hello\n\nHuman: Bye\n\nAssistant: No."
NOVA_IMAGE = {"format": "png", "source": {"s3Location": {"uri": "s3://bucket/cat.png", "bucketOwner": "123456789012"}}}
DPO_INPUT = {
    "messages": [{"role": "system", "content": "Be brief."}, {"role": "user", "content": "Hi"}],
    "tools": [],
    "parallel_tool_calls": False,
}

VALID = [
    # name, record, turns, rejected, turns_path
    (
        "openai-dpo",
        {
            "input": DPO_INPUT,
            "preferred_output": [{"role": "assistant", "content": "Hello!"}],
            "non_preferred_output": [{"role": "assistant", "content": "Go away."}],
        },
        [T("system", "Be brief.", "$.input.messages[0]"), T("user", "Hi", "$.input.messages[1]"),
         T("assistant", "Hello!", "$.preferred_output[0]")],
        T("assistant", "Go away.", "$.non_preferred_output[0]"),
        "$.input.messages",
    ),
    (
        "openai-dpo",
        {
            "input": {"messages": [
                USER,
                {"role": "assistant", "content": None,
                 "tool_calls": [{"id": "c1", "type": "function", "function": {"name": "f", "arguments": "{}"}}]},
                {"role": "tool", "tool_call_id": "c1", "content": [{"type": "text", "text": "42"}]},
            ]},
            "preferred_completion": [{"role": "assistant", "content": [{"type": "text", "text": "It is 42."}]}],
            "non_preferred_output": [{"role": "assistant", "content": "No idea."}],
        },
        [T("user", "Hi", "$.input.messages[0]"), T("assistant", "f({})", "$.input.messages[1]", True),
         T("tool", "42", "$.input.messages[2]"), T("assistant", "It is 42.", "$.preferred_completion[0]")],
        T("assistant", "No idea.", "$.non_preferred_output[0]"),
        "$.input.messages",
    ),
    (
        "openai-rft",
        {"messages": [{"role": "developer", "content": "Grade it."}, {"role": "user", "content": "2+2?"}],
         "reference_answer": "4", "id": 7, "weight": {"any": "grader field"}},
        [T("developer", "Grade it.", "$.messages[0]"), T("user", "2+2?", "$.messages[1]")],
        None,
        "$.messages",
    ),
    (
        "bedrock-nova",
        {
            "schemaVersion": "bedrock-conversation-2024",
            "system": [{"text": "You are terse."}],
            "messages": [
                {"role": "user", "content": [{"text": "Describe"}, {"image": NOVA_IMAGE}]},
                {"role": "assistant", "content": [{"text": "A cat."}]},
            ],
        },
        [T("system", "You are terse.", "$.system"), T("user", "Describe", "$.messages[0]", True),
         T("assistant", "A cat.", "$.messages[1]")],
        None,
        "$.messages",
    ),
    (
        "bedrock-nova",
        {
            "schemaVersion": "bedrock-conversation-2024",
            "messages": [
                {"role": "user", "content": [{"text": "Weather?"}]},
                {"role": "assistant", "content": [{"toolUse": {"toolUseId": "t1", "name": "get", "input": {"q": 1}}}]},
                {"role": "user", "content": [{"toolResult": {"toolUseId": "t1", "content": [{"json": {"t": 20}}]}}]},
                {"role": "assistant", "content": [{"reasoningContent": {"reasoningText": {"text": "Warm."}}},
                                                  {"text": "20 degrees."}]},
            ],
            "toolConfig": {"tools": []},
        },
        [T("user", "Weather?", "$.messages[0]"), T("assistant", 'get({"q":1})', "$.messages[1]", True),
         T("user", '{"t":20}', "$.messages[2]", True), T("assistant", "Warm.\n20 degrees.", "$.messages[3]", True)],
        None,
        "$.messages",
    ),
    (
        "bedrock-claude",
        {"system": "Be kind.", "messages": [USER, {"role": "assistant", "content": "Hey"}]},
        [T("system", "Be kind.", "$.system"), T("user", "Hi", "$.messages[0]"),
         T("assistant", "Hey", "$.messages[1]")],
        None,
        "$.messages",
    ),
    (
        "bedrock-claude",  # an empty system prompt is no turn
        {"system": "", "messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hey"}]},
        [T("user", "Hi", "$.messages[0]"), T("assistant", "Hey", "$.messages[1]")],
        None,
        "$.messages",
    ),
    (
        "vertex-gemini",
        {
            "systemInstruction": {"role": "ignored", "parts": [{"text": "Be terse."}]},
            "contents": [
                {"role": "user", "parts": [{"text": "What is in"},
                                           {"fileData": GCS_FILE}]},
                {"role": "model", "parts": [{"text": "A cat."}]},
            ],
        },
        [T("system", "Be terse.", "$.systemInstruction"), T("user", "What is in", "$.contents[0]", True),
         T("model", "A cat.", "$.contents[1]")],
        None,
        "$.contents",
    ),
    (
        "vertex-gemini",
        {
            "contents": [
                {"role": "user", "parts": [{"text": "Weather?"}]},
                {"role": "model", "parts": [{"functionCall": {"name": "get", "args": {"city": "Rio"}}}]},
                {"role": "user", "parts": [{"functionResponse": {"name": "get", "response": {"t": 30}}}]},
                {"role": "model", "parts": [{"text": "30 degrees."}]},
            ],
            "tools": [{"functionDeclarations": [{"name": "get"}]}],
        },
        [T("user", "Weather?", "$.contents[0]"), T("model", 'get({"city":"Rio"})', "$.contents[1]", True),
         T("user", '{"t":30}', "$.contents[2]", True), T("model", "30 degrees.", "$.contents[3]")],
        None,
        "$.contents",
    ),
    (
        "vertex-gemini",  # protocol-buffer JSON also takes the snake_case names
        {
            "system_instruction": {"parts": [{"text": "S"}]},
            "contents": [{"role": "user", "parts": [{"inline_data": {"mime_type": "image/png", "data": "iVBOR"}},
                                                    {"text": "Hm?"}]}],
        },
        [T("system", "S", "$.system_instruction"), T("user", "Hm?", "$.contents[0]", True)],
        None,
        "$.contents",
    ),
    (
        "sharegpt",
        {
            "system": "Be Ana.",
            "conversations": [
                {"from": "human", "value": "Oi"},
                {"from": "gpt", "value": "Eita!"},
                {"from": "function_call", "value": '{"name": "f"}'},
                {"from": "observation", "value": "{}"},
                {"from": "gpt", "value": "Done", "weight": 1},
                {"from": "narrator", "value": "?"},
            ],
            "tools": "[]",
            "id": "abc",
        },
        [T("system", "Be Ana.", "$.system"), T("user", "Oi", "$.conversations[0]"),
         T("assistant", "Eita!", "$.conversations[1]"), T("assistant", '{"name": "f"}', "$.conversations[2]", True),
         T("tool", "{}", "$.conversations[3]"), T("assistant", "Done", "$.conversations[4]"),
         T("narrator", "?", "$.conversations[5]")],
        None,
        "$.conversations",
    ),
    (
        "sharegpt",
        {"conversations": [{"from": "system", "value": "S"}, {"from": "user", "value": "Q"},
                           {"from": "assistant", "value": "A"}, {"from": "tool", "value": "R"},
                           {"from": "bot", "value": "B"}, {"from": "model", "value": "M"},
                           {"from": "function", "value": "F"}, {"from": "function_response", "value": "FR"}],
         "system": None},
        [T("system", "S", "$.conversations[0]"), T("user", "Q", "$.conversations[1]"),
         T("assistant", "A", "$.conversations[2]"), T("tool", "R", "$.conversations[3]"),
         T("assistant", "B", "$.conversations[4]"), T("assistant", "M", "$.conversations[5]"),
         T("tool", "F", "$.conversations[6]"), T("tool", "FR", "$.conversations[7]")],
        None,
        "$.conversations",
    ),
    (
        "alpaca",
        {"instruction": "Translate.", "input": "Bom dia", "output": "Good morning"},
        [T("user", "Translate.\n\nBom dia", "$.instruction"), T("assistant", "Good morning", "$.output")],
        None,
        "$",
    ),
    (
        "alpaca",
        {"system": "S", "history": [["q1", "a1"]], "instruction": "q2", "input": "", "output": "a2"},
        [T("system", "S", "$.system"), T("user", "q1", "$.history[0][0]"), T("assistant", "a1", "$.history[0][1]"),
         T("user", "q2", "$.instruction"), T("assistant", "a2", "$.output")],
        None,
        "$",
    ),
    (
        "alpaca",
        {"instruction": "Say hi.", "input": None, "output": "Hi", "history": None},
        [T("user", "Say hi.", "$.instruction"), T("assistant", "Hi", "$.output")],
        None,
        "$",
    ),
    ("text", {"text": "Q: x\nA: SELECT 1"}, [T("assistant", "Q: x\nA: SELECT 1", "$.text")], None, "$"),
    (
        "trl-prompt-completion",
        {"prompt": "The sky is", "completion": " blue."},
        [T("user", "The sky is", "$.prompt"), T("assistant", " blue.", "$.completion")],
        None,
        "$",
    ),
    (
        "trl-prompt-completion",
        {"prompt": [{"role": "system", "content": "S"}, {"role": "user", "content": "Sky?"}],
         "completion": [{"role": "assistant", "content": "Blue."}]},
        [T("system", "S", "$.prompt[0]"), T("user", "Sky?", "$.prompt[1]"), T("assistant", "Blue.", "$.completion[0]")],
        None,
        "$",
    ),
    (
        "trl-prompt-completion",
        {"prompt": [{"role": "user", "content": [{"type": "image"}, {"type": "text", "text": "What?"}]}],
         "completion": [{"role": "assistant", "content": [{"type": "text", "text": "A cat."}]}],
         "images": ["cat.png"]},
        [T("user", "What?", "$.prompt[0]", True), T("assistant", "A cat.", "$.completion[0]")],
        None,
        "$",
    ),
    (
        "trl-prompt-completion",
        {"prompt": [{"role": "user", "content": "Weather?"}],
         "completion": [{"role": "assistant", "content": None,
                         "tool_calls": [{"type": "function", "function": {"name": "get", "arguments": {"c": "Rio"}}}]}],
         "tools": [{"type": "function", "function": {"name": "get"}}]},
        [T("user", "Weather?", "$.prompt[0]"), T("assistant", 'get({"c":"Rio"})', "$.completion[0]", True)],
        None,
        "$",
    ),
    (
        "trl-preference",
        {"prompt": "Sky?", "chosen": "Blue.", "rejected": "Green."},
        [T("user", "Sky?", "$.prompt"), T("assistant", "Blue.", "$.chosen")],
        T("assistant", "Green.", "$.rejected"),
        "$",
    ),
    (
        "trl-preference",
        {"prompt": [{"role": "user", "content": "Sky?"}], "chosen": [{"role": "assistant", "content": "Blue."}],
         "rejected": [{"role": "assistant", "content": "Green."}]},
        [T("user", "Sky?", "$.prompt[0]"), T("assistant", "Blue.", "$.chosen[0]")],
        T("assistant", "Green.", "$.rejected[0]"),
        "$",
    ),
    (
        "hh-preference",
        {"chosen": HH_CHOSEN, "rejected": HH_REJECTED},
        [T("user", "Hi", "$.chosen"), T("assistant", "Hello", "$.chosen"), T("user", "Bye", "$.chosen"),
         T("assistant", "Bye!", "$.chosen")],
        T("assistant", "No.", "$.rejected"),
        "$.chosen",
    ),
    (
        "hh-preference",  # TRL's implicit-prompt preference, standard form
        {"chosen": "The sky is blue.", "rejected": "The sky is green."},
        [T("assistant", "The sky is blue.", "$.chosen")],
        T("assistant", "The sky is green.", "$.rejected"),
        "$.chosen",
    ),
    (
        "hh-preference",  # ... and conversational form
        {"chosen": [{"role": "user", "content": "Sky?"}, {"role": "assistant", "content": "Blue."}],
         "rejected": [{"role": "user", "content": "Sky?"}, {"role": "assistant", "content": "Green."}]},
        [T("user", "Sky?", "$.chosen[0]"), T("assistant", "Blue.", "$.chosen[1]")],
        T("assistant", "Green.", "$.rejected[1]"),
        "$.chosen",
    ),
]  # fmt: skip


@pytest.mark.parametrize(("name", "record", "turns", "rejected", "turns_path"), VALID)
def test_valid_records_adapt_without_problems(name, record, turns, rejected, turns_path):
    example, problems = adapt(name, record)
    assert problems == ([("S003", "$.preferred_completion")] if "preferred_completion" in record else [])
    assert (example.format, example.kind, example.record) == (name, FORMATS[name].kind, record)
    assert view(example.turns) == turns
    assert example.turns_path == turns_path
    if rejected is None:
        assert example.rejected is None
    else:
        assert view([example.rejected]) == [rejected]


def test_preference_answer_is_the_preferred_output():
    example, _ = adapt("openai-dpo", VALID[0][1])
    assert example.answer == "Hello!" and example.prompt == "Be brief.\nHi"
    example, _ = adapt("hh-preference", {"chosen": HH_CHOSEN, "rejected": HH_REJECTED})
    assert example.answer == "Bye!" and example.prompt == "Hi\nHello\nBye"


def test_weights_are_carried():
    example, _ = adapt("sharegpt", {"conversations": [{"from": "gpt", "value": "x", "weight": 0}]})
    assert example.turns[0].weight == 0


# -- broken records: S002/S003 at the exact path ----------------------------------------------


def nova(messages, **extra):
    return {"schemaVersion": NOVA, "messages": messages, **extra}


def nova_blocks(*blocks):
    return nova([{"role": "user", "content": list(blocks)}])


def gemini(*parts, role="user", **extra):
    return {"contents": [{"role": role, "parts": list(parts)}], **extra}


def dpo(**changes):
    record = {"input": {"messages": [USER]}, "preferred_output": [ASSISTANT], "non_preferred_output": [ASSISTANT]}
    record.update(changes)
    return {k: v for k, v in record.items() if v is not None}


BROKEN = [
    # openai-dpo
    ("openai-dpo", dpo(input="Hi"), [("S002", "$.input")]),
    ("openai-dpo", dpo(input={"messages": []}), [("S002", "$.input.messages")]),
    ("openai-dpo", dpo(input={"prompt": "Hi"}), [("S003", "$.input.prompt"), ("S002", "$.input.messages")]),
    ("openai-dpo", dpo(input={"messages": [USER], "tools": {}}), [("S002", "$.input.tools")]),
    ("openai-dpo", dpo(input={"messages": [USER, "Hi"]}), [("S002", "$.input.messages[1]")]),
    ("openai-dpo", dpo(input={"messages": [{"role": 1, "content": "x"}]}), [("S002", "$.input.messages[0].role")]),
    ("openai-dpo", dpo(preferred_output=ASSISTANT), [("S002", "$.preferred_output")]),
    ("openai-dpo", dpo(preferred_output=[]), [("S002", "$.preferred_output")]),
    ("openai-dpo", dpo(preferred_output=[USER]), [("S002", "$.preferred_output[0].role")]),
    ("openai-dpo", dpo(preferred_output=[ASSISTANT, ASSISTANT]), [("S002", "$.preferred_output[1]")]),
    ("openai-dpo", dpo(preferred_output=["Hello"]), [("S002", "$.preferred_output[0]")]),
    ("openai-dpo", dpo(non_preferred_output=[{"role": "assistant", "content": 5}]),
     [("S002", "$.non_preferred_output[0].content")]),
    ("openai-dpo", dpo(non_preferred_output=[{"role": "assistant", "content": "x", "score": 1}]),
     [("S003", "$.non_preferred_output[0].score")]),
    ("openai-dpo", dpo(non_preferred_output=None), [("S002", "$.non_preferred_output")]),
    ("openai-dpo", dpo(id=3), [("S003", "$.id")]),
    ("openai-dpo", {"input": {"messages": [USER]}, "preferred_completion": [ASSISTANT],
                    "non_preferred_completion": [ASSISTANT]},
     [("S003", "$.preferred_completion"), ("S003", "$.non_preferred_completion")]),
    ("openai-dpo", dpo(preferred_completion=[ASSISTANT]), [("S003", "$.preferred_completion")]),
    # openai-rft
    ("openai-rft", {"messages": "Hi", "anything": 1}, [("S002", "$.messages")]),
    ("openai-rft", {"messages": [{"role": "user", "content": "x", "grade": 1}]}, [("S003", "$.messages[0].grade")]),
    # bedrock-nova
    ("bedrock-nova", {**nova([NOVA_USER]), "schemaVersion": "2023"}, [("S002", "$.schemaVersion")]),
    ("bedrock-nova", nova([NOVA_USER], system="Be terse."), [("S002", "$.system")]),
    ("bedrock-nova", nova([NOVA_USER], system=[{"text": 5}]), [("S002", "$.system[0].text")]),
    ("bedrock-nova", nova([NOVA_USER], system=["Be terse."]), [("S002", "$.system[0]")]),
    ("bedrock-nova", nova([NOVA_USER], toolConfig=[]), [("S002", "$.toolConfig")]),
    ("bedrock-nova", nova([]), [("S002", "$.messages")]),
    ("bedrock-nova", nova([USER]), [("S002", "$.messages[0].content")]),
    ("bedrock-nova", nova([{"content": [{"text": "Hi"}]}]), [("S002", "$.messages[0].role")]),
    ("bedrock-nova", nova_blocks({"txt": "Hi"}),
     [("S003", "$.messages[0].content[0].txt"), ("S002", "$.messages[0].content[0]")]),
    ("bedrock-nova", nova_blocks({"text": "a", "image": NOVA_IMAGE}), [("S002", "$.messages[0].content[0]")]),
    ("bedrock-nova", nova_blocks({"image": "s3://b/x.png"}), [("S002", "$.messages[0].content[0].image")]),
    ("bedrock-nova", nova_blocks({"text": ["Hi"]}), [("S002", "$.messages[0].content[0].text")]),
    ("bedrock-nova", nova_blocks("Hi"), [("S002", "$.messages[0].content[0]")]),
    ("bedrock-nova", nova_blocks({"toolUse": {"input": {}}}), [("S002", "$.messages[0].content[0].toolUse.name")]),
    ("bedrock-nova", nova([{**NOVA_USER, "weight": 1}]), [("S003", "$.messages[0].weight")]),
    ("bedrock-nova", nova([NOVA_USER], inferenceConfig={}), [("S003", "$.inferenceConfig")]),
    # bedrock-claude
    ("bedrock-claude", {"system": ["S"], "messages": [USER]}, [("S002", "$.system")]),
    ("bedrock-claude", {"system": "S", "messages": {}}, [("S002", "$.messages")]),
    ("bedrock-claude", {"system": "S", "messages": [{"role": "user", "content": [{"type": "text", "text": "Hi"}]}]},
     [("S002", "$.messages[0].content")]),
    ("bedrock-claude", {"system": "S", "messages": [{**USER, "name": "me"}]}, [("S003", "$.messages[0].name")]),
    ("bedrock-claude", {"system": "S", "messages": [{"content": "Hi"}]}, [("S002", "$.messages[0].role")]),
    ("bedrock-claude", {"system": "S", "messages": [USER], "id": 1}, [("S003", "$.id")]),
    # vertex-gemini
    ("vertex-gemini", {"contents": []}, [("S002", "$.contents")]),
    ("vertex-gemini", gemini({"txt": "x"}),
     [("S003", "$.contents[0].parts[0].txt"), ("S002", "$.contents[0].parts[0]")]),
    ("vertex-gemini", gemini({"text": "S"}, role="system"), [("S002", "$.contents[0].role")]),
    ("vertex-gemini", gemini({"text": "a", "fileData": GCS_FILE}), [("S002", "$.contents[0].parts[0]")]),
    ("vertex-gemini", gemini({"inlineData": "iVBOR"}), [("S002", "$.contents[0].parts[0].inlineData")]),
    ("vertex-gemini", {"contents": [{"parts": [{"text": "S"}]}]}, [("S002", "$.contents[0].role")]),
    ("vertex-gemini", {"contents": [{"role": "user", "parts": "Hi"}]}, [("S002", "$.contents[0].parts")]),
    ("vertex-gemini", {"contents": [{"role": "user", "content": "Hi"}]},
     [("S003", "$.contents[0].content"), ("S002", "$.contents[0].parts")]),
    ("vertex-gemini", gemini({"text": "a"}, {"fileData": {"mimeType": "image/png"}}),
     [("S002", "$.contents[0].parts[1].fileData.fileUri")]),
    ("vertex-gemini", gemini({"functionCall": {"args": {}}}, role="model"),
     [("S002", "$.contents[0].parts[0].functionCall.name")]),
    ("vertex-gemini", gemini({"text": 1}), [("S002", "$.contents[0].parts[0].text")]),
    ("vertex-gemini", gemini({"text": "x"}, systemInstruction="Be terse."), [("S002", "$.systemInstruction")]),
    ("vertex-gemini", gemini({"text": "x"}, systemInstruction={"parts": [{"text": 2}]}),
     [("S002", "$.systemInstruction.parts[0].text")]),
    ("vertex-gemini", gemini({"text": "x"}, systemInstruction={"parts": []}), [("S002", "$.systemInstruction.parts")]),
    ("vertex-gemini", gemini({"text": "x"}, tools={}), [("S002", "$.tools")]),
    ("vertex-gemini", gemini({"text": "x"}, generationConfig={}), [("S003", "$.generationConfig")]),
    # sharegpt
    ("sharegpt", {"conversations": [{"from": "human", "value": "Oi"}, {"from": "gpt", "value": "E"},
                                    {"from": "human"}]},
     [("S002", "$.conversations[2].value")]),
    ("sharegpt", {"conversations": [{"from": "human", "value": 5}]}, [("S002", "$.conversations[0].value")]),
    ("sharegpt", {"conversations": [{"value": "Oi"}]}, [("S002", "$.conversations[0].from")]),
    ("sharegpt", {"conversations": [{"from": ["human"], "value": "Oi"}]}, [("S002", "$.conversations[0].from")]),
    ("sharegpt", {"conversations": ["Oi"]}, [("S002", "$.conversations[0]")]),
    ("sharegpt", {"conversations": [{"role": "user", "content": "Oi"}]},
     [("S003", "$.conversations[0].role"), ("S002", "$.conversations[0].from"), ("S002", "$.conversations[0].value")]),
    ("sharegpt", {"conversations": {}}, [("S002", "$.conversations")]),
    ("sharegpt", {"conversations": [{"from": "human", "value": "Oi"}], "source": "x"}, [("S003", "$.source")]),
    ("sharegpt", {"conversations": [{"from": "human", "value": "Oi"}], "system": 5}, [("S002", "$.system")]),
    ("sharegpt", {"conversations": [{"from": "human", "value": "Oi"}], "images": "a.png"}, [("S002", "$.images")]),
    ("sharegpt", {"conversations": [{"from": "human", "value": "Oi"}], "tools": {}}, [("S002", "$.tools")]),
    # alpaca
    ("alpaca", {"instruction": "Hi", "output": 5}, [("S002", "$.output")]),
    ("alpaca", {"instruction": None, "output": "x"}, [("S002", "$.instruction")]),
    ("alpaca", {"instruction": "Hi", "input": ["x"], "output": "x"}, [("S002", "$.input")]),
    ("alpaca", {"instruction": "Hi", "output": "x", "history": "x"}, [("S002", "$.history")]),
    ("alpaca", {"instruction": "Hi", "output": "x", "history": [["q"]]}, [("S002", "$.history[0]")]),
    ("alpaca", {"instruction": "Hi", "output": "x", "history": [["q", 1]]}, [("S002", "$.history[0][1]")]),
    ("alpaca", {"instruction": "Hi", "output": "x", "category": "qa"}, [("S003", "$.category")]),
    ("alpaca", {"instruction": "Hi", "output": "x", "system": {}}, [("S002", "$.system")]),
    # text
    ("text", {"text": None}, [("S002", "$.text")]),
    ("text", {"text": "x", "meta": 1}, [("S003", "$.meta")]),
    # trl-prompt-completion
    ("trl-prompt-completion", {"prompt": [USER], "completion": "Hello"}, [("S002", "$.completion")]),
    ("trl-prompt-completion", {"prompt": "Hi", "completion": [ASSISTANT]}, [("S002", "$.completion")]),
    ("trl-prompt-completion", {"prompt": [USER], "completion": []}, [("S002", "$.completion")]),
    ("trl-prompt-completion", {"prompt": 5, "completion": "x"}, [("S002", "$.prompt")]),
    ("trl-prompt-completion", {"prompt": [{"role": 1, "content": "x"}], "completion": [ASSISTANT]},
     [("S002", "$.prompt[0].role")]),
    ("trl-prompt-completion", {"prompt": [{**USER, "foo": 1}], "completion": [ASSISTANT]},
     [("S003", "$.prompt[0].foo")]),
    ("trl-prompt-completion", {"prompt": [{"role": "user", "content": 5}], "completion": [ASSISTANT]},
     [("S002", "$.prompt[0].content")]),
    ("trl-prompt-completion", {"prompt": [{"role": "user", "content": [{"text": "x"}]}], "completion": [ASSISTANT]},
     [("S002", "$.prompt[0].content[0].type")]),
    ("trl-prompt-completion", {"prompt": [{"role": "user", "content": [{"type": "text"}]}], "completion": [ASSISTANT]},
     [("S002", "$.prompt[0].content[0].text")]),
    ("trl-prompt-completion", {"prompt": [USER], "completion": [{**ASSISTANT, "tool_calls": {}}]},
     [("S002", "$.completion[0].tool_calls")]),
    ("trl-prompt-completion", {"prompt": "Hi", "completion": "x", "label": True}, [("S003", "$.label")]),
    # trl-preference
    ("trl-preference", {"prompt": "Sky?", "chosen": [ASSISTANT], "rejected": "Green."}, [("S002", "$.chosen")]),
    ("trl-preference", {"prompt": [USER], "chosen": [ASSISTANT], "rejected": [USER]}, [("S002", "$.rejected")]),
    ("trl-preference", {"prompt": [USER], "chosen": [USER], "rejected": [ASSISTANT]}, [("S002", "$.chosen")]),
    ("trl-preference", {"prompt": "Sky?", "chosen": "Blue.", "rejected": 5}, [("S002", "$.rejected")]),
    ("trl-preference", {"prompt": "Sky?", "chosen": "Blue.", "rejected": "Green.", "score": 1}, [("S003", "$.score")]),
    # hh-preference
    ("hh-preference", {"chosen": HH_HUMAN_LAST, "rejected": HH_REJECTED}, [("S002", "$.chosen")]),
    ("hh-preference", {"chosen": HH_CHOSEN, "rejected": HH_HUMAN_LAST}, [("S002", "$.rejected")]),
    ("hh-preference", {"chosen": "Note:" + HH_CHOSEN, "rejected": HH_REJECTED}, [("S002", "$.chosen")]),
    ("hh-preference", {"chosen": 5, "rejected": HH_REJECTED}, [("S002", "$.chosen")]),
    ("hh-preference", {"chosen": HH_CHOSEN, "rejected": [ASSISTANT]}, [("S002", "$.rejected")]),
    ("hh-preference", {"chosen": [USER], "rejected": [ASSISTANT]}, [("S002", "$.chosen")]),
    ("hh-preference", {"chosen": HH_CHOSEN, "rejected": HH_REJECTED, "prompt_id": 1}, [("S003", "$.prompt_id")]),
]  # fmt: skip


@pytest.mark.parametrize(("name", "record", "expected"), BROKEN)
def test_broken_records_report_the_path(name, record, expected):
    example, problems = adapt(name, record)
    assert problems == expected
    _check_example(name, record, example)


def test_dpo_spec_spelling_asks_to_rename():
    problems = []
    record = {"input": {"messages": [USER]}, "preferred_completion": [ASSISTANT], "non_preferred_completion": [USER]}
    example = FORMATS["openai-dpo"].adapt(record, problems)
    assert [p.code for p in problems] == ["S003", "S003", "S002"]
    assert "Rename `preferred_completion` to `preferred_output`" in problems[0].message
    assert "Rename `non_preferred_completion` to `non_preferred_output`" in problems[1].message
    assert problems[2].json_path == "$.non_preferred_completion[0].role"
    assert example.turns[-1].path == "$.preferred_completion[0]"
    assert example.rejected.path == "$.non_preferred_completion[0]"


def test_hh_transcript_without_assistant_has_no_rejected_answer():
    example, problems = adapt("hh-preference", {"chosen": HH_CHOSEN, "rejected": "\n\nHuman: Hi"})
    assert problems == [("S002", "$.rejected")] and example.rejected is None


def test_unknown_key_message_names_the_format_and_suggests():
    problems = []
    FORMATS["sharegpt"].adapt({"conversations": [{"from": "human", "valeu": "Oi"}]}, problems)
    assert problems[0].code == "S003" and "ShareGPT" in problems[0].message
    assert "did you mean `value`?" in problems[0].message


def test_unencodable_tool_arguments_do_not_raise():
    deep: object = {}
    for _ in range(400):  # deeper than orjson writes
        deep = {"a": deep}
    huge = 10**40  # outside the 64-bit integers orjson writes
    for args in (deep, huge):
        example, _ = adapt("vertex-gemini", gemini({"functionCall": {"name": "f", "args": args}}, role="model"))
        assert example.turns[0].text == "f()"
        example, _ = adapt("bedrock-nova", nova_blocks({"toolUse": {"name": "f", "input": args}}))
        assert example.turns[0].text == "f()"
        call = {"type": "function", "function": {"name": "f", "arguments": args}}
        example, _ = adapt(
            "trl-prompt-completion", {"prompt": [USER], "completion": [{**ASSISTANT, "tool_calls": [call]}]}
        )
        assert example.turns[1].text == "Hello\nf()"


# -- detection: the `auto` order and the S001 hints ----------------------------------------------

DETECTED = [
    ({"schemaVersion": NOVA, "system": [{"text": "S"}], "messages": [NOVA_USER]}, "bedrock-nova"),
    ({"system": "S", "messages": [USER]}, "bedrock-claude"),
    ({"messages": [USER]}, "openai-chat"),
    ({"prompt": "p", "completion": "c"}, "openai-completion"),
    ({"prompt": "p", "chosen": "c", "rejected": "r"}, "trl-preference"),
    ({"chosen": HH_CHOSEN, "rejected": HH_REJECTED}, "hh-preference"),
    ({"instruction": "i", "input": "x", "output": "o"}, "alpaca"),
    (dpo(), "openai-dpo"),
    ({"input": {"messages": [USER]}, "preferred_completion": [], "non_preferred_completion": []}, "openai-dpo"),
    ({"contents": []}, "vertex-gemini"),
    ({"conversations": []}, "sharegpt"),
    ({"text": "t"}, "text"),
]


@pytest.mark.parametrize(("record", "name"), DETECTED)
def test_auto_order_detects_the_most_specific_format(record, name):
    assert detect(record) == name


OPENAI = [(FORMATS[n].title, FORMATS[n].signature) for n in ("openai-chat", "openai-completion")]


@pytest.mark.parametrize(
    ("record", "hint"),
    [
        ({"conversations": []}, "ShareGPT"),
        ({"instruction": "i", "output": "o"}, "Alpaca"),
        ({"chosen": "c", "rejected": "r"}, "Anthropic HH"),
        ({"prompt": "p", "chosen": "c", "rejected": "r"}, "TRL preference"),
        ({"text": "t"}, '{"text"}'),
        ({"contents": []}, "Vertex AI Gemini"),
        ({"schemaVersion": NOVA}, "Bedrock"),
        (dpo(), "OpenAI DPO"),
        ({"input": {}, "preferred_completion": [], "non_preferred_completion": []}, "rename them `preferred_output`"),
        ({"prompt": "p", "response": "r"}, "rename `response` to `completion`"),
    ],
)
def test_hints_name_the_other_formats(record, hint):
    assert hint in explain_unknown(record, "openai", OPENAI)


def test_hints_name_chat_records_for_other_profiles():
    vertex = [(FORMATS["vertex-gemini"].title, FORMATS["vertex-gemini"].signature)]
    assert "OpenAI-style chat" in explain_unknown({"messages": []}, "vertex-gemini", vertex)
    assert "Claude on Amazon Bedrock" in explain_unknown({"system": "", "messages": []}, "vertex-gemini", vertex)
    assert "did you mean `messages`?" in explain_unknown({"message": []}, "openai", OPENAI)


# -- any record: no exception, texts are strings, problems are S002/S003 at real paths --------------

_STEP = re.compile(r'\.([A-Za-z_][\w-]*)|\[(\d+)\]|\[("(?:[^"\\]|\\.)*")\]')
_SIMPLE = re.compile(r"[A-Za-z_][\w-]*")
_MISSING = object()


def _at(record: object, path: str) -> object:
    """The element of ``record`` at ``path``, or _MISSING."""
    assert path.startswith("$"), path
    value, pos = record, 1
    while pos < len(path):
        m = _STEP.match(path, pos)
        assert m, path
        pos = m.end()
        if m.group(2) is not None:
            index = int(m.group(2))
            if type(value) is not list or index >= len(value):
                return _MISSING
            value = value[index]
        else:
            key = m.group(1) if m.group(1) is not None else orjson.loads(m.group(3))
            if type(value) is not dict or key not in value:
                return _MISSING
            value = value[key]
    return value


def _parent(path: str) -> str:
    """``$.a.b[2]`` -> ``$.a.b``."""
    pos, start = 1, 1
    while pos < len(path):
        start, pos = pos, _STEP.match(path, pos).end()
    return path[:start]


def _check_example(name: str, record: dict, example: Example) -> None:
    assert isinstance(example, Example) and example.format == name and example.kind == FORMATS[name].kind
    for turn in [*example.turns, *([example.rejected] if example.rejected is not None else [])]:
        assert isinstance(turn, Turn)
        assert type(turn.text) is str and (turn.role is None or type(turn.role) is str)
        assert type(turn.nontext) is bool
        assert _at(record, turn.path) is not _MISSING, turn.path  # a turn points at what it was made of
    assert type(example.prompt) is str and type(example.answer) is str


def _check_problems(record: dict, problems: list) -> None:
    for problem in problems:
        assert problem.code in ("S002", "S003"), problem
        assert type(problem.message) is str and problem.message.strip()
        path = problem.json_path
        if problem.code == "S003":  # the unknown key itself
            assert _at(record, path) is not _MISSING, problem
        else:  # the offending element, or the missing one in an object that exists
            assert _at(record, path) is not _MISSING or _at(record, _parent(path)) is not _MISSING, problem


NESTED_KEYS = [
    "role", "content", "from", "value", "parts", "text", "type", "image", "video", "document", "toolUse", "toolResult",
    "reasoningContent", "reasoningText", "json", "fileData", "inlineData", "file_data", "inline_data", "mimeType",
    "mime_type", "fileUri", "data", "functionCall", "functionResponse", "executableCode", "codeExecutionResult",
    "code", "output", "name", "args", "response", "input", "tool_calls", "function", "arguments", "weight",
    "messages", "tools", "parallel_tool_calls", "tool_call_id", "refusal", "image_url",
]  # fmt: skip
KEY_POOL = sorted({key for fmt in FORMATS.values() for key in fmt.keys} | set(NESTED_KEYS))
WORDS = [
    "user", "assistant", "system", "tool", "model", "human", "gpt", "function_call", "observation", "developer",
    "text", "image", "function", NOVA, "", " ", HH_CHOSEN, HH_HUMAN_LAST, "Human: a\n\nAssistant:", "\n\nAssistant: x",
]  # fmt: skip
keys = st.sampled_from(KEY_POOL) | st.text(max_size=6)
scalars = st.none() | st.booleans() | st.integers() | st.floats() | st.sampled_from(WORDS) | st.text(max_size=12)
json_values = st.recursive(
    scalars, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(keys, inner, max_size=5), max_leaves=40
)
PROPERTY = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@pytest.mark.parametrize("name", sorted(FORMATS))
@PROPERTY
@given(data=st.data())
def test_any_record_adapts_without_raising(name, data):
    fmt = FORMATS[name]
    record = data.draw(st.dictionaries(keys, json_values, max_size=5))
    for key in sorted(fmt.signature):  # the engine adapts only the records that carry the signature
        if key not in record:
            record[key] = data.draw(json_values)
    problems: list = []
    example = fmt.adapt(record, problems)
    _check_example(name, record, example)
    _check_problems(record, problems)


def _paths(value: object, path: str = "$") -> list[str]:
    """The paths of every element (through plain keys only)."""
    paths = [path]
    if type(value) is dict:
        for key, item in value.items():
            if _SIMPLE.fullmatch(key):
                paths.extend(_paths(item, f"{path}.{key}"))
    elif type(value) is list:
        for i, item in enumerate(value):
            paths.extend(_paths(item, f"{path}[{i}]"))
    return paths


@pytest.mark.parametrize("name", sorted(FORMATS))
@PROPERTY
@given(data=st.data())
def test_near_valid_records_adapt_without_raising(name, data):
    """Valid records with a few values replaced or keys added: deeper paths than random records reach."""
    samples = [v[1] for v in VALID if v[0] == name] or [{key: "x" for key in FORMATS[name].signature}]
    record = data.draw(st.sampled_from(samples))
    record = orjson.loads(orjson.dumps(record))
    for _ in range(data.draw(st.integers(1, 3))):
        path = data.draw(st.sampled_from(_paths(record)))
        value = _at(record, path)
        if type(value) is dict and data.draw(st.booleans()):  # add a key
            value[data.draw(keys)] = data.draw(json_values)
        elif path != "$":  # replace the value
            parent = _at(record, _parent(path))
            last = _STEP.match(path, len(_parent(path)))
            step = int(last.group(2)) if last.group(2) is not None else last.group(1)
            parent[step] = data.draw(json_values)
    problems: list = []
    example = FORMATS[name].adapt(record, problems)
    _check_example(name, record, example)
    _check_problems(record, problems)


# -- the real corpus ------------------------------------------------------------------------------------------


@pytest.mark.corpus
@pytest.mark.parametrize(
    ("path", "name", "count"),
    [
        ("unsloth-ana-sharegpt-pt/treino.jsonl", "sharegpt", 775),
        ("abacaj-fine-tune-mistral/validation.jsonl", "alpaca", 400),
        ("hh-rlhf/harmless-base/test.jsonl", "hh-preference", 2312),
        ("mlx-lora-wikisql/train.jsonl", "text", 1000),
    ],
)
def test_corpus_files_classify_and_adapt_cleanly(corpus, path, name, count):
    records = [orjson.loads(line) for line in (corpus / path).read_bytes().splitlines() if line.strip()]
    assert len(records) == count
    fmt = FORMATS[name]
    for lineno, record in enumerate(records, 1):
        assert detect(record) == name, lineno
        problems: list = []
        example = fmt.adapt(record, problems)
        assert [p for p in problems if p.code == "S002"] == [], lineno
        assert example.turns, lineno
        if fmt.kind == "preference":
            assert example.rejected is not None and example.rejected.role == "assistant", lineno


def test_an_example_holds_its_format_which_equals_its_name():
    example, problems = Detector(profiles.load("openai")).adapt({"messages": [{"role": "user", "content": "hi"}]})
    assert problems == []
    assert example.format is FORMATS["openai-chat"]
    assert example.format == "openai-chat" and example.format in {"openai-chat"}
    assert example.kind == "chat" and str(example.format) == "openai-chat"


def test_s001_names_the_profiles_that_accept_a_known_format(cli, tmp_path):
    (tmp_path / "train.jsonl").write_text(
        '{"conversations":[{"from":"human","value":"hi"},{"from":"gpt","value":"yo"}]}\n'
    )
    run = cli("train.jsonl", "--select", "S001", cwd=tmp_path)
    assert (
        "it looks like ShareGPT" in run.out and "profiles `axolotl` and `auto` accept it (`--profile NAME`)" in run.out
    )
    (tmp_path / "train.jsonl").write_text('{"text":"hi"}\n')
    run = cli("train.jsonl", "--select", "S001", cwd=tmp_path)
    assert "profiles `axolotl`, `mistral`, `mlx`, `together`, `trl` and `auto` accept it" in run.out
