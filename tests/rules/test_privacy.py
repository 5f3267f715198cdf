"""The privacy (P) and hygiene (J004, J005) rules: the scanner, masking, options, formats, corpus."""

from __future__ import annotations

import json
import re
import string

import pytest
from conftest import FIXTURE_DIR, write_jsonl
from hypothesis import given, settings
from hypothesis import strategies as st

from jsonl_lint import Settings, lint
from jsonl_lint.errors import ConfigError
from jsonl_lint.text import scan
from jsonl_lint.text.scan import (
    _cp1252,
    controls,
    emails,
    mask,
    mojibake,
    phones,
    redact_line,
    repair,
    scan_text,
    secret_kind,
    secrets,
    special_tokens,
    transcript,
)

FIXTURES = FIXTURE_DIR / "rules"
P003_FAIL = FIXTURES / "P003" / "fail.jsonl"
PORTUGUESE = ("qlora-llama2-pt-qa", "unsloth-ana-sharegpt-pt")


def chat(user: str, assistant: str = "Ok.") -> dict:
    return {"messages": [{"role": "user", "content": user}, {"role": "assistant", "content": assistant}]}


def findings(tmp_path, records, code, **options):
    path = write_jsonl(tmp_path / "data.jsonl", records)
    config = Settings(select=[code])
    config.apply(options, "test")
    return [d for d in lint([str(path)], config).diagnostics if d.code == code]


def fixture_secrets() -> list[str]:
    """Every secret in the P003 fail fixture, as the scanner finds it."""
    found = []
    for line in P003_FAIL.read_text("utf-8").splitlines():
        for message in json.loads(line)["messages"]:
            found += [hit.value for hit in secrets(message["content"])]
    return found


# -- secrets never leak ----------------------------------------------------------------


def test_the_fixture_holds_every_kind_of_secret():
    kinds = {secret_kind(hit.label) for line in P003_FAIL.read_text("utf-8").splitlines() for hit in secrets(line)}
    assert kinds == {"openai", "anthropic", "aws", "awssecret", "github", "google", "slack", "pem", "jwt"}
    assert len(fixture_secrets()) == 13  # line 12: an id and its secret


@pytest.mark.parametrize("fmt", ["concise", "full", "json", "json-lines", "sarif", "github"])
def test_no_output_format_shows_a_secret(cli, fmt):
    run = cli(str(P003_FAIL), "--isolated", "--output-format", fmt)
    assert run.code == 1
    assert "P003" in run.out
    for secret in fixture_secrets():
        for piece in secret.split("\n"):  # a private key: no line of its body either
            if len(piece) >= 16 and not piece.startswith("-----"):  # a private key's header is shown
                assert piece not in run.out, (fmt, piece)
                assert json.dumps(piece)[1:-1] not in run.out, (fmt, piece)


def test_snippets_of_other_rules_are_masked_too(tmp_path, cli):
    """A duplicate (D004, a dataset rule: the reporter reads the line again) of a record holding a key."""
    key = "ghp_" + "Ab3d" * 9
    record = chat(f"my token is {key}", "Revoke it.")
    path = write_jsonl(tmp_path / "data.jsonl", [record, record])
    run = cli(str(path), "--isolated", "--output-format", "full")
    assert "D004" in run.out and "P003" in run.out
    assert key not in run.out
    assert key[:8] + "…(masked)" in run.out


def test_escaped_secrets_are_blanked_whole():
    line = json.dumps({"content": "key: wJalrXUtnFEMI/K7MDENG/bPxRfiCYzzzFAKEKE9 aws_secret_access_key"})
    line = line.replace("/", "\\/")  # some serialisers escape slashes
    assert "aws_secret_access_key = " not in line
    secret_line = json.dumps({"content": "aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYzzzFAKEKE9"})
    escaped = secret_line.replace("/", "\\/")
    for raw in (secret_line, escaped):
        blanked = redact_line(raw)
        assert len(blanked) == len(raw)
        assert "bPxRfiCY" not in blanked
        assert json.loads(blanked).keys() == {"content"}
    assert redact_line(line) == line  # no secret: unchanged


