"""Which files a folder walk leaves out: the default excludes (as ruff's), and ``.gitignore``.

``.gitignore`` files are read as git reads them: the one of each folder applies to the paths below
it, a deeper file's matching pattern (a negation too) wins over a shallower one, and nothing inside
an ignored folder comes back. They are read from the repository's root (the nearest folder upwards
with ``.git``) down, with ``.git/info/exclude``; outside a repository, from the folder walked down.
The user's global excludes file (``core.excludesFile``) is not read.
"""

from __future__ import annotations

import os
from functools import lru_cache
from typing import Any

#: Folders a walk never enters unless `exclude` is set without them (ruff's defaults, and a few
#: more that hold other tools' JSONL: notebooks' checkpoints, virtual environments).
DEFAULT_EXCLUDES = (
    ".bzr", ".direnv", ".eggs", ".git", ".git-rewrite", ".hg", ".ipynb_checkpoints", ".mypy_cache", ".nox",
    ".pants.d", ".pyenv", ".pytest_cache", ".pytype", ".ruff_cache", ".svn", ".tox", ".venv", ".vscode",
    "__pycache__", "__pypackages__", "_build", "buck-out", "build", "dist", "node_modules", "site-packages", "venv",
)  # fmt: skip
GITIGNORE = ".gitignore"


@lru_cache(maxsize=4096)
def repository(folder: str) -> str | None:
    """The nearest folder at or above ``folder`` (absolute) that holds ``.git``, if any."""
    while True:
        if os.path.exists(os.path.join(folder, ".git")):
            return folder
        parent = os.path.dirname(folder)
        if parent == folder:
            return None
        folder = parent


def _lines(path: str) -> list[str]:
    try:
        with open(path, encoding="utf-8", errors="replace") as stream:
            return stream.read().splitlines()
    except OSError:
        return []


class GitIgnore:
    """Answers "is this path ignored?" for the paths of one run; each ``.gitignore`` is read once."""

    def __init__(self) -> None:
        self._specs: dict[str, Any] = {}

    def _spec(self, folder: str) -> Any:
        """The patterns of ``folder``'s .gitignore (and of .git/info/exclude at a repository's root), or None."""
        if folder in self._specs:
            return self._specs[folder]
        lines = _lines(os.path.join(folder, GITIGNORE))
        if repository(folder) == folder:
            lines = _lines(os.path.join(folder, ".git", "info", "exclude")) + lines
        spec = None
        if any(line.strip() and not line.startswith("#") for line in lines):
            # lazy: pathspec costs ~70 ms to import, and only folder walks with a .gitignore need it
            import pathspec

            spec = pathspec.GitIgnoreSpec.from_lines(lines)
        self._specs[folder] = spec
        return spec

    def _chain(self, folder: str, start: str) -> list[str]:
        """The folders whose .gitignore applies inside ``folder``: from the repository's root (or
        ``start`` outside a repository) down to ``folder``."""
        top = repository(folder) or start
        chain = [folder]
        while folder != top:
            parent = os.path.dirname(folder)
            if parent == folder:
                break
            chain.append(parent)
            folder = parent
        return chain  # deepest first

    def ignored(self, path: str, is_dir: bool, start: str | None = None) -> bool:
        """Whether git ignores ``path`` by its own name (not by an ignored folder above it: walks prune those,
        and :meth:`ignored_within` checks them). ``start`` is where the walk began."""
        path = os.path.abspath(path)
        folder = os.path.dirname(path)
        for where in self._chain(folder, os.path.abspath(start or folder)):
            spec = self._spec(where)
            if spec is None:
                continue
            relative = os.path.relpath(path, where).replace(os.sep, "/") + ("/" if is_dir else "")
            found = spec.check_file(relative)
            if found.include is not None:
                return bool(found.include)
        return False

    def ignored_within(self, path: str) -> bool:
        """Whether ``path`` or any folder above it, up to its repository's root, is ignored (a file named on
        the command line with ``--force-exclude``)."""
        path = os.path.abspath(path)
        top = repository(os.path.dirname(path))
        if top is None:
            return False
        steps = os.path.relpath(path, top).split(os.sep)
        here = top
        for i, step in enumerate(steps):
            here = os.path.join(here, step)
            if self.ignored(here, is_dir=i < len(steps) - 1, start=top):
                return True
        return False
