"""Typed emission: every code the pipeline can emit is a registered rule, and an unknown code is an
internal error, never a silent drop."""

from __future__ import annotations

import ast
import re

import pytest
from conftest import ROOT, write_jsonl

from jsonl_lint import codes
from jsonl_lint.config import Settings, resolve
from jsonl_lint.engine.findings import Findings, Gathered
from jsonl_lint.errors import InternalError
from jsonl_lint.plugins import registry
from jsonl_lint.rules.base import PipelineRule
from jsonl_lint.rules.catalog import RULES

SRC = ROOT / "src" / "jsonl_lint"
CODE = re.compile(r"^[A-Z]{1,3}[0-9]{3}$")


def test_every_pipeline_code_is_a_registered_pipeline_rule():
    found = {code: rule for code, rule in registry().items() if issubclass(rule, PipelineRule)}
    assert set(found) == codes.PIPELINE


def test_the_catalogue_lists_every_builtin_rule_once_in_catalogue_order():
    listed = [rule.code for rule in RULES]
    assert len(listed) == len(set(listed)) == 53
    family = "FJSCDVLTP"
    assert listed == sorted(listed, key=lambda c: (family.index(c[0]), c))
    assert [c for c in registry() if c[0] in family] == listed


def _literal_codes(path) -> list[tuple[int, str]]:
    """String literals shaped like a rule code passed to a call (report, Problem) in ``path``."""
    tree = ast.parse(path.read_text("utf-8"))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            for arg in node.args:
                if isinstance(arg, ast.Constant) and isinstance(arg.value, str) and CODE.match(arg.value):
                    found.append((node.lineno, arg.value))
    return found


@pytest.mark.parametrize("layer", ["files", "formats", "engine"])
def test_the_pipeline_emits_codes_from_the_checked_table(layer):
    literals = {str(p.relative_to(SRC)): _literal_codes(p) for p in (SRC / layer).rglob("*.py")}
    assert {path: found for path, found in literals.items() if found} == {}


def test_an_unknown_code_is_an_internal_error():
    resolved = resolve(Settings())
    findings = Findings({rule.code: rule for rule in resolved.rules}, registry())
    out = Gathered()
    report = findings.reporter("train.jsonl", set(), out)
    report("C002", 1, None, "known and enabled")
    with pytest.raises(InternalError, match="Z999"):
        report("Z999", 2, None, "a typo in a code")
    assert [d.code for d in out.diagnostics] == ["C002"]


def test_a_known_code_that_is_not_enabled_is_dropped_quietly():
    resolved = resolve(Settings(select=["C002"]))
    findings = Findings({rule.code: rule for rule in resolved.rules}, registry())
    out = Gathered()
    findings.reporter("train.jsonl", set(), out)("S003", 1, None, "not selected")
    assert out.diagnostics == []


def test_a_dataset_rule_that_yields_an_unknown_code_fails_the_run(tmp_path, cli):
    plugin = tmp_path / "typo_rule.py"
    plugin.write_text(
        "from jsonl_lint import DatasetRule, Severity, hookimpl\n"
        "from jsonl_lint.diagnostics import Diagnostic, Location\n\n"
        "class Typo(DatasetRule):\n"
        "    code, name, severity = 'K001', 'typo', Severity.INFO\n"
        "    summary = 'Reports under a code nobody registered'\n"
        "    def map(self, example):\n"
        "        return 1\n"
        "    def reduce(self, items, sources):\n"
        "        yield Diagnostic('train.jsonl', 1, 'K0001', 'typo', Severity.INFO, 'oops')\n\n"
        "@hookimpl\n"
        "def register_rules(register):\n"
        "    register(Typo)\n"
    )
    (tmp_path / "jsonl-lint.toml").write_text('plugins = ["typo_rule"]\nplugin-paths = ["."]\n')
    write_jsonl(tmp_path / "train.jsonl", [{"messages": [{"role": "user", "content": "hi"}]}])
    run = cli("--select", "K001", "train.jsonl", cwd=tmp_path)
    assert run.code == 2
    assert "rule K001 failed in reduce: InternalError" in run.err and "'K0001'" in run.err
