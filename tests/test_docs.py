"""Rule documentation: one page per registered rule, with the standard sections."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import ROOT

from jsonl_lint import docs
from jsonl_lint.plugins import registry

RULES_DIR = Path(__file__).resolve().parents[1] / "rules"
HEADINGS = ("## What it does", "## Why is this bad?", "## Example", "## Use instead", "## Options", "## References")
CODES = list(registry())
PAGES = sorted(p.stem for p in RULES_DIR.glob("*.md"))


def _page(code: str) -> str:
    return (RULES_DIR / f"{code}.md").read_text("utf-8")


def _section(text: str, heading: str) -> str:
    match = re.search(rf"^{re.escape(heading)}[ \t]*\n(.*?)(?=^## |\Z)", text, re.S | re.M)
    assert match, f"no {heading!r} section"
    return match.group(1)


def test_there_are_rules_and_pages():
    assert len(CODES) >= 20
    assert RULES_DIR.is_dir()
    assert PAGES


@pytest.mark.parametrize("code", CODES)
def test_every_rule_has_a_page(code):
    assert (RULES_DIR / f"{code}.md").is_file(), f"rules/{code}.md is missing"


@pytest.mark.parametrize("stem", PAGES)
def test_every_page_has_a_rule(stem):
    assert stem in registry(), f"rules/{stem}.md documents no registered rule"


def test_docs_codes_lists_the_pages():
    assert docs.codes() == sorted(PAGES)
    assert set(docs.codes()) == set(CODES)


@pytest.mark.parametrize("code", CODES)
def test_page_title(code):
    rule = registry()[code]
    first = _page(code).splitlines()[0]
    assert first == f"# {code} {rule.name}"


@pytest.mark.parametrize("code", CODES)
def test_page_has_the_standard_headings_in_order(code):
    lines = _page(code).splitlines()
    positions = []
    for heading in HEADINGS:
        assert heading in lines, f"{code}: missing {heading!r}"
        positions.append(lines.index(heading))
    assert positions == sorted(positions), f"{code}: headings out of order"
    for heading in HEADINGS:
        assert _section(_page(code), heading).strip(), f"{code}: {heading!r} is empty"


@pytest.mark.parametrize("code", CODES)
def test_page_states_the_default_severity(code):
    rule = registry()[code]
    assert f"Default severity: {rule.severity}" in _page(code)


@pytest.mark.parametrize("code", CODES)
def test_every_option_is_documented(code):
    rule = registry()[code]
    options = _section(_page(code), "## Options")
    for option in rule.options:
        assert f"`{option.name}`" in options, f"{code}: option {option.name} is not in its Options section"
    if not rule.options:
        assert options.strip()  # says "None." or explains


def test_rules_with_options_exist():
    declared = {o.name for rule in registry().values() for o in rule.options}
    assert {"min-examples", "recommended-examples", "max-file-size-mb"} <= declared


@pytest.mark.parametrize("code", CODES)
def test_docs_page_returns_the_page(code):
    assert docs.page(code) == _page(code)


def test_docs_page_of_an_unknown_code_is_none():
    assert docs.page("Z999") is None


@pytest.mark.parametrize("code", CODES)
def test_description_is_the_what_it_does_section(code):
    description = docs.description(code)
    assert description
    assert description == " ".join(_section(_page(code), "## What it does").split())


@pytest.mark.parametrize("code", CODES)
def test_help_uri_names_the_page(code):
    assert docs.help_uri(registry()[code]) == f"{docs.DOCS_URL}/{code}.md"


@pytest.mark.parametrize("code", CODES)
def test_links_to_other_rules_resolve(code):
    for target in re.findall(r"\]\(([A-Z]{1,3}\d{3})\.md\)", _page(code)):
        assert (RULES_DIR / f"{target}.md").is_file(), f"{code} links to missing {target}.md"


def test_readme_shows_the_real_output_on_the_bundled_example(cli):
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = readme.split("$ jsonl-lint examples/\n", 1)[1].split("```", 1)[0]
    run = cli("examples/", "--color", "never", cwd=ROOT)
    assert run.code == 1
    assert run.out == block