@st.composite
def generated_secrets(draw):
    alnum = string.ascii_letters + string.digits
    body = lambda n, chars=alnum: draw(st.text(chars, min_size=n, max_size=n))  # noqa: E731
    return draw(
        st.sampled_from(
            [
                f"sk-{body(20)}T3BlbkFJ{body(20)}",
                f"sk-proj-{body(60, alnum + '-_')}",
                f"sk-ant-api03-{body(90, alnum + '-_')}",
                "AKIA" + body(16, string.ascii_uppercase + string.digits),
                "ghp_" + body(36),
                "github_pat_" + body(60, alnum + "_"),
                "AIza" + body(35, alnum + "-_"),
                f"xoxp-{body(10, string.digits)}-{body(20)}",
            ]
        )
    )


@settings(max_examples=200, deadline=None)
@given(
    secret=generated_secrets(),
    before=st.sampled_from(["", " ", "key=", "(", "\n"]),
    after=st.sampled_from(["", " ", ".", ")"]),
)
def test_masking_never_leaks(secret, before, after):
    hits = secrets(before + secret + after)
    assert [hit.value for hit in hits] == [secret]
    shown = mask(secret, secret_kind(hits[0].label))
    assert shown.endswith("…(masked)")
    assert len(shown) - len("…(masked)") <= len(secret) // 3
    assert secret not in shown


# -- the scanner: property tests ---------------------------------------------------------

FRAGMENTS = [
    *"@+()-_.:\n<>[]|0123456789ÃÂâ€™√≠KSJz\x00\u200b\ufffd",
    "sk-",
    "AKIA",
    "<|",
    "User:",
    "\nAssistant:",
    "eyJ",
]
texts = st.text(st.characters(blacklist_categories=("Cs",)), max_size=300) | st.lists(
    st.sampled_from(FRAGMENTS) | st.text(max_size=5), max_size=60
).map("".join)


@settings(max_examples=300, deadline=None)
@given(text=texts)
def test_scanning_arbitrary_text_never_raises(text):
    found = scan_text(text)
    for code, hits in found.items():
        assert hits, code
        for hit in hits:
            assert 0 <= hit.start < hit.end <= len(text)
            assert text[hit.start : hit.end] == hit.value or code in ("P005", "J005")
    assert redact_line(json.dumps({"content": text})) is not None


# Lowercase words with accented letters: UTF-8 mis-read as Windows-1252 or Mac Roman is found and repaired.
words = st.text("abcdefghijklmnopqrstuvwxyz", min_size=1, max_size=6).flatmap(
    lambda head: st.text("abcdefghijklmnopqrstuvwxyzàáâãäåçèéêëìíîïñòóôõöùúûüýÿ", min_size=1, max_size=10).map(
        lambda tail: head + tail
    )
)


@settings(max_examples=300, deadline=None)
@given(word=words)
def test_mojibake_round_trip(word):
    assert mojibake(word) == []  # correct text is never mojibake
    for codec, wrong in (
        ("Windows-1252", "".join(_cp1252(b) for b in word.encode())),
        ("Mac Roman", word.encode().decode("mac_roman")),
    ):
        if wrong == word:
            continue  # ASCII only
        assert repair(wrong) == word
        [hit] = mojibake(wrong)
        fixed, name = hit.label.split("|")
        assert (hit.value, fixed) == (wrong, word)
        assert name in (codec, "Latin-1")


