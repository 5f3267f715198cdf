"""The Dask executor: a LocalCluster of 2 workers (loopback) gives the output of a local run, byte for byte."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys

import orjson
import pytest
from conftest import ROOT
from reporters.test_golden import DATA, EXPECTED, OUTPUTS, _normalised
from test_engine import _report, dataset  # noqa: F401 - the fixture: every record, file and dataset finding

from jsonl_lint import Settings, engine, lint
from jsonl_lint.config import resolve
from jsonl_lint.errors import ClusterError

distributed = pytest.importorskip("distributed")
dask = pytest.importorskip("dask")

from jsonl_lint.engine.dask import Dask  # noqa: E402 - only with the dask extra


@pytest.fixture(scope="module")
def cluster():
    """Two worker processes on the loopback interface, shared by the tests of this module."""
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1", dashboard_address="127.0.0.1:0"
    ) as running:
        yield running


@pytest.mark.parametrize("name", list(OUTPUTS))
def test_every_output_format_is_the_golden_one(name, cli, cluster, monkeypatch):
    """Record, file, dataset, leakage, near-duplicate and plugin findings (house.py), fingerprints included."""
    for variable in [v for v in os.environ if v.startswith("GITHUB_")]:
        monkeypatch.delenv(variable)
    args, code = OUTPUTS[name]
    run = cli(*args, "--executor", "dask", "--scheduler", cluster.scheduler_address, ".", cwd=DATA)
    assert run.code == code, run.err
    assert run.err == ""
    assert _normalised(run.out) == (EXPECTED / name).read_text(encoding="utf-8")


def test_spans_of_many_files_give_the_local_findings(dataset, cluster, monkeypatch):  # noqa: F811
    """D004, D006, V001, V003 (by parts of their keys), D005 and V002 (by screen and band keys), S002, S005,
    L002 and T004 (file by file) are reduced on the workers: their summaries never reach the client."""
    local = lint([str(dataset)], Settings(), jobs=1)
    monkeypatch.setattr(engine.linter, "CHUNK_BYTES", 4_000)  # many spans a file, spread over both workers
    settings = Settings(executor="dask", scheduler=cluster.scheduler_address)
    linter = engine.Linter(resolve(settings))
    merge, arrived = linter._merge, set()

    def watched(source, parts, *rest):
        arrived.update(key for part in parts for key in part.summaries)
        return merge(source, parts, *rest)

    monkeypatch.setattr(linter, "_merge", watched)
    far = linter.run([str(dataset)], settings)
    assert {"D004", "D006", "V001", "V003"} <= {d.code for d in far.diagnostics}
    near = next(key for key in linter.summary_keys.values() if key[0] == "near-duplicates")
    per_file = {"S002", "S005", "L002", "T004"}  # reduced file by file on the workers
    assert {"D004", "D006", ("leakage", True), near, *per_file}.isdisjoint(arrived) and "S004" in arrived
    assert _report(far) == _report(local)
    assert [(s.path, s.records, s.size, dict(s.formats), s.first_lines) for s in far.sources] == [
        (s.path, s.records, s.size, dict(s.formats), s.first_lines) for s in local.sources
    ]


def test_the_bar_moves_as_the_cluster_finishes_tasks(dataset, cluster, monkeypatch):  # noqa: F811
    """Bytes done of the total, and records, as each task's result comes back: drawn from the start, never
    going back, ending where --jobs 2 ends."""
    monkeypatch.setattr(engine.linter, "CHUNK_BYTES", 4_000)
    local, far = [], []
    settings = Settings()
    engine.Linter(resolve(settings)).run([str(dataset)], settings, 2, lambda *done: local.append(done))
    settings = Settings(executor="dask", scheduler=cluster.scheduler_address)
    engine.Linter(resolve(settings)).run([str(dataset)], settings, progress=lambda *done: far.append(done))
    total = sum(f.stat().st_size for f in dataset.iterdir())
    assert far[0][0] < total and far[-1][:2] == (total, total)
    assert [done for done, _, _ in far] == sorted(done for done, _, _ in far)
    assert far[-1] == local[-1]


def test_a_worker_killed_mid_run_changes_nothing(dataset, cluster, monkeypatch):  # noqa: F811
    """Its tasks run again on the other worker (and on the one its nanny starts again)."""
    local = lint([str(dataset)], Settings(), jobs=1)
    monkeypatch.setattr(engine.linter, "CHUNK_BYTES", 2_000)
    settings = Settings(executor="dask", scheduler=cluster.scheduler_address)
    with distributed.Client(cluster, set_as_default=False) as client:
        pids = client.run(os.getpid)
    killed = []

    def kill_one(done: int, total: int, records: int) -> None:
        if not killed:
            victim = next(iter(pids.values()))
            os.kill(victim, signal.SIGKILL)
            killed.append(victim)

    far = engine.Linter(resolve(settings)).run([str(dataset)], settings, progress=kill_one)
    assert killed
    assert _report(far) == _report(local)


def test_a_task_whose_workers_all_die_ends_the_run_in_one_line(dataset, monkeypatch):  # noqa: F811
    """With no failure allowed, the task of a killed worker is lost: no report, one line saying so."""
    monkeypatch.setattr(engine.linter, "CHUNK_BYTES", 2_000)
    with (
        dask.config.set({"distributed.scheduler.allowed-failures": 0}),
        distributed.LocalCluster(
            n_workers=1, threads_per_worker=1, processes=True, host="127.0.0.1", dashboard_address="127.0.0.1:0"
        ) as fragile,
    ):
        settings = Settings(executor="dask", scheduler=fragile.scheduler_address)
        with distributed.Client(fragile, set_as_default=False) as client:
            pid = next(iter(client.run(os.getpid).values()))
        kill = [lambda: os.kill(pid, signal.SIGKILL)]

        def later(done: tuple[int, int, int]) -> None:  # once a task is back and others are still to run
            if kill and 0 < done[0] < done[1]:
                kill.pop()()

        with pytest.raises(ClusterError) as caught:
            engine.Linter(resolve(settings)).run([str(dataset)], settings, progress=lambda *done: later(done))
    assert str(caught.value).startswith(f"{fragile.scheduler_address}: the cluster failed a task: KilledWorker: ")
    assert "\n" not in str(caught.value)


def test_a_run_the_cluster_cannot_finish_fails_in_one_line(dataset, monkeypatch):  # noqa: F811
    monkeypatch.setattr(engine.dask, "CONNECT_TIMEOUT", "0.5s")
    settings = Settings(executor="dask", scheduler="tcp://127.0.0.1:9")
    with pytest.raises(ClusterError, match=r"^tcp://127\.0\.0\.1:9: cannot reach the scheduler: ") as caught:
        engine.Linter(resolve(settings)).run([str(dataset)], settings)
    assert "\n" not in str(caught.value)


def test_the_local_cluster_is_started_for_the_run_and_closed_after(cli, tmp_path):
    (tmp_path / "train.jsonl").write_text('{"messages": [{"role": "user", "content": "hi"}]}\n')
    local = cli("--output-format", "json", str(tmp_path))
    run = cli("--executor", "dask", "--scheduler", "local:1", "--output-format", "json", str(tmp_path))
    assert (run.code, run.out, run.err) == (1, local.out, "")
    assert Dask("local:1").scheduler == "local:1" and Dask(None).scheduler.startswith("local:")


def test_without_the_extra_one_line_says_what_to_install(cli, tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "distributed", None)  # import distributed raises ImportError
    monkeypatch.delitem(sys.modules, "jsonl_lint.engine.dask")
    (tmp_path / "train.jsonl").write_text("{}\n")
    run = cli("--executor", "dask", str(tmp_path))
    assert run.code == 2
    assert run.err == "jsonl-lint: error: --executor dask needs Dask (distributed is not installed): " \
        "pip install 'jsonl-lint[dask]'\n"  # fmt: skip


def test_a_local_run_imports_neither_dask_nor_fsspec(tmp_path):
    (tmp_path / "train.jsonl").write_text('{"messages": [{"role": "user", "content": "hi"}]}\n')
    code = (
        "import sys; from jsonl_lint.cli import main; main([sys.argv[1], '-q']); "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('dask', 'distributed', 'fsspec')))"
    )
    run = subprocess.run([sys.executable, "-c", code, str(tmp_path)], capture_output=True, text=True, cwd=ROOT)
    assert run.stdout.strip().splitlines()[-1] == "[]", run.stderr


def test_file_urls_are_opened_by_the_workers(dataset, cluster, monkeypatch):  # noqa: F811
    """Named by ``file://`` URL, each span is opened through fsspec on a worker: the findings of the paths."""
    local = lint([str(dataset)], Settings(), jobs=1)
    monkeypatch.setattr(engine.linter, "CHUNK_BYTES", 4_000)
    settings = Settings(executor="dask", scheduler=cluster.scheduler_address)
    far = engine.Linter(resolve(settings)).run([dataset.as_uri()], settings)
    assert [s.path for s in far.sources] == [dataset.as_uri() + "/" + s.path.rsplit("/", 1)[-1] for s in local.sources]

    def named(result, prefix: str) -> list[tuple]:
        return [(d.path.replace(prefix, ""), d.line, d.code, d.message.replace(prefix, "")) for d in result.diagnostics]

    assert named(far, dataset.as_uri() + "/") == named(local, str(dataset) + "/")


