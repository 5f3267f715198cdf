"""Language identification for the L rules: a stop-word pass, and langdetect for the doubtful texts.

langdetect (Google's n-gram profiles, 55 languages) is the reference detector,
but it costs about 2 ms per text and draws random samples. Most examples of a
dataset are plainly in one of a few common languages, which their function
words give away at a fraction of that cost, so each text goes through two steps:

1. **Stop words.** A sample of the text (the first :data:`SAMPLE` characters
   of a part, after code and URLs are removed) is lower-cased, cut into words
   at C speed (UTF-8 bytes, ASCII punctuation and digits as spaces) and the
   words are looked up in small lists of function words for eight common
   languages (:data:`STOP_WORDS`), plus Catalan and Galician as *guards*: they
   are close enough to Spanish and Portuguese to be mistaken for them, so
   their evidence makes a text doubtful rather than deciding it. A word shared
   by several lists counts for each a share. The text is decided when one of
   the eight is far ahead (:func:`stop_word_language`). The pass has a compiled
   twin (``_language.c``, built by pip where there is a C compiler) that gives
   the same evidence bit for bit in a third of the time; the Python code here
   is the reference and the fallback (tests/text/test_evidence.py).
2. **langdetect**, on the same cleaned sample, decides the rest: seeded, with a
   new detector per text, so the answer depends on the text alone (the same
   from run to run and whatever the number of worker processes). It counts
   only at or above the configured confidence (its probability), and not when
   the stop words lean clearly to another language (:func:`judge`).

Texts too short to judge (fewer than :data:`MIN_WORDS` words or
:data:`MIN_LETTERS` letters once code, URLs and e-mail addresses are gone),
numbers, code and emoji are never judged: :func:`detect` returns None.
"""

from __future__ import annotations

import os
import re
from functools import lru_cache
from operator import add
from typing import NamedTuple

import orjson

from jsonl_lint.example import Example
from jsonl_lint.text import compiled, lazy

#: langdetect's languages (the profiles of langdetect 1.0.9): the codes `languages` accepts.
NAMES = {
    "af": "Afrikaans", "ar": "Arabic", "bg": "Bulgarian", "bn": "Bengali", "ca": "Catalan", "cs": "Czech",
    "cy": "Welsh", "da": "Danish", "de": "German", "el": "Greek", "en": "English", "es": "Spanish",
    "et": "Estonian", "fa": "Persian", "fi": "Finnish", "fr": "French", "gu": "Gujarati", "he": "Hebrew",
    "hi": "Hindi", "hr": "Croatian", "hu": "Hungarian", "id": "Indonesian", "it": "Italian", "ja": "Japanese",
    "kn": "Kannada", "ko": "Korean", "lt": "Lithuanian", "lv": "Latvian", "mk": "Macedonian",
    "ml": "Malayalam", "mr": "Marathi", "ne": "Nepali", "nl": "Dutch", "no": "Norwegian", "pa": "Punjabi",
    "pl": "Polish", "pt": "Portuguese", "ro": "Romanian", "ru": "Russian", "sk": "Slovak", "sl": "Slovenian",
    "so": "Somali", "sq": "Albanian", "sv": "Swedish", "sw": "Swahili", "ta": "Tamil", "te": "Telugu",
    "th": "Thai", "tl": "Tagalog", "tr": "Turkish", "uk": "Ukrainian", "ur": "Urdu", "vi": "Vietnamese",
    "zh-cn": "Chinese (simplified)", "zh-tw": "Chinese (traditional)",
}  # fmt: skip