# -- the scanner: examples ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a@b.co", ["a@b.co"]),
        ("mail: Ana.Souza+x@sub.uol.com.br.", ["Ana.Souza+x@sub.uol.com.br"]),
        ("x@example.com, y@mail.example.org, z@foo.test, w@domain.com", []),
        ("icon@2x.png git@gitlab.com:group/repo.git @handle user@localhost", []),
        ("a" * 70 + "@gmail.com", []),  # a local part longer than 64 characters is not an address
    ],
)
def test_emails(text, expected):
    assert [hit.value for hit in emails(text)] == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("+55 (11) 98765-4321", ["+55 (11) 98765-4321"]),
        ("tel. 415.867.5309", ["415.867.5309"]),
        ("0171 234 5678", ["0171 234 5678"]),
        ("2024-01-15 10:30", []),
        ("1-800-555-0199 and 555-0100", []),
        ("v1.2.3, 3.14159265, 100.000.000, 12 345 678", []),
        ("123-45-6789", []),  # a US social security number is not a phone number
    ],
)
def test_phones(text, expected):
    assert [hit.value for hit in phones(text)] == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("<|endoftext|>", ["<|endoftext|>"]),
        ("<｜begin▁of▁sentence｜>Hi", ["<｜begin▁of▁sentence｜>"]),
        ("  <s> hello", ["<s>"]),
        ("[AVAILABLE_TOOLS] [TOOL_CALLS]", ["[AVAILABLE_TOOLS]", "[TOOL_CALLS]"]),
        ("<s>old</s> price", []),
        ("a <|> b, [inst]", []),
    ],
)
def test_special_tokens(text, expected):
    assert [hit.value for hit in special_tokens(text)] == expected


@pytest.mark.parametrize(
    ("text", "sides"),
    [
        ("User: a\nAssistant: b", ["user", "assistant"]),
        ("**Human:** a\n**AI:** b\n**Human:** c", ["user", "assistant", "user"]),
        ("### Input:\nx\n### Response:\ny", ["user", "assistant"]),
        ("User: a\nUser: b", []),  # one side only
        ("Instruction: a\nResponse: b", []),  # Alpaca labels need their ###
    ],
)
def test_transcripts(text, sides):
    assert [hit.label for hit in transcript(text)] == sides


_PIECES = ["\n", " ", ":", "**", "#", "### ", "User", "user", "USER", "Human", "AI", "ai", "Assistant", "gpt"]
_PIECES += ["ChatGPT", "Bot", "usuário", "Usuário", "Prompter", "Input", "Response", "Instruction", "Note", "1. x"]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(_PIECES), max_size=60))
def test_a_label_line_is_looked_for_only_where_a_label_may_start(pieces):
    """The first-character test before the label's alternatives sets no label aside."""
    text = "".join(pieces)
    plain = re.compile(r"\n(?=[^\n:]{1,30}:)" + scan._LABEL)  # the pattern without that test
    assert [m.span() for m in scan._LABEL_LINE().finditer(text)] == [m.span() for m in plain.finditer(text)]


def test_controls_name_the_character():
    [nul, zwsp] = controls("a\x00b\u200bc")
    assert (nul.start, nul.label) == (1, "U+0000 (NUL)")
    assert (zwsp.start, zwsp.label) == (3, "U+200B ZERO WIDTH SPACE")
    assert controls("x \u200d y") != []  # a joiner between spaces joins nothing


# -- rules: options, formats, paths ---------------------------------------------------------


def test_allow_lists(tmp_path):
    records = [chat("ana@acme.com, bob@corp.acme.com, eve@gmail.com, Call +1 800 555 1234 or 020 7946 0958")]
    assert len(findings(tmp_path, records, "P001")) == 1
    [p001] = findings(tmp_path, records, "P001", **{"allow-domains": ["acme.com"]})
    assert "eve@gmail.com" in p001.message and "more" not in p001.message
    assert findings(tmp_path, records, "P001", **{"allow-emails": ["*@*"]}) == []
    [p002] = findings(tmp_path, records, "P002", **{"allow-phones": ["+1800*"]})
    assert "020 7946 0958" in p002.message
    key = "ghp_" + "Zx9y" * 9
    assert findings(tmp_path, [chat(key)], "P003", **{"allow-secrets": ["ghp_Zx9y*"]}) == []


