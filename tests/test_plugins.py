"""Plugins: discovery (entry points, local modules), registration and its errors, options, docs, testing helpers."""

from __future__ import annotations

import importlib.metadata
import multiprocessing
import sys
import types
import uuid
from dataclasses import dataclass, field
from importlib.machinery import PathFinder
from typing import Any

import orjson
import pytest
from conftest import ROOT, write_jsonl

from jsonl_lint import DatasetRule, Finding, Option, RecordRule, Settings, Severity, hookimpl, lint, plugins
from jsonl_lint.errors import ConfigError, PluginError
from jsonl_lint.testing import assert_codes, lint_lines

EXAMPLE = ROOT / "examples" / "plugin"
#: the example plugin, loaded as a local plugin (tests/test_plugin_install.py installs it for real)
HOUSE_RULES = {"plugins": ["jsonl_lint_house_rules"], "plugin-paths": [str(EXAMPLE / "src")]}
CHAT = {"messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "TODO: answer"}]}


class NoTodo(RecordRule):
    code, name, severity = "X001", "no-todo", Severity.WARNING
    summary = "An answer still says TODO"
    options = (Option("todo-word", str, "TODO", "The word that marks unfinished text"),)

    def check(self, example):
        if self.settings["todo-word"] in example.answer:
            yield Finding("The answer contains TODO", example.turns[-1].path)


class AnswerCount(DatasetRule):
    """A map/reduce plugin rule: reports the run's number of answers at the first example."""

    code, name, severity = "X002", "answer-count", Severity.INFO
    summary = "How many answers the run has"

    def map(self, example):
        return 1 if example.answer else None

    def reduce(self, items, sources):
        items = list(items)
        if items:
            yield self.diagnostic(items[0][0], f"{len(items)} answers")


def _rule(code: str, name: str, **extra: Any) -> type[RecordRule]:
    return type("Bad", (RecordRule,), {"code": code, "name": name, "severity": Severity.ERROR, "summary": "x", **extra})


def _module(*rules, profiles=()) -> types.ModuleType:
    module = types.ModuleType("fake_plugin")

    @hookimpl
    def register_rules(register):
        for rule in rules:
            register(rule)

    @hookimpl
    def register_profiles(register):
        for profile in profiles:
            register(profile)

    module.register_rules = register_rules
    module.register_profiles = register_profiles
    return module


@dataclass
class FakeEntryPoint:
    name: str
    module: Any  # the module it loads, or the exception loading it raises
    value: str = "fake_plugin"
    dist: Any = field(default_factory=lambda: types.SimpleNamespace(name="jsonl-lint-fake", version="1.2.3"))

    def load(self):
        if isinstance(self.module, BaseException):
            raise self.module
        return self.module


@pytest.fixture
def installed(monkeypatch):
    """Pretend these entry points are installed in the ``jsonl_lint`` group."""

    def install(*entry_points: FakeEntryPoint) -> None:
        monkeypatch.setattr(plugins, "entry_points", lambda: list(entry_points))
        plugins.clear_cache()

    yield install
    plugins.clear_cache()


@pytest.fixture
def local_plugin(tmp_path):
    """Write a local plugin module into ``tools/lint`` and return its (unique) name."""
    names = []

    def write(source: str) -> str:
        name = f"house_{uuid.uuid4().hex[:8]}"
        folder = tmp_path / "tools" / "lint"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"{name}.py").write_text(source)
        names.append(name)
        return name

    yield write
    for name in names:
        sys.modules.pop(name, None)
    plugins.use_local([], [])
    plugins.clear_cache()


LOCAL_RULE = """
from jsonl_lint import Finding, RecordRule, Severity, hookimpl

class NoHello(RecordRule):
    code, name, severity = "Y001", "no-hello", Severity.WARNING
    summary = "A prompt says hello"

    def check(self, example):
        if "Hi" in example.prompt:
            yield Finding("The prompt says hi", example.turns[0].path)

@hookimpl
def register_rules(register):
    register(NoHello)
"""

LOCAL_DATASET_RULE = """
from jsonl_lint import DatasetRule, engine, Severity, hookimpl

class AnswerCount(DatasetRule):
    code, name, severity = "Y002", "answer-count", Severity.INFO
    summary = "How many answers the run has"

    def map(self, example):
        return 1 if example.answer else None

    def reduce(self, items, sources):
        items = list(items)
        yield self.diagnostic(items[0][0], f"{len(items)} answers")

@hookimpl
def register_rules(register):
    register(AnswerCount)
"""


