"""Configuration: discovery of pyproject.toml / jsonl-lint.toml, --config, and every key."""

from __future__ import annotations

import json
import re
from pathlib import Path

import orjson
import pytest
from conftest import write_jsonl

from jsonl_lint import profiles
from jsonl_lint.config import Settings, find_config, resolve


def chat(i: int) -> dict:
    return {
        "messages": [{"role": "user", "content": f"Question {i}?"}, {"role": "assistant", "content": f"Answer {i}."}]
    }


NO_ASSISTANT = {"messages": [{"role": "user", "content": "Where is the answer?"}]}


def records(path: Path, n: int) -> Path:
    return write_jsonl(path, [chat(i) for i in range(n)])


def codes(run) -> set[str]:
    return {d["code"] for d in json.loads(run.out)}


def found(run) -> set[tuple[str, str]]:
    return {(d["path"], d["code"]) for d in json.loads(run.out)}


def settings_line(out: str, key: str) -> str:
    return next(line for line in out.splitlines() if line.startswith(f"{key}:") or line.strip().startswith(f"{key} ="))


@pytest.fixture
def nested(tmp_path) -> Path:
    """tmp/project/sub/deep, with 3 records in deep/train.jsonl (D001 unless min-examples <= 3)."""
    deep = tmp_path / "project" / "sub" / "deep"
    deep.mkdir(parents=True)
    records(deep / "train.jsonl", 3)
    return deep


def d001(run) -> list[dict]:
    return [d for d in json.loads(run.out) if d["code"] == "D001"]


# -- discovery -----------------------------------------------------------


def test_pyproject_table_is_found_from_a_subfolder(cli, nested, tmp_path):
    (tmp_path / "project" / "pyproject.toml").write_text(
        '[project]\nname = "x"\n\n[tool.jsonl-lint]\nmin-examples = 3\n'
    )
    run = cli("train.jsonl", "--output-format", "json", cwd=nested)
    assert d001(run) == []
    run = cli("train.jsonl", "--show-settings", cwd=nested)
    assert settings_line(run.out, "config file") == f"config file: {tmp_path / 'project' / 'pyproject.toml'}"


def test_jsonl_lint_toml_is_found_from_a_subfolder(cli, nested, tmp_path):
    (tmp_path / "project" / "jsonl-lint.toml").write_text("min-examples = 3\n")
    assert d001(cli("train.jsonl", "--output-format", "json", cwd=nested)) == []


def test_without_config_the_profile_defaults_apply(cli, nested):
    run = cli("train.jsonl", "--output-format", "json", cwd=nested)
    [finding] = d001(run)
    assert "at least 10" in finding["message"]


def test_jsonl_lint_toml_wins_over_pyproject_in_the_same_folder(cli, nested, tmp_path):
    project = tmp_path / "project"
    (project / "pyproject.toml").write_text("[tool.jsonl-lint]\nmin-examples = 3\n")
    (project / "jsonl-lint.toml").write_text("min-examples = 5\n")
    run = cli("train.jsonl", "--output-format", "json", cwd=nested)
    [finding] = d001(run)
    assert "at least 5" in finding["message"]
    show = cli("--show-settings", cwd=nested)
    assert settings_line(show.out, "config file") == f"config file: {project / 'jsonl-lint.toml'}"


def test_the_nearest_config_wins(cli, nested, tmp_path):
    (tmp_path / "project" / "jsonl-lint.toml").write_text("min-examples = 5\n")
    (tmp_path / "project" / "sub" / "pyproject.toml").write_text("[tool.jsonl-lint]\nmin-examples = 2\n")
    assert d001(cli("train.jsonl", "--output-format", "json", cwd=nested)) == []


def test_pyproject_without_our_table_is_skipped(cli, nested, tmp_path):
    (tmp_path / "project" / "jsonl-lint.toml").write_text("min-examples = 4\n")
    (tmp_path / "project" / "sub" / "pyproject.toml").write_text("[tool.black]\nline-length = 100\n")
    [finding] = d001(cli("train.jsonl", "--output-format", "json", cwd=nested))
    assert "at least 4" in finding["message"]
    assert find_config(nested) == tmp_path / "project" / "jsonl-lint.toml"


