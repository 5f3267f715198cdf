"""Peak memory and time of the hostile inputs of issue 17, one run each, in a subprocess.

    python bench/bench_hostile.py [CASE ...] [--python PYTHON] [--timeout S]

Cases: braces (5,000,000 lines of ``{}``), long-line (one 60 MB line), repeated-100mb and
repeated-1gb (one chat record repeated to that size), dev-zero (a folder holding a symlink to
/dev/zero), jobs-10000 (``--jobs 10000`` on the 100 MB file), endless-stdin (``yes`` piped in for
``--timeout`` seconds at most). ``--python`` runs another build (the one before a change, say).
Prints seconds, the peak RSS of the main process and of the main process and its workers together
(sampled every 50 ms), and whether the run was ended at the timeout.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile

import orjson
from bench_memory import peak

RECORD = (
    orjson.dumps(
        {
            "messages": [
                {"role": "user", "content": "What is the capital of France?"},
                {"role": "assistant", "content": "Paris is the capital of France."},
            ]
        }  # fmt: skip
    )
    + b"\n"
)


def write_repeated(path: str, size: int, line: bytes = RECORD) -> None:
    block = line * ((1 << 20) // len(line))
    with open(path, "wb") as out:
        for _ in range(0, size, len(block)):
            out.write(block)


def write_long_line(path: str, size: int) -> None:
    """One chat record whose prompt is ``size`` bytes of distinct words."""
    content = " ".join(f"w{i}" for i in range(size // 8))
    record = {"messages": [{"role": "user", "content": content}, {"role": "assistant", "content": "ok"}]}
    with open(path, "wb") as out:
        out.write(orjson.dumps(record) + b"\n")


#: file name -> how it is written
FILES = {
    "braces.jsonl": lambda p: write_repeated(p, 15_000_000, b"{}\n"),
    "long.jsonl": lambda p: write_long_line(p, 60_000_000),
    "repeated-100mb.jsonl": lambda p: write_repeated(p, 100_000_000),
    "repeated-1gb.jsonl": lambda p: write_repeated(p, 1_000_000_000),
}
#: case -> (arguments: a file of FILES, or "zero/" for the folder with the /dev/zero link; stdin source)
CASES = {
    "braces": (["braces.jsonl"], None),
    "long-line": (["long.jsonl"], None),
    "repeated-100mb": (["repeated-100mb.jsonl"], None),
    "repeated-1gb": (["repeated-1gb.jsonl"], None),
    "dev-zero": (["zero/"], None),
    "jobs-10000": (["--jobs", "10000", "repeated-100mb.jsonl"], None),
    "endless-stdin": (["-"], ["yes", RECORD.decode().strip()]),
}


def prepare(arguments: list[str], folder: str) -> list[str]:
    """The case's arguments, with its files written (once) in ``folder``."""
    out = []
    for argument in arguments:
        if argument in FILES:
            argument = os.path.join(folder, argument)
            if not os.path.exists(argument):
                FILES[os.path.basename(argument)](argument)
        elif argument == "zero/":
            argument = os.path.join(folder, "zero")
            os.makedirs(argument, exist_ok=True)
            if not os.path.lexists(os.path.join(argument, "evil.jsonl")):
                os.symlink("/dev/zero", os.path.join(argument, "evil.jsonl"))
        out.append(argument)
    return out


def main() -> None:
    args = sys.argv[1:]
    python = args[args.index("--python") + 1] if "--python" in args else sys.executable
    timeout = float(args[args.index("--timeout") + 1]) if "--timeout" in args else 300.0
    values = {args[i + 1] for i, a in enumerate(args[:-1]) if a in ("--python", "--timeout")}
    wanted = [a for a in args if not a.startswith("--") and a not in values]
    with tempfile.TemporaryDirectory(dir=os.environ.get("BENCH_DIR")) as folder:
        print(f"{'case':<16}{'seconds':>8}{'main MB':>9}{'all MB':>8}  ended")
        for name in wanted or list(CASES):
            arguments, source = CASES[name]
            command = [python, "-m", "jsonl_lint", "--isolated", "--no-progress", "-q", *prepare(arguments, folder)]
            feeder = subprocess.Popen(source, stdout=subprocess.PIPE) if source else None
            seconds, main_rss, total = peak(command, timeout, feeder.stdout if feeder else None)
            if feeder is not None:
                feeder.kill()
                feeder.wait()
            ended = "at the timeout" if seconds >= timeout else ""
            print(f"{name:<16}{seconds:>8.1f}{main_rss / 1e6:>9.0f}{total / 1e6:>8.0f}  {ended}", flush=True)


if __name__ == "__main__":
    main()
