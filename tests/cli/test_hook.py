"""The pre-commit hook, run for real: `pre-commit try-repo` this checkout on a temporary git repo.

pre-commit builds the hook's virtualenv by `pip install`ing this checkout, so the
test needs git and the package index; it takes a minute on a cold cache.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys

import orjson
import pytest
import yaml
from conftest import ROOT

pytestmark = pytest.mark.hook


def test_hook_manifest_matches_the_cli():
    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())
    assert [hook["id"] for hook in hooks] == ["jsonl-lint"]
    hook = hooks[0]
    assert hook["entry"] == "jsonl-lint --force-exclude" and hook["language"] == "python"
    assert hook["require_serial"] is True  # dataset rules need all files in one run
    import re

    pattern = re.compile(hook["files"])
    assert pattern.search("data/train.jsonl") and pattern.search("x.ndjson")
    assert pattern.search("data/train.jsonl.gz") and pattern.search("x.ndjson.gz")
    assert not pattern.search("data/train.json") and not pattern.search("notes.jsonl.md")


def _git(repo, *args):
    subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True)


def _chat(i: int) -> bytes:
    return orjson.dumps({"messages": [
        {"role": "user", "content": f"Question number {i}: what is {i} plus {i}?"},
        {"role": "assistant", "content": f"{i} plus {i} is {2 * i}."},
    ]}) + b"\n"  # fmt: skip


@pytest.fixture(scope="module")
def data_repo(tmp_path_factory):
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    if not (ROOT / ".git").exists():
        pytest.skip("the checkout is not a git repository (pre-commit try-repo needs one)")
    repo = tmp_path_factory.mktemp("data-repo")
    _git(repo, "init", "-q")
    (repo / "good.jsonl").write_bytes(b"".join(_chat(i) for i in range(120)))
    bad = b"".join(_chat(i) for i in range(120)).replace(
        b'{"role":"assistant","content":"3 plus 3 is 6."}', b'{"role":"user","content":"and?"}'
    )
    (repo / "bad.jsonl").write_bytes(bad)
    _git(repo, "add", ".")
    return repo


def _try_repo(repo, tmp_home, *files):
    env = {**os.environ, "PRE_COMMIT_HOME": str(tmp_home), "PRE_COMMIT_COLOR": "never"}
    env.pop("VIRTUAL_ENV", None)
    return subprocess.run(
        [sys.executable, "-m", "pre_commit", "try-repo", str(ROOT), "jsonl-lint", "--files", *files],
        cwd=repo, env=env, capture_output=True, text=True, timeout=600,
    )  # fmt: skip


@pytest.fixture(scope="module")
def home(tmp_path_factory):
    """One pre-commit home for the module: the hook's virtualenv is built once."""
    return tmp_path_factory.mktemp("pre-commit-home")


def test_hook_fails_on_bad_file_and_passes_on_good(data_repo, home):
    bad = _try_repo(data_repo, home, "bad.jsonl")
    assert bad.returncode == 1, bad.stdout + bad.stderr
    assert "bad.jsonl:4:" in bad.stdout and "C002" in bad.stdout
    good = _try_repo(data_repo, home, "good.jsonl")
    assert good.returncode == 0, good.stdout + good.stderr
    assert "Passed" in good.stdout


def test_hook_reads_the_training_split_when_only_validation_is_staged(data_repo, home):
    """pre-commit passes only the staged files; the split partner is read for leakage, not reported."""
    train = b"".join(_chat(i) for i in range(120)) + _chat(7)  # its own D004 must not be shown
    (data_repo / "train.jsonl").write_bytes(train)
    (data_repo / "validation.jsonl").write_bytes(_chat(500) + _chat(3) + _chat(501))
    _git(data_repo, "add", "train.jsonl", "validation.jsonl")
    leaked = _try_repo(data_repo, home, "validation.jsonl")
    assert leaked.returncode == 1, leaked.stdout + leaked.stderr
    assert "validation.jsonl:2: V001" in leaked.stdout and "train.jsonl:4" in leaked.stdout
    assert "D004" not in leaked.stdout and "train.jsonl:122" not in leaked.stdout