def test_empty_tool_table_counts_as_a_config(cli, nested, tmp_path):
    (tmp_path / "project" / "jsonl-lint.toml").write_text("min-examples = 4\n")
    (tmp_path / "project" / "sub" / "pyproject.toml").write_text("[tool.jsonl-lint]\n")
    assert find_config(nested) == tmp_path / "project" / "sub" / "pyproject.toml"
    [finding] = d001(cli("train.jsonl", "--output-format", "json", cwd=nested))
    assert "at least 10" in finding["message"]


def test_config_in_a_folder_below_is_not_used(cli, tmp_path):
    (tmp_path / "below").mkdir()
    (tmp_path / "below" / "jsonl-lint.toml").write_text("min-examples = 1\n")
    records(tmp_path / "train.jsonl", 3)
    assert len(d001(cli("train.jsonl", "--output-format", "json", cwd=tmp_path))) == 1


def test_config_option_with_a_file(cli, nested, tmp_path):
    (tmp_path / "project" / "jsonl-lint.toml").write_text("min-examples = 5\n")
    other = tmp_path / "elsewhere.toml"
    other.write_text("min-examples = 2\n")
    run = cli("train.jsonl", "--config", str(other), "--output-format", "json", cwd=nested)
    assert d001(run) == []  # the named file replaces the discovered one
    show = cli("--config", str(other), "--show-settings", cwd=nested)
    assert settings_line(show.out, "config file") == f"config file: {other}"


def test_config_option_with_a_pyproject_reads_only_our_table(cli, nested, tmp_path):
    other = tmp_path / "pyproject.toml"
    other.write_text('[project]\nname = "x"\nselect = 1\n\n[tool.jsonl-lint]\nmin-examples = 2\n')
    assert d001(cli("train.jsonl", "--config", str(other), "--output-format", "json", cwd=nested)) == []


def test_config_file_that_does_not_exist_exits_2(cli, nested):
    run = cli("train.jsonl", "--config", "missing.toml", cwd=nested)
    assert run.code == 2
    assert "missing.toml" in run.err


def test_inline_override(cli, nested, tmp_path):
    (tmp_path / "project" / "jsonl-lint.toml").write_text("min-examples = 5\nignore = ['D002']\n")
    run = cli("train.jsonl", "--config", "min-examples = 20", "--output-format", "json", cwd=nested)
    [finding] = d001(run)
    assert "at least 20" in finding["message"]
    assert "D002" not in codes(run)  # the rest of the discovered file still applies


def test_inline_overrides_apply_after_a_config_file(cli, nested, tmp_path):
    other = tmp_path / "other.toml"
    other.write_text("min-examples = 2\n")
    run = cli("train.jsonl", "--config", "min-examples = 7", "--config", str(other), "--output-format", "json",
              cwd=nested)  # fmt: skip
    [finding] = d001(run)
    assert "at least 7" in finding["message"]


def test_several_inline_overrides(cli, nested):
    run = cli("train.jsonl", "--config", "min-examples = 2", "--config", "recommended-examples = 3",
              "--output-format", "json", cwd=nested)  # fmt: skip
    assert codes(run) == set()
    assert run.code == 0


def test_isolated_ignores_config_files(cli, nested, tmp_path):
    (tmp_path / "project" / "jsonl-lint.toml").write_text("min-examples = 3\n")
    run = cli("train.jsonl", "--isolated", "--output-format", "json", cwd=nested)
    [finding] = d001(run)
    assert "at least 10" in finding["message"]
    show = cli("--isolated", "--show-settings", cwd=nested)
    assert settings_line(show.out, "config file") == "config file: (none)"


def test_isolated_ignores_a_broken_config_file(cli, nested, tmp_path):
    (tmp_path / "project" / "jsonl-lint.toml").write_text("this is = not toml [")
    assert cli("train.jsonl", cwd=nested).code == 2
    assert cli("train.jsonl", "--isolated", cwd=nested).code == 1


