"""A progress bar on standard error, for long runs on a terminal."""

from __future__ import annotations

import sys
import time
from typing import TextIO

#: Inputs smaller than this finish before a bar would be worth reading.
MIN_BYTES = 8_000_000
WIDTH = 24


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
        share = done / total if total else 1.0
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
