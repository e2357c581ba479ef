"""Locks on an index folder, held with ``flock`` (released when the process dies).

``.writer.lock``: one writer at a time. ``.serve.lock``: held shared by every app serving the
index, so that a second process does not write an embedded store a server has open.
"""

from __future__ import annotations

import fcntl
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

WRITER = ".writer.lock"
SERVING = ".serve.lock"


class IndexLockedError(RuntimeError):
    """Another process holds a lock this one needs."""


@contextmanager
def writer_lock(index_dir: Path, wait: bool = True) -> Iterator[None]:
    """Hold the index's writer lock.

    Args:
        index_dir: The index folder.
        wait: Wait for another writer to finish (else raise at once).

    Raises:
        IndexLockedError: ``wait`` is False and another writer holds the lock.
    """
    index_dir.mkdir(parents=True, exist_ok=True)
    with open(index_dir / WRITER, "w") as fh:
        flags = fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB)
        try:
            fcntl.flock(fh, flags)
        except BlockingIOError as exc:
            raise IndexLockedError("another ingest is running on this index") from exc
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def hold_serving(index_dir: Path) -> IO[str]:
    """Mark the index as served by this process until the returned file is closed (or the
    process ends)."""
    index_dir.mkdir(parents=True, exist_ok=True)
    fh = open(index_dir / SERVING, "a")  # noqa: SIM115 - held for the life of the server
    fcntl.flock(fh, fcntl.LOCK_SH)
    return fh


def served_elsewhere(index_dir: Path) -> bool:
    """True when an app is serving the index (another process holds the serving lock)."""
    path = index_dir / SERVING
    if not path.exists():
        return False
    with open(path, "a") as fh:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return True
        fcntl.flock(fh, fcntl.LOCK_UN)
    return False
