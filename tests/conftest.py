"""Shared test helpers: the CLI in-process, and the shared folder (corpus, SARIF schema)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import pytest

from jsonl_lint.cli import main

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("JSONL_LINT_SHARED", ROOT.parent / "shared"))
CORPUS = SHARED / "corpus"
SARIF_SCHEMA = SHARED / "schemas" / "sarif-schema-2.1.0.json"


@dataclass
class Run:
    code: int
    out: str
    err: str


@pytest.fixture
def cli(capsys, monkeypatch):
    """Run ``jsonl-lint ARGS`` in-process (optionally in folder ``cwd``); return exit code and output."""

    def run(*args: str, cwd: str | os.PathLike | None = None) -> Run:
        if cwd is not None:
            monkeypatch.chdir(cwd)
        capsys.readouterr()
        code = main(list(args))
        captured = capsys.readouterr()
        return Run(code, captured.out, captured.err)

    return run


@pytest.fixture
def corpus() -> Path:
    if not CORPUS.is_dir():
        pytest.skip(f"corpus not found at {CORPUS}")
    return CORPUS


@pytest.fixture
def sarif_schema() -> Path:
    if not SARIF_SCHEMA.is_file():
        pytest.skip(f"SARIF schema not found at {SARIF_SCHEMA}")
    return SARIF_SCHEMA


def write_jsonl(path: Path, records: list) -> Path:
    """Write records (dicts, or raw bytes lines) as a JSONL file."""
    import orjson

    with open(path, "wb") as out:
        for record in records:
            out.write(record if isinstance(record, bytes) else orjson.dumps(record) + b"\n")
    return path
