"""Golden output: every output format on one fixed dataset with every kind of finding.

``tests/fixtures/golden/data`` holds record, file, dataset, leakage and plugin findings (a local
plugin, ``house.py``, named in its config). Each output format's report is compared byte for byte
with ``tests/fixtures/golden/expected/NAME``; the files were written before the code moved into
its layered packages and prove that the moves changed no behaviour. After a deliberate change of
output, rewrite them with ``JSONL_LINT_UPDATE_GOLDEN=1 python -m pytest tests/test_golden.py`` and
read the diff.
"""

from __future__ import annotations

import os

import pytest
from conftest import FIXTURE_DIR

GOLDEN = FIXTURE_DIR / "golden"
DATA = GOLDEN / "data"
EXPECTED = GOLDEN / "expected"
UPDATE = os.environ.get("JSONL_LINT_UPDATE_GOLDEN") == "1"

#: name of the golden file -> (command line, exit code); the folder linted is the dataset's
OUTPUTS = {
    "concise.txt": ([], 1),
    "full.txt": (["--output-format", "full"], 1),
    "json.json": (["--output-format", "json"], 1),
    "json-lines.jsonl": (["--output-format", "json-lines"], 1),
    "sarif.json": (["--output-format", "sarif"], 1),
    "github.txt": (["--output-format", "github"], 1),
    "summary-md.md": (["--output-format", "summary-md"], 1),
    "statistics.txt": (["--statistics"], 1),
    "statistics.json": (["--statistics", "--output-format", "json"], 1),
    "stats.txt": (["stats"], 0),
    "stats.json": (["stats", "--output-format", "json"], 0),
}


def _normalised(text: str) -> str:
    """The output with this checkout's folder (SARIF's %SRCROOT%) replaced by a fixed one."""
    return text.replace(DATA.as_uri(), "file:///GOLDEN")


@pytest.mark.parametrize("name", list(OUTPUTS))
def test_output_matches_its_golden_file(name, cli, monkeypatch):
    for variable in [v for v in os.environ if v.startswith("GITHUB_")]:
        monkeypatch.delenv(variable)
    args, code = OUTPUTS[name]
    run = cli(*args, ".", cwd=DATA)
    assert run.code == code, run.err
    assert run.err == ""
    got = _normalised(run.out)
    expected = EXPECTED / name
    if UPDATE:
        expected.parent.mkdir(exist_ok=True)
        expected.write_text(got, encoding="utf-8")
    assert got == expected.read_text(encoding="utf-8")


@pytest.mark.parametrize("name", ["json.json", "stats.json"])
def test_two_jobs_give_the_golden_output(name, cli):
    args, code = OUTPUTS[name]
    run = cli(*args, "--jobs", "2", ".", cwd=DATA)
    assert run.code == code, run.err
    assert _normalised(run.out) == (EXPECTED / name).read_text(encoding="utf-8")