def _near_copies(folder, rng: random.Random) -> None:
    """Groups of near-copies (a word or two changed) scattered over two training files and a validation file,
    exact repeats among them, one prompt with near-copy and other answers, records with no answer or an empty one, and a
    template repeated 300 times (one bucket per band holding all of them)."""
    words = [f"w{n}" for n in range(400)]
    bases = [[rng.choice(words) for _ in range(40)] for _ in range(30)]

    def copy(base: list[str]) -> str:
        text = list(base)
        for _ in range(rng.randint(0, 2)):
            text[rng.randrange(len(text))] = rng.choice(words)
        return " ".join(text)

    def chat(prompt: str, answer: str | None) -> bytes:
        turns = [{"role": "user", "content": prompt}]
        turns += [] if answer is None else [{"role": "assistant", "content": answer}]
        return orjson.dumps({"messages": turns}) + b"\n"

    train: list[bytes] = [chat(f"Unique question {i} {rng.random()}", f"Answer {i}") for i in range(600)]
    for base in bases:
        train += [chat(copy(base), f"Reply {rng.randint(0, 3)}") for _ in range(rng.randint(2, 6))]
    train += [train[rng.randrange(600, len(train))] for _ in range(20)]  # exact repeats of members
    summary = " ".join(rng.choice(words) for _ in range(150))
    train += [chat("Summarise the report.", copy(summary.split())) for _ in range(6)]
    train += [chat("Summarise the report.", f"Something else {i}") for i in range(3)]
    train.append(chat("Translate the notice.", summary))
    train += [chat(copy(bases[0]), None) for _ in range(4)]  # no answer: no prompt key
    blank = copy(bases[1])
    train += [chat(blank, None), chat(blank, ""), chat(blank, " ")]  # an empty answer is an answer: other keys
    template = " ".join(words[:50])
    train += [chat(f"Dear customer {i}, {template}", "Noted.") for i in range(300)]
    rng.shuffle(train)
    half = len(train) // 2
    (folder / "train.jsonl").write_bytes(b"".join(train[:half]))
    (folder / "more_train.jsonl").write_bytes(b"".join(train[half:]))
    validation = [chat(copy(base), f"Reply {rng.randint(0, 3)}") for base in bases[:10]]
    validation += [train[rng.randrange(len(train))] for _ in range(5)]  # V001
    validation.append(chat(blank, ""))  # V001 of a blank answer, whose prompt key the one without has not
    validation += [chat("Summarise the report.", copy(summary.split())), chat("Summarise the report.", "No.")]
    validation.append(chat("Translate the notice.", copy(summary.split())))  # the same prompt, a near-copy
    validation += [chat(f"Dear customer {i}, {template}", "Noted.") for i in range(1000, 1010)]
    validation += [chat(f"Held-out question {i} {rng.random()}", "Fine") for i in range(100)]
    rng.shuffle(validation)
    (folder / "validation.jsonl").write_bytes(b"".join(validation))