def test_isolated_still_takes_inline_overrides(cli, nested):
    run = cli("train.jsonl", "--isolated", "--config", "min-examples = 3", "--output-format", "json", cwd=nested)
    assert d001(run) == []


def test_command_line_wins_over_the_config(cli, tmp_path):
    (tmp_path / "jsonl-lint.toml").write_text('select = ["D"]\nfail-on = "error"\n')
    write_jsonl(tmp_path / "a.jsonl", [NO_ASSISTANT])
    assert codes(cli("a.jsonl", "--output-format", "json", cwd=tmp_path)) == {"D001"}
    assert codes(cli("a.jsonl", "--select", "C", "--output-format", "json", cwd=tmp_path)) == {"C002"}
    records(tmp_path / "b.jsonl", 20)  # D002 only, a warning
    assert cli("b.jsonl", cwd=tmp_path).code == 0
    assert cli("b.jsonl", "--fail-on", "warning", cwd=tmp_path).code == 1


# -- keys ----------------------------------------------------------------


@pytest.fixture
def mixed(tmp_path) -> Path:
    """a.jsonl: C002 (line 1), D001, F005 (no final newline)."""
    (tmp_path / "a.jsonl").write_bytes(orjson.dumps(NO_ASSISTANT))
    return tmp_path


@pytest.mark.parametrize(
    "toml, expected",
    [
        ('select = ["C"]', {"C002"}),
        ('select = ["missing-assistant", "F"]', {"C002", "F005"}),
        ('ignore = ["C002"]', {"D001", "F005"}),
        ('ignore = ["D", "F005"]', {"C002"}),
        ('select = ["C"]\nextend-select = ["D001"]', {"C002", "D001"}),
        ('extend-select = ["D001"]\nignore = ["D"]', {"C002", "D001", "F005"}),
        ('select = ["C", "D"]\nignore = ["D00"]\nextend-select = ["D001"]', {"C002", "D001"}),
    ],
)
def test_selection_keys(cli, mixed, toml, expected):
    (mixed / "jsonl-lint.toml").write_text(toml + "\n")
    assert codes(cli("a.jsonl", "--output-format", "json", cwd=mixed)) == expected


def test_a_selection_that_enables_no_rule_is_an_error(cli, mixed):
    (mixed / "jsonl-lint.toml").write_text('select = ["ALL"]\nignore = ["ALL"]\n')
    run = cli("a.jsonl", "--output-format", "json", cwd=mixed)
    assert run.code == 2 and "no rule is enabled" in run.err


def test_selection_keys_in_pyproject(cli, mixed):
    (mixed / "pyproject.toml").write_text('[tool.jsonl-lint]\nselect = ["C", "F"]\nignore = ["F005"]\n')
    assert codes(cli("a.jsonl", "--output-format", "json", cwd=mixed)) == {"C002"}


def test_exclude(cli, tmp_path):
    for folder in ("data", "data/drafts", "data/raw/old"):
        (tmp_path / folder).mkdir(parents=True)
    write_jsonl(tmp_path / "data" / "a.jsonl", [NO_ASSISTANT])
    write_jsonl(tmp_path / "data" / "drafts" / "b.jsonl", [NO_ASSISTANT])
    write_jsonl(tmp_path / "data" / "raw" / "old" / "c.jsonl", [NO_ASSISTANT])
    write_jsonl(tmp_path / "data" / "raw" / "d.jsonl", [NO_ASSISTANT])
    write_jsonl(tmp_path / "data" / "e.tmp.jsonl", [NO_ASSISTANT])
    (tmp_path / "jsonl-lint.toml").write_text('exclude = ["drafts", "data/raw/old", "*.tmp.jsonl"]\n')
    run = cli("data", "--output-format", "json", "--select", "C002", cwd=tmp_path)
    assert {p for p, _ in found(run)} == {"data/a.jsonl", "data/raw/d.jsonl"}


