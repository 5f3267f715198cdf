"""Provider profiles: each shipped profile loads, names known formats, cites a source for every
value it sets, and reports what its provider rejects on its fixtures.

Fixtures live in ``tests/fixtures/profiles/<profile>/``: ``pass*.jsonl``, ``fail*.jsonl`` and
``expected.json``, which maps each file to the ``[line, code]`` pairs the profile must report
(``line`` null: a finding about the whole file, such as D001). Only the codes listed somewhere in
the folder's ``expected.json`` are compared, as sets of (line, code): other rules may fire too.
A pass file must, in addition, draw no error at all.

Formats are being added while these profiles are written. A profile whose formats are not all
registered yet is linted with the registered ones only (the records of its fixtures must then
all be in those formats); when none of them is registered, or a fixture holds records of a
missing format, the test is skipped and says which formats are missing. Codes not registered
yet (C010, say) skip the files that expect them.
"""

from __future__ import annotations

import dataclasses
import json
import sys
from pathlib import Path

import pytest

from jsonl_lint import Settings, Severity, lint, profiles
from jsonl_lint.config import rule_options
from jsonl_lint.formats import FORMATS
from jsonl_lint.plugins import registry

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

FIXTURES = Path(__file__).parent / "fixtures" / "profiles"
PROFILES_DIR = Path(profiles.__file__).parent

#: The provider profiles this file covers (openai, the model they follow, has its own tests).
PROFILES = [
    "auto", "axolotl", "azure-openai", "bedrock-claude-haiku", "bedrock-llama", "bedrock-nova", "bedrock-titan",
    "fireworks", "mistral", "mlx", "together", "trl", "vertex-gemini",
]  # fmt: skip
#: Formats that are being added; a profile may name them before they are registered.
PENDING_FORMATS = frozenset(
    {
        "openai-dpo", "openai-rft", "bedrock-nova", "bedrock-claude", "vertex-gemini", "sharegpt", "alpaca",
        "trl-prompt-completion", "trl-preference", "hh-preference", "text",
    }
)  # fmt: skip
#: Rule options that are being added; a profile may set them before their rule is registered.
PENDING_OPTIONS = frozenset({"max-examples", "tool-call-id-pattern"})
#: Every number a profile's [limits] may hold (rules read some of them as options).
LIMITS = frozenset(
    {
        "min-examples", "recommended-examples", "max-examples", "max-file-size-mb", "max-tokens-per-example",
        "max-validation-examples", "max-images-per-example",
    }
)  # fmt: skip
STRUCTURE = ("roles", "first-roles", "last-roles", "bom", "keys")
READ_DATE = "2026-11-25"

#: Fixtures the profile should fail but cannot yet, with why; they turn into failures
#: (strict xfail) once the gap is closed, so that the entry is removed.
KNOWN_GAPS: dict[tuple[str, str], str] = {}


def _raw(name: str) -> dict:
    return tomllib.loads((PROFILES_DIR / f"{name}.toml").read_text("utf-8"))


def _expected(name: str) -> dict[str, list[list]]:
    return json.loads((FIXTURES / name / "expected.json").read_text("utf-8"))


# -- the profile files ---------------------------------------------------------


def test_every_profile_loads():
    for name in profiles.available():
        profile = profiles.load(name)
        assert profile.name == name, f"{name}.toml: `name` must be the file's name"


def test_provider_profiles_are_shipped():
    missing = sorted(set(PROFILES) - set(profiles.available()))
    assert not missing, f"profiles missing: {missing}"


@pytest.mark.parametrize("name", PROFILES)
def test_profile_has_title_and_description(name):
    profile = profiles.load(name)
    assert profile.title and len(profile.title) <= 40, "a short title: it is used inside messages"
    assert profile.description