@pytest.mark.parametrize("ignore", [[], ["D004", "D006", "V001", "V003"]])
def test_near_duplicates_across_tasks_and_files_are_the_local_ones(ignore, tmp_path, cluster, monkeypatch):
    """D005 and V002 reduced on the workers (screened by key, paired by band, verified there) give the local
    findings, fingerprints included, for groups spread over many tasks, two files and the held-out split."""
    _near_copies(tmp_path, random.Random(11))
    local = lint([str(tmp_path)], Settings(ignore=ignore), jobs=1)
    found = {code: [d for d in local.diagnostics if d.code == code] for code in ("D005", "V002")}
    assert len(found["D005"]) > 300 and len(found["V002"]) >= 10
    assert any(d.related[0].path != d.path for d in found["D005"])  # a group spanning both training files
    if not ignore:  # each rule leaves to the others what they report: with them off, D005 and V002 take it
        assert any("examples alike" in d.message and "Same prompt" in d.message for d in found["D005"])
        assert any("same prompt" in d.message for d in found["V002"])
    monkeypatch.setattr(engine.linter, "CHUNK_BYTES", 3_000)  # about 60 tasks, over both workers
    far = lint([str(tmp_path)], Settings(ignore=ignore, executor="dask", scheduler=cluster.scheduler_address))
    assert _report(far) == _report(local)