#: Function words of the languages the first pass decides (lower case, accents as written).
STOP_WORDS = {
    "en": """the be to of and in that have it for not on with he as you do at this but his by from they we
        say her she or an will my one all would there their what so up out if about who get which go me when
        make can like time no just him know take people into year your good some could them see other than
        then now look only come its over think also back after use two how our work first well way even new
        want because any these give day most us is are was were has had been being does did am should may
        might must here where why very much more such those through while both each few own same too under
        again once off down before without within between yes thanks please i""",
    "pt": """o os a as um uma uns umas de do da dos das em no na nos nas ao aos à às pelo pela pelos pelas
        por para com sem sobre entre até e ou mas que se não sim é são está estão estava foi foram ser estar
        ter tem têm tinha há vai vou eu você vocês ele ela eles elas nós meu minha meus minhas seu sua seus
        suas nosso nossa isso isto esse essa este esta aquele aquela aqui ali lá já também muito muita
        muitos muitas mais menos quando como onde porque então ainda só sempre nunca bem pode podem fazer
        tudo nada algo alguém cada qual quais quem depois antes agora hoje obrigado obrigada olá tá pra né
        coisa assim mesmo outro outra outros outras todos todas todo toda nem lhe me te mim comigo num numa
        dum duma sua seja será pois tão seria tenho disse queria quero quer acho sei vamos estou fica gente
        aí dá tô bom boa""",
    "es": """el la los las un una unos unas de del al a en con sin por para sobre entre hasta y pero
        que se no sí es son está están estaba fue fueron ser estar tener tiene tienen había hay va voy yo tú
        usted ustedes él ella ellos ellas nosotros mi mis tu tus su sus nuestro nuestra eso esto ese esa este
        esta aquel aquí allí ya también muy mucho mucha muchos muchas más menos cuando como donde porque
        entonces todavía solo sólo siempre nunca bien puede pueden hacer todo nada algo alguien cada cual
        quien después antes ahora hoy gracias hola lo le les me te mí conmigo otro otra otros otras todos
        todas toda ni qué cómo dónde cuándo pues tan sea será tengo dijo quería quiero quiere creo sé vamos
        estoy bueno buena""",
    "fr": """le la les un une des du de au aux à en dans sur pour par avec sans sous et ou mais que qui ne pas
        plus est sont était être avoir a ont fait je tu il elle nous vous ils elles mon ma mes ton ta tes son
        sa ses notre votre leur leurs ce cette ces cet ça cela ceci ici là aussi très bien tout tous toute
        toutes quand comme où parce donc encore seulement toujours jamais peut peuvent faire rien quelque
        chaque quel quelle quoi après avant maintenant aujourd merci bonjour oui non y lui se moi toi c'est
        n'est j'ai qu'il d'un d'une l'on c qu""",
    "de": """der die das den dem des ein eine einen einem einer eines und oder aber dass nicht ist sind war
        waren haben hat hatte wird werden ich du er sie es wir ihr mein meine dein unser euer dieser diese
        dieses hier auch sehr gut alle alles wenn wie wo weil dann noch nur immer nie kann können machen
        nichts etwas jeder jede welche wer was nach vor jetzt heute danke bitte hallo ja nein mit von zu für
        auf bei aus im am um durch über unter zum zur ohne gegen sich mir dir ihm ihn uns euch man schon
        doch mal""",
    "it": """il lo la i gli le un uno una di del della dei degli delle da dal dalla in nel nella con su per
        tra fra e ma che non è sono era essere avere ha hanno ho fatto io tu lui lei noi voi loro mio mia
        miei tuo tua suo sua nostro questo questa quello quella qui anche molto bene tutto tutti quando come
        dove perché allora ancora solo sempre mai può possono fare niente qualcosa ogni quale chi cosa dopo
        prima adesso oggi grazie ciao sì si mi ti ci vi ne al alla ai alle sul sulla nei più""",
    "nl": """de het een en van in op met voor aan door over bij uit naar om tot dat die dit deze niet is zijn
        was waren heeft hebben had wordt worden ik jij je hij zij ze wij we jullie mijn jouw haar ons onze
        hier daar ook zeer heel goed alle alles als hoe waar omdat dan nog maar altijd nooit kan kunnen maken
        niets iets elke welke wie wat na nu vandaag bedankt hallo ja nee er geen wel al zo""",
    "tr": """bir ve bu için ile çok ne mi mı mu mü ben sen biz siz onlar var yok gibi daha ama olarak
        değil kadar ya şey şu her ki nasıl neden çünkü sonra önce şimdi bugün evet hayır tamam lütfen
        teşekkür teşekkürler merhaba iyi güzel bana sana onu bunu bunun benim senin olan olur oldu olduğu
        ise hem veya ancak diye artık zaten biraz hiç sadece bile iki üç miyim misin miyiz misiniz mısın
        mısınız musun musunuz değilim burada şimdi""",
}
#: Words only Catalan or Galician use among close neighbours: evidence against a quick Spanish or Portuguese verdict.
GUARD_WORDS = {
    "ca": """amb això aquest aquesta aquests aquestes però també perquè doncs nosaltres vosaltres seva seves
        molt més els és són pel pels fins tot gràcies ningú em et ens hi ho quant quan abans després ara avui
        vull puc pots fer sense allà mateix altre""",
    "gl": """non unha unhas moi tamén co coa cos coas iso isto cando xa polo pola polos polas máis aínda cousa
        moito moita vostede dun dunha nun nunha súa hai""",
}
FAST = tuple(STOP_WORDS)  # decided by the first pass
CODES = (*FAST, *GUARD_WORDS)
#: Letters that no other language of langdetect's writes: Turkish glues its function words to the
#: end of other words (``bakalım mı``), so its stop words alone are few.
DISTINCT_LETTERS = {"tr": "ığ"}
_LETTERS = [(CODES.index(lang), [c.encode() for c in letters]) for lang, letters in DISTINCT_LETTERS.items()]

