"""Turn command-line paths into the files to lint, each with its split role."""

from __future__ import annotations

import fnmatch
import glob
import os
import re
import stat
import unicodedata
from collections import Counter
from dataclasses import dataclass, field

from jsonl_lint.errors import ConfigError
from jsonl_lint.files import parquet, remote
from jsonl_lint.files.ignore import GitIgnore
from jsonl_lint.files.remote import is_url

EXTENSIONS = (".jsonl", ".ndjson", ".jsonl.gz", ".ndjson.gz", ".parquet")
PARQUET = ".parquet"  # read a batch of rows at a time with the [parquet] extra (files/parquet.py)
#: What a folder walk picks up: Parquet files only with the extra (named on the command line, one gets F006)
WALKED = EXTENSIONS if parquet.AVAILABLE else tuple(e for e in EXTENSIONS if e != PARQUET)
STDIN = "-"

#: Words in a file or folder name that mark its split, accents folded.
SPLIT_WORDS = {
    "train": "train", "training": "train", "treino": "train", "entrenamiento": "train",
    "validation": "validation", "valid": "validation", "val": "validation", "dev": "validation",
    "validacao": "validation", "validacion": "validation",
    "test": "test", "teste": "test", "eval": "test", "prueba": "test", "testing": "test",
}  # fmt: skip
_WORD = re.compile(r"[a-z]+")


def _fold(name: str) -> str:
    return unicodedata.normalize("NFKD", name.lower()).encode("ascii", "ignore").decode()


def split_role(path: str, splits: dict[str, list[str]] | None = None, root: str = "") -> str | None:
    """``train``, ``validation``, ``test`` (or a name of the ``splits`` config) or None.

    With ``splits`` (name -> globs relative to ``root``), the first name with a matching
    glob. Otherwise from a word of the file's name (``train_aws.jsonl``,
    ``my-val.jsonl``), or else from its folder when the folder is named just so
    (``val/part-0.jsonl``).
    """
    if path == STDIN:
        return None
    if splits:
        return next((name for name, globs in splits.items() if path_matches(path, globs, root)), None)
    return _named_split(path)[0]


def _named_split(path: str) -> tuple[str | None, tuple[str, ...]]:
    """The split a file's name or folder gives, and the key its partners in other splits share.

    ``data/train_aws.jsonl`` and ``data/validation_aws.jsonl`` (or ``.parquet``, ``.jsonl.gz``) share
    ``("data", "aws", ".jsonl")``;
    ``data/train/part-0.jsonl`` and ``data/val/part-0.jsonl`` share ``("data", "part-0.jsonl")``.
    """
    parts = path.split("/") if is_url(path) else os.path.normpath(os.path.abspath(path)).split(os.sep)
    stem, _, extension = parts[-1].partition(".")
    if f".{extension.lower()}" in EXTENSIONS:
        extension = EXTENSIONS[0]  # a Parquet validation split pairs with a JSONL training file
    words = _WORD.findall(_fold(stem))
    for word in words:
        if word in SPLIT_WORDS:
            rest = " ".join(w for w in words if w not in SPLIT_WORDS)
            return SPLIT_WORDS[word], (os.sep.join(parts[:-1]), rest, extension)
    folder = _fold(parts[-2]) if len(parts) > 1 else ""
    if folder in SPLIT_WORDS:
        return SPLIT_WORDS[folder], (os.sep.join(parts[:-2]), parts[-1])
    return None, ()


def partners(path: str, splits: dict[str, list[str]] | None, root: str) -> list[str]:
    """The files of the other splits that ``path`` pairs with (for leakage checks), sorted.

    With ``splits``, every file the other splits' globs match; otherwise the files of the
    same folder and of sibling split folders whose names differ only by the split word.
    """
    role = split_role(path, splits, root)
    if role is None:
        return []
    if splits:
        if is_url(path):
            return []  # the globs of `splits` name local files
        found = set()
        for name, globs in splits.items():
            if name != role:
                for pattern in globs:
                    pattern = pattern.strip("/") if "/" in pattern.strip("/") else "**/" + pattern
                    found.update(glob.glob(os.path.join(glob.escape(root), pattern), recursive=True))
        return sorted(f for f in found if os.path.isfile(f) and f.lower().endswith(WALKED))
    _, key = _named_split(path)
    folder = os.path.dirname(path if is_url(path) else os.path.abspath(path))
    near = [folder, *(os.path.join(os.path.dirname(folder), d) for d in _subfolders(os.path.dirname(folder)))]
    found = set()
    for where in near:
        for name in _jsonl_files(where):
            other = os.path.join(where, name)
            split, other_key = _named_split(other)
            if split is not None and split != role and other_key == key:
                found.add(other)
    return sorted(found)


