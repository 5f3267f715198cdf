"""Language detection (jsonl_lint.language) and the L rules: accuracy, what is never judged, determinism, config."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections import Counter
from pathlib import Path

import orjson
import pytest
from conftest import ROOT, write_jsonl
from hypothesis import given, settings
from hypothesis import strategies as st

from jsonl_lint import Settings, lint
from jsonl_lint.errors import ConfigError
from jsonl_lint.text import language as detection
from jsonl_lint.text.language import NAMES, detect

#: Sentences written for these tests: the same two requests in each language.
SENTENCES = {
    "en": ["Could you tell me how long the delivery usually takes to arrive?",
           "I think we should wait until the meeting is over before we decide."],
    "pt": ["Você pode me dizer quanto tempo a entrega costuma demorar?",
           "Acho que devemos esperar a reunião acabar antes de decidir."],
    "es": ["¿Puedes decirme cuánto tiempo suele tardar la entrega?",
           "Creo que deberíamos esperar a que termine la reunión antes de decidir."],
    "fr": ["Pouvez-vous me dire combien de temps prend la livraison?",
           "Je pense que nous devrions attendre la fin de la réunion avant de décider."],
    "de": ["Kannst du mir sagen, wie lange die Lieferung normalerweise dauert?",
           "Ich denke, wir sollten warten, bis die Besprechung vorbei ist."],
    "it": ["Puoi dirmi quanto tempo ci vuole di solito per la consegna?",
           "Penso che dovremmo aspettare la fine della riunione prima di decidere."],
    "nl": ["Kun je me vertellen hoe lang de levering meestal duurt?",
           "Ik denk dat we moeten wachten tot de vergadering voorbij is."],
    "tr": ["Teslimatın genellikle ne kadar sürdüğünü söyleyebilir misin?",
           "Bence karar vermeden önce toplantının bitmesini beklemeliyiz."],
    "ca": ["Em pots dir quant de temps sol trigar el lliurament a arribar?",
           "Crec que hauríem d'esperar que acabi la reunió abans de decidir."],
    "ro": ["Poți să-mi spui cât durează de obicei livrarea comenzii?",
           "Cred că ar trebui să așteptăm până se termină ședința înainte de a decide."],
    "sv": ["Kan du berätta hur lång tid leveransen brukar ta?",
           "Jag tycker att vi ska vänta tills mötet är över innan vi bestämmer oss."],
    "pl": ["Czy możesz mi powiedzieć, ile zwykle trwa dostawa zamówienia?",
           "Myślę, że powinniśmy poczekać do końca spotkania przed podjęciem decyzji."],
    "ru": ["Можете ли вы сказать, сколько обычно занимает доставка заказа?",
           "Я думаю, что нам стоит подождать окончания встречи, прежде чем решать."],
    "ja": ["配達には通常どのくらい時間がかかるか教えていただけますか？",
           "決める前に会議が終わるまで待つべきだと思います。"],
    "ar": ["هل يمكنك أن تخبرني كم من الوقت يستغرق التوصيل عادة؟",
           "أعتقد أنه يجب علينا الانتظار حتى تنتهي الاجتماع قبل أن نقرر."],
}  # fmt: skip
#: Portuguese a sloppy detector takes for Spanish, Galician, French or Catalan.
SHORT_PORTUGUESE = [
    "O que é machine learning?",
    "Pediu desculpas e disse que queria voltar.",
    "Me fala o estilo da sala que a gente acerta.",
    "quebra uns ovos, bota sal, queijo se tiver e pronto",
    "Jogou a vassoura nele, acredita?",
    "Refrigerante vai ser difícil sou viciado",
]


@pytest.mark.parametrize(("lang", "text"), [(lang, text) for lang, texts in SENTENCES.items() for text in texts])
def test_detects_the_language_of_a_sentence(lang, text):
    found = detect(text)
    assert found is not None and found.lang == lang, found


def test_the_stop_words_decide_plain_text_without_langdetect():
    text = "O modelo precisa de uma resposta clara para o próximo mês, e isso ajuda todo mundo que usa o sistema."
    assert detect(text) == ("pt", 1.0, "stop words")


@pytest.mark.parametrize("text", SHORT_PORTUGUESE)
def test_short_portuguese_is_never_another_language(text):
    found = detect(text)
    assert found is None or found.lang == "pt", found


@pytest.mark.parametrize(
    "text",
    [
        "",
        "Obrigado!",
        "Sim, claro.",
        "12345 678 90.5 -3",
        "😀 😀 😂 👍 🎉 😀 😀 😂 👍 🎉",
        "```python\nfor item in items:\n    if item is not None and item.ok:\n        print(item)\n```",
        "`SELECT name FROM users WHERE id = 1`",
        "https://example.com/a/very/long/path/with/words/in/it and https://www.example.org/more/words/here",
        '{"name": "value", "list": [1, 2, 3], "nested": {"a": true}}',
        "Eat a banana! " * 50,
    ],
)
def test_texts_that_are_not_judged(text):
    assert detect(text) is None


def test_code_and_urls_are_stripped_before_detection():
    code = "```python\n" + "# Read the file and print every line of it, then close it when you are done\n" * 3 + "```"
    text = f"Veja o exemplo abaixo, que lê o arquivo linha por linha:\n{code}\nMais detalhes em https://docs.python.org/3/tutorial/inputoutput.html"
    assert detect(text).lang == "pt"
    assert detection.clean(text).count("```") == 0 and "https" not in detection.clean(text)


def test_nul_and_lone_surrogates_are_stripped():
    text = "Acho que devemos esperar\x00 a reunião \ud800acabar antes de decidir o que fazer com o \udfffprojeto."
    assert "\x00" not in detection.clean(text) and "\ud800" not in detection.clean(text)
    assert detect(text).lang == "pt"


def test_langdetect_is_deterministic_in_one_process():
    text = SENTENCES["pl"][0]  # decided by langdetect, not by the stop words
    first = detect(text)
    assert first.method == "langdetect"
    for _ in range(3):
        detection._langdetect.cache_clear()
        assert detect(text) == first


def test_langdetect_is_deterministic_across_processes():
    texts = [text for lang in ("pl", "ro", "ru", "ca", "sv") for text in SENTENCES[lang]] + SHORT_PORTUGUESE
    here = [None if d is None else list(d) for d in map(detect, texts)]
    script = (
        "import json, sys; from jsonl_lint.text.language import detect; "
        "print(json.dumps([detect(t) for t in json.load(sys.stdin)]))"
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src"), "PYTHONHASHSEED": "12345"}
    done = subprocess.run(
        [sys.executable, "-c", script], input=json.dumps(texts), capture_output=True, text=True, env=env, check=True
    )
    assert json.loads(done.stdout) == here


@settings(max_examples=300, deadline=None)
@given(
    text=st.text(max_size=300)
    | st.lists(
        st.sampled_from([*SHORT_PORTUGUESE, "```", "`", "\x00", "\ud800", "😀", "https://x.y/z", " "]), max_size=12
    ).map(" ".join)
)
def test_detect_never_raises_and_is_deterministic(text):
    found = detect(text)
    assert found is None or (found.lang in NAMES and 0 < found.confidence <= 1)
    detection._langdetect.cache_clear()
    assert detect(text) == found


# -- rules ------------------------------------------------------------------------


def chat(question: str, answer: str) -> dict:
    return {"messages": [{"role": "user", "content": question}, {"role": "assistant", "content": answer}]}


def codes(result) -> Counter:
    return Counter(d.code for d in result.diagnostics)


def test_without_languages_l001_is_silent_but_l002_and_l003_work(tmp_path):
    path = write_jsonl(
        tmp_path / "data.jsonl",
        [chat(SENTENCES["pt"][0], SENTENCES["pt"][1]), chat(SENTENCES["pt"][0], SENTENCES["en"][1])],
    )
    found = codes(lint([str(path)], Settings(select=["L"])))
    assert found == {"L002": 1, "L003": 1}
    found = codes(lint([str(path)], Settings(select=["L"], options={"languages": ["pt"]})))
    assert found == {"L001": 1, "L002": 1, "L003": 1}


def test_language_mix_gives_the_shares(tmp_path):
    records = [chat(SENTENCES["pt"][0], SENTENCES["pt"][1])] * 3 + [
        chat(SENTENCES["en"][0], SENTENCES["en"][1]),
        chat("Oi", "Olá!"),
    ]
    path = write_jsonl(tmp_path / "data.jsonl", records)
    [mix] = lint([str(path)], Settings(select=["L002"])).diagnostics
    assert mix.line is None
    assert mix.message == (
        "Examples in 2 languages: Portuguese (`pt`) 75.0%, English (`en`) 25.0% of 4 judged (1 too short or unsure)"
    )


def test_the_same_findings_whatever_the_number_of_jobs(tmp_path):
    texts = [text for texts in SENTENCES.values() for text in texts]
    for name in ("a.jsonl", "b.jsonl"):
        write_jsonl(tmp_path / name, [chat(q, a) for q, a in zip(texts, texts[1:] + texts[:1], strict=True)])
    settings = Settings(select=["L"], options={"languages": ["pt"]})
    one = [(d.path, d.line, d.code, d.message) for d in lint([str(tmp_path)], settings, jobs=1).diagnostics]
    two = [(d.path, d.line, d.code, d.message) for d in lint([str(tmp_path)], settings, jobs=2).diagnostics]
    assert one == two and len(one) > 20


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        (["pt"], ["pt"]),
        (["pt-BR", "PT"], ["pt"]),
        (["zh"], ["zh-cn", "zh-tw"]),
        (["Portuguese", "en_US"], ["pt", "en"]),
    ],
)
def test_languages_option(given, expected):
    settings = Settings()
    settings.apply({"languages": given}, "test")
    assert settings.options["languages"] == expected


@pytest.mark.parametrize("value", [["xx"], "pt", [1], ["portugues"]])
def test_languages_option_rejects_bad_values(value):
    with pytest.raises(ConfigError, match="languages"):
        Settings().apply({"languages": value}, "test")


def test_language_on_the_command_line(cli, tmp_path):
    path = write_jsonl(tmp_path / "data.jsonl", [chat(SENTENCES["es"][0], SENTENCES["es"][1])])
    run = cli("--isolated", "--select", "L001", "--language", "pt,en", str(path))
    assert run.code == 1 and "L001 warning: Example is in Spanish (`es`), not in `pt`, `en` (`languages`)" in run.out
    assert cli("--isolated", "--select", "L001", "--language", "es", str(path)).code == 0
    bad = cli("--isolated", "--language", "klingon", str(path))
    assert bad.code == 2 and "unknown language code 'klingon'" in bad.err


# -- corpus -------------------------------------------------------------------------

PORTUGUESE = [
    "unsloth-ana-sharegpt-pt/treino.jsonl",
    "qlora-llama2-pt-qa/treino.jsonl",
    "qlora-llama2-pt-qa/teste.jsonl",
]


def _portuguese_files(corpus: Path, tmp_path: Path) -> list[str]:
    """The Portuguese corpus files; the `prompt`/`response` set as prompt/completion records in tmp_path."""
    paths = []
    for name in PORTUGUESE:
        source = corpus / name
        if "response" in source.read_text("utf-8"):
            records = [orjson.loads(line) for line in source.read_bytes().splitlines()]
            source = write_jsonl(
                tmp_path / name.replace("/", "_"),
                [{"prompt": r["prompt"], "completion": r["response"]} for r in records],
            )
        paths.append(str(source))
    return paths


@pytest.mark.corpus
def test_turkish_dialogues(corpus):
    path = str(corpus / "turkish-daily-dialogues")
    turkish = lint([path], Settings(select=["L"], options={"languages": ["tr"]}))
    assert codes(turkish) == {}
    english = lint([path], Settings(select=["L001"], options={"languages": ["en"]}))
    records = sum(s.records for s in english.sources)
    flagged = [d for d in english.diagnostics if d.code == "L001"]
    assert sum(d.count for d in flagged) >= 0.99 * records
    assert all("Turkish (`tr`)" in d.message for d in flagged)


@pytest.mark.corpus
def test_portuguese_corpus_false_positives(corpus, tmp_path):
    """Below 0.5% of Portuguese examples are reported as another language (measured: 0 of 825)."""
    result = lint(
        _portuguese_files(corpus, tmp_path), Settings(profile="auto", select=["L"], options={"languages": ["pt"]})
    )
    records = sum(s.records for s in result.sources)
    assert records == 825
    assert codes(result)["L001"] <= 0.005 * records
    assert codes(result)["L003"] <= 0.005 * records
    assert codes(result)["L002"] == 0


@pytest.mark.corpus
def test_short_portuguese_turns_are_not_other_languages(corpus):
    """Every user and assistant turn of the Portuguese ShareGPT set on its own, many of them a few words long."""
    found: Counter = Counter()
    for line in (corpus / PORTUGUESE[0]).read_bytes().splitlines():
        for turn in orjson.loads(line)["conversations"]:
            if turn["from"] != "system":
                verdict = detect(turn["value"])
                found["unjudged" if verdict is None else verdict.lang] += 1
    turns = sum(found.values())
    assert turns > 6000
    assert sum(n for lang, n in found.items() if lang not in ("pt", "unjudged")) <= 0.005 * turns


def test_identifier_soup_is_not_sent_to_langdetect_by_the_default_rules(monkeypatch):
    from jsonl_lint.text import language

    soup = "qwzx brtkl vvmpq zzkr plmnb trwq xxlo kmrt gzzv qplk wrrt bnmq tyrx"
    monkeypatch.setattr(language, "_langdetect", lambda *a: pytest.fail("langdetect called"))
    assert language.judge(language.evidence(soup), careful=False) is None
    monkeypatch.undo()
    called = []
    monkeypatch.setattr(language, "_langdetect", lambda *a: called.append(a))
    language.judge(language.evidence(soup), careful=True)  # L001, asked for: the careful detector decides
    assert called


def test_langdetects_probabilities_built_on_demand_are_the_ones_it_builds_up_front():
    """_Probabilities builds each n-gram's vector when a text has it (0.07 s to load, not 0.47):
    the detections, and every vector, are those of langdetect's own DetectorFactory."""
    from langdetect.detector_factory import PROFILES_DIRECTORY, DetectorFactory
    from langdetect.lang_detect_exception import LangDetectException

    reference = DetectorFactory()
    profiles = []
    for name in sorted(os.listdir(PROFILES_DIRECTORY)):
        profiles.append(Path(PROFILES_DIRECTORY, name).read_text(encoding="utf-8"))
    reference.load_json_profile(profiles)
    reference.set_seed(0)
    lazy = detection._factory()
    assert lazy.langlist == reference.langlist
    texts = [text for sentences in SENTENCES.values() for text in sentences]
    texts += ["これは日本語のテキストです", "Привет, как дела?", "x", "12 34", "ab" * 300]
    for text in texts:
        found = []
        for factory in (lazy, reference):
            detector = factory.create()
            detector.append(text)
            try:
                found.append([(language.lang, language.prob) for language in detector.get_probabilities()])
            except LangDetectException as error:  # nothing to read: both say so
                found.append(str(error))
        assert found[0] == found[1], text
    for word, probabilities in list(reference.word_lang_prob_map.items())[::97]:
        assert word in lazy.word_lang_prob_map and lazy.word_lang_prob_map[word] == probabilities
    assert "\x00q\x00" not in lazy.word_lang_prob_map