#: Characters of each part that the first pass and langdetect read (enough to tell a language), and the
#: words of the last question and answer below which the example's other turns are read as well.
SAMPLE = 400
ENOUGH_WORDS = 40
MIN_WORDS = 4
MIN_WORDS_CAREFUL = 6  # langdetect guesses wildly on fewer words
MIN_LETTERS = 20
#: The first pass decides when the leading language has this weight of stop words, this many times the
#: runner-up's, and stop words make this share of the words (a text in a language without a list has few).
MIN_SCORE = 3.0
RATIO = 2.5
COVERAGE = 0.2
#: Without ``careful``: a text of Latin letters (UTF-8 bytes under LATIN_BYTES per character) is
#: judged by its stop words alone, the leading language needing LEAN_RATIO times the runner-up's weight.
LATIN_BYTES = 1.2
LEAN_RATIO = 1.5
#: Stop-word weight at which a lean contradicts langdetect, and the share of distinct words below which
#: a text is too repetitive to judge.
LEAN_SCORE = 1.0
LEAN_COVERAGE = 0.15
DIVERSITY = 0.3
DEFAULT_CONFIDENCE = 0.9


def _lexicon() -> tuple[dict[bytes, int], list[tuple[tuple[int, float], ...]]]:
    """Each word (UTF-8) -> the index of its group (from 1: never false): the languages it belongs to,
    each with its share."""
    langs: dict[bytes, list[int]] = {}
    for index, lang in enumerate(CODES):
        for word in {**STOP_WORDS, **GUARD_WORDS}[lang].split():
            langs.setdefault(word.encode(), []).append(index)
    groups: dict[tuple[int, ...], int] = {}
    lexicon = {word: groups.setdefault(tuple(found), len(groups) + 1) for word, found in langs.items()}
    weights = [(), *(tuple((i, 1 / len(group)) for i in group) for group in groups)]
    return lexicon, weights


LEXICON, GROUP_WEIGHTS = _lexicon()
#: ASCII bytes that are not letters become spaces; so do the apostrophe (``c'est``) and the quotes below.
_SEPARATORS = bytes(b if bytes([b]).isalpha() or b >= 0x80 else 0x20 for b in range(256))
_PUNCTUATION_MARKS = "¿¡«»“”‘’…–—"
_PUNCTUATION = re.compile("|".join(re.escape(p) for p in _PUNCTUATION_MARKS).encode())
#: Characters that code has plenty of and prose few of.
_CODE_SYMBOLS = b"{}[]()<>;=_\\$"
#: The compiled twin of :func:`_stop_words`, and what it reads (the lists, tables and letters above).
_C = compiled("_language")
_TWIN_LEXICON = (
    None
    if _C is None
    else _C.lexicon(
        LEXICON,
        GROUP_WEIGHTS,
        len(CODES),
        _SEPARATORS,
        [p.encode() for p in _PUNCTUATION_MARKS],
        _CODE_SYMBOLS,
        _LETTERS,
    )
)

