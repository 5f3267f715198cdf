"""Headless Chromium driven over the DevTools protocol on a pipe (``--remote-debugging-pipe``).

The browser tests and ``docs/screenshot.py`` share it. It needs only the standard library and
Debian's ``chromium`` (no WebDriver, no websocket client, no browser download): commands go to the
browser on file descriptor 3, replies and events come back on 4, each a JSON text ended by a NUL.
Every request the page makes, every console message and exception, and every log entry (a
Content-Security-Policy violation is one) is recorded, so a test can say the page fetched nothing
and logged no error.
"""

from __future__ import annotations

import base64
import json
import os
import shutil
import struct
import subprocess
import tempfile
import time
import zlib
from pathlib import Path

#: Debian's browser; CHROMIUM names another.
EXECUTABLE = os.environ.get("CHROMIUM", "/usr/bin/chromium")
#: As the machine notes say works here: no GPU, no sandbox (root), no background connections.
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
    "--no-default-browser-check",
    "--remote-debugging-pipe",
]
TIMEOUT = 30.0


def available() -> str | None:
    """Why the browser cannot run here, or None when it can."""
    found = shutil.which(EXECUTABLE) or (EXECUTABLE if os.access(EXECUTABLE, os.X_OK) else None)
    if found is None:
        return f"{EXECUTABLE} not found (apt-get install chromium; .ci/run installs it)"
    return None


