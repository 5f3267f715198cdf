"""Inputs named by URL (``s3://``, ``gs://``, ``hf://``, ``file://``, ``memory://`` ...), read through fsspec.

Only a path with a URL scheme comes here, and only then is fsspec imported: plain paths never do. A URL
keeps the spelling it was given; the files found in a folder or by a glob are named by the folder's URL
and their path below it. fsspec caches its file systems, so a worker that opens many spans of one bucket
connects once.
"""

from __future__ import annotations

import io
import re
from typing import Any, BinaryIO

from jsonl_lint.errors import ConfigError

_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://")
GLOB_CHARS = ("*", "?", "[")


def is_url(path: str) -> bool:
    """``path`` names its file system (``s3://bucket/key``): read through fsspec, not the operating system."""
    return _SCHEME.match(path) is not None


def _fs(url: str) -> tuple[Any, str]:
    try:
        from fsspec.core import url_to_fs
    except ImportError:
        raise ConfigError(f"{url}: reading URLs needs fsspec: pip install 'jsonl-lint[dask]'") from None
    return url_to_fs(url)


def expand(url: str, extensions: tuple[str, ...]) -> tuple[list[str], bool]:
    """The files ``url`` names, and whether it names a folder (False: a file, or a glob's files).

    A folder gives the files below it with one of ``extensions``, hidden folders left out; a glob,
    every file it matches, as a shell gives the files a local glob matches; both sorted. Raises
    OSError (a missing path) or what the file system raises (a package it needs, bad credentials).
    """
    fs, path = _fs(url)
    if any(c in path for c in GLOB_CHARS):
        matched = fs.glob(path, detail=True)  # one listing, not a request per match
        return sorted(fs.unstrip_protocol(p) for p, info in matched.items() if info["type"] == "file"), False
    if not fs.isdir(path):
        if not fs.exists(path):
            raise FileNotFoundError(2, "No such file or directory")
        return [url], False
    base = fs._strip_protocol(path).rstrip("/")
    found = []
    for found_path in fs.find(path):
        below = found_path[len(base) :].lstrip("/")
        hidden = any(part.startswith(".") for part in below.split("/")[:-1])
        if not hidden and below.lower().endswith(extensions):
            found.append(url.rstrip("/") + "/" + below)
    return sorted(found), True


def entries(url: str) -> tuple[list[str], list[str]]:
    """The names of the files and of the folders right inside folder ``url`` (none when it cannot be listed)."""
    try:
        fs, path = _fs(url)
        listed = fs.ls(path, detail=True)
    except Exception:  # noqa: BLE001 - a folder that cannot be listed has no partners to offer
        return [], []
    files = [entry["name"].rstrip("/").rsplit("/", 1)[-1] for entry in listed if entry["type"] == "file"]
    folders = [entry["name"].rstrip("/").rsplit("/", 1)[-1] for entry in listed if entry["type"] == "directory"]
    return files, folders


def size(url: str) -> int:
    fs, path = _fs(url)
    return int(fs.info(path)["size"])


def open_raw(url: str, block_size: int) -> BinaryIO:
    """The file at ``url``, read in blocks of ``block_size`` bytes, as a standard buffered binary stream:
    an object store's file (S3, GCS) has no ``readline(size)`` of its own, and spans seek."""
    fs, path = _fs(url)
    return io.BufferedReader(fs.open(path, "rb", block_size=block_size), block_size)
