"""The hostile-input matrix (issue 17): every case runs the command line in a subprocess with a wall-clock
timeout and an address-space limit, checks its peak memory (ru_maxrss), and, where the case is one file
among others, that the other files of the run are still reported."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import orjson
import pytest
from conftest import ROOT, chat, no_assistant, write_jsonl

SRC = ROOT / "src"
#: Address space each run may take (workers included, each on its own): numpy and the rules' tables
#: reserve about 1 GB of it before reading a byte.
ADDRESS_SPACE = 3 << 30
#: What a case may keep resident, unless it says otherwise.
RSS_MB = 400

RUNNER = textwrap.dedent(
    """
    import resource, subprocess, sys
    resource.setrlimit(resource.RLIMIT_AS, ({limit}, {limit}))
    done = subprocess.run(sys.argv[1:])
    print("MAXRSS", resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, file=sys.stderr)
    sys.exit(done.returncode)
    """
)


class Done:
    def __init__(self, code: int, out: str, err: str):
        self.code, self.out = code, out
        lines = err.splitlines()
        self.maxrss_mb = int(lines[-1].split()[1]) / 1024 if lines and lines[-1].startswith("MAXRSS") else 0.0
        self.err = "\n".join(lines[:-1]) + "\n" if self.maxrss_mb else err


def bounded(*args: str, cwd: Path, timeout: float = 60, rss_mb: float = RSS_MB, stdin=None, prelude: str = "") -> Done:
    """``jsonl-lint ARGS`` in a subprocess, within ``timeout`` seconds and ``rss_mb`` of resident memory."""
    code = f"{prelude}\nimport sys\nfrom jsonl_lint.cli import main\nsys.exit(main(sys.argv[1:]))"
    env = {**os.environ, "PYTHONPATH": str(SRC), "JSONL_LINT_DISABLE_PLUGIN_AUTOLOAD": "1"}
    command = [sys.executable, "-c", RUNNER.format(limit=ADDRESS_SPACE), sys.executable, "-c", code, *args]
    done = subprocess.run(
        command, cwd=cwd, env=env, capture_output=True, timeout=timeout, stdin=stdin, text=True, errors="replace"
    )
    result = Done(done.returncode, done.stdout, done.stderr)
    assert "Traceback" not in result.err, result.err
    assert result.maxrss_mb < rss_mb, f"peak RSS {result.maxrss_mb:.0f} MB"
    return result


@pytest.fixture
def folder(tmp_path) -> Path:
    """A folder with one ordinary file whose finding (C002 on line 2) every case must still report."""
    data = tmp_path / "data"
    data.mkdir()
    write_jsonl(data / "ok.jsonl", [chat(1), no_assistant(), *(chat(i) for i in range(2, 12))])
    return data


def reports_ok(done: Done) -> None:
    assert "ok.jsonl:2:" in done.out and "C002" in done.out, done.out + done.err


# -- 1: findings never depend on how a file is cut into tasks -----------------------------------


def test_a_long_first_line_cut_at_a_comma_is_still_jsonl(tmp_path):
    first = {"messages": [{"role": "user", "content": "x" * 9000}, {"role": "assistant", "content": "y"}]}
    line = orjson.dumps(first)
    line = line[:8190] + b'","a":"' + line[8197:]  # byte 8,192 is a comma: the cut line looked pretty-printed
    assert line[8191:8192] == b","
    orjson.loads(line)
    path = tmp_path / "train.jsonl"
    rest = orjson.dumps(chat(0)) + b"\n"
    path.write_bytes(line + b"\n" + rest * (17_000_000 // len(rest)))  # over 16 MB: cut into ranges
    outputs = [bounded(str(path), "--jobs", jobs, "--select", "F,J,S001", cwd=tmp_path, timeout=240).out
               for jobs in ("1", "2")]  # fmt: skip
    assert "F006" not in outputs[0]
    assert outputs[0] == outputs[1]


# -- 2, 3: devices, sockets and pipes ------------------------------------------------------------------


def test_a_link_to_dev_zero_is_one_finding_never_read(folder):
    os.symlink("/dev/zero", folder / "evil.jsonl")
    done = bounded(str(folder), cwd=folder.parent, timeout=30, rss_mb=250)
    assert "evil.jsonl: F006 error: Not a JSONL file: a character device" in done.out
    reports_ok(done)


def test_a_socket_is_one_finding(folder):
    server = socket.socket(socket.AF_UNIX)
    server.bind(str(folder / "s.jsonl"))
    try:
        done = bounded(str(folder), cwd=folder.parent, timeout=30)
    finally:
        server.close()
    assert "s.jsonl: F006 error: Not a JSONL file: a socket" in done.out
    reports_ok(done)


def test_a_named_pipe_in_a_folder_is_skipped_with_a_note(folder):
    os.mkfifo(folder / "pipe.jsonl")  # no writer: reading it would wait forever
    done = bounded(str(folder), cwd=folder.parent, timeout=30)
    assert "pipe.jsonl: skipped: a named pipe" in done.err
    reports_ok(done)


def test_a_named_pipe_named_explicitly_is_read_once(folder):
    os.mkfifo(folder / "pipe.jsonl")
    records = b"".join(orjson.dumps(chat(i)) + b"\n" for i in range(30)) + orjson.dumps(no_assistant()) + b"\n"
    writer = subprocess.Popen(["sh", "-c", f"cat > {folder / 'pipe.jsonl'}"], stdin=subprocess.PIPE)
    writer.stdin.write(records)  # type: ignore[union-attr]
    writer.stdin.close()  # type: ignore[union-attr]
    done = bounded(str(folder / "pipe.jsonl"), str(folder / "ok.jsonl"), cwd=folder.parent, timeout=30)
    writer.wait(10)
    assert "pipe.jsonl:31:" in done.out and "F008" not in done.out, done.out
    reports_ok(done)


def test_process_substitution_is_read_once(folder):
    write_jsonl(folder / "one.jsonl", [no_assistant()])
    env = {**os.environ, "PYTHONPATH": str(SRC)}
    command = f"{sys.executable} -m jsonl_lint --no-progress <(cat one.jsonl)"
    done = subprocess.run(["bash", "-c", command], cwd=folder, env=env, capture_output=True, text=True, timeout=30)
    assert "F008" not in done.stdout and ":1:" in done.stdout and "C002" in done.stdout, done.stdout + done.stderr


# -- 4: no network ----------------------------------------------------------------------------------


@pytest.mark.parametrize("keyword", ["$ref", "$dynamicRef", "$recursiveRef"])
def test_a_schema_never_fetches_anything(folder, keyword):
    schema = {"$schema": "https://json-schema.org/draft/2020-12/schema", "type": "object",
              "properties": {"a": {keyword: "https://example.invalid/schema.json"}}}  # fmt: skip
    (folder / "schema.json").write_text(json.dumps(schema))
    no_network = "import socket\nsocket.getaddrinfo = socket.create_connection = None  # any use fails\n"
    done = bounded(str(folder), "--config", 'schema = "schema.json"', cwd=folder, prelude=no_network)
    assert done.code == 2 and f"{keyword} 'https://example.invalid/schema.json' points outside" in done.err


# -- 5, 6: memory and processes ------------------------------------------------------------------------


def test_a_million_empty_objects_collapse_in_bounded_memory(folder):
    (folder / "braces.jsonl").write_bytes(b"{}\n" * 1_000_000)
    done = bounded(str(folder), "--output-format", "json", cwd=folder.parent, timeout=300)
    found = [d for d in json.loads(done.out) if d["path"].endswith("braces.jsonl")]
    assert [(d["code"], d["line"], d["count"]) for d in found if d["code"] == "S001"] == [("S001", 1, 1_000_000)]
    assert "C002" in {d["code"] for d in json.loads(done.out) if d["path"].endswith("ok.jsonl")}


def test_a_long_line_is_shingled_in_bounded_memory(folder):
    text = " ".join(f"w{i}" for i in range(1_500_000))  # 12 MB of distinct words
    write_jsonl(folder / "long.jsonl", [{"messages": [{"role": "user", "content": text},
                                                       {"role": "assistant", "content": "ok"}]}])  # fmt: skip
    done = bounded(str(folder), "--ignore", "T,L", cwd=folder.parent, timeout=120, rss_mb=600)
    reports_ok(done)


def test_a_file_of_one_repeated_line_collapses(folder):
    line = orjson.dumps(chat(0)) + b"\n"
    (folder / "repeated.jsonl").write_bytes(line * (20_000_000 // len(line)))
    done = bounded(str(folder), "--statistics", cwd=folder.parent, timeout=300, rss_mb=900)
    assert "D004" in done.out
    done = bounded(str(folder), "--select", "D004", cwd=folder.parent, timeout=300, rss_mb=900)
    assert "repeated.jsonl:2: D004" in done.out and "more lines like it" in done.out


def test_jobs_ten_thousand_starts_no_more_workers_than_cores(folder):
    started = time.monotonic()
    done = bounded(str(folder), "--jobs", "10000", cwd=folder.parent, timeout=60)
    reports_ok(done)
    assert time.monotonic() - started < 60


# -- 7, 8: no data loss -------------------------------------------------------------------------------


@pytest.mark.parametrize("option", ["-o", "--write-baseline"])
def test_an_output_file_that_is_an_input_is_refused(folder, option):
    before = (folder / "ok.jsonl").read_bytes()
    done = bounded(str(folder), option, str(folder / "ok.jsonl"), cwd=folder.parent)
    assert done.code == 2 and "is an input of this run" in done.err
    assert (folder / "ok.jsonl").read_bytes() == before


def test_fix_refuses_a_file_that_changed_during_the_run(folder):
    from jsonl_lint import Settings, fix
    from jsonl_lint.config import resolve
    from jsonl_lint.engine import Linter

    path = folder / "ok.jsonl"
    path.write_bytes(path.read_bytes() + b"\n" + orjson.dumps(chat(99)) + b"\n")
    settings = Settings()
    result = Linter(resolve(settings)).run([str(path)], settings)
    assert "F004" in {d.code for d in result.diagnostics}
    lines = path.read_bytes().split(b"\n")
    path.write_bytes(b"\n".join([*lines[:12], orjson.dumps(chat(100)), *lines[12:]]))  # a record where the blank was
    done = fix.apply(result)
    assert done.errors == [f"{result.diagnostics[0].path}: not fixed: the file changed during the run"]
    blank = lines.index(b"")
    lines[blank - 1], lines[blank] = lines[blank], lines[blank - 1]  # the same size, the blank one line up
    path.write_bytes(b"\n".join(lines))
    changed = path.read_bytes()
    os.utime(path, ns=(result.sources[0].mtime, result.sources[0].mtime))  # the same time: the line is checked
    done = fix.apply(result)
    assert done.errors and "is not the line that was linted" in done.errors[0]
    assert path.read_bytes() == changed


def test_a_killed_fix_leaves_nothing_behind_next_time(folder):
    leftover = folder / ".ok.jsonl.999999999.abcdefgh.tmp"  # a process that is gone
    leftover.write_bytes(b"x" * 1000)
    (folder / "ok.jsonl").write_bytes((folder / "ok.jsonl").read_bytes() + b"\n")
    done = bounded(str(folder / "ok.jsonl"), "--fix", cwd=folder)
    assert "fixed 1 finding" in done.err
    assert not leftover.exists()


# -- 9, 10: names -------------------------------------------------------------------------------------


def test_a_path_cannot_inject_a_workflow_command(folder):
    name = "x\n::error file=app.py,line=1::pwned\n.jsonl.gz"
    (folder / name).write_bytes(b"\x1f\x8bnot gzip")
    for fmt in ("github", "concise"):
        done = bounded(str(folder), "--output-format", fmt, cwd=folder.parent)
        lines = (done.out + done.err).splitlines()
        assert not [line for line in lines if line.startswith("::error file=app.py")], lines
        if fmt == "concise":
            reports_ok(done)


@pytest.mark.parametrize("fmt", ["concise", "full", "json", "json-lines", "sarif", "github", "summary-md"])
def test_a_name_that_is_not_utf8_is_reported_in_every_format(folder, fmt):
    name = os.fsdecode(b"caf\xe9.jsonl")
    write_jsonl(folder / name, [no_assistant()])
    done = bounded(str(folder), "--output-format", fmt, cwd=folder.parent)
    assert done.code == 1 and "caf\\xe9.jsonl" in done.out.replace("\\\\", "\\"), done.out
    if fmt in ("json", "sarif"):
        json.loads(done.out)


def test_a_name_that_is_not_utf8_in_stats_and_baselines(folder):
    write_jsonl(folder / os.fsdecode(b"caf\xe9.jsonl"), [no_assistant()])
    done = bounded("stats", str(folder), "--output-format", "json", cwd=folder.parent)
    assert "caf\\\\xe9.jsonl" in done.out
    done = bounded(str(folder), "--write-baseline", "base.json", cwd=folder.parent)
    assert done.code == 0 and "caf\\\\xe9.jsonl" in (folder.parent / "base.json").read_text()
    done = bounded(str(folder), "--baseline", "base.json", cwd=folder.parent)
    assert done.code == 0 and "findings accepted" in done.err


# -- 11: plugins ---------------------------------------------------------------------------------------

PLUGIN = """
import sys
from jsonl_lint import DatasetRule, RecordRule, Finding, Severity, hookimpl