def _config(folder, text: str):
    (folder / "jsonl-lint.toml").write_text(text)
    return folder / "jsonl-lint.toml"


# -- the hook and entry points ------------------------------------------------------


def test_builtin_rules_come_through_the_hook():
    pm, found = plugins._discover(plugins.Local(), with_entry_points=False)
    assert [(p.name, p.source) for p in found.values()] == [("jsonl_lint.rules.catalog", "built-in")]
    registered = []
    for impl in pm.hook.register_rules.get_hookimpls():
        impl.function(register=registered.append)
    assert [rule.code for rule in registered] and {r.code for r in registered} == set(plugins.registry())


def test_entry_points_are_read_from_the_jsonl_lint_group(monkeypatch):
    groups = []
    monkeypatch.setattr(plugins, "may_declare", lambda group: True)
    monkeypatch.setattr(importlib.metadata, "entry_points", lambda group: groups.append(group) or [])
    assert plugins.entry_points() == [] and groups == ["jsonl_lint"]


def test_importlib_metadata_is_asked_only_when_a_distribution_may_declare_the_group(monkeypatch):
    monkeypatch.setattr(plugins, "may_declare", lambda group: False)
    monkeypatch.setattr(importlib.metadata, "entry_points", lambda group: pytest.fail("importlib.metadata was asked"))
    assert plugins.entry_points() == []


def test_the_scan_says_yes_to_every_group_installed_here():
    """The scan before importlib.metadata is never a false no: every group of the entry points this
    environment has (console_scripts, pytest11, ...) is one it may declare."""
    groups = {ep.group for dist in importlib.metadata.distributions() for ep in dist.entry_points}
    assert "console_scripts" in groups
    assert [group for group in sorted(groups) if not plugins.may_declare(group)] == []


def _declare(folder, text: str, name: str = "house_rules-1.0.dist-info"):
    (folder / name).mkdir(parents=True)
    (folder / name / "entry_points.txt").write_text(text)
    (folder / name / "METADATA").write_text("Metadata-Version: 2.1\nName: house-rules\nVersion: 1.0\n")


@pytest.fixture
def path_finder_alone(monkeypatch):
    """The standard library's path finder as the only finder of modules and distributions (the
    importlib_metadata backport, which distributed imports, takes its find_distributions away)."""
    monkeypatch.setattr(sys, "meta_path", [PathFinder])
    if not hasattr(PathFinder, "find_distributions"):
        find = staticmethod(
            lambda *args, **kwargs: importlib.metadata.MetadataPathFinder.find_distributions(*args, **kwargs)
        )
        monkeypatch.setattr(PathFinder, "find_distributions", find, raising=False)


@pytest.mark.parametrize("name", ["house_rules-1.0.dist-info", "house_rules.egg-info", "House_Rules-1.0.DIST-INFO"])
def test_the_scan_agrees_with_importlib_metadata_on_a_path(path_finder_alone, monkeypatch, tmp_path, name):
    monkeypatch.setattr(sys, "path", [str(tmp_path / "site"), str(tmp_path / "missing")])
    (tmp_path / "site").mkdir()
    (tmp_path / "site" / "old.egg-info").write_text("Name: old\n")  # a distutils PKG-INFO file
    _declare(tmp_path / "site", "[console_scripts]\nhouse = house_rules:main\n", "other-2.0.dist-info")
    assert not plugins.may_declare("jsonl_lint") and plugins.entry_points() == []
    _declare(tmp_path / "site", "[jsonl_lint]\nhouse = house_rules.rules\n", name)
    assert plugins.may_declare("jsonl_lint")
    assert [(ep.name, ep.value) for ep in plugins.entry_points()] == [("house", "house_rules.rules")]


def test_the_scan_reads_eggs_and_gives_up_on_zips_and_other_finders(path_finder_alone, monkeypatch, tmp_path):
    egg = tmp_path / "house_rules-1.0-py3.11.egg"
    _declare(egg, "[jsonl_lint]\nhouse = house_rules.rules\n", "EGG-INFO")
    monkeypatch.setattr(sys, "path", [str(egg)])
    assert plugins.may_declare("jsonl_lint")
    (tmp_path / "bundle.zip").write_bytes(b"PK\x05\x06" + bytes(18))
    monkeypatch.setattr(sys, "path", [str(tmp_path / "bundle.zip")])
    assert plugins.may_declare("jsonl_lint")
    monkeypatch.setattr(sys, "path", [])
    assert not plugins.may_declare("jsonl_lint")

    class Finder:
        @staticmethod
        def find_distributions(context=None):
            return iter(())

    monkeypatch.setattr(sys, "meta_path", [Finder, PathFinder])
    assert plugins.may_declare("jsonl_lint")


