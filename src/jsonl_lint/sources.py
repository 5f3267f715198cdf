"""Turn command-line paths into the files to lint, each with its split role."""

from __future__ import annotations

import fnmatch
import os
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field

EXTENSIONS = (".jsonl", ".ndjson", ".jsonl.gz", ".ndjson.gz")
STDIN = "-"

#: Words in a file or folder name that mark its split, accents folded.
SPLIT_WORDS = {
    "train": "train", "training": "train", "treino": "train", "entrenamiento": "train",
    "validation": "validation", "valid": "validation", "val": "validation", "dev": "validation",
    "validacao": "validation", "validacion": "validation",
    "test": "test", "teste": "test", "eval": "test", "prueba": "test", "testing": "test",
}  # fmt: skip
HELD_OUT = frozenset({"validation", "test"})
_WORD = re.compile(r"[a-z]+")


def _fold(name: str) -> str:
    return unicodedata.normalize("NFKD", name.lower()).encode("ascii", "ignore").decode()


def split_role(path: str) -> str | None:
    """``train``, ``validation``, ``test`` or None.

    From a word of the file's name (``train_aws.jsonl``, ``my-val.jsonl``), or
    else from its folder when the folder is named just so (``val/part-0.jsonl``).
    """
    if path == STDIN:
        return None
    parts = os.path.normpath(path).split(os.sep)
    for word in _WORD.findall(_fold(parts[-1].split(".", 1)[0])):
        if word in SPLIT_WORDS:
            return SPLIT_WORDS[word]
    folder = _fold(parts[-2]) if len(parts) > 1 else ""
    return SPLIT_WORDS.get(folder)


@dataclass
class Source:
    """One input: a file, or standard input (path ``-``)."""

    path: str
    split: str | None = None
    records: int = 0
    size: int = 0
    formats: Counter = field(default_factory=Counter)  # records per format name
    first_lines: dict[str, int] = field(default_factory=dict)  # first line of each format

    @property
    def held_out(self) -> bool:
        return self.split in HELD_OUT

    @property
    def is_stdin(self) -> bool:
        return self.path == STDIN


def display_path(path: str) -> str:
    """The path as shown in reports: relative to the current folder when inside it."""
    if path == STDIN:
        return path
    absolute = os.path.abspath(path)
    relative = os.path.relpath(absolute, os.getcwd())
    shown = absolute if relative.startswith(os.pardir) else relative
    return shown.replace(os.sep, "/")


def path_matches(path: str, patterns: list[str], root: str) -> bool:
    """True when ``path`` matches a glob, taken relative to ``root`` (the config file's folder).

    A glob without ``/`` matches any component of the path, like a name in .gitignore.
    """
    if not patterns or path == STDIN:
        return False
    absolute = os.path.abspath(path)
    relative = os.path.relpath(absolute, root)
    where = (absolute if relative.startswith(os.pardir) else relative).replace(os.sep, "/")
    parts = where.split("/")
    for pattern in patterns:
        glob = pattern.strip("/")
        if "/" in glob:
            if fnmatch.fnmatch(where, glob):
                return True
        elif any(fnmatch.fnmatch(part, glob) for part in parts):
            return True
    return False


def discover(paths: list[str], exclude: list[str], root: str) -> tuple[list[Source], list[str]]:
    """Expand ``paths`` into sources (folders recursively for *.jsonl / *.ndjson, gzipped too).

    Returns the sources in a stable order and one-line errors for paths that do
    not exist. Files named explicitly are linted whatever their extension.
    """
    sources: dict[str, Source] = {}
    errors = []
    for given in paths:
        if given == STDIN:
            sources.setdefault(STDIN, Source(STDIN))
        elif os.path.isdir(given):
            found = []
            for folder, dirs, files in os.walk(given):
                dirs[:] = sorted(
                    d
                    for d in dirs
                    if not d.startswith(".") and not path_matches(os.path.join(folder, d), exclude, root)
                )
                found.extend(os.path.join(folder, f) for f in files if f.lower().endswith(EXTENSIONS))
            for path in sorted(found):
                shown = display_path(path)
                if not path_matches(path, exclude, root):
                    sources.setdefault(shown, Source(shown, split_role(shown)))
        elif os.path.exists(given):
            shown = display_path(given)
            sources.setdefault(shown, Source(shown, split_role(shown)))
        else:
            errors.append(f"{given}: No such file or directory")
    return list(sources.values()), errors
