"""V rules: examples of a validation or test split that also stand in the training split.

Reported on the held-out file, pointing at the training example. Training
examples are those of files that are not a held-out split (see
:func:`jsonl_lint.sources.split_role`). Leakage is found across formats: the
keys come from the normalised view.
"""

from __future__ import annotations

from jsonl_lint.diagnostics import Location, Severity
from jsonl_lint.plugins import hookimpl
from jsonl_lint.rule import DatasetRule
from jsonl_lint.rules.dataset import IGNORE_SYSTEM, prompt_key, where
from jsonl_lint.text import keys


class LeakageRule(DatasetRule):
    """Maps every example to (example key, prompt key); reduces held-out examples against training ones."""

    options = (IGNORE_SYSTEM,)

    def map(self, example):
        return keys(example) if example.turns else None  # shared with the other dataset rules

    def reduce(self, items, sources):
        held_out = {s.path for s in sources if s.held_out}
        if not held_out:
            return
        whole = "content" if self.settings["ignore-system-prompt"] else "example"
        examples: dict[int, Location] = {}
        prompts: dict[int, tuple[Location, int]] = {}  # prompt -> first training example with it, and its key
        for location, found in items:
            if location.path not in held_out:
                example = getattr(found, whole)
                examples.setdefault(example, location)
                prompt = prompt_key(found, self.settings)
                if prompt is not None:
                    prompts.setdefault(prompt, (location, example))
        for location, found in items:
            if location.path in held_out:
                yield from self.leaks(
                    location, getattr(found, whole), prompt_key(found, self.settings), examples, prompts
                )

    def leaks(self, location, example, prompt, examples, prompts):
        raise NotImplementedError


class SplitLeakage(LeakageRule):
    code, name, severity = "V001", "split-leakage", Severity.ERROR
    summary = "A validation or test example also stands in the training split"

    def leaks(self, location, example, prompt, examples, prompts):
        original = examples.get(example)
        if original is not None:
            yield self.diagnostic(
                location,
                f"Leaked: the same example is in the training split at {where(original, location)}",
                related=(original,),
                fingerprint=f"{self.code}:{example:016x}",  # the two examples' content: one key
            )


class PromptLeakage(LeakageRule):
    code, name, severity = "V003", "prompt-leakage", Severity.WARNING
    summary = "A validation or test prompt is also a training prompt (answers differ)"

    def leaks(self, location, example, prompt, examples, prompts):
        # The same whole example is V001's finding.
        leak = None if prompt is None or example in examples else prompts.get(prompt)
        if leak is not None:
            original, training = leak
            yield self.diagnostic(
                location,
                f"Leaked prompt: the training split asks the same at {where(original, location)}",
                related=(original,),
                fingerprint=f"{self.code}:{prompt:016x}:{example:016x}:{training:016x}",  # both examples
            )


@hookimpl
def register_rules(register):
    for rule in (SplitLeakage, PromptLeakage):
        register(rule)