def test_a_plugin_rule_runs_like_a_builtin(installed, tmp_path):
    installed(FakeEntryPoint("fake", _module(NoTodo, AnswerCount)))
    path = write_jsonl(tmp_path / "train.jsonl", [CHAT, CHAT])
    result = lint([str(path)], Settings())
    found = [(d.code, d.line, d.column) for d in result.diagnostics if d.code.startswith("X")]
    assert found == [("X002", 1, None), ("X001", 1, 45), ("X001", 2, 45)]
    assert list(plugins.registry())[-2:] == ["X001", "X002"]  # plugins list after the built-in families
    assert not any(d.code == "X001" for d in lint([str(path)], Settings(ignore=["no-todo"])).diagnostics)


@pytest.mark.parametrize("start", ["fork", "spawn"])
def test_a_local_dataset_rule_runs_in_worker_processes(local_plugin, tmp_path, monkeypatch, start):
    """A spawned worker has none of the parent's state: it loads the local plugin from the settings."""
    name = local_plugin(LOCAL_DATASET_RULE)
    context = multiprocessing.get_context(start)
    monkeypatch.setattr(multiprocessing, "get_context", lambda: context)  # the module the pool imports
    settings = Settings()
    settings.load_file(_config(tmp_path, f'plugins = ["{name}"]\nplugin-paths = ["tools/lint"]\nselect = ["Y"]\n'))
    paths = [str(write_jsonl(tmp_path / f"train{i}.jsonl", [CHAT] * 3)) for i in range(2)]
    result = lint(paths, settings, jobs=2)
    assert [(d.code, d.line, d.message) for d in result.diagnostics] == [("Y002", 1, "6 answers")]


def test_plugins_command_lists_plugins_with_version_and_codes(installed, cli, tmp_path):
    installed(FakeEntryPoint("fake", _module(NoTodo, AnswerCount)))
    run = cli("plugins", cwd=tmp_path)
    assert run.code == 0 and run.out == "fake (jsonl-lint-fake 1.2.3): X001, X002\n"
    listed = orjson.loads(cli("plugins", "--output-format", "json").out)
    assert [(p["name"], p["distribution"], p["version"], p["source"], p["codes"]) for p in listed] == [
        ("fake", "jsonl-lint-fake", "1.2.3", "entry point", ["X001", "X002"])
    ]
    assert "X001  no-todo" in cli("rules").out


def test_plugins_command_without_plugins(installed, cli, tmp_path):
    installed()
    run = cli("plugins", cwd=tmp_path)
    assert run.code == 0 and run.out.startswith("No plugins")
    assert orjson.loads(cli("plugins", "--output-format", "json").out) == []


def test_autoload_can_be_switched_off(installed, monkeypatch, local_plugin, tmp_path, cli):
    installed(FakeEntryPoint("fake", _module(NoTodo)))
    name = local_plugin(LOCAL_RULE)
    (tmp_path / "jsonl-lint.toml").write_text(f'plugins = ["{name}"]\nplugin-paths = ["tools/lint"]\n')
    monkeypatch.setenv("JSONL_LINT_DISABLE_PLUGIN_AUTOLOAD", "1")
    run = cli("plugins", "--output-format", "json", cwd=tmp_path)
    assert [p["codes"] for p in orjson.loads(run.out)] == [["Y001"]]  # the local plugin still loads
    monkeypatch.setenv("JSONL_LINT_DISABLE_PLUGIN_AUTOLOAD", "0")
    run = cli("plugins", "--output-format", "json", cwd=tmp_path)
    assert [p["codes"] for p in orjson.loads(run.out)] == [["X001"], ["Y001"]]


# -- local plugins ---------------------------------------------------------------------


