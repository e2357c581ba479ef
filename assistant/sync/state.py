"""What a sync remembers of each source, and what one sync did (the ``sync --json`` contract).

Each source's state is a JSON file in the index (``sync/<name>.json``), written whole or not at
all, so ``status`` in another process reads the last sync of a running app.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from pydantic import BaseModel, Field, ValidationError


class Failure(BaseModel):
    """Something a sync could not fetch or index.

    Attributes:
        url: The feed's or file's address (a path for a folder's file).
        reason: One line saying why.
    """

    url: str
    reason: str


class EntryState(BaseModel):
    """One entry of a source as last seen.

    Attributes:
        file: Its file, relative to the reports folder.
        url: Its public link, or None.
        published: Its publication date (ISO), or None.
        etag: The validators of the version held.
        last_modified: See ``etag``.
        withdrawn: True when the source no longer lists it.
    """

    file: str
    url: str | None = None
    published: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    withdrawn: bool = False


class SourceState(BaseModel):
    """A source's state between syncs, and its last sync's outcome.

    Attributes:
        name: The source's name.
        kind: Its kind ("feed", "listing", "folder").
        location: Its URL or folder.
        interval_s: Its polling interval.
        etag: The listing's validators (for a conditional request next time).
        last_modified: See ``etag``.
        entries: Every entry seen, by key.
        last_sync: When the last sync ended (ISO, UTC), or None.
        next_sync: When the next one is due (ISO, UTC), or None.
        added: Files new in the last sync.
        changed: Files replaced in the last sync.
        unchanged: Entries found unchanged in the last sync.
        withdrawn: Entries the source no longer lists (kept, marked; or pruned).
        pending: Files not ready yet in the last sync (a copy in progress).
        failed: What the last sync could not fetch or index, with reasons.
    """

    name: str
    kind: str
    location: str
    interval_s: float
    etag: str | None = None
    last_modified: str | None = None
    entries: dict[str, EntryState] = Field(default_factory=dict)
    last_sync: str | None = None
    next_sync: str | None = None
    added: int = 0
    changed: int = 0
    unchanged: int = 0
    withdrawn: int = 0
    pending: list[str] = Field(default_factory=list)
    failed: list[Failure] = Field(default_factory=list)

    def summary(self) -> dict:
        """The JSON of this source in ``status --json`` and the Admin view (no entries)."""
        return self.model_dump(exclude={"entries", "etag", "last_modified"})


class SyncResult(BaseModel):
    """What one ``sync`` did, over all its sources: the ``sync --json`` object.

    Attributes:
        added: Public links (or folder paths) of the reports new in this sync.
        changed: Those whose file changed at the same address.
        unchanged: How many entries were unchanged.
        withdrawn: Those no longer listed (kept and marked, or removed when the source prunes).
        removed: Those removed from the index (sources that prune).
        pending: Folder files not ready yet (a copy in progress).
        failed: What could not be fetched or indexed, with reasons.
        sources: Each source's summary after the sync.
        indexed: True when the index was updated.
    """

    added: list[str] = Field(default_factory=list)
    changed: list[str] = Field(default_factory=list)
    unchanged: int = 0
    withdrawn: list[str] = Field(default_factory=list)
    removed: list[str] = Field(default_factory=list)
    pending: list[str] = Field(default_factory=list)
    failed: list[Failure] = Field(default_factory=list)
    sources: list[SourceState] = Field(default_factory=list)
    indexed: bool = False

    def as_json(self) -> dict:
        """The ``sync --json`` object (sources without their entries)."""
        out = self.model_dump(exclude={"sources"})
        out["sources"] = [s.summary() for s in self.sources]
        return out


def state_dir(index_dir: Path) -> Path:
    """The folder of the sources' state files in an index."""
    return Path(index_dir) / "sync"


def load_state(index_dir: Path, name: str) -> SourceState | None:
    """A source's saved state, or None (never synced, or unreadable)."""
    path = state_dir(index_dir) / f"{name}.json"
    try:
        return SourceState.model_validate_json(path.read_text(encoding="utf-8"))
    except (OSError, ValidationError, ValueError):
        return None


def save_state(index_dir: Path, state: SourceState) -> None:
    """Write a source's state whole (temporary file, then renamed into place)."""
    folder = state_dir(index_dir)
    folder.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=f".{state.name}.", suffix=".tmp")
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(state.model_dump_json(indent=1))
    os.replace(tmp, folder / f"{state.name}.json")


def all_states(index_dir: Path) -> list[SourceState]:
    """Every saved source state of an index, by name."""
    folder = state_dir(index_dir)
    if not folder.is_dir():
        return []
    names = sorted(p.stem for p in folder.glob("*.json") if not p.name.startswith("."))
    return [s for s in (load_state(index_dir, n) for n in names) if s is not None]
