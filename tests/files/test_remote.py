"""Inputs named by URL, through fsspec: the findings of the same files named by path, split partners too."""

from __future__ import annotations

import os
import sys

import orjson
import pytest
from reporters.test_golden import DATA, EXPECTED, OUTPUTS

from jsonl_lint import Settings, engine, lint
from jsonl_lint.config import resolve
from jsonl_lint.engine.executors import InProcess

fsspec = pytest.importorskip("fsspec")


@pytest.fixture
def golden():
    """The golden dataset in fsspec's memory file system, under memory://golden/."""
    fs = fsspec.filesystem("memory")
    for name in os.listdir(DATA):
        if name.endswith(".jsonl"):
            fs.pipe(f"/golden/{name}", (DATA / name).read_bytes())
    yield "memory://golden"
    fs.rm("/golden", recursive=True)


class Cutting(InProcess):
    """In this process, but with files cut into spans as for workers; counts the tasks."""

    parallel = True
    tasks = 0

    def map(self, specs, kept=frozenset(), meter=None):
        self.tasks = len(specs)
        return super().map(specs, kept, meter)


@pytest.mark.parametrize("name", [name for name in OUTPUTS if name != "sarif.json"])
def test_a_folder_url_gives_the_golden_output(name, golden, cli, monkeypatch):
    for variable in [v for v in os.environ if v.startswith("GITHUB_")]:
        monkeypatch.delenv(variable)
    args, code = OUTPUTS[name]
    run = cli(*args, golden, cwd=DATA)
    assert (run.code, run.err) == (code, "")
    shown = run.out.replace(golden + "/", "").replace("memory%3A//golden/", "")  # GitHub escapes `:` in a file name
    assert shown == (EXPECTED / name).read_text(encoding="utf-8")


def test_sarif_names_a_url_as_it_is(golden, cli):
    run = cli("--output-format", "sarif", golden + "/train.jsonl", cwd=DATA)
    assert '"uri": "memory://golden/train.jsonl"' in run.out and "uriBaseId" not in run.out.split('"results"')[1]


def test_a_file_url_brings_its_split_partners(golden):
    result = lint([golden + "/validation.jsonl"], Settings())
    assert [s.path for s in result.sources] == ["memory://golden/validation.jsonl"]
    leaked = [d for d in result.diagnostics if d.code == "V001"]
    assert leaked and "memory://golden/train.jsonl:" in leaked[0].message


def test_spans_read_through_fsspec_keep_line_numbers(golden, monkeypatch):
    """Each span is a byte range of the file, cut on a line boundary, opened by the task itself."""
    local = lint([str(DATA / "train.jsonl")], Settings(), jobs=1)
    monkeypatch.setattr(engine.linter, "CHUNK_BYTES", 300)
    cutting = Cutting()
    far = engine.Linter(resolve(Settings())).run([golden + "/train.jsonl"], Settings(), executor=cutting)
    assert cutting.tasks > 5
    assert [(d.line, d.code, d.message) for d in far.diagnostics] == [
        (d.line, d.code, d.message) for d in local.diagnostics
    ]


def test_a_glob_url_names_each_file_it_matches(golden):
    result = lint([golden + "/*.jsonl"], Settings())
    assert sorted(s.path for s in result.sources) == [
        f"memory:///golden/{name}"
        for name in ("empty.jsonl", "notes.jsonl", "prefs.jsonl", "train.jsonl", "validation.jsonl")
    ]
    only = lint([golden + "/val*.jsonl"], Settings())  # a file named: its partner in the training split is read
    assert [s.path for s in only.sources] == ["memory:///golden/validation.jsonl"]
    assert any(d.code == "V001" for d in only.diagnostics)


@pytest.mark.parametrize(
    "url, told",
    [
        ("memory://nowhere/train.jsonl", "memory://nowhere/train.jsonl: No such file or directory"),
        ("nosuchfs://bucket/train.jsonl", "nosuchfs://bucket/train.jsonl: Protocol not known: nosuchfs"),
    ],
)
def test_a_url_that_cannot_be_read_is_one_line(url, told, cli, tmp_path):
    run = cli(url, cwd=tmp_path)
    assert run.code == 2
    assert run.err.splitlines() == [f"jsonl-lint: error: {told}"]


def test_without_fsspec_a_url_says_what_to_install(cli, tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "fsspec", None)
    monkeypatch.setitem(sys.modules, "fsspec.core", None)
    run = cli("s3://bucket/train.jsonl", cwd=tmp_path)
    assert run.code == 2
    assert (
        run.err
        == "jsonl-lint: error: s3://bucket/train.jsonl: reading URLs needs fsspec: pip install 'jsonl-lint[dask]'\n"
    )


class _Buffered(fsspec.spec.AbstractBufferedFile):
    """An object store's file (S3File, GCSFile): ranges fetched, and no ``readline(size)`` of its own."""

    def _fetch_range(self, start, end):
        return self.fs.blobs[self.path][start:end]


