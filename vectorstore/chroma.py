"""Vector stores: a small interface and Chroma behind it (embedded on disk, or a Chroma server)."""

from __future__ import annotations

import warnings
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Protocol

import numpy as np

from ingest.records import Chunk
from vectorstore.errors import CollectionOwnedError
from vectorstore.records import Filters


def date_ord(d) -> int:
    """A date as YYYYMMDD (0 when unknown), for range filters in the store."""
    return d.year * 10000 + d.month * 100 + d.day if d else 0


def chunk_metadata(c: Chunk) -> dict:
    """The filterable metadata stored with a chunk's vector (no None values: Chroma rejects them)."""
    start = c.inspection_start or c.published
    end = c.inspection_end or c.inspection_start or c.published
    md = {
        "report_id": c.report_id,
        "source": c.source,
        "ordinal": c.ordinal,
        "page_start": c.page_start,
        "page_end": c.page_end,
        "pdf_page_start": c.pdf_page_start,
        "pdf_page_end": c.pdf_page_end,
        "paragraphs": ",".join(str(n) for n in c.paragraphs),
        "section": c.section or "",
        "title": c.title or "",
        "subject": c.subject or "",
        "inspectorate": c.inspectorate or "",
        "kind": c.kind or "",
        "date_start": date_ord(start),
        "date_end": date_ord(end),
    }
    return md


def where_clause(filters: Filters | None) -> dict | None:
    """Chroma ``where`` for the filters (None when unrestricted)."""
    if filters is None or filters.is_empty():
        return None
    parts: list[dict] = []
    if filters.subjects:
        parts.append({"subject": {"$in": list(filters.subjects)}})
    if filters.inspectorates:
        parts.append({"inspectorate": {"$in": list(filters.inspectorates)}})
    if filters.report_ids:
        parts.append({"report_id": {"$in": list(filters.report_ids)}})
    if filters.kinds:
        parts.append({"kind": {"$in": list(filters.kinds)}})
    # An undated passage (0) passes the date filters, as in the in-memory search.
    if filters.date_from:
        parts.append(
            {"$or": [{"date_end": {"$gte": date_ord(filters.date_from)}}, {"date_end": 0}]}
        )
    if filters.date_to:
        parts.append({"date_start": {"$lte": date_ord(filters.date_to)}})
    return parts[0] if len(parts) == 1 else {"$and": parts}


class VectorStore(Protocol):
    """What the index needs from a vector store."""

    def add(self, chunks: Sequence[Chunk], vectors: np.ndarray) -> None:
        """Add (or overwrite) chunks with their vectors."""
        ...

    def delete_reports(self, report_ids: Sequence[str]) -> None:
        """Delete every vector of these reports."""
        ...

    def report_ids(self) -> set[str]:
        """Ids of every report with vectors in the store."""
        ...

    def query(self, vector: np.ndarray, k: int, filters: Filters | None) -> list[tuple[str, float]]:
        """(chunk id, cosine similarity) of the k nearest chunks, best first."""
        ...

    def count(self) -> int:
        """Number of vectors."""
        ...

    def vectors(self, ids: Sequence[str]) -> dict[str, np.ndarray]:
        """Stored vectors by chunk id."""
        ...

    def all_vectors(self) -> tuple[list[str], np.ndarray]:
        """Every (chunk id, vector) in the store, read in pages."""
        ...

    def vector_pages(self) -> Iterator[tuple[list[str], np.ndarray]]:
        """Every (chunk ids, vectors) of the store, a page at a time."""
        ...