class Browser:
    """One Chromium process with a fresh profile, and one page in it."""

    def __init__(self, width: int = 1280, height: int = 900):
        self.profile = tempfile.mkdtemp(prefix="jsonl-lint-chromium-")
        to_browser_r, self._to_browser = os.pipe()
        self._from_browser, from_browser_w = os.pipe()

        def fds():  # the browser reads commands on 3 and writes replies on 4 (the pipes may be 3 or 4 already)
            read, write = os.dup(to_browser_r), os.dup(from_browser_w)
            os.dup2(read, 3)
            os.dup2(write, 4)

        self.process = subprocess.Popen(
            [EXECUTABLE, *FLAGS, f"--user-data-dir={self.profile}", f"--window-size={width},{height}", "about:blank"],
            preexec_fn=fds,
            close_fds=False,  # 3 and 4 stay open (the others are close-on-exec, as Python opens them)
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        os.close(to_browser_r)
        os.close(from_browser_w)
        self._buffer = b""
        self._next = 0
        self.events: list[dict] = []
        target = self.call("Target.createTarget", url="about:blank")["targetId"]
        self.session = self.call("Target.attachToTarget", targetId=target, flatten=True)["sessionId"]
        for domain in ("Page", "Runtime", "Network", "Log"):
            self.call(f"{domain}.enable", session=True)
        self.resize(width, height)

    # -- the protocol --

    def call(self, method: str, session: bool = False, **params) -> dict:
        """Send one command and wait for its reply (events that come first are kept)."""
        self._next += 1
        message: dict = {"id": self._next, "method": method, "params": params}
        if session:
            message["sessionId"] = self.session
        os.write(self._to_browser, json.dumps(message).encode() + b"\0")
        while True:
            reply = self._read()
            if reply.get("id") == self._next:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error']}")
                return reply.get("result", {})
            self.events.append(reply)

    def _read(self) -> dict:
        deadline = time.monotonic() + TIMEOUT
        while b"\0" not in self._buffer:
            if time.monotonic() > deadline or self.process.poll() is not None:
                raise RuntimeError("Chromium did not answer")
            chunk = os.read(self._from_browser, 1 << 16)
            if not chunk:
                raise RuntimeError("Chromium closed the pipe")
            self._buffer += chunk
        text, _, self._buffer = self._buffer.partition(b"\0")
        return json.loads(text)

    def wait_for(self, method: str) -> dict:
        """The first event ``method`` (already received or to come)."""
        while True:
            for event in self.events:
                if event.get("method") == method:
                    return event
            self.events.append(self._read())

    # -- what tests use --

    def resize(self, width: int, height: int) -> None:
        """The viewport's size in CSS pixels (a phone is about 390 wide)."""
        self.call("Emulation.setDeviceMetricsOverride", session=True, width=width, height=height,
                  deviceScaleFactor=1, mobile=width < 600)  # fmt: skip

    def scripts(self, enabled: bool) -> None:
        """Run the page's scripts or not (for pages opened after this)."""
        self.call("Emulation.setScriptExecutionDisabled", session=True, value=not enabled)

    def open(self, path: Path) -> None:
        """Load a file and wait until it has loaded (and its script has run)."""
        self.call("Page.navigate", session=True, url=path.resolve().as_uri())
        self.wait_for("Page.loadEventFired")
        self.evaluate("1")  # the events the load caused are in before this answers

    def evaluate(self, expression: str):
        result = self.call("Runtime.evaluate", session=True, expression=expression, returnByValue=True)
        if "exceptionDetails" in result:
            raise RuntimeError(f"{expression}: {result['exceptionDetails']}")
        return result["result"].get("value")

    def requests(self) -> list[str]:
        """The URL of every request the page made."""
        return [e["params"]["request"]["url"] for e in self.events if e.get("method") == "Network.requestWillBeSent"]

    def errors(self) -> list[str]:
        """Console errors, uncaught exceptions and error log entries (CSP violations among them)."""
        found = []
        for event in self.events:
            method, params = event.get("method"), event.get("params", {})
            if method == "Runtime.consoleAPICalled" and params.get("type") in ("error", "assert"):
                found.append(" ".join(str(a.get("value", a.get("description", ""))) for a in params.get("args", [])))
            elif method == "Runtime.exceptionThrown":
                found.append(params["exceptionDetails"].get("text", "exception"))
            elif method == "Log.entryAdded" and params["entry"].get("level") == "error":
                found.append(params["entry"].get("text", ""))
        return found

    def screenshot(self, full: bool = True, dark: bool = False, height: int | None = None, scale: float = 1) -> bytes:
        """A PNG of the page: the whole page when ``full``, else the viewport; its top ``height``
        pixels when given; in the dark colour scheme when ``dark``; ``scale`` times its size."""
        scheme = "dark" if dark else "light"
        self.call(
            "Emulation.setEmulatedMedia", session=True, features=[{"name": "prefers-color-scheme", "value": scheme}]
        )
        metrics = self.call("Page.getLayoutMetrics", session=True)
        if full or height is not None:
            size = metrics["cssContentSize"]
            left, top = 0, 0
            width, tall = size["width"], size["height"] if height is None else min(height, size["height"])
        else:  # what is on the screen, wherever the page is scrolled to
            view = metrics["cssVisualViewport"]
            left, top, width, tall = view["pageX"], view["pageY"], view["clientWidth"], view["clientHeight"]
        box = {"x": left, "y": top, "width": width, "height": tall, "scale": scale}
        params = {"format": "png", "captureBeyondViewport": full or height is not None, "clip": box}
        return base64.b64decode(self.call("Page.captureScreenshot", session=True, **params)["data"])

    def close(self) -> None:
        try:
            self.call("Browser.close")
        except RuntimeError:
            pass
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        os.close(self._to_browser)
        os.close(self._from_browser)
        shutil.rmtree(self.profile, ignore_errors=True)

    def __enter__(self) -> Browser:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def pixels(png: bytes) -> tuple[int, int, list[bytes]]:
    """(width, height, rows of RGB(A) bytes) of an 8-bit PNG, unfiltered: enough to tell a blank picture."""
    assert png[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    pos, data, header = 8, b"", None
    while pos < len(png):
        length, kind = struct.unpack(">I4s", png[pos : pos + 8])
        body = png[pos + 8 : pos + 8 + length]
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            data += body
        pos += 12 + length
    assert header is not None
    width, height, depth, colour = header[:4]
    assert depth == 8 and colour in (2, 6), f"unexpected PNG type {depth}/{colour}"
    bpp = 3 if colour == 2 else 4
    raw = zlib.decompress(data)
    stride = width * bpp
    rows, previous = [], bytearray(stride)
    for y in range(height):
        kind, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1 : (y + 1) * (stride + 1)])
        for i in range(stride):
            left = line[i - bpp] if i >= bpp else 0
            up, corner = previous[i], previous[i - bpp] if i >= bpp else 0
            if kind == 1:
                line[i] = (line[i] + left) & 255
            elif kind == 2:
                line[i] = (line[i] + up) & 255
            elif kind == 3:
                line[i] = (line[i] + (left + up) // 2) & 255
            elif kind == 4:
                p = left + up - corner
                pa, pb, pc = abs(p - left), abs(p - up), abs(p - corner)
                line[i] = (line[i] + (left if pa <= pb and pa <= pc else up if pb <= pc else corner)) & 255
        rows.append(bytes(line))
        previous = line
    return width, height, rows