def test_local_plugins_load_from_paths_relative_to_the_config_file(local_plugin, cli, tmp_path):
    name = local_plugin(LOCAL_RULE)
    (tmp_path / "jsonl-lint.toml").write_text(f'plugins = ["{name}"]\nplugin-paths = ["tools/lint"]\n')
    data = tmp_path / "data"
    data.mkdir()
    write_jsonl(data / "train.jsonl", [CHAT])
    run = cli("train.jsonl", "--select", "Y001", cwd=data)  # the config is found one folder up
    assert run.code == 1 and "train.jsonl:1:14: Y001 warning: The prompt says hi" in run.out
    assert "Y001  no-hello" in cli("rules").out
    assert cli("plugins").out.startswith(f"{name} (local, {tmp_path / 'tools' / 'lint' / name}.py): Y001")


def test_a_local_plugin_that_does_not_import_is_named(local_plugin, cli, tmp_path):
    (tmp_path / "jsonl-lint.toml").write_text('plugins = ["no_such_house_rules"]\nplugin-paths = ["tools"]\n')
    run = cli(str(tmp_path), cwd=tmp_path)
    assert run.code == 2 and "Traceback" not in run.err
    assert "plugin 'no_such_house_rules' (local module no_such_house_rules) failed to import: ModuleNotFoundError" in (
        run.err
    )


@pytest.mark.parametrize(
    "source, error",
    [
        ("import json\njson.loads('{')", "failed to import: JSONDecodeError"),
        (LOCAL_RULE.replace("register(NoHello)", "register(NoHello())"), "register() takes a RecordRule"),
        (LOCAL_RULE.replace("register(NoHello)", "1 / 0"), "register_rules failed: ZeroDivisionError"),
        (LOCAL_RULE.replace("def register_rules(register)", "def register_rules(reg)"), "cannot be registered"),
    ],
)
def test_a_broken_plugin_is_exit_2_with_its_name_and_the_reason(local_plugin, cli, tmp_path, source, error):
    name = local_plugin(source)
    (tmp_path / "jsonl-lint.toml").write_text(f'plugins = ["{name}"]\nplugin-paths = ["tools/lint"]\n')
    for command in ([str(tmp_path)], ["rules"], ["plugins"]):
        run = cli(*command, cwd=tmp_path)
        assert run.code == 2 and f"plugin '{name}'" in run.err and error in run.err
        assert "Traceback" not in run.err


def test_debug_shows_the_traceback(installed, cli, tmp_path):
    installed(FakeEntryPoint("broken", ImportError("No module named 'numpyy'")))
    run = cli(str(tmp_path), cwd=tmp_path)
    assert run.code == 2 and "Traceback" not in run.err
    assert "plugin 'broken' (jsonl-lint-fake 1.2.3) failed to import: ImportError: No module named 'numpyy'" in run.err
    run = cli(str(tmp_path), "--debug")
    assert run.code == 2 and "Traceback (most recent call last)" in run.err and "numpyy" in run.err


# -- what a plugin may register ---------------------------------------------------------


@pytest.mark.parametrize(
    "code, name, error",
    [
        ("C999", "my-rule", r"uses a built-in rule family \(C\) owned by jsonl-lint's built-in rules"),
        ("X1", "my-rule", "must look like ABC123"),
        ("X002", "My Rule", "kebab-case"),
        ("X003", "missing-assistant", "missing-assistant is already registered by jsonl-lint's built-in rules"),
    ],
)
def test_invalid_plugin_rules_are_refused(installed, code, name, error):
    installed(FakeEntryPoint("fake", _module(_rule(code, name))))
    with pytest.raises(PluginError, match=r"^plugin 'fake' \(jsonl-lint-fake 1.2.3\): .*" + error):
        plugins.registry()


@pytest.mark.parametrize(
    "first, second, error",
    [
        (NoTodo, _rule("X001", "other-rule"), "X001 is already registered by plugin 'one'"),
        (NoTodo, _rule("X009", "other-rule"), r"code X009 uses a prefix \(X\) owned by plugin 'one'"),
        (NoTodo, _rule("Z001", "no-todo"), "no-todo is already registered by plugin 'one'"),
        (
            NoTodo,
            _rule("Z001", "z-rule", options=(Option("todo-word", int, 1, "x"),)),
            "option `todo-word` clashes with the different option of that name of X001 .plugin 'one'",
        ),
    ],
)
def test_a_clash_between_plugins_names_both(installed, cli, tmp_path, first, second, error):
    installed(FakeEntryPoint("one", _module(first)), FakeEntryPoint("two", _module(second)))
    with pytest.raises(PluginError, match=r"^plugin 'two' \(jsonl-lint-fake 1.2.3\): .*" + error):
        plugins.registry()
    run = cli(str(tmp_path), cwd=tmp_path)
    assert run.code == 2 and "plugin 'one'" in run.err and "plugin 'two'" in run.err and "Traceback" not in run.err