@pytest.mark.parametrize("value", ["*@acme.com", ["ok", 3]])
def test_allow_lists_must_be_lists_of_strings(value):
    with pytest.raises(ConfigError, match="allow-emails"):
        Settings().apply({"allow-emails": value}, "test")


def test_every_string_of_every_format_is_scanned(tmp_path):
    records = [
        {"conversations": [{"from": "human", "value": "hi"}, {"from": "gpt", "value": "mail ana@gmail.com"}]},
        {"prompt": "Q", "chosen": "fine", "rejected": "write to bob@gmail.com"},
    ]
    path = write_jsonl(tmp_path / "data.jsonl", records)
    result = lint([str(path)], Settings(select=["P001"], profile="auto"))
    found = {(d.line, d.json_path) for d in result.diagnostics}
    assert found == {(1, "$.conversations[1].value"), (2, "$.rejected")}
    # the column and end column span the address itself
    lines = path.read_text("utf-8").splitlines()
    for d in result.diagnostics:
        address = "ana@gmail.com" if d.line == 1 else "bob@gmail.com"
        assert lines[d.line - 1][d.column - 1 : d.end_column - 1] == address


def test_completion_only_text_may_hold_its_template(tmp_path):
    """`{"text"}` records are where you write the chat template yourself: no P004/P005."""
    text = "<s>[INST] Hi [/INST]\nUser: hi\nAssistant: yo"
    path = write_jsonl(tmp_path / "data.jsonl", [{"text": text}])
    result = lint([str(path)], Settings(select=["P004", "P005"], profile="mlx"))
    assert result.diagnostics == []
    path = write_jsonl(tmp_path / "data.jsonl", [chat(text)])
    assert {d.code for d in lint([str(path)], Settings(select=["P004", "P005"])).diagnostics} == {"P004", "P005"}


# -- corpus -------------------------------------------------------------------------------


@pytest.mark.corpus
@pytest.mark.parametrize("name", PORTUGUESE)
def test_no_hygiene_false_positives_on_portuguese(corpus, name):
    result = lint([str(corpus / name)], Settings(select=["P", "J004", "J005"], profile="auto"))
    assert result.errors == []
    assert result.diagnostics == []


@pytest.mark.corpus
def test_duorc_mojibake_is_found_and_repaired(corpus):
    result = lint([str(corpus / "self-instruct/duorc_SelfRC_title_generation.jsonl")], Settings(select=["J005"]))
    lines = [d.line for d in result.diagnostics]
    assert lines == [*range(84, 106), *range(182, 198)]
    assert {d.message.split(" (")[0] for d in result.diagnostics} == {
        "Mojibake `naÃ¯ve`, probably `naïve`",
        "Mojibake `LÃ¼beck`, probably `Lübeck`",
    }


@pytest.mark.corpus
def test_legacy_completions_end_with_endoftext(corpus):
    """self-instruct: every completion ends in the literal `<|endoftext|>` (corpus README)."""
    names = ["ag_news_classify", "duorc_SelfRC_title_generation", "gigaword_TLDR", "gigaword_in_a_nutshell"]
    names.append("gigaword_reverse_writing")
    result = lint([str(corpus / f"self-instruct/{name}.jsonl") for name in names], Settings(select=["P004"]))
    assert sum(d.count for d in result.diagnostics) == 1000 and len(result.diagnostics) == 5  # one per file
    assert all("`<|endoftext|>`" in d.message and d.json_path == "$.completion" for d in result.diagnostics)


@pytest.mark.corpus
def test_clean_corpus_files_have_no_content_findings(corpus):
    names = ["turkish-daily-dialogues", "mlx-lora-wikisql", "together-coqa", "openai-cookbook"]
    result = lint([str(corpus / name) for name in names], Settings(select=["P", "J004", "J005"], profile="auto"))
    assert result.errors == []
    assert result.diagnostics == []