#: Tool traffic written as text (Hermes and Qwen chat formats), and markup tags: not language.
_TOOL_TAGS = re.compile(
    r"<(tool_call|tool_response|tool_result|function_call|functioncall|tools)>.*?(?:</\1>|\Z)", re.S | re.I
)
_MARKUP = re.compile(r"</?[A-Za-z][\w:-]*(?:\s[^<>]*)?/?>")
_CODE_BLOCK = re.compile(r"```.*?(?:```|\Z)|~~~.*?(?:~~~|\Z)", re.S)
_INLINE_CODE = re.compile(r"`[^`\n]*`")
_URL = re.compile(r"\b(?:https?|ftp)://\S*|\bwww\.\S*", re.I)
_EMAIL = re.compile(r"\S+@\S+")
_UNSPACED = lazy("[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")  # kana and Han ideographs
_UNSAFE = re.compile("[\x00\ud800-\udfff]")  # NUL and lone surrogates, which no detector should see


_new = tuple.__new__  # an Evidence of its fields, without NamedTuple's argument handling


class Evidence(NamedTuple):
    """What the first pass found in a text: the cleaned sample and its stop-word weights per language."""

    text: str  # the sample, without code, URLs, e-mail addresses, NUL or lone surrogates
    words: int
    letters: int  # roughly: UTF-8 bytes of the words
    hits: int  # words found in the lists
    scores: tuple[float, ...]  # per language of CODES

    def __add__(self, other: tuple) -> Evidence:  # type: ignore[override]
        if not other.words:
            return self
        if not self.words:
            return other  # type: ignore[return-value]
        return _new(
            Evidence,
            (
                f"{self.text}\n{other.text}",
                self.words + other.words,
                self.letters + other.letters,
                self.hits + other.hits,
                tuple(map(add, self.scores, other.scores)),  # a score per language of CODES in both
            ),
        )


NOTHING = Evidence("", 0, 0, 0, (0.0,) * len(CODES))


class Detection(NamedTuple):
    lang: str  # a langdetect code
    confidence: float  # langdetect's probability; 1.0 for a stop-word verdict
    method: str  # "stop words" or "langdetect"

    def describe(self) -> str:
        """``Spanish (`es`)``."""
        return f"{NAMES.get(self.lang, self.lang)} (`{self.lang}`)"


def prose(text: str) -> str:
    """``text`` without tool traffic (``<tool_call>``, ``<tool_response>``... and what they hold) and markup
    tags; "" for a text that is one JSON value (a tool result): what is left to read as language."""
    if "<" in text:
        text = _MARKUP.sub(" ", _TOOL_TAGS.sub(" ", text))
    stripped = text.strip()
    if stripped[:1] in ("{", "[") and stripped[-1:] in ("}", "]"):
        try:
            orjson.loads(stripped)
        except orjson.JSONDecodeError:
            return text
        return ""
    return text


def clean(text: str) -> str:
    """The part of ``text`` a detector should read: no tool traffic, JSON, markup, code, URLs, e-mail
    addresses, NUL or lone surrogates."""
    text = prose(text[: 8 * SAMPLE])[: 4 * SAMPLE]
    if "`" in text or "~~~" in text:
        text = _INLINE_CODE.sub(" ", _CODE_BLOCK.sub(" ", text))
    if "://" in text or "www." in text:
        text = _URL.sub(" ", text)
    if "@" in text:
        text = _EMAIL.sub(" ", text)
    text = text[:SAMPLE]
    return _UNSAFE.sub("", text) if "\x00" in text or not text.isascii() and _UNSAFE.search(text) else text


def evidence(text: str) -> Evidence:
    """The first pass over one text (see the module's description); NOTHING for code and empty texts."""
    if _C is not None:
        found = _C.plain(text, SAMPLE, _TWIN_LEXICON)  # most texts: ASCII that clean() leaves as it is
        if found is not None:
            return _fields(found)
    text = clean(text)
    found = _stop_words(text.lower().encode())
    return NOTHING if found is None else Evidence(text, *found)