def test_the_same_option_may_be_shared_and_the_same_plugin_installed_twice(installed):
    shared = _rule("Z001", "z-rule", options=NoTodo.options)
    module = _module(NoTodo)
    installed(FakeEntryPoint("one", module), FakeEntryPoint("alias", module), FakeEntryPoint("two", _module(shared)))
    assert [p.name for p in plugins.loaded().plugins] == ["one", "two"]
    assert list(plugins.registry())[-2:] == ["X001", "Z001"]


def test_a_plugin_profile(installed, cli, tmp_path):
    profile = tmp_path / "house.toml"
    profile.write_text(
        'name = "house"\ntitle = "House target"\nformats = ["openai-chat"]\n'
        '[limits]\nmin-examples = 3\n[severity]\nX001 = "error"\n'
    )
    installed(FakeEntryPoint("fake", _module(NoTodo, profiles=[profile])))
    assert "house: House target" in cli("profiles", cwd=tmp_path).out
    assert cli("plugins").out == "fake (jsonl-lint-fake 1.2.3): X001\n  profiles: house\n"
    write_jsonl(tmp_path / "train.jsonl", [CHAT])
    run = cli("train.jsonl", "--profile", "house", "--output-format", "json")
    found = {(d["code"], d["severity"], d["message"]) for d in orjson.loads(run.out)}
    assert ("X001", "error", "The answer contains TODO") in found
    assert ("D001", "error", "Only 1 example(s); at least 3 are required (`min-examples`)") in found


@pytest.mark.parametrize(
    "text, error",
    [
        ('name = "openai"\ntitle = "x"\nformats = []\n', "profile 'openai' is already provided by jsonl-lint"),
        ('name = "other"\ntitle = "x"\nformats = []\n', "needs `name = 'house'`"),
    ],
)
def test_a_plugin_profile_is_checked(installed, tmp_path, text, error):
    name = "openai" if "openai" in text else "house"
    (tmp_path / f"{name}.toml").write_text(text)
    installed(FakeEntryPoint("fake", _module(profiles=[str(tmp_path / f"{name}.toml")])))
    with pytest.raises(PluginError, match=f"^plugin 'fake' .*{error}"):
        plugins.registry()


def test_a_broken_plugin_profile_is_named(installed, tmp_path):
    (tmp_path / "house.toml").write_text('name = "house"\ntitle = "x"\nformats = []\n[severity]\nX001 = "loud"\n')
    installed(FakeEntryPoint("fake", _module(profiles=[tmp_path / "house.toml"])))
    with pytest.raises(PluginError, match="^plugin 'fake' .*profile house: .*loud"):
        plugins.registry()