class Raises(RecordRule):
    code, name, severity, summary = "K001", "raises", Severity.WARNING, "Raises on line 3"
    def check(self, example):
        if "Question 2?" in str(example.turns[0].text):
            raise ValueError("boom")
        yield Finding("seen")

class NotAFinding(RecordRule):
    code, name, severity, summary = "K002", "not-a-finding", Severity.WARNING, "Yields a string"
    def check(self, example):
        yield "oops"

class Exits(RecordRule):
    code, name, severity, summary = "K003", "exits", Severity.WARNING, "Calls sys.exit"
    def check(self, example):
        sys.exit(3)

class FailingReduce(DatasetRule):
    code, name, severity, summary = "K004", "failing-reduce", Severity.WARNING, "Reduce raises"
    def map(self, example):
        return 1
    def reduce(self, items, sources):
        raise RuntimeError("reduce failed")

class Unpicklable(DatasetRule):
    code, name, severity, summary = "K005", "unpicklable", Severity.WARNING, "Maps to a lambda"
    def map(self, example):
        return lambda: None
    def reduce(self, items, sources):
        return iter(())

@hookimpl
def register_rules(register):
    for rule in (Raises, NotAFinding, Exits, FailingReduce, Unpicklable):
        register(rule)
"""


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_failing_plugin_rule_loses_only_its_own_findings(folder, jobs):
    (folder / "house.py").write_text(PLUGIN)
    (folder / "jsonl-lint.toml").write_text('plugins = ["house"]\nplugin-paths = ["."]\n')
    write_jsonl(folder / "more.jsonl", [chat(i) for i in range(20, 40)])  # two files: two tasks, two workers
    done = bounded(str(folder), "--extend-select", "K", "--jobs", jobs, "-q", cwd=folder, timeout=120, rss_mb=600)
    assert done.code == 2
    errors = [line for line in done.err.splitlines() if "failed" in line]
    assert len(errors) == 5, done.err
    assert any("ok.jsonl:3: plugin 'house'" in e and "rule K001 failed: ValueError: boom" in e for e in errors)
    assert any("rule K002 failed: TypeError" in e for e in errors)
    assert any("rule K003 failed: SystemExit: 3" in e for e in errors)
    assert any("rule K004 failed in reduce: RuntimeError: reduce failed" in e for e in errors)
    assert any("rule K005 failed" in e for e in errors)
    assert not any(f"K00{n}" in done.out for n in range(1, 6))
    reports_ok(done)
    assert all(len(line) < 400 for line in done.err.splitlines())


# -- 12: secrets ---------------------------------------------------------------------------------------

SECRET = "sk-proj-" + "A1b2C3d4E5f6G7h8I9j0" * 3


@pytest.mark.parametrize("fmt", ["concise", "json", "sarif", "github", "summary-md"])
def test_secrets_outside_content_are_masked_everywhere(folder, fmt):
    record = {"messages": [{"role": SECRET, "content": "hi"}, {"role": "assistant", "content": "a", "weight": SECRET}],
              SECRET: 1}  # fmt: skip
    write_jsonl(folder / "keys.jsonl", [record] * 3)
    done = bounded(str(folder), "--output-format", fmt, "--ignore", "P003", cwd=folder.parent)
    assert SECRET not in done.out and SECRET[8:30] not in done.out, done.out
    done = bounded(str(folder), "--write-baseline", "base.json", cwd=folder.parent)
    assert SECRET[8:30] not in (folder.parent / "base.json").read_text()


# -- 13, 14: signals and standard input ------------------------------------------------------------


def _start(args: list[str], cwd: Path, **extra) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(SRC), "JSONL_LINT_DISABLE_PLUGIN_AUTOLOAD": "1"}
    return subprocess.Popen(
        [sys.executable, "-m", "jsonl_lint", *args], cwd=cwd, env=env, stdout=subprocess.PIPE,
        stderr=subprocess.PIPE, text=True, **extra,
    )  # fmt: skip


def _children(pid: int) -> list[int]:
    try:
        return [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


def _with_workers(folder: Path) -> tuple[subprocess.Popen, list[int]]:
    """A run over 40 MB with --jobs 2, once its workers have started: (the process, its workers)."""
    line = orjson.dumps(chat(0)) + b"\n"
    (folder / "big.jsonl").write_bytes(line * (40_000_000 // len(line)))
    process = _start([str(folder), "--jobs", "2"], folder)
    deadline = time.monotonic() + 60
    while not _children(process.pid) and time.monotonic() < deadline:
        time.sleep(0.1)
    workers = _children(process.pid)
    assert workers
    return process, workers


def test_sigterm_with_workers_exits_143_quietly(folder):
    process, workers = _with_workers(folder)
    process.send_signal(signal.SIGTERM)
    out, err = process.communicate(timeout=30)
    assert process.returncode == 143 and "Traceback" not in err and "BrokenPipe" not in err, err
    time.sleep(1)
    assert not [pid for pid in workers if Path(f"/proc/{pid}").exists() and "Z" not in _state(pid)]


def _state(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0]
    except OSError:
        return "Z"


def test_workers_end_with_a_killed_parent(folder):
    process, workers = _with_workers(folder)
    process.kill()
    process.communicate(timeout=30)
    deadline = time.monotonic() + 10
    while any(_state(pid) != "Z" for pid in workers) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert all(_state(pid) == "Z" for pid in workers)


def test_endless_standard_input_is_bounded(folder):
    feeder = subprocess.Popen(["yes", orjson.dumps(chat(0)).decode()], stdout=subprocess.PIPE)
    try:
        limit = "import jsonl_lint.files.open as spool\nspool.SPOOL_LIMIT = 50_000_000\n"
        done = bounded("-", str(folder), cwd=folder.parent, stdin=feeder.stdout, prelude=limit, timeout=60)
    finally:
        feeder.kill()
        feeder.wait()
    assert done.code == 2 and "-: more than 0.1 GB piped in" in done.err
    reports_ok(done)


def test_a_terminated_stdin_spool_is_removed(folder, tmp_path):
    spools = tmp_path / "tmp"
    spools.mkdir()
    feeder = subprocess.Popen(["yes", orjson.dumps(chat(0)).decode()], stdout=subprocess.PIPE)
    env = {**os.environ, "PYTHONPATH": str(SRC), "TMPDIR": str(spools)}
    process = subprocess.Popen(
        [sys.executable, "-m", "jsonl_lint", "-"], stdin=feeder.stdout, env=env, stderr=subprocess.PIPE, text=True
    )
    try:
        deadline = time.monotonic() + 30
        while not list(spools.iterdir()) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert list(spools.iterdir())
        process.send_signal(signal.SIGTERM)
        _, err = process.communicate(timeout=30)
    finally:
        feeder.kill()
        feeder.wait()
    assert process.returncode == 143 and not err
    assert list(spools.iterdir()) == []


# -- Low -------------------------------------------------------------------------------------------------


def test_valid_json_that_orjson_rejects_says_so(folder):
    (folder / "odd.jsonl").write_bytes(b'{"a": "\\ud800"}\n{"a": 1e400}\n{"a": NaN}\n')
    done = bounded(str(folder), cwd=folder.parent)
    lines = [line for line in done.out.splitlines() if "odd.jsonl" in line and "J001" in line]
    assert len(lines) == 3
    assert "Valid JSON, but no JSON parser of the upload path will accept it" in lines[0]
    assert "Valid JSON, but" in lines[1] and "Invalid JSON" in lines[2]


def test_identical_v001_findings_have_distinct_fingerprints(folder):
    write_jsonl(folder / "train.jsonl", [chat(i) for i in range(20)])
    write_jsonl(folder / "validation.jsonl", [chat(3), chat(3)])
    done = bounded(str(folder), "--output-format", "sarif", "--select", "V001", cwd=folder.parent)
    prints = [r["partialFingerprints"]["jsonlLint/v1"] for r in json.loads(done.out)["runs"][0]["results"]]
    assert len(prints) == 2 and len(set(prints)) == 2


def test_a_loop_of_links_says_so(folder):
    os.symlink(folder / "loop.jsonl", folder / "loop.jsonl")
    done = bounded(str(folder / "loop.jsonl"), str(folder / "ok.jsonl"), cwd=folder)
    assert "loop.jsonl: Too many levels of symbolic links" in done.err
    reports_ok(done)


def test_a_config_error_names_its_file(folder):
    (folder / "jsonl-lint.toml").write_text('select = ["Q999"]\n')
    done = bounded(str(folder), cwd=folder)
    assert done.code == 2 and "jsonl-lint.toml" in done.err


@pytest.mark.parametrize("args", [["--select", ""], ["--select", "C002", "--ignore", "C002"]])
def test_no_rule_enabled_is_an_error(folder, args):
    done = bounded(str(folder), *args, cwd=folder)
    assert done.code == 2 and "no rule is enabled" in done.err


def test_a_duplicate_key_1000_levels_deep_is_found(folder):
    inner = '{"a": 1, "a": 2}'
    for _ in range(1000):
        inner = '{"x": ' + inner + "}"
    (folder / "deep.jsonl").write_text(inner + "\n")
    done = bounded(str(folder), "--select", "J003", cwd=folder.parent)
    assert "deep.jsonl:1" in done.out and "J003" in done.out
