"""Shared test helpers: the CLI in-process, and the shared folder (corpus, SARIF schema)."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import strategies as st

from jsonl_lint import plugins
from jsonl_lint.cli import main

ROOT = Path(__file__).resolve().parents[1]
FIXTURE_DIR = ROOT / "tests" / "fixtures"
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
    """Run ``jsonl-lint ARGS`` in-process (optionally in folder ``cwd``); return exit code and output.
    The local plugins a run's config names are the process's until another config names others: the
    test's runs leave them as they found them."""
    monkeypatch.setattr(plugins, "_local", plugins._local)

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


#: Pieces of JSON and of broken bytes, so that random files look like JSONL often enough to matter.
JSONL_FRAGMENTS = [
    b"{", b"}", b"[", b"]", b'"a"', b'"messages"', b'"role"', b":", b",", b"1", b"-0.5e3", b"null", b" ", b"\t",
    b"\n", b"\r\n", b"\r", b"\xef\xbb\xbf", b"\xff", b"\xc3", b"\xed\xa0\x80", b"\x00", b'"\\u00e9"',
    b'"\\ud800"', b"NaN",
]  # fmt: skip


def any_bytes(max_size: int = 1000) -> st.SearchStrategy[bytes]:
    """Arbitrary bytes, or arbitrary sequences of JSONL-ish fragments."""
    return st.binary(max_size=max_size) | st.lists(st.sampled_from(JSONL_FRAGMENTS), max_size=max_size // 12).map(
        b"".join
    )


# -- records and SARIF validation shared by the reporter and action tests ------------------


def chat(i: int) -> dict:
    return {
        "messages": [{"role": "user", "content": f"Question {i}?"}, {"role": "assistant", "content": f"Answer {i}."}]
    }


def no_assistant(text: str = "Where is the answer?") -> dict:
    return {"messages": [{"role": "user", "content": text}]}


def unknown_role(text: str = "hi") -> dict:
    """C001 only."""
    return {"messages": [{"role": "user", "content": text}, {"role": "gpt", "content": "hm"},
                         {"role": "assistant", "content": "hello"}]}  # fmt: skip


def offline_validator(schema_path: Path):
    """A validator for the schema's own draft that can never fetch anything."""
    from jsonschema import validators
    from referencing import Registry

    def no_network(uri):
        raise AssertionError(f"schema validation tried to retrieve {uri}")

    schema = json.loads(schema_path.read_text("utf-8"))
    cls = validators.validator_for(schema)
    cls.check_schema(schema)
    return cls(schema, registry=Registry(retrieve=no_network), format_checker=cls.FORMAT_CHECKER)


def validate(validator, document):
    """Assert that ``document`` follows the schema, listing the first errors."""
    errors = sorted(validator.iter_errors(document), key=lambda e: list(e.path))
    assert not errors, "\n".join(f"{list(e.path)}: {e.message}" for e in errors[:5])


#: Answers (class labels, each under 64 characters) that are markup: a report must show them as text
#: and run none of them.
HOSTILE = [
    "<script>window.__pwned = 1</script>",
    '</svg></figure><img src=x onerror="window.__pwned = 2">',
    '<a href="javascript:window.__pwned=3">x</a> javascript:alert(1)',
    '"><svg onload="window.__pwned = 4">',
]


def hostile_dataset(folder: Path) -> Path:
    """A training file whose answers and name are markup (one record repeated: its sample is shown)."""
    records = [
        {"messages": [{"role": "user", "content": f"Question {i}?"}, {"role": "assistant", "content": answer}]}
        for i, answer in enumerate(HOSTILE * 6)
    ]
    return write_jsonl(folder / "train<script>.jsonl", [*records, records[0]])


# -- the compiled twins of the text modules (src/jsonl_lint/text/_*.c) against their Python code ----------

#: Characters that the text machinery treats apart: NUL and the separators keys put between texts, every
#: whitespace (ASCII or not), lone surrogates, letters that change length when lower-cased, Turkish
#: dotless i and soft g, the punctuation read as spaces, the code symbols, and the stop words' apostrophe.
ODD_CHARACTERS = (
    "\x00\x01\x02\x03 \t\n\r\x0b\x0c\x1c\x1d\x1e\x1f\x85\xa0\u1680\u2000\u200b\u2028\u2029\u3000\ufeff"
    "\ud800\udbff\udc00\udfffİIıiĞğŞşÇçÖöÜüẞßΣσς"
    "¿¡«»“”‘’…–—·\u2010\u201e{}[]()<>;=_\\$'`~@:/.0123456789"
)
#: Words of the stop-word lists and their neighbours, so that random texts have some.
ODD_WORDS = ["the", "and", "não", "que", "est", "c'est", "der", "bir", "için", "değil", "és", "unha", "Él", "YOU"]


def odd_texts(max_size: int = 60) -> st.SearchStrategy[str]:
    """Texts of any code points (lone surrogates too), of the odd characters, and of words and spaces."""
    anything = st.characters(exclude_categories=())
    return st.text(anything | st.sampled_from(ODD_CHARACTERS), max_size=max_size) | st.lists(
        st.sampled_from(ODD_WORDS) | st.sampled_from(ODD_CHARACTERS) | st.text(anything, max_size=3),
        max_size=max_size // 2,
    ).map(" ".join)


def both(module, function, *args):
    """``function(*args)`` with ``module``'s compiled twin, and with its Python code (``_C`` set to None)."""
    fast = function(*args)
    twin, module._C = module._C, None
    try:
        return fast, function(*args)
    finally:
        module._C = twin


def real_records(*paths: Path):
    """The parsed records of the JSONL files under ``paths`` (files or folders; .jsonl and .jsonl.gz),
    the lines that are no JSON left out."""
    import gzip

    import orjson

    files = sorted(f for p in paths for f in ([p] if p.is_file() else p.rglob("*.jsonl*")))
    for file in files:
        opened = gzip.open if file.suffix == ".gz" else open
        try:
            with opened(file, "rb") as stream:
                lines = stream.read().splitlines()
        except OSError:  # a .gz that is not gzip (the corpus has a Git LFS pointer)
            continue
        for line in lines:
            try:
                yield orjson.loads(line)
            except orjson.JSONDecodeError:
                continue


def real_examples(*paths: Path):
    """The examples of the JSONL files under ``paths`` (as :func:`real_records`), in every format the
    ``auto`` profile knows: records whose format it finds."""
    from jsonl_lint.formats.detect import Detector
    from jsonl_lint.profiles import load

    detector = Detector(load("auto"))
    for record in real_records(*paths):
        if isinstance(record, dict):
            example, _ = detector.adapt(record)
            if example is not None:
                yield example
