"""V rules: examples of a validation or test split that also stand in the training split.

Reported on the held-out file, pointing at the training example. Training
examples are those of files that are not a held-out split (see
:func:`jsonl_lint.sources.split_role`). Leakage is found across formats: the
keys come from the normalised view. A held-out example is reported by one V
rule at most, the strongest evidence first: the same example (V001), a
near-duplicate (V002: of the whole example, or the same prompt with a near-copy
of its answer), the same prompt with another answer (V003). Within-split
findings (D rules) never keep a held-out example from its V finding.
"""

from __future__ import annotations

import numpy as np

from jsonl_lint.diagnostics import Severity
from jsonl_lint.rules.base import DatasetRule
from jsonl_lint.rules.dataset import (
    IGNORE_SYSTEM,
    NGRAM,
    THRESHOLD,
    Edge,
    NearDuplicateRule,
    alike,
    answer_shingles,
    held_out_rows,
    prompt_key,
    similarities,
    where,
)
from jsonl_lint.text.dedup import candidate_pairs, leaked
from jsonl_lint.text.keys import keys, pack


class LeakageRule(DatasetRule):
    """Maps every example to (whole example key, prompt key); reduces held-out examples against training ones."""

    options = (IGNORE_SYSTEM,)
    width = 16
    # the prompt key: examples with the same prompt are compared, and the same example has the same prompt
    partition = 1

    def summary_key(self):
        return ("leakage", self.settings["ignore-system-prompt"])  # V001 and V003

    def map(self, example):
        if not example.turns:
            return None
        found = keys(example)
        whole = found.content if self.settings["ignore-system-prompt"] else found.example
        return pack(whole, prompt_key(found, self.settings))

    def reduce(self, items, sources):
        held = held_out_rows(items, sources)
        if held is None:
            return
        table = items.array()
        whole, prompt = leaked(table[:, 0], table[:, 1], held)
        yield from self.leaks(items, table, whole, prompt)

    def leaks(self, items, table, whole, prompt):
        raise NotImplementedError


class SplitLeakage(LeakageRule):
    code, name, severity = "V001", "split-leakage", Severity.ERROR
    summary = "A validation or test example also stands in the training split"

    def leaks(self, items, table, whole, prompt):
        for row in np.flatnonzero(whole >= 0):
            location, original = items.location(row), items.location(whole[row])
            yield self.diagnostic(
                location,
                f"Leaked: the same example is in the training split at {where(original, location)}",
                related=(original,),
                fingerprint=f"{self.code}:{table[row, 0]:016x}",  # the two examples' content: one key
                group=f"{table[whole[row], 0]:016x}",  # the training example's key: one group per example leaked
            )


def prompt_leaks(items, whole, prompt, ngram: int) -> tuple[np.ndarray, dict[int, float]]:
    """The held-out rows whose prompt (not whole example) is a training prompt, and how alike each one's
    answer is to that training example's (V002 takes the near-copies, V003 the rest)."""
    rows = np.flatnonzero((prompt >= 0) & (whole < 0))
    pairs = sorted(zip(prompt[rows].tolist(), rows.tolist(), strict=True))
    found = similarities(items, pairs, lambda _, example: answer_shingles(example, ngram))
    return rows, {row: similarity for _, row, similarity in found}


class PromptLeakage(LeakageRule):
    code, name, severity = "V003", "prompt-leakage", Severity.WARNING
    summary = "A validation or test prompt is also a training prompt (answers differ)"
    options = (IGNORE_SYSTEM, THRESHOLD, NGRAM)
    rereads = True  # the two answers, to tell a near-copy (V002's) and to say how different they are

    def leaks(self, items, table, whole, prompt):
        if "V001" not in self.enabled:
            whole = np.full(len(whole), -1)  # the same example is a leaked prompt too
        ngram = self.settings["ngram"]
        rows, alike_ = prompt_leaks(items, whole, prompt, ngram)
        copies = "V002" in self.enabled
        for row in rows:
            similarity = alike_.get(int(row))
            if copies and similarity is not None and similarity >= self.settings["threshold"]:
                continue  # the same prompt and a near-copy of the answer: V002's
            location, original = items.location(row), items.location(prompt[row])
            yield self.diagnostic(
                location,
                f"Leaked prompt: the training split asks the same at {where(original, location)}"
                + alike(similarity, ngram),
                related=(original,),
                fingerprint=f"{self.code}:{table[row, 1]:016x}:{table[row, 0]:016x}:{table[prompt[row], 0]:016x}",
                group=f"{table[prompt[row], 0]:016x}",
            )


class NearLeakage(NearDuplicateRule):
    code, name, severity = "V002", "split-near-leakage", Severity.WARNING
    summary = "A validation or test example is a near-duplicate of a training example"

    def compares(self, sources):
        return any(source.held_out for source in sources)

    def screen_key(self, keys_):
        # the same example has the same prompt (and a leaked prompt is the same prompt); rows with no
        # prompt go by their whole key
        return np.where(keys_[:, 1] != 0, keys_[:, 1], keys_[:, 2])

    def screen(self, items, sources):
        held = held_out_rows(items, sources)
        if held is None:
            return np.arange(len(items)), []  # training rows alone: they take part in the band pairs
        keys_, _ = self.table(items)
        whole, prompt = leaked(keys_[:, 2], keys_[:, 1], held)
        # Held-out examples V001 reports are its own; those whose prompt is a training prompt are judged
        # on their answers (a near-copy here, another answer V003's); training rows all take part.
        told = whole >= 0 if "V001" in self.enabled else np.zeros(len(held), bool)
        edges: list[Edge] = []
        if "V003" in self.enabled:
            rows, alike_ = prompt_leaks(items, np.where(told, whole, -1), prompt, self.settings["ngram"])
            told[rows] = True
            for row, similarity in alike_.items():
                if similarity >= self.settings["threshold"]:
                    edges.append((int(prompt[row]), row, similarity, True))
        return np.flatnonzero(~held | ~told), edges

    def band_pairs(self, items, sources, chosen):
        held = held_out_rows(items, sources)
        if held is None:
            return []
        _, bands = self.table(items)
        pairs = candidate_pairs(bands, np.zeros(len(held), np.int32), chosen, side=held)
        return [
            (b, a, similarity, False) if held[a] else (a, b, similarity, False)  # the held-out file may come first
            for a, b, similarity in self.verified(items, pairs)
        ]

    def report(self, edges, location, example_key):
        # each held-out row's most similar training row: its prompt's near-copy first (screen's), then
        # the band pairs by training row (the first of equals)
        best: dict[int, tuple[float, int, bool]] = {}
        for train, row, similarity, same_prompt in sorted(set(edges), key=lambda e: (not e[3], e[1], e[0])):
            if similarity > best.get(row, (-1.0, 0, False))[0]:
                best[row] = (similarity, train, same_prompt)
        for row, (similarity, train, same_prompt) in sorted(best.items()):
            location_, original = location(row), location(train)
            said = self.message(similarity, original, location_, same_prompt)
            yield self.diagnostic(
                location_,
                f"Leaked: {said[:1].lower()}{said[1:]} in the training split",
                related=(original,),
                fingerprint=f"{self.code}:{example_key(row):016x}:{example_key(train):016x}",
                group=f"{example_key(train):016x}",
            )
