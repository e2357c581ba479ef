"""The errors the vectorstore package raises, each with a message meant for an admin."""

from __future__ import annotations

import errno
import shutil
import sqlite3
from pathlib import Path


class StoreUnavailableError(RuntimeError):
    """The vector store cannot answer (unreachable, collection gone, vectors missing)."""


class CollectionOwnedError(RuntimeError):
    """The Chroma collection belongs to another index's manifest."""


class CorruptIndexError(RuntimeError):
    """A file of the index (the manifest, a keyword index build) is damaged."""


class IndexWriteError(OSError):
    """The index cannot be written (the disk is full, a file size limit, no permission)."""


_DISK_FULL = ("no space left on device", "disk is full", "os error 28", "file too large")


def disk_full_cause(exc: BaseException) -> str | None:
    """Why a write failed, when the cause is a full disk or a file size limit; else None.

    The store, SQLite and the file system each word it their own way: the whole chain of
    causes is read.
    """
    seen: set[int] = set()
    e: BaseException | None = exc
    while e is not None and id(e) not in seen:
        seen.add(id(e))
        if isinstance(e, OSError) and e.errno in (errno.ENOSPC, errno.EDQUOT):
            return "the disk is full (no space left on device)"
        if isinstance(e, OSError) and e.errno == errno.EFBIG:
            return "a file size limit was reached (file too large)"
        text = str(e).lower()
        if isinstance(e, sqlite3.OperationalError) and "disk is full" in text:
            return "the disk is full (SQLite: database or disk is full)"
        if any(marker in text for marker in _DISK_FULL):
            if "file too large" in text:
                return "a file size limit was reached (file too large)"
            return "the disk is full (no space left on device)"
        e = e.__cause__ or e.__context__
    return None


def low_space_cause(path: Path, below_bytes: int) -> str | None:
    """The cause of a failed write when the file system holding ``path`` is (nearly) full.

    Chroma reports a write that ran out of space only as a failed compaction: the free space
    left says why.
    """
    try:
        free = shutil.disk_usage(path).free
    except OSError:
        return None
    if free >= below_bytes:
        return None
    return f"the disk is full ({free // 1024} KB left on the file system of {path})"