def test_per_file_rules_over_many_tasks_are_the_local_ones(tmp_path, cluster, monkeypatch):
    """S002, S005, L002 and T004 reduced file by file on the workers, each file cut into many tasks: the local
    findings, in the local order."""
    rng = random.Random(5)
    sentences = {
        "en": "The weather was lovely and we walked along the river until the evening came.",
        "fr": "Le temps était magnifique et nous avons marché le long de la rivière jusqu'au soir.",
        "de": "Das Wetter war herrlich und wir sind bis zum Abend am Fluss entlang gelaufen.",
    }
    for name in ("train.jsonl", "more_train.jsonl"):
        lines = []
        for i in range(1500):
            answer = {
                "role": "assistant",
                "content": sentences[rng.choice("en en en fr de".split())] * rng.randint(1, 3),
            }
            if i % 97 == 0:
                answer["content"] *= 60  # a length outlier (T004)
            if i % 50 == 0:
                answer["weight"] = "1" if i % 100 else 1  # a type that drifts (S005)
            if i % 300 == 7:
                answer["weight"] = None  # null-filled (S002)
            lines.append(orjson.dumps({"messages": [{"role": "user", "content": f"Tell me {i}"}, answer]}) + b"\n")
        (tmp_path / name).write_bytes(b"".join(lines))
    local = lint([str(tmp_path)], Settings(), jobs=1)
    assert {"S002", "S005", "L002", "T004"} <= {d.code for d in local.diagnostics}
    monkeypatch.setattr(engine.linter, "CHUNK_BYTES", 20_000)  # about 30 tasks a file
    far = lint([str(tmp_path)], Settings(executor="dask", scheduler=cluster.scheduler_address))
    assert _report(far) == _report(local)
