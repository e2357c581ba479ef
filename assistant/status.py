"""What an index holds: the record behind ``inspection-assistant status``."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from assistant.factory import has_index, no_index_message, open_index
from assistant.settings import Settings
from assistant.sync.state import SourceState, all_states
from vectorstore.errors import CorruptIndexError
from vectorstore.records import FailedFile


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
        failed: Every file that could not be indexed.
        size_bytes: Size of the index on disk.
        embedding_model: The model the vectors were made with.
        error: Why there is no status (no index yet, or a damaged manifest), or None.
        collection: The Chroma collection holding the index's vectors.
        vectors: Vectors in that collection (None when it cannot be read).
        problems: What is wrong (the store and the manifest disagree, a damaged keyword
            index or manifest), each a sentence for an admin; empty when all is well.
        synced: Each synced source's last sync (when, what it found, what failed and why).
    """

    index: Path
    reports: int = 0
    sources: int = 0
    chunks: int = 0
    failed: list[FailedFile] = field(default_factory=list)
    size_bytes: int = 0
    embedding_model: str | None = None
    error: str | None = None
    synced: list[SourceState] = field(default_factory=list)
    collection: str | None = None
    vectors: int | None = None
    problems: list[str] = field(default_factory=list)

    @property
    def size(self) -> str:
        """The size on disk for people."""
        return human_size(self.size_bytes)

    def as_dict(self) -> dict:
        """The JSON shape of ``status --json``."""
        failed = [f.as_dict() for f in self.failed]
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
            "collection": self.collection,
            "vectors": self.vectors,
            "problems": self.problems,
        }


def index_status(settings: Settings) -> IndexStatus:
    """The status of the settings' index (with ``error`` set when none has been built or its
    manifest cannot be read), and whether its parts agree."""
    if not has_index(settings):
        return IndexStatus(settings.store.index_dir, error=no_index_message(settings))
    try:
        index = open_index(settings)
        damage = index.manifest.check()
        if damage:
            raise CorruptIndexError(damage)
        st = index.stats()
    except (CorruptIndexError, ValueError) as exc:
        return IndexStatus(settings.store.index_dir, error=str(exc))
    health = index.store_health()
    problems = [p for p in (health.problem, index.keyword_problem()) if p]
    return IndexStatus(
        index=settings.store.index_dir,
        reports=st.reports,
        sources=st.sources,
        chunks=st.chunks,
        failed=list(st.failed),
        size_bytes=st.size_bytes,
        embedding_model=st.embedding_model or settings.embedding.model,
        synced=all_states(settings.store.index_dir),
        collection=health.collection,
        vectors=health.vectors,
        problems=problems,
    )
