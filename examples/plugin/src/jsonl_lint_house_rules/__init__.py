"""House rules for jsonl-lint: an example plugin.

jsonl-lint loads this module through the ``jsonl_lint`` entry point in
pyproject.toml and calls its hooks.
"""

from jsonl_lint import hookimpl
from jsonl_lint_house_rules.rules import LabelBalance, RequiredSystemPrompt

__version__ = "0.1.0"


@hookimpl
def register_rules(register):
    register(RequiredSystemPrompt)
    register(LabelBalance)
