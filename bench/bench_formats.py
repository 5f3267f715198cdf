"""Cost of format detection and shape checks (S rules), per format, above parsing.

    python bench/bench_formats.py [N]        # default N = 20,000 records per format

For each format, generates N records of a typical conversation (system prompt,
two exchanges, about 1 KB), then times in one process, best of 3:

* the bare ``orjson.loads`` loop over the file;
* ``jsonl-lint --profile auto --select S --jobs 1``: reading, detecting the
  format among all of them, adapting to the normalised view and every shape check.

Prints µs per record for both and the difference (the target: at most 3 µs).
"""

from __future__ import annotations

import os
import random
import sys
import tempfile

import orjson
from timing import bare_loop, best_of

from jsonl_lint import Settings, lint

WORDS = "the model should answer questions about data quality in fine tuning sets with care".split()


def text(rng: random.Random, n: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(n)).capitalize() + "."


def conversation(rng: random.Random) -> list[tuple[str, str]]:
    turns = [("system", "You are a helpful assistant.")]
    for _ in range(2):
        turns += [("user", text(rng, 25)), ("assistant", text(rng, 60))]
    return turns


def openai_chat(turns):
    return {"messages": [{"role": r, "content": t} for r, t in turns]}


def sharegpt(turns):
    names = {"system": "system", "user": "human", "assistant": "gpt"}
    return {"conversations": [{"from": names[r], "value": t} for r, t in turns]}


def vertex(turns):
    roles = {"user": "user", "assistant": "model"}
    return {
        "systemInstruction": {"parts": [{"text": turns[0][1]}]},
        "contents": [{"role": roles[r], "parts": [{"text": t}]} for r, t in turns[1:]],
    }


def nova(turns):
    return {
        "schemaVersion": "bedrock-conversation-2024",
        "system": [{"text": turns[0][1]}],
        "messages": [{"role": r, "content": [{"text": t}]} for r, t in turns[1:]],
    }


def dpo(turns):
    return {
        "input": {"messages": [{"role": r, "content": t} for r, t in turns[:-1]]},
        "preferred_output": [{"role": "assistant", "content": turns[-1][1]}],
        "non_preferred_output": [{"role": "assistant", "content": "I cannot help."}],
    }


def alpaca(turns):
    return {"instruction": turns[1][1], "input": "", "output": turns[2][1]}


def completion(turns):
    return {"prompt": turns[1][1], "completion": " " + turns[2][1]}


def text_only(turns):
    return {"text": "\n".join(t for _, t in turns)}


FORMATS = {
    "openai-chat": openai_chat, "sharegpt": sharegpt, "vertex-gemini": vertex, "bedrock-nova": nova,
    "openai-dpo": dpo, "alpaca": alpaca, "openai-completion": completion, "text": text_only,
}  # fmt: skip


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 20_000
    settings = Settings(profile="auto", select=["S"])
    print(f"{n:,} records per format; µs per record, one process")
    print(f"{'format':<20}{'bytes':>7}{'parse':>8}{'S rules':>9}{'above':>8}")
    with tempfile.TemporaryDirectory() as folder:
        for name, make in FORMATS.items():
            rng = random.Random(0)
            path = os.path.join(folder, f"{name}.jsonl")
            with open(path, "wb") as out:
                for _ in range(n):
                    out.write(orjson.dumps(make(conversation(rng))) + b"\n")
            result = lint([path], settings, jobs=1)
            assert dict(result.sources[0].formats) == {name: n}, result.sources[0].formats
            assert not result.diagnostics, result.diagnostics[:3]
            parse = best_of(3, lambda path=path: bare_loop(path)) / n * 1e6
            full = best_of(3, lambda path=path: lint([path], settings, jobs=1)) / n * 1e6
            size = os.path.getsize(path) / n
            print(f"{name:<20}{size:>7.0f}{parse:>8.2f}{full:>9.2f}{full - parse:>8.2f}")


if __name__ == "__main__":
    main()
