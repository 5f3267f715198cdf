"""A progress bar on standard error, for long runs on a terminal."""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TextIO

#: Inputs smaller than this finish before a bar would be worth reading.
MIN_BYTES = 8_000_000
WIDTH = 24
#: A worker tells the run's meter what it has read every this many bytes (and once at the end of a task).
TICK_BYTES = 1 << 18
#: How often the bar is redrawn from the meter while the run reads.
POLL_SECONDS = 0.1


def _size(count: float) -> str:
    for unit in ("B", "kB", "MB", "GB"):
        if count < 1000 or unit == "GB":
            return f"{count:,.0f} {unit}" if unit == "B" else f"{count:,.1f} {unit}"
        count /= 1000
    return ""  # pragma: no cover


def _clock(seconds: float) -> str:
    minutes, seconds = divmod(int(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}:{minutes:02d}:{seconds:02d}" if hours else f"{minutes}:{seconds:02d}"


class Bar:
    """``bar(done, total, records)`` redraws one line: share of bytes read, examples per second, time left."""

    def __init__(self, stream: TextIO, interval: float = 0.2) -> None:
        self.stream = stream
        self.interval = interval
        self.start = time.monotonic()
        self.drawn = 0.0
        self.shown = False

    def __call__(self, done: int, total: int, records: int) -> None:
        now = time.monotonic()
        if now - self.drawn < self.interval and done < total:
            return
        self.drawn = now
        share = min(done / total, 1.0) if total else 1.0  # a gzipped file reads more than it holds
        elapsed = max(now - self.start, 1e-9)
        left = elapsed * (1 - share) / share if share else 0.0
        filled = round(WIDTH * share)
        line = (
            f"[{'#' * filled}{'.' * (WIDTH - filled)}] {share:4.0%} {_size(done)} of {_size(total)}"
            f" · {records / elapsed:,.0f} examples/s · {_clock(left)} left"
        )
        self.stream.write(f"\r{line}\x1b[K")
        self.stream.flush()
        self.shown = True

    def close(self) -> None:
        """Erase the bar, so that what follows starts on a clean line."""
        if self.shown:
            self.stream.write("\r\x1b[K")
            self.stream.flush()


def wanted(disabled: bool, stream: TextIO = sys.stderr) -> bool:
    """A bar only on a terminal, and not when asked not to."""
    return not disabled and hasattr(stream, "isatty") and stream.isatty()


class Meter:
    """Bytes and records read so far in a run, added to by every process that reads (a worker is given
    it when its pool starts): the bar moves as the workers read, not as their tasks end."""

    def __init__(self) -> None:
        import multiprocessing  # 5 ms of every start, for the runs that show a bar

        self.counts = multiprocessing.get_context().Array("q", 2)  # bytes, records; with a lock

    def add(self, size: int, records: int) -> None:
        with self.counts.get_lock():
            self.counts[0] += size
            self.counts[1] += records

    def read(self) -> tuple[int, int]:
        with self.counts.get_lock():
            return self.counts[0], self.counts[1]


@contextmanager
def watching(meter: Meter, bar: Callable[[int, int, int], None], total: int) -> Iterator[None]:
    """Call ``bar(done, total, records)`` from the meter every POLL_SECONDS while the block runs, the
    first time at once (the bar shows as soon as the run starts), and a last time at its end."""
    stop = threading.Event()

    def poll() -> None:
        while True:
            done, records = meter.read()
            bar(done, total, records)
            if stop.wait(POLL_SECONDS):
                return

    thread = threading.Thread(target=poll, name="jsonl-lint-progress", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()
    done, records = meter.read()
    bar(max(done, total), total, records)
