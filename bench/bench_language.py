"""Cost of the language rules (L001, L002, L003) above reading and adapting.

    python bench/bench_language.py [N] [--english]    # default N = 100,000 examples, mostly Portuguese

Generates N chat examples (a system prompt and two exchanges, about 1 KB) of which
94% are in the declared language (Portuguese, or English with ``--english``), 3% in
the other one, 2% have an answer that is a code block alone and 1% a one-word answer;
sentences are drawn at random from small vocabularies, so that texts rarely repeat.
Then times in one process, best of 3:

* ``--select S`` (reading, format detection, the normalised view): the floor;
* ``--select L`` with ``languages`` set to the declared language.

Prints µs per example for both, in wall time and in CPU time (the figure to trust on a
busy machine), the difference (the target: at most 50 µs), the findings, and how many
texts langdetect had to decide.
"""

from __future__ import annotations

import os
import random
import sys
import tempfile
import time

import orjson
from timing import best_of

from jsonl_lint import Settings, lint
from jsonl_lint.text import language as detection

PHRASES = {
    "pt": {
        "subjects": "o modelo|a equipe|o cliente|a professora|o sistema|a empresa|o aluno|a médica|o governo",
        "verbs": "precisa de|analisa|encontrou|quer melhorar|explica|não conhece|vai revisar|sempre usa",
        "objects": "os dados de treino|uma resposta clara|o relatório mensal|as regras do contrato|um exemplo"
        "|a conta de luz|o pedido da semana|os resultados da pesquisa",
        "tails": "com muito cuidado|antes da reunião|porque o prazo é curto|para o próximo mês|sem pressa"
        "|em poucos minutos|como combinamos ontem|e isso ajuda todo mundo",
        "questions": "Você pode me ajudar?|O que eu faço agora?|Isso está certo?|Qual é a melhor opção?",
    },
    "en": {
        "subjects": "the model|the team|the customer|the teacher|the system|the company|a student|the doctor",
        "verbs": "needs|checks|found|wants to improve|explains|does not know|will review|always uses",
        "objects": "the training data|a clear answer|the monthly report|the rules of the contract|an example"
        "|the power bill|this week's order|the survey results",
        "tails": "with great care|before the meeting|because the deadline is close|for next month|without hurry"
        "|in a few minutes|as we agreed yesterday|and that helps everyone",
        "questions": "Can you help me?|What should I do now?|Is that right?|Which option is the best?",
    },
}
VOCABULARY = {lang: {part: text.split("|") for part, text in parts.items()} for lang, parts in PHRASES.items()}
SYSTEM = {"pt": "Você é um assistente prestativo.", "en": "You are a helpful assistant."}


def sentence(rng: random.Random, words: dict) -> str:
    text = " ".join(rng.choice(words[part]) for part in ("subjects", "verbs", "objects", "tails"))
    return text[0].upper() + text[1:] + "."


def paragraph(rng: random.Random, lang: str, sentences: int) -> str:
    words = VOCABULARY[lang]
    return " ".join(sentence(rng, words) for _ in range(sentences))


def example(rng: random.Random, main: str, other: str) -> dict:
    roll = rng.random()
    lang = other if roll < 0.03 else main
    messages = [{"role": "system", "content": SYSTEM[main]}]
    for _ in range(2):
        question = f"{paragraph(rng, lang, 2)} {rng.choice(VOCABULARY[lang]['questions'])}"
        answer = paragraph(rng, lang, 5)
        messages += [{"role": "user", "content": question}, {"role": "assistant", "content": answer}]
    if 0.03 <= roll < 0.05:
        messages[-1]["content"] = "```python\nprint(sum(range(10)))\n```"
    elif 0.05 <= roll < 0.06:
        messages[-1]["content"] = rng.choice(["Sim.", "Yes.", "42", "👍"])
    return {"messages": messages}


def main() -> None:
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    n = int(args[0]) if args else 100_000
    main_lang, other = ("en", "pt") if "--english" in sys.argv else ("pt", "en")
    rng = random.Random(0)
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "data.jsonl")
        with open(path, "wb") as out:
            for _ in range(n):
                out.write(orjson.dumps(example(rng, main_lang, other)) + b"\n")
        size = os.path.getsize(path) / n
        floor = Settings(select=["S"])
        rules = Settings(select=["L"], options={"languages": [main_lang]})
        detection._langdetect.cache_clear()
        result = lint([path], rules, jobs=1)
        careful = detection._langdetect.cache_info().misses
        times = {
            (name, clock): best_of(3, lambda s=chosen: lint([path], s, jobs=1), clock) / n * 1e6
            for name, chosen in (("S", floor), ("L", rules))
            for clock in (time.perf_counter, time.process_time)
        }
    found: dict[str, int] = {}
    for d in result.diagnostics:
        found[d.code] = found.get(d.code, 0) + 1
    wall, cpu = time.perf_counter, time.process_time
    print(f"{n:,} examples, {size:.0f} bytes each, mostly {main_lang}; µs per example, one process")
    print(f"{'':28}{'wall':>8}{'CPU':>8}")
    print(f"{'--select S (read + adapt)':28}{times['S', wall]:8.1f}{times['S', cpu]:8.1f}")
    print(f"{'--select L':28}{times['L', wall]:8.1f}{times['L', cpu]:8.1f}")
    print(f"{'L rules':28}{times['L', wall] - times['S', wall]:8.1f}{times['L', cpu] - times['S', cpu]:8.1f}")
    print(f"texts decided by langdetect: {careful:,} ({careful / n:.2%} of examples); findings: {found}")


if __name__ == "__main__":
    main()
