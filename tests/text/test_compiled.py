"""The compiled twins (src/jsonl_lint/text/_*.c, src/jsonl_lint/files/_*.c, built by hatch_build.py): built
wherever pip had a C compiler, used by their Python modules, and left aside with JSONL_LINT_PURE=1."""

from __future__ import annotations

import os
import shlex
import shutil
import sysconfig

import pytest
from conftest import ROOT

from jsonl_lint.files import reader
from jsonl_lint.rules import schema
from jsonl_lint.text import compiled, keys, language, minhash, scan
from jsonl_lint.twins import twin

SOURCES = sorted((ROOT / "src" / "jsonl_lint").glob("*/_*.c"))
#: Each Python module and its twin (S005's module chooses the twin of jsonpath.shape).
USERS = {"_minhash": minhash, "_keys": keys, "_language": language, "_scan": scan, "_shape": schema, "_reader": reader}


def dotted(source) -> str:
    return f"jsonl_lint.{source.parent.name}.{source.stem}"


def test_every_source_has_its_python_module():
    assert sorted(source.stem for source in SOURCES) == sorted(USERS)


@pytest.mark.parametrize("source", SOURCES, ids=lambda source: source.stem)
def test_the_accelerators_are_built_where_there_is_a_compiler(source):
    link = sysconfig.get_config_var("LDSHARED")
    if os.environ.get("JSONL_LINT_PURE") or not link or not shutil.which(shlex.split(link)[0]):
        pytest.skip("no C compiler here (or JSONL_LINT_PURE is set): the Python code is the only path")
    built = twin(dotted(source))
    assert built is not None, f"pip had a C compiler but the wheel has no {dotted(source)}"
    assert USERS[source.stem]._C is built


def test_pure_asks_for_the_python_code(monkeypatch):
    monkeypatch.setenv("JSONL_LINT_PURE", "1")
    assert [twin(dotted(source)) for source in SOURCES] == [None] * len(SOURCES)
    assert compiled("_keys") is None


def test_a_twin_that_is_not_there_is_none(monkeypatch):
    monkeypatch.delenv("JSONL_LINT_PURE", raising=False)
    assert compiled("_no_such_module") is None
