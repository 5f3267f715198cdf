"""docs/python-api.md runs: its Python blocks, in order, as the cells of one notebook, in an empty folder;
``print(...)  # -> TEXT`` must print TEXT."""

from __future__ import annotations

import re

from conftest import ROOT

PAGE = ROOT / "docs" / "python-api.md"
BLOCK = re.compile(r"^```python\n(.*?)^```", re.S | re.M)
CHECKED = re.compile(r"^(\s*)print\((.*)\)\s+# -> (.*)$")


def _checked(block: str) -> str:
    """The block with each ``print(X)  # -> TEXT`` turned into a check that X prints TEXT."""
    return "\n".join(CHECKED.sub(lambda m: f"{m[1]}_prints({m[3]!r}, {m[2]})", line) for line in block.splitlines())


def _prints(expected: str, *values: object) -> None:
    got = " ".join(str(value) for value in values)
    assert got == expected, f"printed {got!r}, the page says {expected!r}"


def test_the_page_has_examples_with_checked_output():
    blocks = BLOCK.findall(PAGE.read_text("utf-8"))
    assert len(blocks) >= 10
    checked = sum(1 for block in blocks for line in block.splitlines() if CHECKED.match(line))
    assert checked == sum(block.count("# -> ") for block in blocks), "every `# -> ` comment is on a print() line"
    assert checked >= 10


def test_every_example_runs_as_a_notebook(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)  # no config file up from here: Settings.discover() finds none
    monkeypatch.setenv("HF_DATASETS_OFFLINE", "1")
    namespace: dict = {"_prints": _prints, "__name__": "notebook"}
    for number, block in enumerate(BLOCK.findall(PAGE.read_text("utf-8")), 1):
        try:
            exec(compile(_checked(block), f"{PAGE.name} block {number}", "exec"), namespace)
        except Exception as exc:
            raise AssertionError(f"block {number} of {PAGE.name} failed: {exc}\n{block}") from exc
    assert "Leaked" in capsys.readouterr().out