def test_the_script_classes_are_compiled_only_for_text_that_needs_them(tmp_path):
    """The regular expressions of whole scripts (1-3 ms each to compile) wait for a text that is not ASCII."""
    code = (
        "import sys\nfrom jsonl_lint import Settings, lint\nfrom jsonl_lint.text import language\n"
        "lint([sys.argv[1]], Settings(), jobs=1)\n"
        "print(language._NON_LATIN.cache_info().currsize, language._RUN.cache_info().currsize)\n"
    )

    def chat(answer: str) -> dict:
        return {"messages": [{"role": "user", "content": "Write it down"}, {"role": "assistant", "content": answer}]}

    ascii_ = write_jsonl(tmp_path / "ascii.jsonl", [chat("Plain English, and a cafe.")] * 3)
    latin = write_jsonl(tmp_path / "latin.jsonl", [chat("Plain English, and a café.")] * 3)
    mixed = write_jsonl(tmp_path / "mixed.jsonl", [chat("An English answer that goes on 用中文写下去了很久很久很久")])
    shown = [
        subprocess.run([sys.executable, "-c", code, str(path)], capture_output=True, text=True, check=True).stdout
        for path in (ascii_, latin, mixed)
    ]
    assert shown == ["0 0\n", "1 0\n", "1 1\n"]  # an accent: one search; another script: the runs
