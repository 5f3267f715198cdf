"""The HTML dataset report in a real browser: headless Chromium (Debian's ``chromium``), driven
over the DevTools protocol (``tests/chromium.py``). Skipped, with the reason, where it is not
installed; ``.ci/run`` installs it.

Each test renders a report, opens it from disk and checks what a reader would see: a picture that
is not blank (light and dark), no request but the page itself, no console error or CSP
violation, every chart drawn, and a hostile dataset's markup inert.
"""

from __future__ import annotations

import struct
import subprocess
import sys

import pytest
from chromium import Browser, available, pixels
from conftest import FIXTURE_DIR, HOSTILE, ROOT, hostile_dataset

REASON = available()
pytestmark = pytest.mark.skipif(REASON is not None, reason=f"no headless browser: {REASON}")

GOLDEN = FIXTURE_DIR / "golden" / "data"


@pytest.fixture(scope="module")
def browser():
    with Browser() as opened:
        yield opened


@pytest.fixture
def golden_report(cli, tmp_path):
    page = tmp_path / "report.html"
    run = cli("stats", ".", "--html", str(page), cwd=GOLDEN)
    assert run.code == 0, run.err
    return page


def opened(browser: Browser, page) -> None:
    browser.events.clear()
    browser.open(page)


def not_blank(png: bytes) -> float:
    """The share of pixels that differ from the most common colour (the background)."""
    width, height, rows = pixels(png)
    bpp = len(rows[0]) // width
    counts: dict[bytes, int] = {}
    for row in rows:
        for i in range(0, len(row), bpp * 4):  # every fourth pixel is enough
            colour = row[i : i + 3]
            counts[colour] = counts.get(colour, 0) + 1
    return 1 - max(counts.values()) / sum(counts.values())


def test_the_report_draws_and_fetches_nothing(browser, golden_report):
    opened(browser, golden_report)
    assert browser.requests() == [golden_report.resolve().as_uri()]  # the page itself, nothing else
    assert browser.errors() == []
    charts = browser.evaluate(
        """Array.from(document.querySelectorAll("svg.chart")).map(svg => ({
            kind: svg.dataset.chart,
            bars: Array.from(svg.querySelectorAll(".bar")).filter(bar => {
                const box = bar.getBBox();
                return box.width > 0 && box.height > 0 && Number(bar.dataset.value) >= 0;
            }).length,
            drawn: svg.getBoundingClientRect().width > 100,
        }))"""
    )
    assert len(charts) >= 8  # tokens, roles, turns for each file with records; languages
    assert {c["kind"] for c in charts} >= {"tokens", "roles", "messages", "languages"}
    assert all(c["bars"] > 0 and c["drawn"] for c in charts), charts
    outside = browser.evaluate(
        """Array.from(document.querySelectorAll("svg.chart text")).filter(text => {
            const box = text.getBoundingClientRect(), chart = text.ownerSVGElement.getBoundingClientRect();
            return box.left < chart.left - 1 || box.right > chart.right + 1 || box.top < chart.top - 1
                || box.bottom > chart.bottom + 1;
        }).map(text => text.textContent)"""
    )
    assert outside == []  # every label, tick and value inside its chart


def test_the_screenshot_is_not_blank_in_light_and_dark(browser, golden_report):
    opened(browser, golden_report)
    light = browser.screenshot(full=False, scale=0.25)  # small: decoded in Python
    dark = browser.screenshot(full=False, dark=True, scale=0.25)
    assert not_blank(light) > 0.02 and not_blank(dark) > 0.02
    assert light != dark
    background = browser.evaluate("getComputedStyle(document.body).backgroundColor")
    assert background == "rgb(22, 23, 26)"  # the dark palette, as the page says
    browser.screenshot(full=False, scale=0.1)  # back to light for the next test


def test_tables_sort_with_the_script_and_read_without_it(browser, golden_report):
    opened(browser, golden_report)
    rules = "Array.from(document.querySelectorAll('#overview table')).at(-1)"  # findings by rule
    first = f"{rules}.tBodies[0].rows[0].cells[0].textContent"
    before = browser.evaluate(first)
    codes = browser.evaluate(f"Array.from({rules}.tBodies[0].rows).map(row => row.cells[0].textContent)")
    for _ in range(2):  # by rule: ascending, then descending
        browser.evaluate(f"{rules}.tHead.rows[0].cells[0].click()")
    assert before.startswith("C001")  # without the script: most severe first
    assert browser.evaluate(first) == max(codes)
    assert browser.errors() == []


def test_the_report_reads_without_javascript_and_on_a_phone(browser, golden_report):
    browser.scripts(False)
    browser.resize(390, 800)
    try:
        opened(browser, golden_report)
        assert browser.evaluate("document.querySelectorAll('svg.chart .bar').length") > 20  # drawn without script
        assert browser.evaluate("document.querySelector('#overview .verdict').textContent").startswith("✗ Fails")
        # nothing wider than the screen but what scrolls in its own box (tables, long samples)
        assert browser.evaluate("document.documentElement.scrollWidth") <= 390
        assert browser.evaluate("document.querySelector('svg.chart').getBoundingClientRect().width") < 390
    finally:
        browser.scripts(True)
        browser.resize(1280, 900)


def test_a_hostile_dataset_stays_inert(browser, cli, tmp_path):
    path = hostile_dataset(tmp_path)
    page = tmp_path / "hostile.html"
    assert cli("stats", str(path), "--html", str(page)).code == 0
    opened(browser, page)
    assert browser.evaluate("typeof window.__pwned") == "undefined"
    assert browser.evaluate("document.scripts.length") == 1
    assert browser.evaluate("document.querySelectorAll('img, iframe, object, embed').length") == 0
    hrefs = browser.evaluate("Array.from(document.links).map(a => a.getAttribute('href'))")
    assert all(href.startswith(("#", "https://")) for href in hrefs)
    text = browser.evaluate("document.body.textContent")
    assert all(markup in text for markup in HOSTILE)  # every one shown, as text
    labels = browser.evaluate("Array.from(document.querySelectorAll('svg[data-chart=answers] .bar')).length")
    assert labels == len(HOSTILE)  # the labels' chart drew, with the markup as its labels' text
    assert browser.requests() == [page.resolve().as_uri()]
    assert browser.errors() == []


def test_the_readme_screenshot_is_made_by_its_script(tmp_path):
    """docs/screenshot.py still runs (the README's picture can be made again) and shows a page."""
    out = tmp_path / "report.png"
    run = subprocess.run(
        [sys.executable, str(ROOT / "docs" / "screenshot.py"), str(out)], capture_output=True, text=True
    )
    assert run.returncode == 0, run.stderr
    png = out.read_bytes()
    width, height = struct.unpack(">II", png[16:24])  # the IHDR chunk
    assert png.startswith(b"\x89PNG") and width >= 1200 and height > 900
    assert len(png) > 100_000  # a blank page of that size compresses to a few kilobytes
    assert "docs/report.png" in (ROOT / "README.md").read_text("utf-8")
