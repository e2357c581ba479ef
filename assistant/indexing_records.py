"""What an ingest run reports while it runs and when it ends (``ingest --json``, the Admin tab's
log, the CLI's progress bars)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from vectorstore.records import FailedFile


@dataclass
class IngestSummary:
    """What one ingest run did."""

    added: int = 0
    updated: int = 0
    unchanged: int = 0
    removed: int = 0
    repaired: int = 0
    failed: list[FailedFile] = field(default_factory=list)
    pages: int = 0
    chunks: int = 0
    seconds: float = 0.0

    def as_dict(self) -> dict:
        """The JSON shape of ``ingest --json``."""
        return {
            "added": self.added,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "removed": self.removed,
            "repaired": self.repaired,
            "failed": [f.as_dict() for f in self.failed],
            "pages": self.pages,
            "chunks": self.chunks,
            "seconds": round(self.seconds, 3),
        }


@dataclass
class Progress:
    """Progress of a run, passed to the callback after each file."""

    files_done: int
    files_total: int
    pages: int
    chunks: int
    elapsed: float
    current: str


@dataclass(frozen=True)
class Phase:
    """A step of a run starting, passed to the ``phases`` callback.

    Attributes:
        name: "scanning" (finding the files), "reading" (reading and parsing one file),
            "embedding" (a group of chunks), "making live" (writing reports into the index,
            and at the end bringing the keyword index up to date) or "removing" (reports
            whose files are gone, with ``prune``).
        file: 1-based number of the file being read (the last one read for later steps).
        files_total: Files found (0 while scanning).
        current: The file being read ("" for the other steps).
        chunks: The chunks being embedded or made live (0 otherwise).
    """

    name: Literal["scanning", "reading", "embedding", "making live", "removing"]
    file: int = 0
    files_total: int = 0
    current: str = ""
    chunks: int = 0