def _fields(found: tuple) -> Evidence:
    """The Evidence of the twin's fields, NOTHING for ()."""
    return _new(Evidence, found) if found else NOTHING


def _stop_words(raw: bytes) -> tuple[int, int, int, tuple[float, ...]] | None:
    """(words, letters, hits, scores) of a text's lower-cased UTF-8, or None for no words, or code: the
    fields of its :class:`Evidence` (the compiled twin's, in one C loop, are the same bit for bit)."""
    if _C is not None:
        return _C.stop_words(raw, _TWIN_LEXICON)
    if not raw.isascii():
        raw = _PUNCTUATION.sub(b" ", raw)
    spaced = raw.translate(_SEPARATORS)
    words = spaced.split()
    if not words:
        return None
    letters = len(spaced) - spaced.count(b" ")
    if (len(raw) - len(raw.translate(None, _CODE_SYMBOLS))) * 6 > letters:
        return None  # code, markup or numbers, not prose
    # the groups of the stop words among the words, counted in the order they first appear (so that
    # the scores add up in the same order whatever the text): filter, at C speed, keeps the few
    # words that are stop words; a Counter of every word took three times as long
    groups = list(filter(None, map(LEXICON.get, words)))
    counts = dict.fromkeys(groups, 0)
    for group in groups:
        counts[group] += 1
    scores = [0.0] * len(CODES)
    for group, count in counts.items():
        for index, weight in GROUP_WEIGHTS[group]:
            scores[index] += weight * count
    hits = len(groups)
    if not raw.isascii():
        for index, marks in _LETTERS:
            found = sum(map(raw.count, marks))
            if found:  # each such letter counts half a stop word, and marks its word as the language's
                scores[index] += found / 2
                hits = min(hits + found, len(words))
    return len(words), letters, hits, tuple(scores)


def _ranked(found: Evidence) -> tuple[int, float, float]:
    """(index of the leading language, its score, the runner-up's score)."""
    scores = found.scores
    best, second = sorted(scores, reverse=True)[:2]
    return scores.index(best), best, second


def stop_word_language(found: Evidence) -> str | None:
    """The language the stop words leave no doubt about, or None."""
    top, best, second = _ranked(found)
    if top < len(FAST) and best >= MIN_SCORE and best >= RATIO * second and found.hits >= COVERAGE * found.words:
        return CODES[top]
    return None


def leaning(found: Evidence) -> str | None:
    """The language with the most stop-word weight, however little (None without any)."""
    top, best, _ = _ranked(found)
    return CODES[top] if best else None


def judge(found: Evidence, confidence: float = DEFAULT_CONFIDENCE, careful: bool = True) -> Detection | None:
    """The language of a text from its evidence: stop words if they decide, else langdetect; None if unsure.

    langdetect's verdict does not count when the stop words lean to another language and give
    its own little support: on short texts it takes Portuguese for French, Italian or Catalan
    now and then (``O que é machine learning?``). Nor does it judge repetitive text. Without
    ``careful``, a text in Latin letters is judged by its stop words alone, by their lean when
    they cover enough of it (a text that mixes two languages counts as the one it leans to) and
    not at all otherwise (an identifier soup, a language without a list), rather than sent to
    langdetect at 2 ms a text: what the rules that run by default (L002, L003) and ``stats`` do.
    """
    if found.letters < MIN_LETTERS:
        return None
    fast = stop_word_language(found)
    if fast is not None and found.words >= MIN_WORDS:
        return Detection(fast, 1.0, "stop words")
    text = found.text
    words = found.words
    if words < MIN_WORDS_CAREFUL and not text.isascii():
        words += len(_UNSPACED().findall(text)) // 2  # Chinese and Japanese put no spaces between words
    if words < MIN_WORDS_CAREFUL or sum(map(str.isalpha, text)) < MIN_LETTERS:
        return None  # too short, or emoji, symbols and non-Latin punctuation rather than words
    tokens = text.lower().split()
    if len(set(tokens)) < DIVERSITY * len(tokens):
        return None  # the same few words over and over
    if not careful and len(text.encode()) < LATIN_BYTES * len(text):
        # Latin letters: the stop words' lean, when they cover enough of the text, or no verdict
        top, best, second = _ranked(found)
        clear = best >= MIN_SCORE and best >= LEAN_RATIO * second and found.hits >= COVERAGE * found.words
        return Detection(CODES[top], 1.0, "stop words") if clear else None
    careful = _langdetect(text, confidence)
    if careful is not None and careful.lang != leaning(found) and _leans_elsewhere(found, careful.lang):
        return None
    return careful