@pytest.mark.parametrize("name", PROFILES)
def test_formats_are_known(name):
    profile = profiles.load(name)
    if name == profiles.AUTO:
        assert profile.formats == (), "auto accepts every format: `formats = []`"
        return
    assert profile.formats, "only auto may leave `formats` empty"
    assert len(set(profile.formats)) == len(profile.formats), "a format is listed twice"
    unknown = [f for f in profile.formats if f not in FORMATS and f not in PENDING_FORMATS]
    assert not unknown, f"{name}: unknown formats {unknown} (known: {sorted(FORMATS)})"
    pending = [f for f in profile.formats if f not in FORMATS]
    if pending:
        print(f"{name}: formats not registered yet: {', '.join(pending)}")
        pytest.skip(f"{name}: formats not registered yet: {', '.join(pending)}")


@pytest.mark.parametrize("name", PROFILES)
def test_every_value_names_its_source(name):
    data = _raw(name)
    sources = data.get("sources", {})
    keys = [
        *data.get("structure", {}),
        *data.get("limits", {}),
        *data.get("options", {}),
        *data.get("severity", {}),
    ]
    missing = [key for key in keys if not sources.get(key)]
    assert not missing, f"{name}: no [sources] entry for {missing}"
    undated = [key for key, text in sources.items() if READ_DATE not in text]
    assert not undated, f"{name}: sources without the date they were read ({READ_DATE}): {undated}"


@pytest.mark.parametrize("name", PROFILES)
def test_limits_are_known_and_consistent(name):
    limits = profiles.load(name).limits
    assert set(limits) <= LIMITS, f"unknown limits {sorted(set(limits) - LIMITS)}"
    for key, value in limits.items():
        assert type(value) is int and value > 0, f"{key} must be a positive integer, not {value!r}"
    low = limits.get("min-examples", 1)
    assert low <= limits.get("recommended-examples", low) <= limits.get("max-examples", sys.maxsize)
    assert low <= limits.get("max-examples", sys.maxsize)


@pytest.mark.parametrize("name", PROFILES)
def test_options_are_valid_rule_options(name):
    profile = profiles.load(name)
    options = rule_options()
    unknown = [k for k in profile.options if k not in options and k not in PENDING_OPTIONS]
    assert not unknown, f"{name}: [options] that no rule reads: {unknown}"
    for key, value in {**profile.limits, **profile.options}.items():
        if key in options:
            options[key].coerce(value)  # raises ValueError for a value of the wrong type


@pytest.mark.parametrize("name", PROFILES)
def test_severity_overrides_name_rules(name):
    profile = profiles.load(name)
    codes = registry()
    unknown = [code for code in profile.severity if code not in codes]
    assert not unknown, f"{name}: severity for unregistered rules {unknown}"


@pytest.mark.parametrize("name", PROFILES)
def test_bom_policy(name):
    """Only Azure requires a BOM; everywhere else it breaks JSON readers, so it is forbidden."""
    assert profiles.load(name).bom == ("required" if name == "azure-openai" else "forbidden")


# -- fixtures ----------------------------------------------------------------


@pytest.mark.parametrize("name", PROFILES)
def test_fixture_folder_is_complete(name):
    folder = FIXTURES / name
    assert (folder / "expected.json").is_file(), f"create {folder}/expected.json"
    expected = _expected(name)
    present = {p.name for p in folder.iterdir() if p.is_file()} - {"expected.json"}
    assert set(expected) == present, "expected.json must list exactly the fixture files of the folder"
    assert any(f.startswith("fail") for f in expected), "at least one fail*.jsonl"
    assert any(f.startswith("pass") for f in expected), "at least one pass*.jsonl"
    for file, pairs in expected.items():
        assert file.startswith(("pass", "fail")), f"{file}: name fixtures pass* or fail*"
        if file.startswith("pass"):
            assert pairs == [], f"{file}: a pass file expects nothing"
        else:
            assert pairs, f"{file}: a fail file expects at least one finding"
        for pair in pairs:
            assert len(pair) == 2 and (pair[0] is None or type(pair[0]) is int) and type(pair[1]) is str, pair


