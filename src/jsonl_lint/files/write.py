"""Writing a file atomically: what fixes and baselines use, so that a user's file is never half written."""

from __future__ import annotations

import os
import re
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from typing import BinaryIO


@contextmanager
def atomic_write(path: str) -> Iterator[BinaryIO]:
    """A binary stream whose contents replace ``path`` only when the block completes.

    The data goes to a temporary file in the same folder (so that the rename is
    atomic), is flushed and fsynced, takes the original's permission bits, and is
    renamed over ``path``. If the block raises (SIGTERM too), the temporary file is removed and
    ``path`` is untouched; if the process is killed, ``path`` is untouched and a
    ``.NAME.PID.*.tmp`` file may be left beside it, which the next write of ``path`` removes
    once that process is gone. The rename makes a new file: other hard links to ``path`` keep
    the old contents.
    """
    import tempfile  # with shutil, 3 ms of every start, for the runs that write

    folder, name = os.path.split(os.path.abspath(path))
    remove_leftovers(folder, name)
    try:
        mode = stat.S_IMODE(os.stat(path).st_mode)
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        mode = 0o666 & ~umask
    descriptor, temporary = tempfile.mkstemp(prefix=f".{name}.{os.getpid()}.", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(descriptor, "wb") as out:
            yield out
            out.flush()
            os.fsync(out.fileno())
        os.chmod(temporary, mode)
        os.replace(temporary, path)
    except BaseException:
        try:
            os.unlink(temporary)
        except OSError:
            pass
        raise
    try:  # make the rename itself durable
        directory = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(directory)
    except OSError:
        pass
    finally:
        os.close(directory)


def remove_leftovers(folder: str, name: str) -> None:
    """Remove the temporary files a killed write of ``name`` left in ``folder`` (their process is gone)."""
    pattern = re.compile(rf"\.{re.escape(name)}\.([0-9]+)\.[^.]+\.tmp")
    try:
        entries = os.listdir(folder)
    except OSError:
        return
    for entry in entries:
        found = pattern.fullmatch(entry)
        if found is None or _alive(int(found.group(1))):
            continue
        try:
            os.unlink(os.path.join(folder, entry))
        except OSError:
            pass


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # another user's
    return True
