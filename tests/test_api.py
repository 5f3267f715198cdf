"""The Python API: paths, records in memory, splits, the result's views, settings, stats, Parquet."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import orjson
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from conftest import ROOT, write_jsonl
from datasets import Dataset, IterableDataset

from jsonl_lint import ConfigError, Settings, Severity, lint, lint_records, lint_splits, stats
from jsonl_lint.files import parquet, reader


def _chat(i: int, answer: str | None = None) -> dict:
    question = {"role": "user", "content": f"How do I fix problem number {i:03d} with my bicycle?"}
    reply = {"role": "assistant", "content": answer or f"For problem {i:03d}, first check the chain and the brakes."}
    return {"messages": [question, reply]}


def _records() -> list:
    """Chat records with findings of every kind: record rules, a collapsed one, dataset rules, a non-object."""
    rows = [_chat(i) for i in range(40)]
    rows[3] = {"messages": [{"role": "user", "content": "Is anyone there to help me with my bicycle, please?"}]}
    rows[5] = rows[4]  # D004
    rows[8] = {**_chat(8), "source": "forum"}  # S003, collapsed with row 9's
    rows[9] = {**_chat(9), "source": "forum"}
    rows[12] = _chat(11, "Something else entirely: replace the bottom bracket and the cassette.")  # D006
    rows[15]["messages"][1]["content"] = "Write to me at someone@gmail.com for problem 015 please."  # P001
    rows[20] = ["not", "an", "object"]  # J002
    return rows


def _key(d, row: int | None) -> tuple:
    return (row, d.column, d.code, d.severity, d.message, d.json_path, d.fingerprint, d.related)


@pytest.fixture
def settings() -> Settings:
    return Settings()


# -- paths -------------------------------------------------------------------------------------


def test_one_string_is_one_path(tmp_path, settings):
    path = write_jsonl(tmp_path / "train.jsonl", [_chat(1)])
    assert lint(str(path), settings).sources[0].path.endswith("train.jsonl")
    assert [s.records for s in lint(path, settings).sources] == [1]  # a PathLike
    assert len(lint([str(path), path], settings).sources) == 1
    assert lint((p for p in [path]), settings).sources[0].records == 1


def test_records_given_to_lint_are_a_type_error_that_names_lint_records(settings):
    with pytest.raises(TypeError, match="lint_records"):
        lint([_chat(1)], settings)
    with pytest.raises(TypeError, match="path or an iterable of paths"):
        lint(42, settings)  # type: ignore[arg-type]


# -- records in memory ---------------------------------------------------------------------------


def test_lint_records_finds_what_lint_finds_in_the_same_records_written_as_jsonl(tmp_path, monkeypatch, settings):
    monkeypatch.chdir(tmp_path)  # the file is shown as `train.jsonl`, the name the records are given
    rows = _records()
    Path("train.jsonl").write_bytes(b"".join(orjson.dumps(row) + b"\n" for row in rows))
    on_disk = lint("train.jsonl", settings)
    in_memory = lint_records(rows, name="train.jsonl", settings=settings)
    assert on_disk.errors == in_memory.errors == []
    expected = [_key(d, d.line - 1 if d.line else None) for d in on_disk.diagnostics]
    assert [_key(d, d.row) for d in in_memory.diagnostics] == expected
    assert {"C002", "D004", "D006", "S003", "P001", "J002", "D002"} <= set(in_memory.by_code)
    assert all(d.row == d.line - 1 for d in in_memory.diagnostics if d.line is not None)


@pytest.mark.parametrize(
    "make",
    [
        pytest.param(lambda rows: iter(rows), id="generator"),
        pytest.param(lambda rows: Dataset.from_list(rows), id="Dataset"),
        pytest.param(lambda rows: IterableDataset.from_generator(lambda: iter(rows)), id="IterableDataset"),
        pytest.param(lambda rows: pa.Table.from_pylist(rows), id="pyarrow-Table"),
        pytest.param(lambda rows: __import__("pandas").DataFrame(rows), id="DataFrame"),
        pytest.param(lambda rows: __import__("pandas").DataFrame(rows).to_dict("records"), id="to_dict"),
    ],
)
def test_any_iterable_of_dicts_is_records(make, settings):
    rows = [_chat(i) for i in range(30)]
    rows[3] = {"messages": [{"role": "user", "content": "Is anyone there to help me with my bicycle, please?"}]}
    rows[7] = rows[6]
    result = lint_records(make(rows), settings=settings)
    assert result.errors == []
    assert [(d.row, d.code) for d in result.diagnostics if d.row is not None] == [(3, "C002"), (7, "D004")]
    assert result.sources[0].lines == 30


def test_the_records_are_spooled_as_they_come_and_the_spool_is_removed(tmp_path, monkeypatch, settings):
    monkeypatch.setenv("TMPDIR", str(tmp_path))
    import tempfile

    monkeypatch.setattr(tempfile, "tempdir", None)
    seen = []

    def records():
        for i in range(50):
            seen.append(i)
            yield _chat(i)

    result = lint_records(records(), settings=settings)
    assert seen == list(range(50)) and result.sources[0].records == 50
    assert list(tmp_path.iterdir()) == []


def test_a_row_json_cannot_hold_is_a_type_error_naming_the_row(settings):
    with pytest.raises(TypeError, match=r"train: row 1 cannot be written as JSON: .*object"):
        lint_records([_chat(0), {"messages": object()}], settings=settings)


def test_numpy_and_pandas_values_are_written_as_json(settings):
    pd = pytest.importorskip("pandas")
    frame = pd.DataFrame([{**_chat(i), "score": i / 2, "when": pd.Timestamp("2024-01-01")} for i in range(3)])
    frame.loc[1, "score"] = float("nan")
    result = lint_records(frame, settings=Settings(select=["S003"]))
    assert [d.row for d in result.diagnostics] == [0, 1, 2] == result.rows("S003")
    assert all("`score`, `when`" in d.message for d in result.diagnostics)


def test_pandas_is_imported_only_for_to_pandas():
    code = (
        "import sys; from jsonl_lint import Settings, lint_records; "
        "r = lint_records([{'messages': [{'role': 'user', 'content': 'Hi'}]}], settings=Settings()); "
        "assert 'pandas' not in sys.modules and 'pyarrow' not in sys.modules, 'imported'; "
        "frame = r.to_pandas(); assert 'pandas' in sys.modules; print(len(frame))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "2"  # C002 and D001/D002's few examples


# -- splits ----------------------------------------------------------------------------------------


def test_leakage_is_found_between_splits_in_memory_and_on_disk(tmp_path, settings):
    train = [_chat(i) for i in range(20)]
    validation = [_chat(3), _chat(100), _chat(7)]
    both = lint_splits({"train": train, "validation": validation}, settings=settings)
    assert [(d.path, d.row, d.code) for d in both.diagnostics if d.code[0] == "V"] == [
        ("validation", 0, "V001"),
        ("validation", 2, "V001"),
    ]
    path = write_jsonl(tmp_path / "anything.jsonl", train)  # the split is the one named, not the file's
    mixed = lint_splits({"train": path, "validation": validation}, settings=settings)
    [leak, _] = [d for d in mixed.diagnostics if d.code == "V001"]
    assert leak.related[0].path.endswith("anything.jsonl") and leak.related[0].line == 4
    held_out = lint_records(validation, split="validation", name="dev", settings=settings)
    assert {d.code for d in held_out.diagnostics} == set()  # not held to the example-count rules
    assert held_out.sources[0].path == "dev" and held_out.sources[0].held_out


# -- the result's views ------------------------------------------------------------------------------


def test_exit_code_and_counts_follow_the_command_line(tmp_path, cli):
    rows = _records()
    path = tmp_path / "train.jsonl"
    path.write_bytes(b"".join(orjson.dumps(row) + b"\n" for row in rows))
    for fail_on in ("error", "warning", "info"):
        result = lint(path, Settings(fail_on=fail_on))
        assert result.exit_code == cli(str(path), "--isolated", "--fail-on", fail_on).code
    result = lint(path, Settings())
    assert result.by_severity == {
        "error": sum(d.severity == Severity.ERROR for d in result.diagnostics),
        "warning": sum(d.severity == Severity.WARNING for d in result.diagnostics),
        "info": sum(d.severity == Severity.INFO for d in result.diagnostics),
    }
    assert sum(result.by_code.values()) == len(result.diagnostics) and not result.ok
    assert json.loads(result.to_json()) == json.loads(cli(str(path), "--isolated", "--output-format", "json").out)
    assert lint(tmp_path / "missing.jsonl", Settings()).exit_code == 2
    assert lint_records([_chat(i) for i in range(120)], settings=Settings()).ok


def test_to_pandas_has_a_row_per_finding():
    result = lint_records(_records(), settings=Settings())
    frame = result.to_pandas()
    assert list(frame.columns)[:4] == ["path", "row", "line", "column"]
    assert len(frame) == len(result.diagnostics)
    assert frame["row"].dropna().tolist() == [d.row for d in result.diagnostics if d.row is not None]
    assert set(frame["severity"]) <= {"error", "warning", "info"}
    assert frame.loc[frame["code"] == "D004", "related"].tolist() == [["train:5"]]


def test_the_mask_drops_exactly_the_rows_with_errors_from_a_dataset():
    rows = _records()
    rows[20] = _chat(20)  # a Dataset holds objects only
    dataset = Dataset.from_list(rows)
    result = lint_records(dataset, settings=Settings())
    erroneous = {d.row for d in result.diagnostics if d.severity == Severity.ERROR and d.row is not None}
    assert erroneous == {3}
    keep = result.mask()
    assert len(keep) == dataset.num_rows == 40
    clean = dataset.filter(lambda _, i: keep[i], with_indices=True)
    assert clean.num_rows == 39 and clean[3] == dataset[4]


def test_masks_and_rows_by_severity_and_code_reach_every_row_of_a_collapsed_finding():
    result = lint_records(_records(), settings=Settings())  # (Dataset.from_list keeps the first row's keys only)
    assert result.rows("S003") == [8, 9] == result.rows("unknown-key") == result.rows("S")
    assert [i for i, kept in enumerate(result.mask("warning", codes="S003")) if not kept] == [8, 9]
    assert [i for i, kept in enumerate(result.mask("info", codes=["D"])) if not kept] == [5, 12]
    assert result.mask(Severity.WARNING).count(False) == len({3, 5, 8, 9, 12, 15, 20})


def test_a_mask_needs_an_input_with_rows(tmp_path, settings):
    result = lint(write_jsonl(tmp_path / "train.jsonl", [_chat(1)]), settings)
    with pytest.raises(ValueError, match="lint_records"):
        result.mask()
    splits = lint_splits({"train": [_chat(1)], "validation": [_chat(2)]}, settings=settings)
    with pytest.raises(ValueError, match="name one of"):
        splits.mask()
    assert splits.mask(name="validation") == [True]


# -- settings ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("given", "message"),
    [
        ({"options": {"treshold": 0.5}}, "Settings: unknown key `treshold`; did you mean `threshold`?"),
        ({"rule_options": {"V002": {"treshold": 0.5}}}, "V002 has no option `treshold`; did you mean `threshold`?"),
        ({"options": {"threshold": "high"}}, "`threshold` must be float"),
        ({"fail_on": "errors"}, "unknown severity 'errors'"),
        ({"profile": "opnai"}, "did you mean `openai`?"),
        ({"ignore": "D002"}, "`ignore` must be a list of strings"),
        ({"ignore": ["D0002"]}, "matches no rule; did you mean `D002`?"),
        ({"per_file_ignores": {"data/*": "D002"}}, "`per-file-ignores` must map globs to lists of codes"),
        ({"splits": {"train": "data/train.jsonl"}}, "`splits` must map split names to lists of globs"),
        ({"schema_mode": "merge"}, "`schema-mode` must be one of"),
    ],
)
def test_settings_are_checked_as_a_config_file_is(given, message):
    with pytest.raises(ConfigError, match=message.replace("(", r"\(").replace("?", r"\?")):
        Settings(**given)


def test_the_same_typo_gets_the_same_message_from_a_config_file(tmp_path, cli):
    (tmp_path / "jsonl-lint.toml").write_text("treshold = 0.5\n")
    run = cli(".", cwd=tmp_path)
    with pytest.raises(ConfigError) as raised:
        Settings(options={"treshold": 0.5})
    assert run.code == 2 and str(raised.value).split(": ", 1)[1] in run.err


def test_settings_given_in_python_are_coerced_and_named_by_code():
    settings = Settings(options={"threshold": 1}, rule_options={"near-duplicate": {"threshold": 0.7}}, fail_on="error")
    assert settings.options == {"threshold": 1.0}
    assert settings.rule_options == {"D005": {"threshold": 0.7}}
    assert settings.fail_on == Severity.ERROR


def test_discover_finds_the_nearest_config_like_the_command_line(tmp_path, monkeypatch):
    (tmp_path / "pyproject.toml").write_text('[tool.jsonl-lint]\nignore = ["D002"]\n')
    data = tmp_path / "data" / "deep"
    data.mkdir(parents=True)
    assert Settings.discover(data).ignore == ["D002"]
    assert Settings.discover(data / "train.jsonl").config_file == str(tmp_path / "pyproject.toml")
    monkeypatch.chdir(data)
    assert Settings.discover().ignore == ["D002"]
    write_jsonl(data / "train.jsonl", [_chat(1)] * 2)
    assert "D002" not in lint("train.jsonl").by_code  # lint() without settings discovers them
    assert "D002" not in lint_records([_chat(1)]).by_code


# -- stats ------------------------------------------------------------------------------------------------


def test_stats_is_the_command_lines_json_report(tmp_path, cli):
    rows = [r for r in _records() if isinstance(r, dict)]
    path = write_jsonl(tmp_path / "train.jsonl", rows)
    expected = json.loads(cli("stats", str(path), "--isolated", "--output-format", "json").out)
    assert stats(path, settings=Settings()) == expected
    assert stats([str(path)], settings=Settings()) == expected
    from_records = stats(rows, settings=Settings(), name=expected["files"][0]["path"])
    assert from_records == expected
    assert json.loads(json.dumps(from_records)) == from_records  # plain JSON data
    splits = stats({"train": rows, "validation": rows[:3]}, settings=Settings())
    assert [f["split"] for f in splits["files"]] == ["train", "validation"]
    assert splits["files"][1]["leakage"]["V001"] == 3


# -- Arrow's null filling ------------------------------------------------------------------------------------


def _filled() -> Dataset:
    rows = [_chat(i) for i in range(6)]
    rows[1]["messages"][1]["weight"] = 1
    rows[2]["messages"].append({"role": "assistant", "content": "Anything else?", "name": "ada"})
    return Dataset.from_list(rows)


def test_null_filling_is_one_finding_for_the_whole_input_and_drops_no_row():
    result = lint_records(_filled(), settings=Settings())
    assert "C008" not in result.by_code
    [filled] = [d for d in result.diagnostics if d.code == "S002"]
    assert filled.line is None and filled.row is None
    assert filled.message.startswith("Optional keys set to null in 6 of 6 records (`weight` in 6, `name` in 6)")
    assert "pandas and Hugging Face `datasets`" in filled.message and "`jsonl-lint --fix`" in filled.message
    assert all(result.mask("info", codes=["S002"]))


def test_the_fix_drops_the_null_valued_optional_keys_and_nothing_else(tmp_path, cli):
    path = tmp_path / "train.jsonl"
    _filled().to_json(str(path))
    with path.open("ab") as out:
        out.write(
            b'{"messages": [{"role": "user", "content": "Keep my spaces"}, {"role": "assistant", "content": "ok"}]}\n'
        )
    before = path.read_bytes().splitlines()
    run = cli(str(path), "--isolated", "--fix", "--select", "S002,C008")
    assert run.code == 0, run.out + run.err
    after = path.read_bytes().splitlines()
    assert after[-1] == before[-1]  # a line without nulls keeps its bytes
    assert [json.loads(line) for line in after[:-1]] == [
        {"messages": [{k: v for k, v in m.items() if v is not None} for m in row["messages"]]} for row in _filled()
    ]


# -- Parquet -----------------------------------------------------------------------------------------------------


def test_a_parquet_file_is_linted_like_jsonl_and_leaks_into_a_jsonl_split(tmp_path, cli):
    rows = [_chat(i) for i in range(20)]
    rows[3] = {"messages": [{"role": "user", "content": "Is anyone there to help me with my bicycle, please?"}]}
    pq.write_table(pa.Table.from_pylist(rows), tmp_path / "train.parquet", row_group_size=7)
    write_jsonl(tmp_path / "validation.jsonl", [_chat(5), _chat(99)])
    run = cli(str(tmp_path / "validation.jsonl"), "--isolated", "--output-format", "json")  # the partner is read
    [leak] = json.loads(run.out)
    assert leak["code"] == "V001" and leak["related"][0]["path"].endswith("train.parquet")
    found = json.loads(cli(str(tmp_path / "train.parquet"), "--isolated", "--output-format", "json").out)
    assert [(d.get("row"), d["line"], d["code"]) for d in found] == [(None, None, "D002"), (3, 4, "C002")]
    records = lint_records(rows, name=str(tmp_path / "train.parquet"), settings=Settings())
    from_file = lint(tmp_path / "train.parquet", Settings())
    assert [_key(d, d.row) for d in from_file.diagnostics] == [_key(d, d.row) for d in records.diagnostics]


def test_without_the_extra_a_parquet_file_gets_one_f006_saying_what_to_install(tmp_path, monkeypatch):
    pq.write_table(pa.Table.from_pylist([_chat(1)]), tmp_path / "train.parquet")
    monkeypatch.setattr(parquet, "AVAILABLE", False)
    missing = parquet.not_jsonl(False)  # what the reader's table holds without pyarrow
    monkeypatch.setattr(reader, "MAGIC", tuple((m, missing if m == parquet.MAGIC else w) for m, w in reader.MAGIC))
    [f006] = lint(tmp_path / "train.parquet", Settings()).diagnostics
    assert f006.code == "F006" and f006.line == 1
    assert f006.message == "Not a JSONL file: " + missing and "pip install 'jsonl-lint[parquet]'" in missing


def test_a_parquet_file_named_otherwise_is_f006_with_the_extra_installed(tmp_path):
    pq.write_table(pa.Table.from_pylist([_chat(1)]), tmp_path / "train.jsonl")
    [f006] = lint(tmp_path / "train.jsonl", Settings()).diagnostics
    assert f006.message == "Not a JSONL file: a Parquet file; name it `*.parquet` to lint its rows"


def test_a_broken_parquet_file_is_a_one_line_error_naming_it(tmp_path, cli):
    path = tmp_path / "train.parquet"
    path.write_bytes(b"PAR1" + os.urandom(64) + b"PAR1")
    run = cli(str(path), "--isolated")
    assert run.code == 2
    assert "train.parquet: cannot read the Parquet file" in run.err and "Traceback" not in run.err


def test_a_parquet_file_is_never_rewritten_by_fix(tmp_path, cli):
    path = tmp_path / "train.parquet"
    _filled().to_parquet(str(path))
    before = path.read_bytes()
    run = cli(str(path), "--isolated", "--fix")
    assert "Parquet files are not rewritten" in run.err and path.read_bytes() == before


def test_an_empty_parquet_file_is_f008(tmp_path):
    pq.write_table(
        pa.table({"messages": pa.array([], pa.list_(pa.struct([("role", pa.string())])))}), tmp_path / "e.parquet"
    )
    assert [d.code for d in lint(Path(tmp_path / "e.parquet"), Settings()).diagnostics] == ["F008"]


def test_json_columns_of_a_datasets_parquet_file_are_read_as_objects(tmp_path, cli):
    """`datasets` stores objects whose keys vary (tool calls beside plain messages) as JSON text
    (the `arrow.json` extension type); the Parquet file gives the findings of its JSONL."""
    from datasets import load_dataset

    rows = [_chat(i) for i in range(12)]
    rows[2]["messages"].insert(1, {"role": "assistant", "tool_calls": [{"id": "c1", "type": "function"}]})
    rows[5] = rows[4]
    source = write_jsonl(tmp_path / "source.jsonl", rows)
    dataset = load_dataset("json", data_files=str(source), split="train", cache_dir=str(tmp_path / "cache"))
    dataset.to_parquet(str(tmp_path / "train.parquet"))
    assert "arrow.json" in str(pq.read_schema(tmp_path / "train.parquet"))
    from_parquet = lint(tmp_path / "train.parquet", Settings())
    from_jsonl = lint(source, Settings())
    assert [(d.line, d.code, d.message) for d in from_parquet.diagnostics] == [
        (d.line, d.code, d.message) for d in from_jsonl.diagnostics
    ]
    table = pq.read_table(tmp_path / "train.parquet")
    in_memory = lint_records(table, name="train.parquet", settings=Settings())
    assert [(d.row, d.code) for d in in_memory.diagnostics] == [(d.row, d.code) for d in from_parquet.diagnostics]


def test_records_are_cut_into_tasks_like_a_file_with_the_same_findings(monkeypatch):
    from jsonl_lint import engine

    rows = _records()
    one = lint_records(rows, settings=Settings(), jobs=1)
    monkeypatch.setattr(engine.linter, "CHUNK_BYTES", 2_000)  # the spool cut into many ranges
    two = lint_records(rows, settings=Settings(), jobs=2)
    assert [_key(d, d.row) for d in two.diagnostics] == [_key(d, d.row) for d in one.diagnostics]
    assert two.mask("info") == one.mask("info")


def test_a_folder_walk_picks_up_parquet_files_only_with_the_extra(tmp_path, monkeypatch):
    from jsonl_lint.files import sources

    pq.write_table(pa.Table.from_pylist([_chat(1)]), tmp_path / "train.parquet")
    write_jsonl(tmp_path / "more.jsonl", [_chat(2)])
    assert sorted(Path(s.path).name for s in lint(tmp_path, Settings()).sources) == ["more.jsonl", "train.parquet"]
    monkeypatch.setattr(sources, "WALKED", tuple(e for e in sources.EXTENSIONS if e != sources.PARQUET))
    assert [Path(s.path).name for s in lint(tmp_path, Settings()).sources] == ["more.jsonl"]


def test_a_generator_of_records_is_never_held(settings):
    """Each record is written and let go of before the next is asked for (bench/bench_api.py measures the memory)."""
    import weakref

    class Record(dict):
        __hash__ = object.__hash__  # by identity, for the weak set

    alive: weakref.WeakSet = weakref.WeakSet()
    most = 0

    def records():
        nonlocal most
        for i in range(2_000):
            record = Record(_chat(i))
            alive.add(record)
            most = max(most, len(alive))
            yield record
            del record

    result = lint_records(records(), settings=settings)
    assert result.sources[0].lines == 2_000 and most <= 2