def test_per_file_ignores(cli, tmp_path):
    for folder in ("data/raw", "data/clean", "other/raw"):
        (tmp_path / folder).mkdir(parents=True)
    for path in ("data/raw/a.jsonl", "data/clean/b.jsonl", "other/raw/c.jsonl", "data/clean/d.ndjson"):
        write_jsonl(tmp_path / path, [NO_ASSISTANT])
    (tmp_path / "jsonl-lint.toml").write_text(
        "[per-file-ignores]\n"
        '"raw" = ["C002"]\n'  # no "/": any path component
        '"data/clean/*.jsonl" = ["missing-assistant"]\n'  # a name works as well as a code
        '"*.ndjson" = ["D"]\n'  # a prefix
    )
    run = cli(".", "--output-format", "json", "--select", "C002,D001", cwd=tmp_path)
    assert found(run) == {
        ("data/raw/a.jsonl", "D001"),
        ("other/raw/c.jsonl", "D001"),
        ("data/clean/b.jsonl", "D001"),
        ("data/clean/d.ndjson", "C002"),
    }


def test_per_file_ignores_glob_without_slash_matches_a_file_name(cli, tmp_path):
    (tmp_path / "sub").mkdir()
    write_jsonl(tmp_path / "sub" / "legacy.jsonl", [NO_ASSISTANT])
    write_jsonl(tmp_path / "sub" / "current.jsonl", [NO_ASSISTANT])
    (tmp_path / "jsonl-lint.toml").write_text('[per-file-ignores]\n"legacy*" = ["C002"]\n')
    run = cli("sub", "--output-format", "json", "--select", "C002", cwd=tmp_path)
    assert found(run) == {("sub/current.jsonl", "C002")}


def test_per_file_ignores_dataset_rule_related_across_files(cli, tmp_path):
    write_jsonl(tmp_path / "train_a.jsonl", [chat(1)])
    write_jsonl(tmp_path / "train_b.jsonl", [chat(1)])
    (tmp_path / "jsonl-lint.toml").write_text('[per-file-ignores]\n"train_b.jsonl" = ["D004"]\n')
    run = cli("train_a.jsonl", "train_b.jsonl", "--output-format", "json", "--select", "D004", cwd=tmp_path)
    assert found(run) == set()


@pytest.mark.parametrize("value, code", [('"error"', 0), ('"warning"', 1), ('"info"', 1)])
def test_fail_on(cli, tmp_path, value, code):
    records(tmp_path / "a.jsonl", 20)  # D002: warning
    (tmp_path / "jsonl-lint.toml").write_text(f"fail-on = {value}\n")
    assert cli("a.jsonl", cwd=tmp_path).code == code


def test_fail_on_info_in_config(cli, tmp_path):
    lines = [orjson.dumps(chat(i)) for i in range(100)]
    (tmp_path / "a.jsonl").write_bytes(b"\n".join(lines))  # F005 only
    assert cli("a.jsonl", cwd=tmp_path).code == 0
    (tmp_path / "jsonl-lint.toml").write_text('fail-on = "info"\n')
    assert cli("a.jsonl", cwd=tmp_path).code == 1


@pytest.mark.parametrize("name", ["openai", "together", "auto"])
def test_profile(cli, tmp_path, name):
    assert name in profiles.available()
    (tmp_path / "jsonl-lint.toml").write_text(f'profile = "{name}"\n')
    run = cli("--show-settings", cwd=tmp_path)
    assert run.code == 0
    assert settings_line(run.out, "profile").startswith(f"profile: {name} (")


def test_unknown_profile(cli, tmp_path):
    (tmp_path / "jsonl-lint.toml").write_text('profile = "opneai"\n')
    run = cli(".", cwd=tmp_path)
    assert run.code == 2
    assert "opneai" in run.err
    assert "did you mean `openai`" in run.err


def test_min_examples(cli, tmp_path):
    records(tmp_path / "train.jsonl", 15)
    assert codes(cli("train.jsonl", "--output-format", "json", cwd=tmp_path)) == {"D002"}
    (tmp_path / "jsonl-lint.toml").write_text("min-examples = 20\n")
    run = cli("train.jsonl", "--output-format", "json", cwd=tmp_path)
    assert codes(run) == {"D001"}
    assert "Only 15 example(s); at least 20" in d001(run)[0]["message"]