def _subfolders(folder: str) -> list[str]:
    if is_url(folder):
        return [name for name in remote.entries(folder)[1] if _fold(name) in SPLIT_WORDS]
    try:
        return [e.name for e in os.scandir(folder) if e.is_dir() and _fold(e.name) in SPLIT_WORDS]
    except OSError:
        return []


def _jsonl_files(folder: str) -> list[str]:
    if is_url(folder):
        return [name for name in remote.entries(folder)[0] if name.lower().endswith(EXTENSIONS)]
    try:
        return [e.name for e in os.scandir(folder) if e.is_file() and e.name.lower().endswith(WALKED)]
    except OSError:
        return []


@dataclass
class Source:
    """One input: a file, or standard input (path ``-``)."""

    path: str
    split: str | None = None
    #: False for a split partner read only for leakage checks (its own findings are not shown)
    reported: bool = True
    #: what to read, when not ``path``: a piped input kept in a temporary file, or the file of a name
    #: that is not UTF-8 (``path`` shows its bytes escaped, ``\\xe9``)
    file: str | None = None
    pipe: bool = False  # read once: standard input or a named pipe, spooled to a temporary file
    special: str | None = None  # not a regular file (a device, a socket): what it is; never read
    records: int = 0
    size: int = 0
    mtime: int | None = None  # st_mtime_ns when the run began (--fix checks that the file did not change)
    formats: Counter = field(default_factory=Counter)  # records per format name
    first_lines: dict[str, int] = field(default_factory=dict)  # first line of each format
    #: numbered by rows, not lines (records linted in memory, a Parquet file): diagnostics get ``row``
    by_rows: bool = False
    lines: int = 0  # lines read (a row each, for an input numbered by rows)

    def __post_init__(self) -> None:
        self.by_rows = self.by_rows or self.path.lower().endswith(PARQUET)

    @property
    def held_out(self) -> bool:
        """A validation or test split (or any split of the ``splits`` config but ``train``)."""
        return self.split is not None and self.split != "train"

    @property
    def is_stdin(self) -> bool:
        return self.path == STDIN

    @property
    def name(self) -> str:
        """What to open."""
        return self.file or self.path

    @property
    def main_format(self) -> str | None:
        """The format most records of the file have, if any."""
        return self.formats.most_common(1)[0][0] if self.formats else None


def display_path(path: str) -> str:
    """The path as shown in reports: relative to the current folder when inside it.

    A name that is not UTF-8 shows its other bytes escaped (``caf\\xe9.jsonl``): every output
    format can then hold it.
    """
    if path == STDIN or is_url(path):
        return path
    absolute = os.path.abspath(path)
    relative = os.path.relpath(absolute, os.getcwd())
    shown = absolute if relative.startswith(os.pardir) else relative
    return printable_name(shown.replace(os.sep, "/"))


def printable_name(path: str) -> str:
    """``path`` with the bytes of a name that is not UTF-8 escaped (``\\xe9``)."""
    return os.fsencode(path).decode("utf-8", "backslashreplace") if _has_surrogates(path) else path


