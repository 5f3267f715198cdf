"""The example plugin installed for real: pip into a fresh virtual environment, then the CLI and a pre-commit hook.

One virtual environment serves the whole session (pip installs this checkout and
examples/plugin, with the plugin's test extra, from the package index); the
pre-commit test builds the hook's own environment with ``additional_dependencies``.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import venv
from pathlib import Path

import orjson
import pytest
from conftest import ROOT

pytestmark = pytest.mark.plugin_install

EXAMPLE = ROOT / "examples" / "plugin"
PROMPT = "You are the support assistant of Example Corp."


def _chat(i: int, system: str | None = PROMPT) -> dict:
    turns = [{"role": "user", "content": f"Review {i}: arrived on time."}, {"role": "assistant", "content": "positive"}]
    return {"messages": ([{"role": "system", "content": system}] if system else []) + turns}


def _write(path: Path, records: list[dict]) -> Path:
    path.write_bytes(b"".join(orjson.dumps(r) + b"\n" for r in records))
    return path


def _env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV", "PYTHONHOME")}
    env.pop("JSONL_LINT_DISABLE_PLUGIN_AUTOLOAD", None)
    return env


@pytest.fixture(scope="session")
def plugin_venv(tmp_path_factory) -> Path:
    """A virtual environment with jsonl-lint (this checkout) and the example plugin installed by pip."""
    folder = tmp_path_factory.mktemp("plugin-venv")
    venv.create(folder, with_pip=True)
    bin_dir = folder / ("Scripts" if sys.platform == "win32" else "bin")
    install = subprocess.run(
        [bin_dir / "python", "-m", "pip", "install", "-q", str(ROOT), f"{EXAMPLE}[test]"],
        capture_output=True, text=True, env=_env(), timeout=600,
    )  # fmt: skip
    if install.returncode != 0:
        pytest.fail(f"pip install failed:\n{install.stdout}\n{install.stderr}")
    return bin_dir


def _run(bin_dir: Path, *args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([bin_dir / "jsonl-lint", *args], cwd=cwd, capture_output=True, text=True, env=_env())


def test_the_installed_plugin_is_listed_and_its_rules_fire(plugin_venv, tmp_path):
    plugins = orjson.loads(_run(plugin_venv, "plugins", "--output-format", "json", cwd=tmp_path).stdout)
    assert [(p["name"], p["distribution"], p["version"], p["codes"]) for p in plugins] == [
        ("house_rules", "jsonl-lint-house-rules", "0.1.0", ["H001", "H002"])
    ]
    rules = _run(plugin_venv, "rules", cwd=tmp_path).stdout.splitlines()
    assert [line.split()[:2] for line in rules[-2:]] == [["H001", "required-system-prompt"], ["H002", "label-balance"]]
    assert _run(plugin_venv, "rule", "H002", cwd=tmp_path).stdout.startswith("# H002 label-balance\n")

    records = [_chat(i) for i in range(12)]
    records[3] = _chat(3, system=None)
    _write(tmp_path / "train.jsonl", records)
    (tmp_path / "jsonl-lint.toml").write_text('[H002]\nlabels = ["positive", "negative"]\n')
    run = _run(plugin_venv, "train.jsonl", "--ignore", "D002", cwd=tmp_path)
    assert run.returncode == 1, run.stderr
    assert "train.jsonl:4:2: H001 error: The conversation does not start with a system message\n" in run.stdout
    positive = "train.jsonl:1: H002 warning: Label 'positive' is the answer of 12 of 12 labelled examples (100%)"
    assert positive in run.stdout
    assert "train.jsonl: H002 warning: Label 'negative' has no training example (`labels`)\n" in run.stdout
    run = _run(plugin_venv, "train.jsonl", "--select", "H", "--output-format", "json", cwd=tmp_path)
    assert sorted((d["code"], d["line"] or 0) for d in orjson.loads(run.stdout)) == [
        ("H001", 4),
        ("H002", 0),
        ("H002", 1),
    ]
    switched_off = subprocess.run(
        [plugin_venv / "jsonl-lint", "rules"], cwd=tmp_path, capture_output=True, text=True,
        env={**_env(), "JSONL_LINT_DISABLE_PLUGIN_AUTOLOAD": "1"},
    )  # fmt: skip
    assert switched_off.returncode == 2 and "unknown key `H002`" in switched_off.stderr


def test_the_example_plugins_own_tests_pass(plugin_venv, tmp_path):
    run = subprocess.run(
        [plugin_venv / "python", "-m", "pytest", "-q", "-p", "no:cacheprovider", str(EXAMPLE)],
        cwd=tmp_path, capture_output=True, text=True, env=_env(), timeout=300,
    )  # fmt: skip
    assert run.returncode == 0, run.stdout + run.stderr
    assert " passed" in run.stdout and "failed" not in run.stdout


def _git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True, text=True).stdout.strip()


def _snapshot(destination: Path) -> str:
    """This checkout as it is now (committed or not) in a git repository of its own; return the commit."""
    listed = _git(ROOT, "ls-files", "--cached", "--others", "--exclude-standard", "-z").split("\0")
    for name in filter(None, listed):
        if (ROOT / name).is_file():
            (destination / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, destination / name)
    _git(destination, "init", "-q")
    _git(destination, "add", ".")
    _git(destination, "-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-q", "-m", "snapshot")
    return _git(destination, "rev-parse", "HEAD")


def test_the_plugin_works_from_a_pre_commit_hook(tmp_path):
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    if not (ROOT / ".git").exists():
        pytest.skip("the checkout is not a git repository")
    hook_repo, data_repo = tmp_path / "jsonl-lint", tmp_path / "data"
    hook_repo.mkdir()
    data_repo.mkdir()
    rev = _snapshot(hook_repo)
    _git(data_repo, "init", "-q")
    (data_repo / ".pre-commit-config.yaml").write_text(
        f"repos:\n  - repo: {hook_repo}\n    rev: {rev}\n    hooks:\n      - id: jsonl-lint\n"
        f"        args: [--select, H]\n        additional_dependencies: ['{EXAMPLE}']\n"
    )
    _write(data_repo / "good.jsonl", [_chat(i) for i in range(3)])
    _write(data_repo / "bad.jsonl", [_chat(0), _chat(1, system=None)])
    _git(data_repo, "add", ".")
    env = {**_env(), "PRE_COMMIT_HOME": str(tmp_path / "pre-commit-home"), "PRE_COMMIT_COLOR": "never"}

    def pre_commit(*files: str) -> subprocess.CompletedProcess:
        command = [sys.executable, "-m", "pre_commit", "run", "jsonl-lint", "--files", *files]
        return subprocess.run(command, cwd=data_repo, env=env, capture_output=True, text=True, timeout=600)

    bad = pre_commit("bad.jsonl")
    assert bad.returncode == 1, bad.stdout + bad.stderr
    assert "bad.jsonl:2:2: H001 error: The conversation does not start with a system message" in bad.stdout
    good = pre_commit("good.jsonl")
    assert good.returncode == 0 and "Passed" in good.stdout, good.stdout + good.stderr