def _leans_elsewhere(found: Evidence, lang: str) -> bool:
    """Whether the stop words speak against ``lang``: they lean to another language and give ``lang``
    less than half its weight; for a language without a list, they must lean harder."""
    _, best, _ = _ranked(found)
    coverage = found.hits / found.words
    if lang in CODES:
        return best >= LEAN_SCORE and coverage >= LEAN_COVERAGE and found.scores[CODES.index(lang)] < best / 2
    return best >= 2 * LEAN_SCORE and coverage >= 2 * LEAN_COVERAGE


def detect(text: str, confidence: float = DEFAULT_CONFIDENCE) -> Detection | None:
    """The language of ``text``, or None when it is too short, not prose, or not confidently one language."""
    return judge(evidence(text), confidence)


class _Probabilities(dict):
    """langdetect's n-gram -> probability per language, each n-gram's built the first time a text has it.

    ``DetectorFactory.load_json_profile`` builds all of them up front: 0.4 s, most of a pre-commit
    run that sends one text to langdetect. The values are the ones it computes (an n-gram of any
    profile is known; one of 1 to 3 characters has ``freq / n_words[len - 1]`` per language, 0.0 where
    the language lacks it), so the detections are the same.
    """

    def __init__(self, profiles: list[dict]):
        super().__init__()
        self.freqs = [profile["freq"] for profile in profiles]
        self.n_words = [profile["n_words"] for profile in profiles]

    def __contains__(self, word) -> bool:
        return dict.__contains__(self, word) or self._build(word) is not None

    def __missing__(self, word):
        found = self._build(word)
        if found is None:
            raise KeyError(word)
        return found

    def _build(self, word) -> list[float] | None:
        probabilities = [0.0] * len(self.freqs)
        length = len(word)
        known = False
        for index, freq in enumerate(self.freqs):
            count = freq.get(word)
            if count is not None:
                known = True
                if 1 <= length <= 3:
                    probabilities[index] = 1.0 * count / self.n_words[index][length - 1]
        if not known:
            return None
        self[word] = probabilities
        return probabilities


@lru_cache(maxsize=1)
def _factory():
    """langdetect's profiles, loaded once per process in a fixed order, with a fixed seed."""
    from langdetect.detector_factory import PROFILES_DIRECTORY, DetectorFactory

    factory = DetectorFactory()
    profiles = []
    for name in sorted(os.listdir(PROFILES_DIRECTORY)):
        with open(os.path.join(PROFILES_DIRECTORY, name), "rb") as stream:
            profiles.append(orjson.loads(stream.read()))
    factory.langlist = [profile["name"] for profile in profiles]
    factory.word_lang_prob_map = _Probabilities(profiles)
    factory.set_seed(0)
    return factory


@lru_cache(maxsize=1024)  # datasets repeat their short texts
def _langdetect(text: str, confidence: float) -> Detection | None:
    from langdetect.lang_detect_exception import LangDetectException

    detector = _factory().create()  # a new detector per text: its random draws start from the seed
    detector.append(text)
    try:
        found = detector.get_probabilities()
    except LangDetectException:
        return None  # nothing it can read
    if not found or found[0].prob < confidence:
        return None
    return Detection(found[0].lang, found[0].prob, "langdetect")


# -- examples -------------------------------------------------------------------------


class Parts(NamedTuple):
    """An example's evidence: all its user and assistant text, the last question, the final answer."""

    example: Evidence
    question: Evidence
    answer: Evidence
    answer_path: str | None  # JSON path of the final answer


