"""The progress bar: drawn on a terminal only, moved by every finished task, across workers."""

from __future__ import annotations

import io

import orjson
import pytest

from jsonl_lint import Settings, engine, progress
from jsonl_lint.config import resolve


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_bar_only_on_a_terminal_and_never_when_disabled():
    assert progress.wanted(False, Terminal())
    assert not progress.wanted(True, Terminal())
    assert not progress.wanted(False, io.StringIO())


def test_bar_draws_share_speed_and_time_left_then_erases_itself():
    screen = Terminal()
    bar = progress.Bar(screen, interval=0)
    bar(5_000_000, 20_000_000, 1_000)
    bar(20_000_000, 20_000_000, 4_000)
    bar.close()
    drawn = screen.getvalue()
    assert " 25% 5.0 MB of 20.0 MB" in drawn and "100% 20.0 MB of 20.0 MB" in drawn
    assert "examples/s" in drawn and "left" in drawn
    assert drawn.endswith("\r\x1b[K")


@pytest.mark.parametrize("jobs", [1, 2])
def test_the_bar_shows_at_once_and_moves_as_the_workers_read(tmp_path, monkeypatch, jobs):
    """Issue 14: with --jobs 2 the bar showed nothing for most of a run, then jumped. It is drawn when the
    run starts, from a meter every worker adds to as it reads, and ends at the exact totals."""
    monkeypatch.setattr(engine.linter, "CHUNK_BYTES", 20_000)
    monkeypatch.setattr(engine.records, "TICK_BYTES", 1_000)
    path = tmp_path / "train.jsonl"
    record = {"messages": [{"role": "user", "content": "q" * 80}, {"role": "assistant", "content": "a"}]}
    path.write_bytes(b"".join(orjson.dumps(record) + b"\n" for _ in range(3_000)))
    size = path.stat().st_size
    calls = []
    settings = Settings()
    engine.Linter(resolve(settings)).run([str(path)], settings, jobs, lambda *a: calls.append(a), 0)
    assert calls[0][0] < size  # before anything is finished
    assert [done for done, _, _ in calls] == sorted(done for done, _, _ in calls)
    assert calls[-1] == (size, size, 3_000)


@pytest.mark.parametrize("jobs", [1, 2])
def test_every_process_tells_the_meter_what_it_read(tmp_path, monkeypatch, jobs):
    monkeypatch.setattr(engine.linter, "CHUNK_BYTES", 2_000)
    path = tmp_path / "train.jsonl"
    lines = [b'{"prompt": "p", "completion": "c"}', b"not json", b"", b'{"prompt": "q", "completion": "d"}'] * 100
    path.write_bytes(b"\n".join(lines) + b"\n")
    meter = progress.Meter()
    settings = Settings()
    setup = engine.executors.Setup("meter-test", settings)
    from jsonl_lint.files.open import Span, cut

    tasks = [engine.records.Task(0, span, {}) for span in cut(Span(str(path)), path.stat().st_size, 2_000)]
    assert len(tasks) > 2
    specs = [engine.executors.TaskSpec(setup, task) for task in tasks]
    list(engine.executors.ProcessPool(jobs).map(specs, meter=meter))
    assert meter.read() == (path.stat().st_size, 200)  # every byte, the lines that are no record too


def test_small_inputs_get_no_bar(tmp_path):
    path = tmp_path / "train.jsonl"
    path.write_bytes(b'{"prompt": "p", "completion": "c"}\n')
    calls = []
    settings = Settings()
    engine.Linter(resolve(settings)).run([str(path)], settings, 1, lambda *a: calls.append(a), progress.MIN_BYTES)
    assert calls == []


def test_no_bar_in_the_captured_output(cli, tmp_path):
    (tmp_path / "train.jsonl").write_bytes(b'{"prompt": "p", "completion": "c"}\n')
    run = cli("train.jsonl", "--no-progress", "--output-format", "json", cwd=tmp_path)
    assert "\r" not in run.err and orjson.loads(run.out) is not None
