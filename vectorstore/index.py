"""The index: vectors (Chroma), keywords (BM25) and the SQLite manifest behind one interface.

Readers filter every hit by the set of *live* reports in the manifest, so a report being
written, replaced or removed is seen whole or not at all, whatever is killed when. The
views searches read are in :mod:`vectorstore.views`; checking and repairing the store against
the manifest is in :mod:`vectorstore.repair`.
"""

from __future__ import annotations

import logging
import shutil
import threading
import uuid
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager
from pathlib import Path

import numpy as np

from ingest.records import Chunk, ParsedReport
from vectorstore import repair
from vectorstore.builds import KeywordBuilds
from vectorstore.chroma import ChromaStore, make_store
from vectorstore.dense import InMemoryVectors, ann_search, uses_exact
from vectorstore.errors import CollectionOwnedError, StoreUnavailableError
from vectorstore.locks import writer_lock
from vectorstore.manifest import Manifest
from vectorstore.provenance import Provenance
from vectorstore.records import (
    FailedFile,
    Filters,
    Hit,
    IndexStats,
    Repair,
    ReportRecord,
    SourceFile,
    SpanVectors,
    StoreHealth,
)
from vectorstore.views import DenseView, KeywordView

MANIFEST = "manifest.sqlite"
LEGACY_COLLECTION = "chunks"
log = logging.getLogger("inspection_assistant.index")