def test_recommended_examples(cli, tmp_path):
    records(tmp_path / "train.jsonl", 15)
    (tmp_path / "jsonl-lint.toml").write_text("recommended-examples = 15\n")
    run = cli("train.jsonl", "--output-format", "json", cwd=tmp_path)
    assert codes(run) == set()
    (tmp_path / "jsonl-lint.toml").write_text("recommended-examples = 16\n")
    [d002] = json.loads(cli("train.jsonl", "--output-format", "json", cwd=tmp_path).out)
    assert d002["code"] == "D002" and "16 or more" in d002["message"]


def test_max_file_size_mb(cli, tmp_path):
    records(tmp_path / "train.jsonl", 100)
    assert codes(cli("train.jsonl", "--output-format", "json", cwd=tmp_path)) == set()
    run = cli("train.jsonl", "--config", "max-file-size-mb = 0", "--output-format", "json", cwd=tmp_path)
    assert codes(run) == {"F007"}
    assert "the limit is 0 MB" in json.loads(run.out)[0]["message"]


def test_options_show_in_settings(cli, tmp_path):
    (tmp_path / "jsonl-lint.toml").write_text("min-examples = 20\nrecommended-examples = 500\nmax-file-size-mb = 1\n")
    out = cli("--show-settings", cwd=tmp_path).out.splitlines()
    assert "  min-examples = 20" in out
    assert "  recommended-examples = 500" in out
    assert "  max-file-size-mb = 1" in out


def test_python_api_settings():
    settings = Settings()
    settings.apply({"min-examples": 3, "ignore": ["C"]}, "test")
    resolved = resolve(settings)
    assert resolved.options["min-examples"] == 3
    assert not any(rule.code.startswith("C") for rule in resolved.rules)


# -- errors --------------------------------------------------------------


@pytest.mark.parametrize(
    "toml, key, suggestion",
    [
        ('selct = ["C"]', "selct", "select"),
        ('ignor = ["C"]', "ignor", "ignore"),
        ('extend_select = ["C"]', "extend_select", "extend-select"),
        ("min-example = 20", "min-example", "min-examples"),
        ("min_examples = 20", "min_examples", "min-examples"),
        ("recomended-examples = 20", "recomended-examples", "recommended-examples"),
        ('failon = "info"', "failon", "fail-on"),
        ('per-file-ignore = {"raw/*" = ["C002"]}', "per-file-ignore", "per-file-ignores"),
    ],
)
@pytest.mark.parametrize("where", ["jsonl-lint.toml", "pyproject.toml", "inline"])
def test_unknown_key_names_the_closest_key(cli, tmp_path, toml, key, suggestion, where):
    records(tmp_path / "a.jsonl", 3)
    args = ["a.jsonl"]
    if where == "inline":
        args += ["--config", toml]
    elif where == "pyproject.toml":
        (tmp_path / where).write_text("[tool.jsonl-lint]\n" + toml + "\n")
    else:
        (tmp_path / where).write_text(toml + "\n")
    run = cli(*args, cwd=tmp_path)
    assert run.code == 2
    assert f"`{key}`" in run.err
    assert f"did you mean `{suggestion}`" in run.err
    assert run.out == ""
    if where != "inline":
        assert where in run.err  # the message says which file


def test_unknown_key_without_a_close_match(cli, tmp_path):
    (tmp_path / "jsonl-lint.toml").write_text("colour = true\n")
    run = cli(".", cwd=tmp_path)
    assert run.code == 2
    assert "`colour`" in run.err
    assert "did you mean" not in run.err


@pytest.mark.parametrize(
    "toml, selector, suggestion",
    [
        ('select = ["C0002"]', "C0002", "C002"),
        ('ignore = ["missing-asistant"]', "missing-asistant", "missing-assistant"),
        ('extend-select = ["D04"]', "D04", "D004"),
        ('[per-file-ignores]\n"raw/*" = ["dupliate-example"]', "dupliate-example", "duplicate-example"),
    ],
)
def test_misspelt_rule_in_config_exits_2(cli, tmp_path, toml, selector, suggestion):
    records(tmp_path / "a.jsonl", 3)
    (tmp_path / "jsonl-lint.toml").write_text(toml + "\n")
    run = cli("a.jsonl", cwd=tmp_path)
    assert run.code == 2
    assert selector in run.err
    assert f"did you mean `{suggestion}`" in run.err
    assert run.out == ""