def parts(example: Example) -> Parts:
    """The evidence of an example, computed once however many rules ask for it."""
    return example.derive(_parts)


def _parts(example: Example) -> Parts:
    turns = example.turns
    answer_roles = example.format.answer_roles
    if _C is not None:  # the twin, when every text read is plain (as plain() takes it)
        found = _C.parts(turns, answer_roles, SAMPLE, ENOUGH_WORDS, _TWIN_LEXICON)
        if found is not None:
            whole, question, answer, index = found
            path = None if index is None else turns[index].path
            return _new(Parts, (_fields(whole), _fields(question), _fields(answer), path))
    spoken = {"user", "assistant", *answer_roles}
    answer = question = None
    found_answer = found_question = NOTHING
    for i in range(len(turns) - 1, -1, -1):
        turn = turns[i]
        if answer is None and turn.role in answer_roles:
            if turn.nontext:
                break  # a tool call, not an answer in words
            answer, found_answer = i, evidence(turn.text)
            if not found_answer.words:
                break  # a tool call written as text, JSON or code: no answer in words
        elif answer is not None and turn.role == "user":
            found = evidence(turn.text)
            if found.words:  # the last user turn in words: a tool result in a user turn is none
                question, found_question = i, found
                break
    rest: list[str] = []
    room = SAMPLE if found_question.words + found_answer.words < ENOUGH_WORDS else 0
    for i, turn in enumerate(turns):
        if room <= 0:
            break
        if i != answer and i != question and turn.role in spoken and not (turn.nontext and turn.role != "user"):
            text = prose(turn.text[: 2 * room])
            if text.strip():
                rest.append(text[:room])
                room -= len(rest[-1])
    whole = found_question + found_answer + (evidence("\n".join(rest)) if rest else NOTHING)
    path = None if answer is None else turns[answer].path
    return Parts(whole, found_question, found_answer, path)


def verdict(example: Example, part: str, confidence: float, careful: bool = True) -> Detection | None:
    """The language of one part of an example ("example", "question" or "answer"), judged once."""
    return example.derive(_verdict, part, confidence, careful)


def _verdict(example: Example, part: str, confidence: float, careful: bool) -> Detection | None:
    return judge(getattr(parts(example), part), confidence, careful)


def switch(example: Example, confidence: float) -> tuple[Detection, Detection] | None:
    """(question, answer) when the final answer is confidently in another language than the last question.

    One side must be plain from its stop words, and the other must not lean to the same
    language, before langdetect is asked about the other: a switch is rare, and most
    questions and answers too short to tell apart are greetings in the same language.
    """
    found = parts(example)
    question, answer = stop_word_language(found.question), stop_word_language(found.answer)
    if question is None and answer is None:
        return None
    if question is not None and answer is not None:
        if question == answer:
            return None
    elif leaning(found.answer if question is not None else found.question) == (question or answer):
        return None
    asked, answered = verdict(example, "question", confidence), verdict(example, "answer", confidence)
    if asked is None or answered is None or asked.lang == answered.lang:
        return None
    return asked, answered


# -- script switches (L004) --------------------------------------------------------------

