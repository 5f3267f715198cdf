"""V rules: examples of a validation or test split that also stand in the training split.

Reported on the held-out file, pointing at the training example. Training
examples are those of files that are not a held-out split (see
:func:`jsonl_lint.sources.split_role`). Leakage is found across formats: the
keys come from the normalised view. A held-out example is reported by one V
rule at most: the same example (V001) before the same prompt (V003) before a
near-duplicate (V002).
"""

from __future__ import annotations

import numpy as np

from jsonl_lint.diagnostics import Severity
from jsonl_lint.rules.base import DatasetRule
from jsonl_lint.rules.dataset import IGNORE_SYSTEM, NearDuplicateRule, held_out_rows, prompt_key, where
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
            )


class PromptLeakage(LeakageRule):
    code, name, severity = "V003", "prompt-leakage", Severity.WARNING
    summary = "A validation or test prompt is also a training prompt (answers differ)"

    def leaks(self, items, table, whole, prompt):
        told = whole >= 0 if "V001" in self.enabled else np.zeros(len(whole), bool)  # the same example: V001's
        for row in np.flatnonzero((prompt >= 0) & ~told):
            location, original = items.location(row), items.location(prompt[row])
            yield self.diagnostic(
                location,
                f"Leaked prompt: the training split asks the same at {where(original, location)}",
                related=(original,),
                fingerprint=f"{self.code}:{table[row, 1]:016x}:{table[row, 0]:016x}:{table[prompt[row], 0]:016x}",
            )


class NearLeakage(NearDuplicateRule):
    code, name, severity = "V002", "split-near-leakage", Severity.WARNING
    summary = "A validation or test example is a near-duplicate of a training example"

    def reduce(self, items, sources):
        held = held_out_rows(items, sources)
        if held is None:
            return
        keys_, bands = self.table(items)
        whole, prompt = leaked(keys_[:, 2], keys_[:, 1], held)
        # Held-out examples V001 or V003 report are theirs; training rows all take part.
        told = np.zeros(len(held), bool)
        if "V001" in self.enabled:
            told |= whole >= 0
        if "V003" in self.enabled:
            told |= prompt >= 0
        rows = np.flatnonzero(~held | ~told)
        pairs = candidate_pairs(bands, np.zeros(len(held), np.int32), rows, side=held)
        best: dict[int, tuple[float, int]] = {}
        for a, b, similarity in self.verified(items, pairs):
            train, row = (b, a) if held[a] else (a, b)  # the held-out file may come first
            if similarity > best.get(row, (-1.0, 0))[0]:
                best[row] = (similarity, train)
        for row, (similarity, train) in sorted(best.items()):
            location, original = items.location(row), items.location(train)
            yield self.diagnostic(
                location,
                "Leaked: " + self.message(similarity, original, location) + " in the training split",
                related=(original,),
                fingerprint=f"{self.code}:{keys_[row, 0]:016x}:{keys_[train, 0]:016x}",
            )
