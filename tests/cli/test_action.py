"""The GitHub Action: action.yml's steps, run locally the way a runner runs a composite action.

Each step's `run:` goes to `bash --noprofile --norc -eo pipefail` exactly as written, with its
`env:` evaluated (`${{ inputs.* }}`, `${{ steps.*.outputs.* }}`, `${{ github.action_path }}`,
`${{ runner.temp }}`), fresh `GITHUB_OUTPUT` and `GITHUB_STEP_SUMMARY` files per step, and the
step outputs collected from `GITHUB_OUTPUT`. The install step runs too, with a stand-in for
the `python` input whose venv's `pip install` only records its arguments (the real install
needs the package index) and whose other commands run this checkout's sources.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from conftest import ROOT, chat, no_assistant, offline_validator, unknown_role, validate, write_jsonl
from hypothesis import given
from hypothesis import strategies as st

from jsonl_lint.cli.action import set_outputs

yaml = pytest.importorskip("yaml")  # a dependency of pre-commit, in the test extras

ACTION = ROOT / "action.yml"
EXPRESSION = re.compile(r"\$\{\{\s*([\w.-]+)\s*\}\}")
ANNOTATION = re.compile(r"^::(error|warning|notice) ([^:]*)::(.*)$")

#: The `python` input's stand-in: `-m venv DIR` makes DIR/bin/python, which logs `-m pip ...`
#: calls and hands everything else to the Python running the tests.
FAKE_PYTHON = """#!/usr/bin/env bash
set -eu
[ "$1 $2" = "-m venv" ] || { echo "unexpected: $*" >&2; exit 3; }
mkdir -p "$3/bin"
cat > "$3/bin/python" <<EOF
#!/usr/bin/env bash
if [ "\\$1 \\$2" = "-m pip" ]; then echo "\\$*" >> "$3/pip.log"; exit 0; fi
exec "{real}" "\\$@"
EOF
chmod +x "$3/bin/python"
"""


def load_action() -> dict:
    return yaml.safe_load(ACTION.read_text("utf-8"))


def evaluate(text: str, context: dict) -> str:
    """`${{ a.b.c }}` lookups in ``context``; a missing value is the empty string, as on GitHub."""

    def lookup(match: re.Match) -> str:
        value = context
        for part in match[1].split("."):
            value = value.get(part, "") if isinstance(value, dict) else ""
        return str(value)

    rest = EXPRESSION.sub(lookup, text)
    assert "${{" not in rest, f"an expression the test runner does not know: {text!r}"
    return rest


def parse_outputs(text: str) -> dict[str, str]:
    """A GITHUB_OUTPUT file: `name=value` lines and `name<<DELIMITER` blocks (lines end at \\n, \\r\\n or \\r)."""
    outputs, lines = {}, iter(text.replace("\r\n", "\n").replace("\r", "\n").split("\n"))
    for line in lines:
        if "<<" in line and ("=" not in line or line.index("<<") < line.index("=")):
            name, delimiter = line.split("<<", 1)
            block = []
            for inner in lines:
                if inner == delimiter:
                    break
                block.append(inner)
            else:
                raise AssertionError(f"unterminated {name} block")
            outputs[name] = "\n".join(block)
        elif line:
            name, value = line.split("=", 1)
            outputs[name] = value
    return outputs


@dataclass
class ActionRun:
    code: int
    stdout: str
    stderr: str
    summary: str  # the lint step's summary file
    outputs: dict[str, str]  # the action's outputs
    pip_log: str

    def annotations(self) -> list[dict]:
        found = []
        for line in self.stdout.splitlines():
            match = ANNOTATION.match(line)
            if match:
                props = dict(prop.split("=", 1) for prop in match[2].split(","))
                found.append({"command": match[1], "message": match[3], **props})
        return found


def run_action(workspace: Path, runner_temp: Path, **inputs: str) -> ActionRun:
    """Run action.yml's steps in ``workspace`` with ``inputs`` (by their names in action.yml)."""
    action = load_action()
    assert action["runs"]["using"] == "composite"
    declared = action["inputs"]
    assert set(inputs) <= set(declared), set(inputs) - set(declared)
    fake_python = runner_temp / "fake-python"
    fake_python.write_text(FAKE_PYTHON.replace("{real}", sys.executable))
    fake_python.chmod(0o755)
    context = {
        "inputs": {name: str(spec.get("default", "")) for name, spec in declared.items()}
        | {"python": str(fake_python)}
        | inputs,
        "github": {"action_path": str(ROOT), "workspace": str(workspace)},
        "runner": {"temp": str(runner_temp)},
        "steps": {},
    }
    base = {k: v for k, v in os.environ.items() if not k.startswith(("GITHUB_", "INPUT_", "JSONL_LINT_"))}
    base |= {"PYTHONPATH": str(ROOT / "src"), "GITHUB_ACTION_PATH": str(ROOT), "GITHUB_WORKSPACE": str(workspace)}
    code, stdout, stderr, summary = 0, "", "", ""
    for number, step in enumerate(action["runs"]["steps"]):
        assert step["shell"] == "bash" and "run" in step and "uses" not in step
        assert "${{" not in step["run"], "inputs reach the scripts through env:, never pasted into them"
        files = {name: runner_temp / f"step{number}-{name}" for name in ("GITHUB_OUTPUT", "GITHUB_STEP_SUMMARY")}
        for path in files.values():
            path.write_text("")
        script = runner_temp / f"step{number}.sh"
        script.write_text(step["run"])
        env = base | {name: str(path) for name, path in files.items()}
        env |= {name: evaluate(str(value), context) for name, value in step.get("env", {}).items()}
        run = subprocess.run(
            ["bash", "--noprofile", "--norc", "-eo", "pipefail", str(script)],
            cwd=workspace,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        context["steps"][step["id"]] = {"outputs": parse_outputs(files["GITHUB_OUTPUT"].read_text("utf-8"))}
        code, stdout, stderr = run.returncode, run.stdout, run.stderr
        summary = files["GITHUB_STEP_SUMMARY"].read_text("utf-8")
        if code != 0:
            break  # a failing step ends a composite action
    outputs = {name: evaluate(spec["value"], context) for name, spec in action["outputs"].items()}
    pip_log = runner_temp / "jsonl-lint-action" / "pip.log"
    return ActionRun(code, stdout, stderr, summary, outputs, pip_log.read_text() if pip_log.exists() else "")


@pytest.fixture
def workspace(tmp_path) -> Path:
    """A dataset repository: 12 conversations without an answer, an unknown key, a duplicate."""
    if shutil.which("bash") is None:
        pytest.skip("bash is not installed")
    root = tmp_path / "workspace"
    (root / "data").mkdir(parents=True)
    records = [chat(i) for i in range(100)]
    records += [no_assistant(f"Question {i} without an answer?") for i in range(12)]
    records += [{**chat(200), "source": "crawl"}, unknown_role(), chat(3)]
    write_jsonl(root / "data" / "train.jsonl", records)
    write_jsonl(root / "data" / "validation.jsonl", [chat(1000 + i) for i in range(5)])
    return root


@pytest.fixture
def runner_temp(tmp_path) -> Path:
    path = tmp_path / "runner-temp"
    path.mkdir()
    return path


def lint_json(workspace: Path, *args: str) -> list[dict]:
    """The same lint through the plain CLI, for comparison."""
    run = subprocess.run(
        [sys.executable, "-m", "jsonl_lint", *args, "--output-format", "json"],
        cwd=workspace,
        env=os.environ | {"PYTHONPATH": str(ROOT / "src")},
        capture_output=True,
        text=True,
    )
    return json.loads(run.stdout)


# -- action.yml ----------------------------------------------------------


def test_action_metadata():
    action = load_action()
    assert action["name"] == "jsonl-lint" and action["description"]
    for name, spec in action["inputs"].items():
        assert spec["description"], name
        assert "default" in spec and not spec.get("required"), f"input {name} needs a default"
    for name, spec in action["outputs"].items():
        assert spec["description"] and EXPRESSION.fullmatch(spec["value"].strip()), name
    steps = action["runs"]["steps"]
    assert [s["id"] for s in steps] == ["install", "lint"]
    assert any("pip install" in s["run"] and "$ACTION_PATH" in s["run"] for s in steps)
    assert steps[0]["env"]["ACTION_PATH"] == "${{ github.action_path }}"  # this version, from the action's checkout


def test_every_step_is_valid_bash():
    for step in load_action()["runs"]["steps"]:
        run = subprocess.run(["bash", "-n"], input=step["run"], capture_output=True, text=True)
        assert run.returncode == 0, run.stderr


# -- runs ----------------------------------------------------------------


def test_action_with_findings(workspace, runner_temp, sarif_schema):
    run = run_action(workspace, runner_temp, paths="data", **{"sarif-file": "jsonl-lint.sarif"})
    assert run.code == 1, run.stderr
    assert "Traceback" not in run.stderr
    expected = lint_json(workspace, "data")
    counts = {level: sum(d["severity"] == level for d in expected) for level in ("error", "warning", "info")}
    assert counts["error"] >= 12 and counts["warning"] >= 2

    # the install step: this checkout, into the action's own environment
    assert run.pip_log.split()[-1] == str(ROOT)
    assert run.pip_log.startswith("-m pip install")

    # annotations: one per finding, in the log
    annotations = run.annotations()
    assert len(annotations) == len(expected)
    c002 = [a for a in annotations if a["title"] == "jsonl-lint (C002)"]
    assert len(c002) == 12 and all(a["command"] == "error" and a["file"] == "data/train.jsonl" for a in c002)
    assert c002[0]["line"] == "101" and c002[0]["message"].startswith("C002 missing-assistant: ")
    assert f"Found {len(expected)} problems" in run.stdout

    # outputs
    assert run.outputs == {
        "findings": str(len(expected)),
        "errors": str(counts["error"]),
        "warnings": str(counts["warning"]),
        "infos": str(counts["info"]),
        "sarif-file": "jsonl-lint.sarif",
        "exit-code": "1",
    }

    # summary: a table row per rule, with its count and first locations
    rows = {line.split(" | ")[0].lstrip("| "): line for line in run.summary.splitlines() if line.startswith("| [")}
    codes = {d["code"] for d in expected}
    assert {re.match(r"\[(\w+)\]", key)[1] for key in rows} == codes
    c002_row = next(row for key, row in rows.items() if key.startswith("[C002]"))
    assert "| missing-assistant | error | 12 |" in c002_row
    assert "data/train.jsonl:101" in c002_row and "and 7 more" in c002_row
    assert "GitHub shows at most 10 error" in run.summary  # 12 errors: more than GitHub annotates
    assert "data/validation.jsonl" in run.summary  # the files table
    assert len(run.summary.encode()) < 1 << 20

    # SARIF for upload-sarif
    document = json.loads((workspace / "jsonl-lint.sarif").read_text("utf-8"))
    validate(offline_validator(sarif_schema), document)
    assert len(document["runs"][0]["results"]) == len(expected)


def test_action_on_a_clean_dataset(workspace, runner_temp):
    (workspace / "data" / "train.jsonl").unlink()
    write_jsonl(workspace / "data" / "train.jsonl", [chat(i) for i in range(100)])
    run = run_action(workspace, runner_temp, paths="data/train.jsonl")
    assert run.code == 0, run.stderr
    assert run.annotations() == []
    assert "All checks passed!" in run.summary and "| [" not in run.summary
    assert run.outputs["findings"] == "0" and run.outputs["exit-code"] == "0"
    assert run.outputs["sarif-file"] == ""
    assert not list(workspace.glob("*.sarif"))


def test_fail_on_never_reports_but_passes(workspace, runner_temp):
    run = run_action(workspace, runner_temp, paths="data", **{"fail-on": "never"})
    assert run.code == 0, run.stderr
    assert run.annotations()
    assert int(run.outputs["findings"]) > 0 and run.outputs["exit-code"] == "0"


def test_fail_on_error_ignores_warnings(workspace, runner_temp):
    run = run_action(workspace, runner_temp, paths="data", args="--select S003,D004", **{"fail-on": "error"})
    assert run.code == 0, run.stderr
    assert {a["command"] for a in run.annotations()} == {"warning"}
    assert run.outputs["warnings"] == "2" and run.outputs["errors"] == "0"


def test_profile_and_args_inputs(workspace, runner_temp):
    run = run_action(workspace, runner_temp, paths="data", profile="together", args="--select S003")
    assert run.code == 1
    [s003] = run.annotations()
    assert s003["command"] == "error"  # Together rejects unknown keys: S003 is an error there
    assert run.outputs["errors"] == "1"


def test_paths_with_spaces_and_new_lines(workspace, runner_temp):
    (workspace / "more data").mkdir()
    write_jsonl(workspace / "more data" / "a b.jsonl", [no_assistant()])
    run = run_action(workspace, runner_temp, paths="'more data/a b.jsonl'\ndata/validation.jsonl", args="--select C002")
    assert run.code == 1, run.stderr
    assert [(a["file"], a["line"]) for a in run.annotations()] == [("more data/a b.jsonl", "1")]


def test_annotations_and_summary_can_be_switched_off(workspace, runner_temp):
    run = run_action(workspace, runner_temp, paths="data", annotations="false", summary="false")
    assert run.code == 1
    assert run.annotations() == [] and run.summary == ""
    assert "Found" in run.stdout and int(run.outputs["findings"]) > 0


def test_annotation_escaping_through_the_action(workspace, runner_temp):
    name = "we,ird:50%.jsonl"
    write_jsonl(workspace / name, [{**chat(1), "a\nb": 1}])
    run = run_action(workspace, runner_temp, paths=f"'{name}'", args="--select S003")
    [s003] = run.annotations()
    assert s003["file"] == "we%2Cird%3A50%25.jsonl"
    assert "`a%0Ab`" in s003["message"]
    assert "we,ird:50%.jsonl" in run.summary


@pytest.mark.parametrize(
    ("inputs", "message"),
    [
        ({"args": "--select NOPE"}, "NOPE"),
        ({"args": "--output-format json"}, "--output-format"),
        ({"fail-on": "sometimes"}, "INPUT_FAIL_ON"),
        ({"args": "--select 'C002"}, "INPUT_ARGS"),
        ({"summary": "maybe"}, "INPUT_SUMMARY"),
        ({"sarif-file": "no/such/folder/x.sarif"}, "sarif-file"),
    ],
)
def test_bad_inputs_are_one_line_errors(workspace, runner_temp, inputs, message):
    run = run_action(workspace, runner_temp, paths="data", **inputs)
    assert run.code == 2
    assert "Traceback" not in run.stderr
    [line] = [line for line in run.stderr.splitlines() if line.startswith("jsonl-lint: error:")]
    assert message in line


def test_a_missing_path_fails_the_step_and_is_summarised(workspace, runner_temp):
    run = run_action(workspace, runner_temp, paths="data missing.jsonl")
    assert run.code == 2
    assert "missing.jsonl" in run.stderr
    assert any(line.startswith("::error title=jsonl-lint::missing.jsonl") for line in run.stdout.splitlines())
    assert "**Could not lint:**" in run.summary and "missing.jsonl" in run.summary
    assert run.outputs["exit-code"] == "2"


def test_summary_appends_to_what_the_step_file_holds(workspace, runner_temp, monkeypatch, capsys):
    from jsonl_lint.cli.action import run as action_main
    from jsonl_lint.cli.output import Outcome

    summary = runner_temp / "summary.md"
    summary.write_text("# Before\n")
    monkeypatch.chdir(workspace)
    outcome = action_main([], {"INPUT_PATHS": "data", "GITHUB_STEP_SUMMARY": str(summary)})
    assert outcome is Outcome.FINDINGS
    text = summary.read_text("utf-8")
    assert text.startswith("# Before\n### jsonl-lint\n")
    assert capsys.readouterr().out.startswith("::")


# -- GITHUB_OUTPUT --------------------------------------------------------


@given(st.dictionaries(st.from_regex(r"[a-z][a-z-]{0,10}", fullmatch=True), st.text()))
def test_outputs_read_back(tmp_path_factory, outputs):
    path = tmp_path_factory.mktemp("outputs") / "GITHUB_OUTPUT"
    set_outputs(str(path), outputs)
    # a value's own line breaks come back as \n (GitHub reads the file by lines too)
    expected = {k: v.replace("\r\n", "\n").replace("\r", "\n") for k, v in outputs.items()}
    assert parse_outputs(path.read_bytes().decode("utf-8")) == expected


def test_outputs_with_a_line_break_use_a_delimiter(tmp_path):
    path = tmp_path / "out"
    set_outputs(str(path), {"a": "1", "b": "x\ny"})
    lines = path.read_text().splitlines()
    assert lines[0] == "a=1"
    assert lines[1].startswith("b<<ghadelimiter_") and lines[2:4] == ["x", "y"] and lines[4] == lines[1][3:]
    assert parse_outputs(path.read_text()) == {"a": "1", "b": "x\ny"}


# -- README --------------------------------------------------------------


def readme_workflows() -> list[dict]:
    readme = (ROOT / "README.md").read_text("utf-8")
    section = readme.split("## GitHub Actions\n", 1)[1].split("\n## ", 1)[0]
    return [yaml.safe_load(block) for block in re.findall(r"```yaml\n(.*?)```", section, re.S)]


def test_readme_workflows_use_the_action_as_declared():
    workflows = readme_workflows()
    assert len(workflows) == 2
    declared = set(load_action()["inputs"])
    uploads = []
    for workflow in workflows:
        steps = [step for job in workflow["jobs"].values() for step in job["steps"]]
        [lint] = [step for step in steps if step.get("uses", "").startswith("jsonl-lint/jsonl-lint@")]
        assert set(lint.get("with", {})) <= declared
        for step in steps:
            if step.get("uses", "").startswith("github/codeql-action/upload-sarif@"):
                uploads.append((workflow, lint, step))
    [(workflow, lint, upload)] = uploads
    assert workflow["permissions"]["security-events"] == "write"
    assert upload["with"]["sarif_file"] == lint["with"]["sarif-file"]
    assert "!cancelled()" in upload["if"]  # runs after findings failed the lint step