#: Letters of each script (Han and kana are one: Japanese writes both). Latin last: its runs are words.
_SCRIPTS = (
    ("Chinese or Japanese", "\u3040-\u30ff\u31f0-\u31ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"),
    ("Korean", "\u1100-\u11ff\u3130-\u318f\uac00-\ud7af"),
    ("Cyrillic", "\u0400-\u052f"),
    ("Greek", "\u0370-\u03ff\u1f00-\u1fff"),
    ("Arabic", "\u0600-\u06ff\u0750-\u077f\ufb50-\ufdff\ufe70-\ufeff"),
    ("Hebrew", "\u0590-\u05ff"),
    ("Devanagari", "\u0900-\u097f"),
    ("Bengali", "\u0980-\u09ff"),
    ("Thai", "\u0e00-\u0e7f"),
    ("Latin", "A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u024f\u1e00-\u1eff"),
)
SCRIPT_NAMES = tuple(name for name, _ in _SCRIPTS)
_RUN = lazy("|".join(f"([{letters}]+)" for _, letters in _SCRIPTS))
_NON_LATIN = lazy("[" + "".join(letters for _, letters in _SCRIPTS[:-1]) + "]")
#: Quoted or bracketed text (a name, a word being taught, a translation given), and code: not a switch.
_QUOTED = re.compile(
    r"“[^”\n]*”|\"[^\"\n]*\"|«[^»\n]*»|「[^」\n]*」|『[^』\n]*』|《[^》\n]*》|'[^'\n]*'"
    r"|\([^)\n]*\)|（[^）\n]*）|\[[^\]\n]*\]"
)
#: Letters of the new script a switch must go on for: ideographs and syllables carry a word each.
SWITCH_LETTERS = {"Chinese or Japanese": 8, "Korean": 8, "Thai": 12}
SWITCH_LETTERS_DEFAULT = 24
#: Letters of the text's own script before the switch, and the share of the rest in the new script.
HEAD_LETTERS = 20
TAIL_SHARE = 0.7
#: A run that starts after one of these (a label, a list, a new sentence) is no switch part-way.
_BOUNDARY = frozenset(":：\n-–—•*#>|=")


_LIST_MARK = re.compile(r"(?:^|\s)(?:\d{1,3}|[a-zA-Z])[.)]$")


class ScriptSwitch(NamedTuple):
    offset: int  # character of the text where the other script starts
    before: str  # the script the text is written in
    after: str  # the script it goes on in
    quote: str  # the first words in the new script


def script_switch(text: str) -> ScriptSwitch | None:
    """Where ``text`` goes on in another script part-way (``… a compromise, 它是一座规划城市``), or None.

    Runs of letters are told apart by Unicode block. A switch is where a script first appears, after
    at least HEAD_LETTERS letters of the text's own script (the one it has most of up to there) and
    none of the new one, when it starts mid-sentence (not after a colon, a line break, a list or
    table marker) and the rest of the text is mostly (TAIL_SHARE) in the new script, with at least
    SWITCH_LETTERS of it: a Chinese text that names ``Microsoft Word`` or an English one that
    teaches ``ありがとう`` does not go on in the other script. Code, URLs, quoted and bracketed text are
    left out first: a name or a word being taught is no switch. Text of Latin letters only (most text)
    costs one regular-expression search.
    """
    if text.isascii() or not _NON_LATIN().search(text):
        return None
    masked = _masked(text)
    runs = [(m.start(), m.end(), m.lastindex - 1) for m in _RUN().finditer(masked)]  # type: ignore[operator]
    total = [0] * len(_SCRIPTS)
    for start, end, script in runs:
        total[script] += end - start
    seen = [0] * len(_SCRIPTS)
    for start, end, script in runs:
        if not seen[script] and any(seen):  # the first letters of another script: a switch, or a word
            own = max(range(len(seen)), key=seen.__getitem__)
            name = SCRIPT_NAMES[script]
            after, rest = total[script], sum(total) - sum(seen)
            if (
                seen[own] >= HEAD_LETTERS
                and after >= SWITCH_LETTERS.get(name, SWITCH_LETTERS_DEFAULT)
                and after >= TAIL_SHARE * rest
                and _mid_sentence(masked, start)
            ):
                line = text[start:].split("\n", 1)[0].strip()
                quote = line if len(line) <= 40 else line[:39] + "…"
                return ScriptSwitch(start, SCRIPT_NAMES[own], name, quote)
        seen[script] += end - start
    return None


def _masked(text: str) -> str:
    """``text`` with code, URLs and quoted or bracketed parts blanked out (offsets kept)."""

    def blank(match: re.Match) -> str:
        return " " * len(match.group())

    for pattern in (_CODE_BLOCK, _INLINE_CODE, _URL, _EMAIL, _QUOTED):
        text = pattern.sub(blank, text)
    return text


def _mid_sentence(text: str, start: int) -> bool:
    """The character before ``start``, spaces aside, continues a sentence (a letter, a digit, a comma)."""
    before = text[max(0, start - 12) : start].rstrip(" \t")
    return bool(before) and before[-1] not in _BOUNDARY and not _LIST_MARK.search(before)
