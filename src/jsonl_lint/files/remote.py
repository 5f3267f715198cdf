"""Inputs named by URL (``s3://``, ``gs://``, ``hf://``, ``file://``, ``memory://`` ...), read through fsspec.

Only a path with a URL scheme comes here, and only then is fsspec imported: plain paths never do.
"""

from __future__ import annotations

import re

_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://")


def is_url(path: str) -> bool:
    """``path`` names its file system (``s3://bucket/key``): read through fsspec, not the operating system."""
    return _SCHEME.match(path) is not None
