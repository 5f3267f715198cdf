"""Which files a run lints: default excludes, .gitignore, extend-exclude, --force-exclude, stdin's name."""

from __future__ import annotations

import subprocess

import pytest
from conftest import write_jsonl

from jsonl_lint.config import Settings
from jsonl_lint.errors import ConfigError
from jsonl_lint.files.ignore import GitIgnore
from jsonl_lint.files.sources import discover

CHAT = {"messages": [{"role": "user", "content": "Hello, how are you?"}, {"role": "assistant", "content": "Fine."}]}


def _tree(root, *paths):
    for path in paths:
        file = root / path
        file.parent.mkdir(parents=True, exist_ok=True)
        write_jsonl(file, [CHAT])


def _found(root, paths=(".",), **options) -> list[str]:
    settings = Settings(root=str(root))
    for key, value in options.items():
        setattr(settings, key, value)
    sources, errors = discover([str(root / p) if p != "-" else p for p in paths], **settings.discovery())
    assert errors == []
    return sorted(s.path.rsplit(str(root.name) + "/", 1)[-1] for s in sources)


def test_a_walk_leaves_out_the_default_folders(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    _tree(tmp_path, "data/train.jsonl", "node_modules/pkg/v.jsonl", "venv/lib/x.jsonl", "build/out.jsonl",
          "data/__pycache__/y.jsonl", ".venv/z.jsonl")  # fmt: skip
    assert _found(tmp_path) == ["data/train.jsonl"]


def test_setting_exclude_replaces_the_defaults_and_extend_exclude_adds(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    _tree(tmp_path, "data/train.jsonl", "data/raw/scrape.jsonl", "build/out.jsonl")
    assert _found(tmp_path, extend_exclude=["raw"]) == ["data/train.jsonl"]
    assert _found(tmp_path, exclude=["data/raw/*"]) == ["build/out.jsonl", "data/train.jsonl"]


def test_a_default_exclude_names_folders_below_the_walk_not_above_it(tmp_path, monkeypatch):
    """Walking /somewhere/build/data must not leave everything out because one folder above is `build`."""
    outside = tmp_path / "build" / "project"
    _tree(outside, "data/train.jsonl")
    (tmp_path / "elsewhere").mkdir()
    monkeypatch.chdir(tmp_path / "elsewhere")
    settings = Settings(root=str(tmp_path / "elsewhere"))
    sources, _ = discover([str(outside / "data")], **settings.discovery())
    assert [s.path.rsplit("/", 2)[-2:] for s in sources] == [["data", "train.jsonl"]]


@pytest.fixture
def repo(tmp_path, monkeypatch):
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_gitignore_is_respected_as_git_reads_it(repo):
    _tree(repo, "data/train.jsonl", "data/tmp/a.jsonl", "data/keep.jsonl", "data/drop.jsonl",
          "data/sub/inner.jsonl", "data/sub/back.jsonl", "generated/g.jsonl")  # fmt: skip
    (repo / ".gitignore").write_text("tmp/\n*.jsonl\n!train.jsonl\n!keep.jsonl\n!sub/\n!back.jsonl\ngenerated/\n")
    (repo / "data" / "sub" / ".gitignore").write_text("back.jsonl\n!inner.jsonl\n")  # a deeper file wins
    assert _found(repo) == ["data/keep.jsonl", "data/sub/inner.jsonl", "data/train.jsonl"]
    assert sorted(_found(repo, respect_gitignore=False)) == [
        "data/drop.jsonl", "data/keep.jsonl", "data/sub/back.jsonl", "data/sub/inner.jsonl", "data/tmp/a.jsonl",
        "data/train.jsonl", "generated/g.jsonl",
    ]  # fmt: skip


def test_git_info_exclude_counts_and_the_repository_root_is_found_from_a_subfolder(repo):
    _tree(repo, "data/train.jsonl", "data/scratch/s.jsonl")
    (repo / ".git" / "info").mkdir(exist_ok=True)
    (repo / ".git" / "info" / "exclude").write_text("scratch/\n")
    assert _found(repo, paths=("data",)) == ["data/train.jsonl"]


def test_a_file_named_is_linted_unless_force_exclude(repo):
    _tree(repo, "data/raw/scrape.jsonl", "vendor/v.jsonl", "data/train.jsonl")
    (repo / ".gitignore").write_text("vendor/\n")
    named = ("data/raw/scrape.jsonl", "vendor/v.jsonl", "data/train.jsonl")
    assert _found(repo, paths=named, extend_exclude=["raw"]) == sorted(named)
    assert _found(repo, paths=named, extend_exclude=["raw"], force_exclude=True) == ["data/train.jsonl"]


def test_a_gitignored_partner_is_not_read(repo):
    _tree(repo, "data/validation.jsonl", "data/train.jsonl")
    assert _found(repo, paths=("data/validation.jsonl",)) == ["data/train.jsonl", "data/validation.jsonl"]
    (repo / ".gitignore").write_text("train.jsonl\n")
    assert _found(repo, paths=("data/validation.jsonl",)) == ["data/validation.jsonl"]


def test_gitignore_outside_a_repository_applies_from_the_folder_walked(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    _tree(tmp_path, "data/train.jsonl", "data/old/x.jsonl")
    (tmp_path / "data" / ".gitignore").write_text("old/\n")
    assert GitIgnore().ignored(str(tmp_path / "data" / "old"), True, str(tmp_path / "data"))
    assert _found(tmp_path, paths=("data",)) == ["data/train.jsonl"]


def test_file_options_in_the_config_are_checked():
    settings = Settings()
    settings.apply({"extend-exclude": ["raw"], "respect-gitignore": False, "force-exclude": True}, "config")
    assert settings.extend_exclude == ["raw"] and not settings.respect_gitignore and settings.force_exclude
    with pytest.raises(ConfigError, match="`force-exclude` must be true or false"):
        Settings().apply({"force-exclude": "yes"}, "config")
    with pytest.raises(ConfigError, match="did you mean `extend-exclude`"):
        Settings().apply({"extend-exlude": ["x"]}, "config")


def test_options_and_paths_in_any_order(cli, tmp_path):
    _tree(tmp_path, "data/a.jsonl", "x.jsonl")
    write_jsonl(tmp_path / "data" / "b.jsonl", [{"messages": [{"role": "user", "content": "no answer here"}]}])
    run = cli("data/", "--select", "C002", "x.jsonl", "--output-format", "json", cwd=tmp_path)
    assert run.code == 1, run.err
    assert '"path": "data/b.jsonl"' in run.out and '"code": "C002"' in run.out


def test_stdin_filename_gives_standard_input_a_split_and_partners(cli, tmp_path, monkeypatch):
    import io
    import sys

    _tree(tmp_path, "data/train.jsonl")
    data = (tmp_path / "data" / "train.jsonl").read_bytes()
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data)))
    run = cli("-", "--stdin-filename", "data/validation.jsonl", "--select", "V001", cwd=tmp_path)
    assert run.code == 1, run.err
    assert "data/validation.jsonl:1: V001" in run.out and "data/train.jsonl:1" in run.out