def _has_surrogates(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


#: What a file that is not a regular file is, by its type.
SPECIAL = (
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
)


def _source(given: str, mode: int, splits: dict[str, list[str]] | None, root: str) -> Source:
    """The source of a file that exists (``mode``: its ``st_mode``, links followed)."""
    shown = display_path(given)
    source = Source(shown, split_role(shown, splits, root), file=given if _has_surrogates(given) else None)
    source.pipe = stat.S_ISFIFO(mode)
    source.special = next((what for test, what in SPECIAL if test(mode)), None)
    return source


def path_matches(path: str, patterns: list[str], root: str, start: str | None = None) -> bool:
    """True when ``path`` matches a glob, taken relative to ``root`` (the config file's folder).

    A glob without ``/`` matches any component of the path, like a name in .gitignore. A path
    outside ``root`` is matched as it is (absolute), or, given the folder a walk ``start`` ed in,
    relative to that folder (so that `build` does not exclude everything under /home/me/build/).
    """
    if not patterns or path == STDIN:
        return False
    absolute = os.path.abspath(path)
    relative = os.path.relpath(absolute, root)
    if relative.startswith(os.pardir):
        relative = absolute if start is None else os.path.relpath(absolute, os.path.abspath(start))
    where = relative.replace(os.sep, "/")
    parts = where.split("/")
    for pattern in patterns:
        glob = pattern.strip("/")
        if "/" in glob:
            if fnmatch.fnmatch(where, glob):
                return True
        elif any(fnmatch.fnmatch(part, glob) for part in parts):
            return True
    return False


def discover(
    paths: list[str],
    exclude: list[str],
    root: str,
    splits: dict[str, list[str]] | None = None,
    *,
    gitignore: bool = True,
    force_exclude: bool = False,
    stdin_filename: str | None = None,
    notes: list[str] | None = None,
) -> tuple[list[Source], list[str]]:
    """Expand ``paths`` into sources (folders recursively for *.jsonl / *.ndjson, gzipped too).

    Returns the sources in a stable order and one-line errors for paths that do
    not exist. A folder walk leaves out hidden folders, what ``exclude`` matches and,
    with ``gitignore``, what git ignores. Files named explicitly are linted whatever
    their extension and whatever ``exclude`` says, unless ``force_exclude`` (pre-commit
    passes every staged file). Standard input (``-``) takes the name ``stdin_filename``
    when one is given: its split role and partners are found as for a file of that name.
    A file named explicitly that belongs to a split brings its partners in the other splits
    (see :func:`partners`) as sources that are read but not reported on: a pre-commit run
    that passes only ``validation.jsonl`` still finds what leaked from ``train.jsonl``.
    A named pipe named explicitly is a ``pipe`` source (read once); in a folder it is
    skipped, with a line in ``notes``. Devices and sockets are sources marked ``special``,
    never read.
    """
    sources: dict[str, Source] = {}
    errors = []
    named: list[str] = []  # files named explicitly
    ignores = GitIgnore() if gitignore else None

    def left_out(path: str, is_dir: bool, start: str | None) -> bool:
        if path_matches(path, exclude, root, start):
            return True
        if ignores is None or is_url(path):  # .gitignore files are read from local folders only
            return False
        return ignores.ignored(path, is_dir, start) if start is not None else ignores.ignored_within(path)

    for given in paths:
        if given == STDIN:
            if stdin_filename:
                shown = display_path(stdin_filename)
                source = Source(shown, split_role(shown, splits, root), file=STDIN, pipe=True)
                sources.setdefault(shown, source)
                named.append(stdin_filename)
            else:
                sources.setdefault(STDIN, Source(STDIN, pipe=True))
            continue
        if is_url(given):
            try:
                found, walked = remote.expand(given, EXTENSIONS)
            except ConfigError:
                raise
            except Exception as exc:  # noqa: BLE001 - missing, or what the file system raises (credentials)
                errors.append(f"{given}: {getattr(exc, 'strerror', None) or exc}")
                continue
            for url in found:
                if walked and path_matches(url, exclude, root, given):
                    continue
                sources.setdefault(url, Source(url, split_role(url, splits, root)))
            if not walked:
                named.extend(found)
            continue
        try:
            mode = os.stat(given).st_mode
        except OSError as exc:  # missing, a dangling link, a loop of links, no permission
            errors.append(f"{printable_name(given)}: {exc.strerror}")
            continue
        if not stat.S_ISDIR(mode):
            if force_exclude and left_out(given, False, None):
                continue
            source = _source(given, mode, splits, root)
            sources.setdefault(source.path, source)
            named.append(given)
            continue
        found = []
        for folder, dirs, files in os.walk(given):
            dirs[:] = sorted(
                d for d in dirs if not d.startswith(".") and not left_out(os.path.join(folder, d), True, given)
            )
            found.extend(os.path.join(folder, f) for f in files if f.lower().endswith(WALKED))
        for path in sorted(found):
            if left_out(path, False, given) or display_path(path) in sources:
                continue
            try:
                mode = os.stat(path).st_mode
            except OSError as exc:
                errors.append(f"{display_path(path)}: {exc.strerror}")
                continue
            if stat.S_ISFIFO(mode):  # reading it would wait for a writer, or take what another reader wanted
                if notes is not None:
                    notes.append(f"{display_path(path)}: skipped: a named pipe (name it to lint it)")
                continue
            source = _source(path, mode, splits, root)
            sources[source.path] = source
    for given in named:
        for partner in partners(given, splits, root):
            if display_path(partner) not in sources and not left_out(partner, False, None):
                source = _source(partner, stat.S_IFREG, splits, root)  # partners are regular files
                source.reported = False
                sources[source.path] = source
    return list(sources.values()), errors
