"""Regenerate ``docs/report.png``, the README's picture of the HTML dataset report.

    python docs/screenshot.py [OUT.png]

Writes a small made-up support dataset (seeded, so the picture only changes when the report
does: a training and a validation split, a few near-duplicates, leaks and a secret), runs
``jsonl-lint stats --html`` on it and photographs the page down to the first near-duplicate pair
in headless Chromium, with the DevTools client of the browser tests (``tests/chromium.py``;
Debian's ``chromium``).
"""

from __future__ import annotations

import random
import subprocess
import sys
import tempfile
from pathlib import Path

import orjson

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from chromium import Browser, available  # noqa: E402 (the tests' folder, added above)

SYSTEM = "You are the support assistant of Spoke & Chain, a bicycle shop."
QUESTIONS = [
    "How often should I oil the chain of my {bike}?",
    "What tyre pressure do you recommend for a {bike}?",
    "Can you fit mudguards to a {bike}?",
    "How long does a service of a {bike} take?",
    "Do you sell spare brake pads for a {bike}?",
    "Is a {bike} a good choice for commuting in the rain?",
]
BIKES = ["road bike", "gravel bike", "city bike", "cargo bike", "folding bike", "mountain bike", "e-bike"]
WORDS = (
    "chain wheel brake pad tyre pressure service frame saddle gear cable bolt spoke rim hub lever pedal light "
    "bell rack mudguard battery motor charge week month ride rain road trail shop mechanic"
).split()
PORTUGUESE = [
    ("Vocês consertam bicicletas elétricas?", "Sim, consertamos bicicletas elétricas de todas as marcas na oficina."),
    ("Qual é o horário da loja no sábado?", "No sábado a loja abre das nove da manhã até as seis da tarde."),
]


def answer(rng: random.Random) -> str:
    words = [rng.choice(WORDS) for _ in range(max(4, int(rng.lognormvariate(3.3, 0.6))))]
    return "Good question. " + " ".join(words).capitalize() + "."


def chat(question: str, reply: str) -> dict:
    return {"messages": [{"role": "system", "content": SYSTEM}, {"role": "user", "content": question},
                         {"role": "assistant", "content": reply}]}  # fmt: skip


def dataset(folder: Path) -> None:
    rng = random.Random(15)
    train = [chat(rng.choice(QUESTIONS).format(bike=rng.choice(BIKES)) + f" (#{i})", answer(rng)) for i in range(400)]
    for question, reply in PORTUGUESE * 6:
        train.insert(rng.randrange(len(train)), chat(question, reply))
    long = " ".join(rng.choice(WORDS) for _ in range(300))
    for k in range(4):  # a group of near-duplicates: one word changed each time
        words = long.split()
        words[20 * k + 5] = "derailleur"
        train.insert(50 + 40 * k, chat(f"Tell me everything about servicing a {BIKES[k]}.", " ".join(words)))
    train[77] = chat(
        "What is the shop's API key?", "It is sk-proj-" + "Zq8Vt2Lm9Rx4Kp7Wn3Hj6Bd1Fs5Gc0Ya8Ue2Io4Pk7Rt3Wm9Qz" + "."
    )
    validation = [chat(f"Which {b} suits a beginner of {age}?", answer(rng)) for b in BIKES for age in range(20, 25)]
    validation += [train[3], train[9], train[50]]  # leaked: two exact, one of the near-duplicate group
    for name, records in (("train.jsonl", train), ("validation.jsonl", validation)):
        (folder / name).write_bytes(b"".join(orjson.dumps(r) + b"\n" for r in records))


def main() -> None:
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "docs" / "report.png"
    reason = available()
    if reason:
        sys.exit(f"screenshot: {reason}")
    with tempfile.TemporaryDirectory() as folder:
        data = Path(folder) / "data"
        data.mkdir()
        dataset(data)
        page = Path(folder) / "report.html"
        command = [sys.executable, "-m", "jsonl_lint", "stats", "data", "--html", str(page), "--isolated"]
        subprocess.run(command, cwd=folder, check=True, stdout=subprocess.DEVNULL)
        with Browser(width=1280, height=900) as browser:
            browser.open(page)
            bottom = browser.evaluate(
                "document.querySelector('#file-0 details[open]').getBoundingClientRect().bottom + scrollY + 16"
            )
            out.write_bytes(browser.screenshot(height=int(bottom)))
    print(f"wrote {out} ({out.stat().st_size:,} bytes)")


if __name__ == "__main__":
    main()
