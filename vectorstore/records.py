"""Typed records that leave the vectorstore package: search filters, hits, stored reports."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import numpy as np

from ingest.records import Chunk


@dataclass(frozen=True)
class FailedFile:
    """A file that could not be indexed (or was held back), and why.

    Attributes:
        path: The file's path relative to the reports folder.
        reason: One line that says what is wrong, for people.
    """

    path: str
    reason: str

    def as_dict(self) -> dict[str, str]:
        """The JSON shape of one entry of ``failed`` (``ingest --json``, ``status --json``)."""
        return {"path": self.path, "reason": self.reason}


@dataclass
class IndexStats:
    """What ``status`` shows: counts, failed files, size on disk and the model."""

    reports: int
    sources: int
    chunks: int
    failed: list[FailedFile]
    size_bytes: int
    embedding_model: str | None
    vectors: int | None = None


@dataclass(frozen=True)
class SourceFile:
    """A file of the reports folder as it was read: where it is and what its bytes were.

    Attributes:
        path: Relative to the reports folder.
        sha256: Of its bytes (None when they could not be read).
        size: In bytes.
        mtime: Its modification time.
    """

    path: str
    sha256: str | None
    size: int
    mtime: float


@dataclass(frozen=True)
class SourceRow:
    """What the manifest remembers of one source path.

    Attributes:
        sha256: Of the bytes last read (None when they could not be read).
        size: In bytes, when read.
        mtime: Modification time, when read.
        status: "indexed" or "failed".
        report_id: The report the path holds (None when it failed).
    """

    sha256: str | None
    size: int
    mtime: float
    status: str
    report_id: str | None

    @property
    def indexed(self) -> bool:
        """Whether the path's report was indexed."""
        return self.status == "indexed"


@dataclass(frozen=True)
class Filters:
    """Restrict a search. Empty fields do not restrict.

    Attributes:
        subjects: Canonical subject names (local authority or police force); any of them matches.
        inspectorates: Inspectorate names; any of them matches.
        report_ids: Report ids; any of them matches.
        date_from: Earliest inspection end date (inclusive).
        date_to: Latest inspection start date (inclusive).
        kinds: Kinds of report ("focused visit", "area SEND inspection", ...); any matches.

    A passage of a report whose dates were not read passes the date filters: metadata that is
    missing must not hide the report a user means (it ranks below dated ones instead).
    """

    subjects: tuple[str, ...] = ()
    inspectorates: tuple[str, ...] = ()
    report_ids: tuple[str, ...] = ()
    date_from: date | None = None
    date_to: date | None = None
    kinds: tuple[str, ...] = ()

    def is_empty(self) -> bool:
        """True when nothing is restricted."""
        return not (
            self.subjects
            or self.inspectorates
            or self.report_ids
            or self.date_from
            or self.date_to
            or self.kinds
        )


@dataclass(frozen=True)
class SpanVectors:
    """Vectors of character spans of one passage (its sentences), pooled in context.

    Attributes:
        spans: int32 array (n, 2) of (start, end) offsets into the passage's text.
        vectors: float32 array (n, dim), L2-normalised.
    """

    spans: np.ndarray
    vectors: np.ndarray


@dataclass(frozen=True)
class PassageVectors:
    """What one forward pass over passages gives: their vectors and their sentences'.

    Attributes:
        vectors: float32 array (n, dim), one L2-normalised vector per passage.
        spans: The vectors of each passage's spans (sentences), pooled in context.
    """

    vectors: np.ndarray
    spans: list[SpanVectors]


@dataclass
class Hit:
    """A chunk found by a search, with its scores.

    Attributes:
        chunk: The chunk.
        dense: Cosine similarity to the query (None when not found by dense search).
        keyword: BM25 score (None when not found by keyword search).
        fused: Reciprocal-rank-fusion score.
        rerank: Score after reranking (higher is better).
        rank: 1-based rank in the final list.
    """

    chunk: Chunk
    dense: float | None = None
    keyword: float | None = None
    fused: float = 0.0
    rerank: float | None = None
    rank: int = 0


@dataclass
class ReportRecord:
    """One row of the manifest: a source file and what became of it.

    Attributes:
        source: Path relative to the ingest root.
        sha256: Hash of the bytes.
        size: File size in bytes.
        status: "indexed" or "failed".
        error: One-line reason when failed.
        report_id: Id of the indexed report (shared by identical files).
        chunks: Number of chunks.
        pages: Number of pages.
        title, subject, inspectorate, framework: Report metadata.
        report_type: The type as the report words it.
        kind: Its kind ("inspection", "focused visit", "area SEND inspection", ...).
        inspectorates: Every inspectorate named as an author.
        lead_inspector: The lead inspector named.
        inspection_start, inspection_end, published: Dates.
        indexed_at: ISO timestamp.
        aliases: Other paths with the same content.
        url: The public link it was published at (from its source), or None.
        origin: The name of the source it came from (a feed, a watched folder), or None.
        withdrawn: True when its source no longer lists it (kept, marked).
    """

    source: str
    sha256: str | None
    size: int
    status: str
    error: str | None = None
    report_id: str | None = None
    chunks: int = 0
    pages: int = 0
    title: str | None = None
    subject: str | None = None
    inspectorate: str | None = None
    framework: str | None = None
    report_type: str | None = None
    lead_inspector: str | None = None
    kind: str | None = None
    inspectorates: list[str] = field(default_factory=list)
    inspection_start: date | None = None
    inspection_end: date | None = None
    published: date | None = None
    indexed_at: str | None = None
    aliases: list[str] = field(default_factory=list)
    url: str | None = None
    origin: str | None = None
    withdrawn: bool = False


@dataclass(frozen=True)
class StoreHealth:
    """Whether the vector store holds the vectors the manifest says it should.

    Attributes:
        collection: The index's Chroma collection.
        vectors: Vectors in the collection (None when the store could not be read).
        expected: Chunks of live reports (each must have its vector).
        held: Chunks of every report in the manifest, live, staged or retired (the most
            vectors the store may hold while a run is writing).
        problem: What is wrong, for an admin (None when store and manifest agree).
    """

    collection: str
    vectors: int | None
    expected: int
    held: int
    problem: str | None = None

    @property
    def ok(self) -> bool:
        """True when store and manifest agree."""
        return self.problem is None


@dataclass(frozen=True)
class Repair:
    """What the start of an ingest run put right.

    Attributes:
        cleaned: Reports an interrupted run left (staged or retired) whose vectors were deleted.
        reembedded: Live reports whose missing vectors were embedded again from their stored
            chunks.
        orphans: Reports with vectors in the store but unknown to the manifest, deleted.
    """

    cleaned: int = 0
    reembedded: int = 0
    orphans: int = 0