@pytest.mark.parametrize(
    "toml, named",
    [
        ('min-examples = "ten"', "min-examples"),
        ("min-examples = 10.5", "min-examples"),
        ("min-examples = true", "min-examples"),
        ("min-examples = -1", "min-examples"),
        ("max-file-size-mb = [1]", "max-file-size-mb"),
        ('fail-on = "fatal"', "fatal"),
        ("fail-on = 3", "fail-on"),
        ('select = "C"', "select"),
        ("ignore = [1]", "ignore"),
        ('exclude = "raw"', "exclude"),
        ('per-file-ignores = ["raw"]', "per-file-ignores"),
        ('per-file-ignores = {raw = "C002"}', "per-file-ignores"),
        ("profile = 1", "profile"),
    ],
)
def test_wrong_value_type_exits_2(cli, tmp_path, toml, named):
    records(tmp_path / "a.jsonl", 3)
    (tmp_path / "jsonl-lint.toml").write_text(toml + "\n")
    run = cli("a.jsonl", cwd=tmp_path)
    assert run.code == 2, run.err
    assert named in run.err
    assert run.err.startswith("jsonl-lint: error:")
    assert "Traceback" not in run.err
    assert run.out == ""


@pytest.mark.parametrize("text", ["select = [", "min-examples = = 3", "[tool.jsonl-lint\n", "a = 1\na = 2\n"])
@pytest.mark.parametrize("name", ["jsonl-lint.toml", "pyproject.toml"])
def test_broken_toml_exits_2(cli, tmp_path, text, name):
    records(tmp_path / "a.jsonl", 3)
    (tmp_path / name).write_text(text)
    run = cli("a.jsonl", "--config", name, cwd=tmp_path)
    assert run.code == 2
    assert name in run.err
    assert "invalid TOML" in run.err
    assert "Traceback" not in run.err


def test_broken_toml_in_a_discovered_file_exits_2(cli, nested, tmp_path):
    (tmp_path / "project" / "jsonl-lint.toml").write_bytes(b"min-examples = \xff\n")
    run = cli("train.jsonl", cwd=nested)
    assert run.code == 2
    assert "jsonl-lint.toml" in run.err


def test_broken_inline_override_exits_2(cli, tmp_path):
    records(tmp_path / "a.jsonl", 3)
    run = cli("a.jsonl", "--config", "min-examples = ", cwd=tmp_path)
    assert run.code == 2
    assert re.search(r"--config 'min-examples = '", run.err)


@pytest.mark.parametrize("where", [".", "sub"])
def test_path_globs_are_relative_to_the_config_file_folder(cli, tmp_path, where):
    project = tmp_path / "p"
    (project / "data" / "raw").mkdir(parents=True)
    (project / "sub").mkdir()
    (project / "jsonl-lint.toml").write_text('[per-file-ignores]\n"data/raw/*" = ["C002"]\n')
    write_jsonl(project / "data" / "raw" / "a.jsonl", [{"messages": [{"role": "user", "content": "Hi"}]}])
    run = cli("data" if where == "." else "../data", "--output-format", "json", cwd=project / where)
    assert "C002" not in codes(run)
    assert "D001" in codes(run)  # the file was linted; only the ignored rule is silent


def test_a_rule_sees_only_the_options_it_declares():
    resolved = resolve(Settings(options={"min-examples": 5, "threshold": 0.9}))
    for rule in resolved.rules:
        assert set(rule.settings) == {option.name for option in rule.options}, rule.code
    by_code = {rule.code: rule for rule in resolved.rules}
    assert by_code["D002"].settings["min-examples"] == 5  # D002 declares D001's minimum: it defers below it
    assert "threshold" not in by_code["D001"].settings