# -- options -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "config",
    [
        {"todo-word": "FIXME"},  # at the top level, like a built-in rule's option
        {"X001": {"todo-word": "FIXME"}},  # in a table named by the rule's code
        {"no-todo": {"todo-word": "FIXME"}},  # or by its name
    ],
)
def test_plugin_rule_options_come_from_the_config(installed, config):
    installed(FakeEntryPoint("fake", _module(NoTodo)))
    fixme = {"messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "FIXME"}]}
    assert_codes([CHAT, fixme], {"X001": [2]}, config=config)
    assert_codes([CHAT, fixme], {"X001": [1]})


def test_a_rule_table_applies_to_that_rule_only(tmp_path):
    settings = Settings()
    settings.apply({"D001": {"min-examples": 5}}, "test")
    result = lint([str(write_jsonl(tmp_path / "train.jsonl", [CHAT] * 3))], settings)
    assert [d.message for d in result.diagnostics if d.code == "D001"] == [
        "Only 3 example(s); at least 5 are required (`min-examples`)"
    ]
    assert result.resolved.options["min-examples"] == 10  # the run-wide value is the profile's


@pytest.mark.parametrize(
    "table, error",
    [
        ({"D001": {"max-examples": 5}}, "`D001`: D001 has no option `max-examples`; did you mean `min-examples`?"),
        ({"C002": {"x": 1}}, "C002 has no option `x` .none."),
        ({"D001": {"min-examples": "5"}}, "`min-examples` must be int"),
        ({"D0001": {"min-examples": 5}}, "unknown key `D0001`; did you mean `D001`"),
        ({"plugins": "house_rules"}, "`plugins` must be a list of strings"),
    ],
)
def test_bad_rule_tables_are_config_errors(table, error):
    with pytest.raises(ConfigError, match=error):
        Settings().apply(table, "test")


# -- docs and the example plugin ---------------------------------------------------------------


def test_a_plugin_rule_page_is_shown_by_rule(cli, tmp_path):
    (tmp_path / "jsonl-lint.toml").write_text(
        f'plugins = ["jsonl_lint_house_rules"]\nplugin-paths = ["{EXAMPLE / "src"}"]\n'
    )
    run = cli("rule", "label-balance", cwd=tmp_path)
    assert run.code == 0 and run.out == (EXAMPLE / "src/jsonl_lint_house_rules/docs/H002.md").read_text()
    info = orjson.loads(cli("rule", "H001", "--output-format", "json").out)
    assert info["page"].startswith("# H001 required-system-prompt") and info["url"] is None


def test_a_plugin_rule_in_sarif_has_no_dead_link(installed, cli, tmp_path, sarif_schema):
    import jsonschema

    installed(FakeEntryPoint("fake", _module(NoTodo)))
    write_jsonl(tmp_path / "train.jsonl", [CHAT])
    log = orjson.loads(cli("train.jsonl", "--output-format", "sarif", cwd=tmp_path).out)
    jsonschema.validate(log, orjson.loads(sarif_schema.read_bytes()))
    rules = {r["id"]: r for r in log["runs"][0]["tool"]["driver"]["rules"]}
    assert "helpUri" not in rules["X001"] and rules["D001"]["helpUri"].endswith("/rules/D001.md")


def test_example_plugin_pages_follow_the_rule_page_format():
    headings = ["## What it does", "## Why is this bad?", "## Example", "## Use instead", "## Options", "## References"]
    for code, name in (("H001", "required-system-prompt"), ("H002", "label-balance")):
        lines = (EXAMPLE / f"src/jsonl_lint_house_rules/docs/{code}.md").read_text().splitlines()
        assert lines[0] == f"# {code} {name}"
        assert [line for line in lines if line.startswith("## ")] == headings


# -- jsonl_lint.testing ---------------------------------------------------------------------------


def test_assert_codes_runs_the_example_plugin_locally():
    lines = [{"messages": [{"role": "user", "content": "Is it late?"}, {"role": "assistant", "content": "positive"}]}]
    assert_codes(lines, {"H001": [1]}, config=HOUSE_RULES)
    config = {**HOUSE_RULES, "H002": {"labels": ["positive", "negative"]}}
    assert_codes(lines * 3, {"H001": [1, 2, 3], "H002": [None, 1]}, config=config)


def test_assert_codes_explains_a_mismatch():
    with pytest.raises(AssertionError) as failure:
        assert_codes(['{"messages": []}', "not json"], {"J001": [1]})
    assert "expected {'J001': [1]}, got {'J001': [2]}" in str(failure.value)
    assert "train.jsonl:2: J001" in str(failure.value)
    with pytest.raises(ValueError, match="name the rules"):
        assert_codes(["{}"], {})


def test_lint_lines_takes_text_bytes_and_records():
    found = lint_lines(['{"a": 1}', b"\xff\n", {"b": 2}, b'{"c": 3}'], ["F", "J"], path="data/valid.jsonl")
    assert [(d.path, d.line, d.code) for d in found] == [
        ("data/valid.jsonl", 2, "F001"),
        ("data/valid.jsonl", 2, "J001"),
        ("data/valid.jsonl", 4, "F005"),
    ]


def test_show_settings_shows_plugins_and_rule_tables(local_plugin, cli, tmp_path):
    name = local_plugin(LOCAL_RULE)
    _config(tmp_path, f'plugins = ["{name}"]\nplugin-paths = ["tools/lint"]\n[D001]\nmin-examples = 5\n')
    out = cli("--show-settings", cwd=tmp_path).out.splitlines()
    assert f"plugins: ['{name}'] (plugin-paths: ['{tmp_path / 'tools/lint'}'])" in out
    assert "  D001.min-examples = 5" in out and "  Y001 no-hello (warning)" in out
