"""L rules: the language of each example (L001), the mix of a file (L002), answers in another language (L003),
answers that go on in another script part-way (L004).

Detection lives in :mod:`jsonl_lint.language`; the three rules share one verdict per example.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any

from jsonl_lint.diagnostics import Location, Severity
from jsonl_lint.errors import closest
from jsonl_lint.rules.base import AnswerRule, DatasetRule, Finding, Option, RecordRule
from jsonl_lint.text.language import DEFAULT_CONFIDENCE, NAMES, parts, script_switch, switch, verdict

BY_NAME = {name.lower(): code for code, name in NAMES.items() if "(" not in name}


@dataclass(frozen=True)
class LanguagesOption(Option):
    """Language codes: langdetect's, ``zh`` for both Chinese scripts, ``pt-BR`` as ``pt``, or English names."""

    def coerce(self, value: Any) -> list[str]:
        if type(value) is not list or not all(type(code) is str for code in value):
            raise ValueError(f'`{self.name}` must be a list of language codes, e.g. ["pt", "en"]; got {value!r}')
        codes: list[str] = []
        for given in value:
            code = given.strip().lower().replace("_", "-")
            if code == "zh":
                found = ["zh-cn", "zh-tw"]
            elif code in NAMES:
                found = [code]
            elif code.split("-")[0] in NAMES:
                found = [code.split("-")[0]]
            elif code in BY_NAME:
                found = [BY_NAME[code]]
            else:
                raise ValueError(f"`{self.name}`: unknown language code {given!r}{closest(code, list(NAMES))}")
            codes.extend(c for c in found if c not in codes)
        return codes


LANGUAGES = LanguagesOption(
    "languages", list, None, 'Languages the dataset should be in, e.g. ["pt"] (langdetect\'s codes); none: any'
)
CONFIDENCE = Option(
    "language-confidence",
    float,
    DEFAULT_CONFIDENCE,
    "Lowest langdetect probability that counts as a verdict for texts the stop words leave in doubt",
)


def _codes(codes: list[str]) -> str:
    return ", ".join(f"`{code}`" for code in codes)


class UnexpectedLanguage(RecordRule):
    code, name, severity = "L001", "unexpected-language", Severity.WARNING
    summary = "The example's language is not among the configured languages"
    options = (LANGUAGES, CONFIDENCE)

    def check(self, example):
        expected = self.settings["languages"]
        if not expected:
            return
        found = verdict(example, "example", self.settings["language-confidence"])
        if found is not None and found.lang not in expected:
            yield Finding(
                f"Example is in {found.describe()}, not in {_codes(expected)} (`languages`)", example.turns_path
            )


class LanguageMix(DatasetRule):
    code, name, severity = "L002", "language-mix", Severity.INFO
    summary = "The dataset mixes languages (share per language)"
    options = (CONFIDENCE, LANGUAGES)
    #: languages named in the message; the rest are summed up as "other"
    SHOWN = 5
    per_file = True  # a cluster reduces each file's rows apart

    def map(self, example):
        careful = bool(self.settings.get("languages"))  # with L001 on, the verdict L001 reads: judged once
        found = verdict(example, "example", self.settings["language-confidence"], careful)
        return "" if found is None else found.lang  # "": too short or unsure

    def reduce(self, items, sources):
        per_file: dict[str, Counter] = {}
        for location, lang in items:
            counts = per_file.get(location.path)
            if counts is None:
                counts = per_file[location.path] = Counter()
            counts[lang] += 1
        for path, counts in per_file.items():
            unsure = counts.pop("", 0)
            judged = sum(counts.values())
            if len(counts) < 2:
                continue
            ranked = counts.most_common()
            shares = [f"{NAMES[lang]} (`{lang}`) {n / judged:.1%}" for lang, n in ranked[: self.SHOWN]]
            rest = sum(n for _, n in ranked[self.SHOWN :])
            if rest:
                shares.append(f"{len(ranked) - self.SHOWN} other(s) {rest / judged:.1%}")
            message = f"Examples in {len(counts)} languages: {', '.join(shares)} of {judged:,} judged"
            if unsure:
                message += f" ({unsure:,} too short or unsure)"
            yield self.diagnostic(Location(path), message, fingerprint=f"{self.code}:{path}")


class LanguageSwitch(RecordRule):
    code, name, severity = "L003", "language-switch", Severity.WARNING
    summary = "The assistant answers in another language than the user asked in"
    options = (CONFIDENCE,)

    def check(self, example):
        found = switch(example, self.settings["language-confidence"])
        if found is not None:
            asked, answered = found
            yield Finding(
                f"The user asks in {asked.describe()} and the assistant answers in {answered.describe()}",
                parts(example).answer_path,
            )


class ScriptSwitch(AnswerRule):
    """An answer that goes on in another script part-way; answers only (what training teaches the model
    to write): a prompt may paste text in any script."""

    code, name, severity = "L004", "script-switch", Severity.WARNING
    summary = "One message changes script part-way (an English answer that goes on in Chinese)"

    def judge(self, turn):
        found = script_switch(turn.text)
        if found is None:
            return None
        return (
            f"The `{turn.role}` message goes on in {found.after} script after {found.offset:,} characters"
            f" of {found.before}: `{found.quote}`"
        )