class Index:
    """One index folder: ``manifest.sqlite``, ``chroma/`` and ``bm25/<generation>/``.

    Each index has an id and its own Chroma collection, both recorded in its manifest when it
    is made (an index made before then keeps the ``chunks`` collection it has), so that many
    indexes can share one Chroma server without touching each other's vectors.

    Args:
        path: The index folder.
        store: "chroma" (embedded) or "chroma-server".
        host: Chroma server host (server mode).
        port: Chroma server port (server mode).
        collection: Chroma collection name; None: the one recorded in the index (a new index
            gets a name of its own).
        dense_search: "exact" (every live vector in memory, one matrix product), "ann" (the
            store's HNSW index; see :mod:`vectorstore.dense`) or "auto" (exact up to
            ``ann_above`` live passages).
        ann_above: With "auto", the most live passages exact search answers.
        ann_exact_rows: With ANN search, filters leaving at most this many passages are
            searched exactly (over an 8-bit copy of the vectors).
        ef_search: The breadth of the store's HNSW search.

    Raises:
        CorruptIndexError: The manifest is damaged.
        ValueError: ``collection`` is not the collection this index records.
    """

    def __init__(
        self,
        path: Path,
        *,
        store: str = "chroma",
        host: str = "127.0.0.1",
        port: int = 8000,
        collection: str | None = None,
        dense_search: str = "exact",
        ann_above: int = 0,
        ann_exact_rows: int = 20_000,
        ef_search: int = 128,
    ) -> None:
        uses_exact(dense_search, 0, ann_above)  # an unknown mode fails here, not mid-question
        self.dense_search = dense_search
        self.ann_above = ann_above
        self.ann_exact_rows = ann_exact_rows
        self.ef_search = ef_search
        self.path = Path(path)
        self.path.mkdir(parents=True, exist_ok=True)
        self.manifest = Manifest(self.path / MANIFEST)
        self.provenance = Provenance(self.path / MANIFEST)
        self.index_id, self.collection = self._identity(collection)
        self._store_args = (store, host, port)
        self._store: ChromaStore | None = None
        self._lock = threading.RLock()
        self._live: tuple[int, set[str]] | None = None
        self.keywords = KeywordBuilds(self.path, self.manifest)
        self._in_memory = InMemoryVectors(self)
        self._compact = InMemoryVectors(self, np.int8)
        self._store_checked: tuple[int, str | None] | None = None

    def _identity(self, wanted: str | None) -> tuple[str, str]:
        m = self.manifest
        index_id = m.get_meta("index_id")
        if not index_id:
            index_id = uuid.uuid4().hex
            m.set_meta("index_id", index_id)
        name = m.get_meta("collection")
        if name and wanted and wanted != name:
            raise ValueError(
                f"the index at {self.path} keeps its vectors in the collection {name!r}, "
                f"not {wanted!r}: leave the collection setting unset"
            )
        if not name:
            made_before = m.generation() > 0 or bool(m.query("SELECT 1 FROM reports LIMIT 1"))
            name = wanted or (LEGACY_COLLECTION if made_before else f"ia-{index_id[:16]}")
            m.set_meta("collection", name)
        return index_id, name

    # -- plumbing -------------------------------------------------------------------------
    @property
    def store(self) -> ChromaStore:
        """The vector store (opened on first use).

        Raises:
            CollectionOwnedError: The collection belongs to another index.
        """
        if self._store is None:
            with self._lock:
                if self._store is None:
                    kind, host, port = self._store_args
                    self._store = make_store(
                        kind,
                        self.path / "chroma",
                        host=host,
                        port=port,
                        collection=self.collection,
                        owner=self.index_id,
                        ef_search=self.ef_search,
                    )
        return self._store

    def live_ids(self) -> set[str]:
        """Live report ids, re-read only when the manifest's generation moved."""
        gen = self.manifest.generation()
        cached = self._live
        if cached is None or cached[0] != gen:
            cached = (gen, self.manifest.live_report_ids())
            self._live = cached
        return cached[1]

    def keyword_problem(self) -> str | None:
        """What is wrong with the current keyword index build on disk, or None."""
        return self.keywords.problem()

    def _keyword_view(self) -> KeywordView | None:
        return self.keywords.view()

    def vectors(self, ids: Sequence[str]) -> dict[str, np.ndarray]:
        """Stored vectors by chunk id.

        Raises:
            StoreUnavailableError: The store cannot be read.
        """
        try:
            return self.store.vectors(ids)
        except CollectionOwnedError:
            raise
        except Exception as exc:
            raise StoreUnavailableError(f"the vector store cannot be read: {exc}") from exc

    def chunks(self, ids: Sequence[str]) -> dict[str, Chunk]:
        """Chunks by id, each with its report's public link (when its source gave one)."""
        found = self.manifest.chunks(list(ids))
        return dict(zip(found, self.provenance.with_urls(list(found.values())), strict=True))

    def reports(self, include_failed: bool = True) -> list[ReportRecord]:
        """Every live report (one row per file) and every failed file, with provenance."""
        return self.provenance.annotate(self.manifest.reports(include_failed=include_failed))

    def sentence_vectors(self, ids: Sequence[str]) -> dict[str, SpanVectors]:
        """Sentence vectors stored at ingest, by chunk id (absent for older indexes)."""
        return self.manifest.sentence_vectors(list(ids))

    def exact_search(self) -> bool:
        """True when dense search is exact over the vectors in memory (by the mode and the
        number of live passages of the current keyword build)."""
        view = self._keyword_view()
        passages = len(view.index.ids) if view is not None else 0
        return uses_exact(self.dense_search, passages, self.ann_above)

    def _dense_view(self, wait: bool = False, name: str | None = None) -> DenseView | None:
        """Every live vector in memory, aligned with the BM25 generation's filter columns:
        float32 for exact search, int8 for the narrow filters of ANN search.

        Built from the store once per generation: in a background thread (searches use the
        store meanwhile), or right away when ``wait`` is set. ``name`` is the BM25 generation
        when the caller has already read it.
        """
        name = name or self.manifest.get_meta("bm25")
        if not name:
            return None
        keep, drop = (self._in_memory, self._compact)
        if not self.exact_search():
            keep, drop = drop, keep
        drop.drop()
        return keep.view(name, wait=wait)

    def warm_up(self) -> None:
        """Load what searches need (BM25 and the in-memory vectors) now.

        A store that cannot be read is logged, not raised: questions then fall back to
        keyword search.
        """
        self._keyword_view()
        try:
            if not (self._dense_view(wait=True) is not None and self.exact_search()):
                probe = np.zeros(int(self.manifest.get_meta("embedding_dim") or 384), np.float32)
                probe[0] = 1.0
                self.search_dense(probe, 1)  # the store loads its HNSW index now
        except CollectionOwnedError:
            raise
        except Exception as exc:
            log.warning("the vector store cannot be read; keyword search only: %s", exc)

    # -- reading --------------------------------------------------------------------------
    def search_dense(self, vector: np.ndarray, k: int, filters: Filters | None = None) -> list[Hit]:
        """Nearest chunks by cosine similarity, live reports only, best first.

        Exact search over the in-memory vectors when the mode chooses it; the store's HNSW
        index otherwise (see :mod:`vectorstore.dense`). Both give the same records. Until the
        vectors of the current generation are in memory, the store's filtered query answers.

        Raises:
            StoreUnavailableError: The store cannot be searched, or it lacks vectors of live
                reports (a dense search would silently miss them).
        """
        live = self.live_ids()
        if not live:
            return []
        # The in-memory view holds what the last BM25 build saw: while an ingest run has made
        # newer reports live, the store answers, so they are found at once.
        name = self.manifest.get_meta("bm25")
        gen = self.manifest.generation()
        dense = self._dense_view(name=name) if name == f"g{gen}" else None
        if dense is not None and dense.absent & live:
            raise StoreUnavailableError(
                f"the vector store lacks the vectors of {len(dense.absent & live)} live reports"
            )
        q = np.asarray(vector, dtype=np.float32)
        if dense is not None and self.exact_search():
            found = dense.search(q, k, filters, live)
        else:
            try:
                self._check_store_once(gen)
                found = None
                if dense is not None:
                    found = ann_search(self, q, k, filters, live, dense, self.ann_exact_rows)
                if found is None:  # the vectors are not in memory yet: the store filters
                    found = self.store.query(q, k + 16, filters)
            except (StoreUnavailableError, CollectionOwnedError):
                raise
            except Exception as exc:
                self._store_checked = None
                raise StoreUnavailableError(f"the vector store cannot be searched: {exc}") from exc
        chunks = self.chunks([cid for cid, _ in found])
        hits = [
            Hit(chunk=chunks[cid], dense=sim)
            for cid, sim in found
            if cid in chunks and chunks[cid].report_id in live
        ]
        return hits[:k]

    def _check_store_once(self, gen: int) -> None:
        """Compare the store's count with the manifest once per generation."""
        checked = self._store_checked
        if checked is None or checked[0] != gen:
            checked = (gen, self.store_health().problem)
            self._store_checked = checked
        if checked[1]:
            raise StoreUnavailableError(checked[1])

    def search_keyword(self, query: str, k: int, filters: Filters | None = None) -> list[Hit]:
        """Best BM25 matches, live reports only, best first."""
        view = self._keyword_view()
        live = self.live_ids()
        if view is None or not live or not view.index.ids:
            return []
        scores = view.index.scores(query)
        mask = view.mask(filters, live)
        scores = np.where(mask, scores, 0.0)
        k = min(k, int((scores > 0).sum()))
        if k <= 0:
            return []
        top = np.argpartition(-scores, k - 1)[:k]
        top = top[np.argsort(-scores[top])]
        ids = [view.index.ids[i] for i in top]
        chunks = self.chunks(ids)
        return [
            Hit(chunk=chunks[cid], keyword=float(scores[i]))
            for cid, i in zip(ids, top, strict=True)
            if cid in chunks
        ]

    def stats(self) -> IndexStats:
        """Counts for ``status``."""
        m = self.manifest
        (reports,) = m.query("SELECT COUNT(*) FROM reports WHERE status='live'")[0]
        (sources,) = m.query("SELECT COUNT(*) FROM sources WHERE status='indexed'")[0]
        (chunks,) = m.query(
            "SELECT COUNT(*) FROM chunks c JOIN reports r ON r.report_id=c.report_id "
            "WHERE r.status='live'"
        )[0]
        failed = [
            FailedFile(p, e)
            for p, e in m.query(
                "SELECT path, error FROM sources WHERE status='failed' OR error IS NOT NULL "
                "ORDER BY path"
            )
        ]
        size = sum(f.stat().st_size for f in self.path.rglob("*") if f.is_file())
        return IndexStats(reports, sources, chunks, failed, size, m.get_meta("embedding_model"))

    def store_health(self) -> StoreHealth:
        """Whether the store holds a vector for every chunk of every live report."""
        return repair.health(self)

    # -- writing (one writer at a time: see assistant.indexing) ----------------------------
    def writing(self) -> AbstractContextManager[None]:
        """What one writer holds while it writes: the folder's writer lock (a shared index
        adds its lease across hosts, and publishes what was written)."""
        return writer_lock(self.path)

    def check_model(self, model: str, dim: int) -> None:
        """Refuse to mix vectors of two models in one index."""
        stored = self.manifest.get_meta("embedding_model")
        if stored and stored != model:
            raise ValueError(
                f"this index was built with {stored!r}; embedding with {model!r} would mix "
                "incomparable vectors. Use a new --index folder."
            )
        if not stored:
            self.manifest.set_meta("embedding_model", model)
            self.manifest.set_meta("embedding_dim", str(dim))

    def recover(self, embed: Callable[[list[str]], np.ndarray] | None = None) -> Repair:
        """Put right what an interrupted run, or a change to the store underneath, left.

        Vectors of non-live reports go; when the store's count disagrees with the manifest,
        vectors of reports the manifest does not know go and live reports missing vectors
        are embedded again from their stored chunks (with ``embed``). A damaged keyword index
        is removed, so that the run builds it again.

        Args:
            embed: Passage texts to vectors (the ingest's embedder).

        Returns:
            What was put right.
        """
        problem = self.keyword_problem()
        if problem:
            log.warning("%s: it is built again", problem)
            name = self.manifest.get_meta("bm25")
            shutil.rmtree(self.path / "bm25" / str(name), ignore_errors=True)
            self.keywords.forget()
        return repair.reconcile(self, embed)

    def add_report(
        self,
        report: ParsedReport,
        chunks: list[Chunk],
        vectors: np.ndarray,
        sources: list[SourceFile],
        sentences: list[SpanVectors] | None = None,
    ) -> list[str]:
        """Stage a report's chunks and vectors, then make it live in one step.

        Args:
            report: The parsed report.
            chunks: Its chunks.
            vectors: One normalised vector per chunk.
            sources: Every path holding these bytes.
            sentences: Sentence vectors of each chunk (optional).

        Returns:
            Ids of the reports this one replaced (already invisible; their vectors are deleted).
        """
        self.manifest.stage_report(report, chunks, sentences)
        if chunks:
            self.store.add(chunks, vectors)
        retired = self.manifest.commit_sources(report.report_id, sources)
        self.drop(retired)
        return retired

    def drop(self, report_ids: Sequence[str]) -> None:
        """Delete the vectors and rows of reports that are no longer live."""
        if report_ids:
            self.store.delete_reports(list(report_ids))
            self.manifest.purge(list(report_ids))

    def rebuild_keyword(self) -> None:
        """Build BM25 over the live chunks into a new folder, then switch readers to it."""
        self.keywords.rebuild()