class ChromaStore:
    """Chroma, embedded (PersistentClient) or remote (HttpClient); same code either way.

    Args:
        client: The Chroma client.
        collection: The collection's name.
        owner: The id of the index whose vectors the collection holds, kept in the
            collection's metadata: a collection another index owns is refused, one without an
            owner (made before owners were recorded) is claimed.
        ef_search: How many neighbours the HNSW search keeps while it walks the graph (more:
            better recall, slower); set on the collection when it differs.

    Raises:
        CollectionOwnedError: The collection belongs to another index.
    """

    def __init__(
        self,
        client,
        collection: str = "chunks",
        owner: str | None = None,
        ef_search: int = 128,
    ) -> None:
        self.client = client
        self.name = collection
        self.owner = owner
        self.ef_search = ef_search
        self._count: int | None = None
        self.collection = self._open()

    def _open(self):
        metadata = {"index_id": self.owner} if self.owner else None
        col = self.client.get_or_create_collection(
            self.name,
            configuration={"hnsw": {"space": "cosine", "ef_search": self.ef_search}},
            metadata=metadata,
            embedding_function=None,
        )
        held_by = (col.metadata or {}).get("index_id")
        if self.owner and held_by and held_by != self.owner:
            raise CollectionOwnedError(
                f"the Chroma collection {self.name!r} holds the vectors of another index "
                f"(index id {held_by}; this index is {self.owner}): it is not opened, so "
                "neither index's vectors are touched. Give this index its own collection "
                "(INSPECTION_ASSISTANT_COLLECTION) or use the other index's folder."
            )
        if self.owner and not held_by:
            col.modify(metadata={**(col.metadata or {}), "index_id": self.owner})
        hnsw = (col.configuration_json or {}).get("hnsw") or {}
        if hnsw.get("ef_search", self.ef_search) != self.ef_search:
            with warnings.catch_warnings():  # Chroma's own note on collections made without
                warnings.simplefilter("ignore", DeprecationWarning)  # an embedding function
                col.modify(configuration={"hnsw": {"ef_search": self.ef_search}})
        return col

    def reopen(self) -> None:
        """Open the collection again (made anew, empty, when it was deleted underneath)."""
        self._count = None
        self.collection = self._open()

    def add(self, chunks: Sequence[Chunk], vectors: np.ndarray) -> None:
        self._count = None
        step = 2000
        for i in range(0, len(chunks), step):
            part = chunks[i : i + step]
            self.collection.upsert(
                ids=[c.id for c in part],
                embeddings=vectors[i : i + step],
                documents=[c.text for c in part],
                metadatas=[chunk_metadata(c) for c in part],
            )

    def delete_reports(self, report_ids: Sequence[str]) -> None:
        self._count = None
        for rid in report_ids:
            self.collection.delete(where={"report_id": rid})

    def _pages(self, include: list[str], step: int = 5000):
        """The whole collection, ``step`` records at a time."""
        offset = 0
        while True:
            got = self.collection.get(include=include, limit=step, offset=offset)
            yield got
            if len(got["ids"]) < step:
                return
            offset += step

    def report_ids(self) -> set[str]:
        return {
            m["report_id"]
            for got in self._pages(["metadatas"])
            for m in got["metadatas"] or []
            if m
        }

    def query(self, vector: np.ndarray, k: int, filters: Filters | None) -> list[tuple[str, float]]:
        if self._count is None or self._count == 0:
            self._count = self.collection.count()  # refreshed after every write
        if self._count == 0:
            return []
        res = self.collection.query(
            query_embeddings=[np.asarray(vector, dtype=np.float32)],
            n_results=min(k, self._count),
            where=where_clause(filters),
            include=["distances"],
        )
        ids = res["ids"][0]
        dists = res["distances"][0]
        return [(cid, 1.0 - float(d)) for cid, d in zip(ids, dists, strict=True)]

    def count(self) -> int:
        return self.collection.count()

    def report_counts(self) -> dict[str, int]:
        """Vectors per report id (one pass over the whole collection)."""
        counts: dict[str, int] = {}
        for got in self._pages(["metadatas"]):
            for md in got["metadatas"] or []:
                if md:
                    counts[md["report_id"]] = counts.get(md["report_id"], 0) + 1
        return counts

    def vectors(self, ids: Sequence[str]) -> dict[str, np.ndarray]:
        if not ids:
            return {}
        got = self.collection.get(ids=list(ids), include=["embeddings"])
        return {
            cid: np.asarray(v, dtype=np.float32)
            for cid, v in zip(got["ids"], got["embeddings"], strict=True)
        }

    def all_vectors(self) -> tuple[list[str], np.ndarray]:
        ids: list[str] = []
        parts: list[np.ndarray] = []
        for got, vecs in self.vector_pages():
            ids += got
            parts.append(vecs)
        return ids, (np.concatenate(parts) if parts else np.zeros((0, 384), np.float32))

    def vector_pages(self) -> Iterator[tuple[list[str], np.ndarray]]:
        for got in self._pages(["embeddings"], step=2000):
            if len(got["ids"]):
                yield list(got["ids"]), np.asarray(got["embeddings"], dtype=np.float32)


def is_missing_collection(exc: BaseException) -> bool:
    """True when a store error says the collection no longer exists."""
    from chromadb.errors import NotFoundError

    return isinstance(exc, NotFoundError)


def server_client(host: str, port: int):
    """A client of a Chroma server (it connects when made: raises when the server is down)."""
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    chroma_settings = ChromaSettings(anonymized_telemetry=False, allow_reset=False)
    return chromadb.HttpClient(host=host, port=port, settings=chroma_settings)


def make_store(
    kind: str,
    path: Path | None = None,
    *,
    host: str = "127.0.0.1",
    port: int = 8000,
    collection: str = "chunks",
    owner: str | None = None,
    ef_search: int = 128,
) -> ChromaStore:
    """The vector store for a settings key.

    Args:
        kind: "chroma" (embedded, on disk under ``path``) or "chroma-server" (``host``:``port``).
        path: Folder of the embedded store.
        host: Chroma server host.
        port: Chroma server port.
        collection: Collection name.
        owner: The id of the index the collection belongs to (see :class:`ChromaStore`).
        ef_search: The HNSW search's breadth (see :class:`ChromaStore`).

    Raises:
        CollectionOwnedError: The collection belongs to another index.
    """
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    if kind == "chroma":
        if path is None:
            raise ValueError("the embedded store needs a path")
        Path(path).mkdir(parents=True, exist_ok=True)
        chroma_settings = ChromaSettings(anonymized_telemetry=False, allow_reset=False)
        client = chromadb.PersistentClient(path=str(path), settings=chroma_settings)
    elif kind == "chroma-server":
        client = server_client(host, port)
    else:
        raise ValueError(f"unknown store {kind!r}")
    return ChromaStore(client, collection, owner, ef_search)
