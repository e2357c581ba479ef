"""What an index holds: the record behind ``inspection-assistant status``."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from assistant.factory import has_index, no_index_message, open_index
from assistant.settings import Settings
from assistant.sync.state import SourceState, all_states


def human_size(n: float) -> str:
    """A byte count for people: "512 B", "3.4 MB"."""
    for unit in ("B", "KB", "MB", "GB"):
        if n < 1024 or unit == "GB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024
    return f"{n} B"


@dataclass(frozen=True)
class IndexStatus:
    """What an index holds.

    Attributes:
        index: The index folder.
        reports: Indexed reports.
        sources: Indexed files (several files may hold the same report).
        chunks: Indexed chunks.
        failed: (path, reason) of every file that could not be indexed.
        size_bytes: Size of the index on disk.
        embedding_model: The model the vectors were made with.
        error: Why there is no status (no index yet), or None.
        synced: Each synced source's last sync (when, what it found, what failed and why).
    """

    index: Path
    reports: int = 0
    sources: int = 0
    chunks: int = 0
    failed: list[tuple[str, str]] = field(default_factory=list)
    size_bytes: int = 0
    embedding_model: str | None = None
    error: str | None = None
    synced: list[SourceState] = field(default_factory=list)

    @property
    def size(self) -> str:
        """The size on disk for people."""
        return human_size(self.size_bytes)

    def as_dict(self) -> dict:
        """The JSON shape of ``status --json``."""
        failed = [{"path": p, "reason": r} for p, r in self.failed]
        if self.error is not None:
            return {
                "index": str(self.index),
                "reports": self.reports,
                "chunks": self.chunks,
                "failed": failed,
                "size_bytes": self.size_bytes,
                "embedding_model": self.embedding_model,
                "error": self.error,
            }
        return {
            "index": str(self.index),
            "reports": self.reports,
            "sources": self.sources,
            "chunks": self.chunks,
            "failed": failed,
            "size_bytes": self.size_bytes,
            "size": self.size,
            "embedding_model": self.embedding_model,
            "sync": [s.summary() for s in self.synced],
        }


def index_status(settings: Settings) -> IndexStatus:
    """The status of the settings' index (with ``error`` set when none has been built)."""
    if not has_index(settings):
        return IndexStatus(settings.store.index_dir, error=no_index_message(settings))
    st = open_index(settings).stats()
    return IndexStatus(
        index=settings.store.index_dir,
        reports=st.reports,
        sources=st.sources,
        chunks=st.chunks,
        failed=list(st.failed),
        size_bytes=st.size_bytes,
        embedding_model=st.embedding_model or settings.embedding.model,
        synced=all_states(settings.store.index_dir),
    )
