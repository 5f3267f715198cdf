"""The compiled twins of Python modules (``_<name>.c`` beside them, built by hatch_build.py): a leaf, so
that every layer chooses its own."""

from __future__ import annotations

import importlib
import os
from types import ModuleType


def twin(module: str) -> ModuleType | None:
    """The compiled module ``module`` (dotted, e.g. ``jsonl_lint.text._keys``), or None: not built (pip
    builds the twins where there is a C compiler), or JSONL_LINT_PURE=1 asks for the Python code, which is
    the reference and gives the same values."""
    if os.environ.get("JSONL_LINT_PURE"):
        return None
    try:
        return importlib.import_module(module)
    except ImportError:
        return None