def _cases():
    for name in PROFILES:
        if not (FIXTURES / name / "expected.json").is_file():
            continue  # test_fixture_folder_is_complete reports it
        for file in sorted(_expected(name)):
            gap = KNOWN_GAPS.get((name, file))
            marks = [pytest.mark.xfail(reason=gap, strict=True)] if gap else []
            yield pytest.param(name, file, id=f"{name}/{file}", marks=marks)


def _key(pair: tuple) -> tuple:
    return (pair[0] is not None, pair[0] or 0, pair[1])


@pytest.mark.parametrize(("name", "file"), list(_cases()))
def test_fixture(name, file, monkeypatch):
    expected = _expected(name)
    codes = {code for pairs in expected.values() for _, code in pairs}
    wanted = {(line, code) for line, code in expected[file]}
    unregistered = sorted({code for _, code in wanted} - set(registry()))
    if unregistered:
        pytest.skip(f"{name}/{file}: rules not registered yet: {', '.join(unregistered)}")

    profile = profiles.load(name)
    missing = [f for f in profile.formats if f not in FORMATS]
    if missing:
        registered = tuple(f for f in profile.formats if f in FORMATS)
        if not registered:
            pytest.skip(f"{name}: formats not registered yet: {', '.join(missing)}")
        # Lint with the registered formats only; the fixture must not need the others.
        narrowed = dataclasses.replace(profile, formats=registered)
        load = profiles.load
        monkeypatch.setattr(profiles, "load", lambda n: narrowed if n == name else load(n))

    result = lint([str(FIXTURES / name / file)], Settings(profile=name), jobs=1)
    assert not result.errors, result.errors
    diagnostics = result.diagnostics
    if missing:
        expected_s001 = {line for line, code in wanted if code == "S001"}
        strays = sorted(d.line for d in diagnostics if d.code == "S001" and d.line not in expected_s001)
        if strays:
            pytest.skip(f"{name}/{file}: lines {strays} are in formats not registered yet ({', '.join(missing)})")
        print(f"{name}/{file}: checked with the registered formats only ({', '.join(registered)})")

    found = {(d.line, d.code) for d in diagnostics if d.code in codes}
    assert sorted(found, key=_key) == sorted(wanted, key=_key)
    if file.startswith("pass"):
        errors = [f"{d.line}: {d.code} {d.message}" for d in diagnostics if d.severity >= Severity.ERROR]
        assert not errors, f"{name}/{file} should pass, but: {errors}"


def test_rft_profile_accepts_grader_fields_and_wants_a_final_user_message(tmp_path):
    path = tmp_path / "train.jsonl"
    ok = {
        "messages": [{"role": "developer", "content": "Grade math."}, {"role": "user", "content": "2+2?"}],
        "answer": "4",
    }
    bad = {"messages": [{"role": "user", "content": "2+2?"}, {"role": "assistant", "content": "4"}]}
    path.write_text(json.dumps(ok) + "\n" + json.dumps(bad) + "\n")
    found = [(d.line, d.code) for d in lint([str(path)], Settings(profile="openai-rft")).diagnostics]
    assert (2, "C005") in found
    assert not any(line == 1 for line, _ in found)


def test_profiles_command_lists_every_profile(cli):
    text = cli("profiles")
    assert text.code == 0
    for name in profiles.available():
        assert any(
            line.startswith(f"{name}:") or line.startswith(f"{name} (default):") for line in text.out.splitlines()
        )
    assert "openai (default): OpenAI fine-tuning" in text.out
    data = json.loads(cli("profiles", "--output-format", "json").out)
    assert [p["name"] for p in data] == profiles.available()
    together = next(p for p in data if p["name"] == "together")
    assert together["severity"]["S003"] == "error" and together["limits"]["min-examples"] == 1
    assert all(p["sources"] for p in data)