def test_hook_leaves_out_what_the_config_and_gitignore_exclude_and_lints_gzip(data_repo, home):
    """--force-exclude: a staged file under the config's `exclude` or a gitignored folder is not linted;
    a broken .jsonl.gz is (the hook's pattern covers it)."""
    bad = (data_repo / "bad.jsonl").read_bytes()
    (data_repo / "raw").mkdir()
    (data_repo / "raw" / "scrape.jsonl").write_bytes(bad)
    (data_repo / "vendor").mkdir()
    (data_repo / "vendor" / "v.jsonl").write_bytes(bad)
    (data_repo / ".gitignore").write_text("vendor/\n")
    (data_repo / "jsonl-lint.toml").write_text('extend-exclude = ["raw"]\n')
    _git(data_repo, "add", "raw/scrape.jsonl", ".gitignore", "jsonl-lint.toml")
    _git(data_repo, "add", "-f", "vendor/v.jsonl")
    excluded = _try_repo(data_repo, home, "raw/scrape.jsonl", "vendor/v.jsonl")
    assert excluded.returncode == 0, excluded.stdout + excluded.stderr
    assert "C002" not in excluded.stdout
    (data_repo / "broken.jsonl.gz").write_bytes(b"\x1f\x8b\x08\x00 not gzip after all")
    _git(data_repo, "add", "broken.jsonl.gz")
    broken = _try_repo(data_repo, home, "broken.jsonl.gz")
    assert broken.returncode == 1, broken.stdout + broken.stderr  # pre-commit's code for a failed hook
    assert "exit code: 2" in broken.stdout and "broken.jsonl.gz: Compressed file ended" in broken.stdout


def _snippets(text: str) -> list[dict]:
    return [yaml.safe_load(block) for block in re.findall(r"```yaml\n(.*?)```", text, re.S)]


@pytest.mark.parametrize("page", ["README.md", "docs/plugins.md"])
def test_the_documented_pre_commit_config_works_against_this_repository(page, tmp_path):
    """The snippet's repository, hook id and `rev` exist: `rev` names a revision of this repository."""
    if shutil.which("git") is None or not (ROOT / ".git").exists():
        pytest.skip("needs the git checkout")
    configs = [s for s in _snippets((ROOT / page).read_text("utf-8")) if isinstance(s, dict) and "repos" in s]
    assert configs, f"{page} shows no .pre-commit-config.yaml"
    hook_ids = {hook["id"] for hook in yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())}
    for config in configs:
        [repo] = config["repos"]
        assert repo["repo"] == "https://github.com/jsonl-lint/jsonl-lint"
        assert {hook["id"] for hook in repo["hooks"]} <= hook_ids
        found = subprocess.run(
            ["git", "rev-parse", "--verify", f"{repo['rev']}^{{commit}}"], cwd=ROOT, capture_output=True
        )
        assert found.returncode == 0, f"rev {repo['rev']!r} is not a revision of this repository"
        (tmp_path / ".pre-commit-config.yaml").write_text(yaml.safe_dump(config))
        checked = subprocess.run(
            [sys.executable, "-m", "pre_commit", "validate-config", ".pre-commit-config.yaml"],
            cwd=tmp_path, capture_output=True, text=True,
        )  # fmt: skip
        assert checked.returncode == 0, checked.stdout + checked.stderr


def test_the_documented_action_is_this_repository_at_a_revision_it_has():
    if shutil.which("git") is None or not (ROOT / ".git").exists():
        pytest.skip("needs the git checkout")
    readme = (ROOT / "README.md").read_text("utf-8")
    uses = set(re.findall(r"uses: jsonl-lint/jsonl-lint@(\S+)", readme))
    assert uses, "the README shows no workflow using the action"
    for rev in uses:
        found = subprocess.run(["git", "rev-parse", "--verify", f"{rev}^{{commit}}"], cwd=ROOT, capture_output=True)
        assert found.returncode == 0, f"@{rev} is not a revision of this repository"