class _Store(fsspec.AbstractFileSystem):
    protocol = "store"
    blobs: dict[str, bytes] = {}

    def info(self, path, **kwargs):
        path = self._strip_protocol(path)
        if path not in self.blobs:
            raise FileNotFoundError(path)
        return {"name": path, "size": len(self.blobs[path]), "type": "file"}

    def ls(self, path, detail=True, **kwargs):
        path = self._strip_protocol(path).rstrip("/")
        found = [self.info(p) for p in self.blobs if p.rsplit("/", 1)[0] == path]
        return found if detail else [f["name"] for f in found]

    def _open(self, path, mode="rb", block_size=None, **kwargs):
        return _Buffered(self, path, mode, block_size or 2**20, size=len(self.blobs[path]))


def test_spans_of_an_object_store_file(monkeypatch):
    """A file of a store whose files fetch byte ranges (S3, GCS) is cut into spans and read as a local one."""
    fsspec.register_implementation("store", _Store, clobber=True)
    monkeypatch.setattr(_Store, "blobs", {"bucket/train.jsonl": (DATA / "train.jsonl").read_bytes()})
    monkeypatch.setattr(engine.linter, "CHUNK_BYTES", 300)
    local = lint([str(DATA / "train.jsonl")], Settings(), jobs=1)
    far = engine.Linter(resolve(Settings())).run(
        ["store://bucket/train.jsonl"], Settings(), executor=InProcess(), progress=lambda *done: None
    )
    assert [(d.line, d.code, d.message) for d in far.diagnostics] == [
        (d.line, d.code, d.message) for d in local.diagnostics
    ]


def test_a_url_is_cut_without_reading_its_body_and_a_long_line_stays_whole(tmp_path, monkeypatch):
    """A span inside a line longer than a span holds no line; the line is its first span's, whole."""
    fs = fsspec.filesystem("memory")
    long = orjson.dumps({"messages": [{"role": "user", "content": "x" * 5000}]}) + b"\n"
    data = long * 3 + b"[]\n" + b'{"messages": []}'
    fs.pipe("/long/train.jsonl", data)
    (tmp_path / "train.jsonl").write_bytes(data)
    monkeypatch.setattr(engine.linter, "CHUNK_BYTES", 100)
    local = lint([str(tmp_path / "train.jsonl")], Settings(), jobs=1)
    cutting = Cutting()
    far = engine.Linter(resolve(Settings())).run(["memory://long/train.jsonl"], Settings(), executor=cutting)
    fs.rm("/long", recursive=True)
    assert cutting.tasks == -(-len(data) // 100)  # spans of 100 bytes, found without a read
    assert [(d.line, d.code, d.message) for d in far.diagnostics] == [
        (d.line, d.code, d.message) for d in local.diagnostics
    ]
    assert (far.sources[0].records, far.sources[0].size) == (local.sources[0].records, local.sources[0].size)


def test_records_spread_over_lines_are_never_split_between_url_spans(monkeypatch, tmp_path):
    """A URL's spans start and end where :func:`cut` ends a local file's: before a line that is a record on its
    own. A J006 record across a nominal span boundary is read by one task: the findings of ``--jobs 1``."""
    pretty = (
        b'{\n  "messages": [\n    {"role": "user", "content": "Hi %d"},\n'
        b'    {"role": "assistant", "content": "Hello!"}\n  ]\n}\n'
    )
    line = b'{"messages": [{"role": "user", "content": "Q %d"}, {"role": "assistant", "content": "A"}]}\n'
    data = b"".join((pretty if i % 3 == 1 else line) % i for i in range(60))
    (tmp_path / "train.jsonl").write_bytes(data)
    chunk = 250
    inside = [at for at in range(chunk, len(data), chunk) if data.rfind(b"{\n", 0, at) > data.rfind(b"\n}\n", 0, at)]
    assert len(inside) > 3  # nominal boundaries inside a record spread over lines
    fs = fsspec.filesystem("memory")
    fs.pipe("/spread/train.jsonl", data)
    try:
        whole = lint([str(tmp_path / "train.jsonl")], Settings(), jobs=1)
        assert sum(d.code == "J006" for d in whole.diagnostics) == 20
        monkeypatch.setattr(engine.linter, "CHUNK_BYTES", chunk)
        cutting = Cutting()
        far = engine.Linter(resolve(Settings())).run(["memory://spread/train.jsonl"], Settings(), executor=cutting)
        local = lint([str(tmp_path / "train.jsonl")], Settings(), jobs=2)
    finally:
        fs.rm("/spread", recursive=True)
    assert cutting.tasks > 10

    def seen(result) -> list[tuple]:
        named = ("memory://spread/", str(tmp_path) + "/")
        return [
            (d.line, d.code, d.message, d.end_line, d.fingerprint.replace(named[0], "").replace(named[1], ""))
            for d in result.diagnostics
        ]

    assert seen(far) == seen(whole) == seen(local)
