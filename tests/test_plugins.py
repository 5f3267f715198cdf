"""The plugin hook: third-party rules register exactly as the built-in ones do."""

from __future__ import annotations

import types

import pytest

from jsonl_lint import Finding, RecordRule, Settings, Severity, hookimpl, lint, plugins
from jsonl_lint.plugins import PluginError


class NoTodo(RecordRule):
    code, name, severity = "X001", "no-todo", Severity.WARNING
    summary = "An answer still says TODO"

    def check(self, example):
        if "TODO" in example.answer:
            yield Finding("The answer contains TODO", example.turns[-1].path)


def _plugin(*rules):
    module = types.ModuleType("fake_plugin")

    @hookimpl
    def register_rules(register):
        for rule in rules:
            register(rule)

    module.register_rules = register_rules
    return module


@pytest.fixture
def with_plugin(monkeypatch):
    """Install a plugin module the way an entry point would be loaded."""

    def install(module):
        original = plugins.plugin_manager

        def manager():
            pm = original()
            pm.register(module, name="fake_plugin")
            return pm

        monkeypatch.setattr(plugins, "plugin_manager", manager)
        plugins.registry.cache_clear()

    yield install
    plugins.registry.cache_clear()


def test_entry_point_group_is_jsonl_lint(monkeypatch):
    loaded = []
    monkeypatch.setattr("pluggy.PluginManager.load_setuptools_entrypoints", lambda self, group: loaded.append(group))
    plugins.plugin_manager()
    assert loaded == ["jsonl_lint"]


def test_builtin_rules_come_through_the_hook():
    pm = plugins.plugin_manager()
    names = {impl.plugin_name for impl in pm.hook.register_rules.get_hookimpls()}
    assert set(plugins.BUILTIN_MODULES) <= names


def test_a_plugin_rule_runs_like_a_builtin(with_plugin, tmp_path):
    with_plugin(_plugin(NoTodo))
    path = tmp_path / "train.jsonl"
    path.write_text('{"messages":[{"role":"user","content":"Hi"},{"role":"assistant","content":"TODO: answer"}]}\n')
    result = lint([str(path)], Settings())
    found = [(d.code, d.line, d.column) for d in result.diagnostics if d.code == "X001"]
    assert found == [("X001", 1, 45)]
    assert list(plugins.registry())[-1] == "X001"  # plugins list after the built-in families
    assert not any(d.code == "X001" for d in lint([str(path)], Settings(ignore=["no-todo"])).diagnostics)


@pytest.mark.parametrize(
    "code, name, error",
    [
        ("C999", "my-rule", "built-in rule family"),
        ("X1", "my-rule", "must look like ABC123"),
        ("X002", "My Rule", "kebab-case"),
        ("X003", "missing-assistant", "already registered"),
    ],
)
def test_invalid_plugin_rules_are_refused(with_plugin, code, name, error):
    bad = type("Bad", (RecordRule,), {"code": code, "name": name, "severity": Severity.ERROR, "summary": "x"})
    with_plugin(_plugin(bad))
    with pytest.raises(PluginError, match=error):
        plugins.registry()


def test_a_refused_plugin_is_exit_2_not_a_traceback(with_plugin, cli, tmp_path):
    bad = type("Bad", (RecordRule,), {"code": "C999", "name": "x", "severity": Severity.ERROR, "summary": "x"})
    with_plugin(_plugin(bad))
    run = cli(str(tmp_path))
    assert run.code == 2
    assert "built-in rule family" in run.err and "Traceback" not in run.err
