"""The index: vectors (Chroma), keywords (BM25) and the SQLite manifest behind one interface.

Readers filter every hit by the set of *live* reports in the manifest, so a report being
written, replaced or removed is seen whole or not at all, whatever is killed when.
"""

from __future__ import annotations

import json
import shutil
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ingest.records import Chunk, ParsedReport
from vectorstore.chroma import VectorStore, chunk_metadata, make_store
from vectorstore.keyword import KeywordIndex
from vectorstore.manifest import Manifest
from vectorstore.provenance import Provenance
from vectorstore.records import Filters, Hit, ReportRecord, SpanVectors

MANIFEST = "manifest.sqlite"


@dataclass
class IndexStats:
    """What ``status`` shows."""

    reports: int
    sources: int
    chunks: int
    failed: list[tuple[str, str]]
    size_bytes: int
    embedding_model: str | None
    vectors: int | None = None


class _KeywordView:
    """A loaded BM25 generation with per-chunk filter columns (as integer codes: fast masks)."""

    def __init__(self, folder: Path) -> None:
        self.index = KeywordIndex.load(folder)
        cols = json.loads((folder / "columns.json").read_text())
        self.codes: dict[str, dict[str, int]] = {}
        self.columns: dict[str, np.ndarray] = {}
        for name in ("subject", "inspectorate", "report_id", "kind"):
            values = cols.get(name) or [""] * len(cols["report_id"])  # older builds: no kind
            table = {v: i for i, v in enumerate(dict.fromkeys(values))}
            self.codes[name] = table
            self.columns[name] = np.fromiter(
                (table[v] for v in values), dtype=np.int32, count=len(values)
            )
        self.date_start = np.array(cols["date_start"], dtype=np.int64)
        self.date_end = np.array(cols["date_end"], dtype=np.int64)

    def _any_of(self, name: str, wanted) -> np.ndarray:
        table = self.codes[name]
        allowed = np.zeros(len(table) + 1, dtype=bool)
        for v in wanted:
            if v in table:
                allowed[table[v]] = True
        return allowed[self.columns[name]]

    def mask(self, filters: Filters | None, live: set[str]) -> np.ndarray:
        from vectorstore.chroma import date_ord

        m = self._any_of("report_id", live)
        if filters is None:
            return m
        if filters.subjects:
            m &= self._any_of("subject", filters.subjects)
        if filters.inspectorates:
            m &= self._any_of("inspectorate", filters.inspectorates)
        if filters.report_ids:
            m &= self._any_of("report_id", filters.report_ids)
        if filters.kinds:
            m &= self._any_of("kind", filters.kinds)
        # An undated passage (0) passes: its report may be the one meant; it ranks lower.
        if filters.date_from:
            m &= (self.date_end >= date_ord(filters.date_from)) | (self.date_end == 0)
        if filters.date_to:
            m &= self.date_start <= date_ord(filters.date_to)
        return m


class _DenseView:
    """The live vectors of one BM25 generation as one matrix, rows in the keyword view's order
    (so the same integer-coded columns filter both searches)."""

    def __init__(self, view: _KeywordView, ids: list[str], vecs: np.ndarray) -> None:
        self.view = view
        self.ids = view.index.ids
        pos = {cid: i for i, cid in enumerate(ids)}
        rows = np.array([pos.get(cid, -1) for cid in self.ids], dtype=np.int64)
        self.present = rows >= 0
        dim = vecs.shape[1] if len(vecs) else 384
        self.matrix = np.zeros((len(self.ids), dim), dtype=np.float32)
        if self.present.any():
            self.matrix[self.present] = vecs[rows[self.present]]

    def search(
        self, vector: np.ndarray, k: int, filters: Filters | None, live: set[str]
    ) -> list[tuple[str, float]]:
        mask = self.view.mask(filters, live) & self.present
        n = int(mask.sum())
        if n == 0 or k <= 0:
            return []
        scores = np.where(mask, self.matrix @ vector, -np.inf)
        k = min(k, n)
        top = np.argpartition(-scores, k - 1)[:k]
        top = top[np.argsort(-scores[top], kind="stable")]
        return [(self.ids[i], float(scores[i])) for i in top]


class Index:
    """One index folder: ``manifest.sqlite``, ``chroma/`` and ``bm25/<generation>/``.

    Args:
        path: The index folder.
        store: "chroma" (embedded) or "chroma-server".
        host: Chroma server host (server mode).
        port: Chroma server port (server mode).
        collection: Chroma collection name.
    """

    def __init__(
        self,
        path: Path,
        *,
        store: str = "chroma",
        host: str = "127.0.0.1",
        port: int = 8000,
        collection: str = "chunks",
    ) -> None:
        self.path = Path(path)
        self.path.mkdir(parents=True, exist_ok=True)
        self.manifest = Manifest(self.path / MANIFEST)
        self.provenance = Provenance(self.path / MANIFEST)
        self._store_args = (store, host, port, collection)
        self._store: VectorStore | None = None
        self._lock = threading.RLock()
        self._live: tuple[int, set[str]] | None = None
        self._keyword: tuple[str, _KeywordView] | None = None
        self._dense: tuple[str, _DenseView] | None = None
        self._dense_loading: str | None = None
        self._dense_lock = threading.Lock()

    # -- plumbing -------------------------------------------------------------------------
    @property
    def store(self) -> VectorStore:
        """The vector store (opened on first use)."""
        if self._store is None:
            with self._lock:
                if self._store is None:
                    kind, host, port, collection = self._store_args
                    self._store = make_store(
                        kind, self.path / "chroma", host=host, port=port, collection=collection
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

    def _keyword_view(self) -> _KeywordView | None:
        name = self.manifest.get_meta("bm25")
        if not name:
            return None
        cached = self._keyword
        if cached is None or cached[0] != name:
            folder = self.path / "bm25" / name
            if not folder.exists():
                return None
            cached = (name, _KeywordView(folder))
            self._keyword = cached
        return cached[1]

    def vectors(self, ids: Sequence[str]) -> dict[str, np.ndarray]:
        """Stored vectors by chunk id."""
        return self.store.vectors(ids)

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

    def _dense_view(self, wait: bool = False, name: str | None = None) -> _DenseView | None:
        """Every live vector in memory, aligned with the BM25 generation's filter columns.

        Built from the store once per generation: in a background thread (searches use the
        store meanwhile), or right away when ``wait`` is set. ``name`` is the BM25 generation
        when the caller has already read it.
        """
        name = name or self.manifest.get_meta("bm25")
        cached = self._dense
        if cached is not None and cached[0] == name:
            return cached[1]
        if not name:
            return None
        if wait:
            self._load_dense(name)
        elif self._dense_loading != name:
            self._dense_loading = name
            threading.Thread(target=self._load_dense, args=(name,), daemon=True).start()
        cached = self._dense
        return cached[1] if cached is not None and cached[0] == name else None

    def _load_dense(self, name: str) -> None:
        with self._dense_lock:
            try:
                if self._dense is not None and self._dense[0] == name:
                    return
                view = self._keyword_view()
                if view is None or self.manifest.get_meta("bm25") != name:
                    return
                ids, vecs = self.store.all_vectors()
                self._dense = (name, _DenseView(view, ids, vecs))
            finally:
                if self._dense is None or self._dense[0] != name:
                    self._dense_loading = None  # not loaded: the next search tries again

    def warm_up(self) -> None:
        """Load what searches need (BM25 and the in-memory vectors) now."""
        self._keyword_view()
        self._dense_view(wait=True)

    # -- reading --------------------------------------------------------------------------
    def search_dense(self, vector: np.ndarray, k: int, filters: Filters | None = None) -> list[Hit]:
        """Nearest chunks by cosine similarity, live reports only, best first.

        Exact search over the in-memory vectors when they are loaded for the current
        generation; the store's own (approximate) search otherwise.
        """
        live = self.live_ids()
        if not live:
            return []
        # The in-memory view holds what the last BM25 build saw: while an ingest run has made
        # newer reports live, the store answers, so they are found at once.
        name = self.manifest.get_meta("bm25")
        current = name == f"g{self.manifest.generation()}"
        dense = self._dense_view(name=name) if current else None
        if dense is not None:
            found = dense.search(np.asarray(vector, dtype=np.float32), k, filters, live)
            chunks = self.chunks([cid for cid, _ in found])
            return [Hit(chunk=chunks[cid], dense=sim) for cid, sim in found if cid in chunks]
        found = self.store.query(vector, k + 16, filters)
        chunks = self.chunks([cid for cid, _ in found])
        hits = []
        for cid, sim in found:
            ch = chunks.get(cid)
            if ch is not None and ch.report_id in live:
                hits.append(Hit(chunk=ch, dense=sim))
        return hits[:k]

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
            (p, e)
            for p, e in m.query(
                "SELECT path, error FROM sources WHERE status='failed' ORDER BY path"
            )
        ]
        size = sum(f.stat().st_size for f in self.path.rglob("*") if f.is_file())
        return IndexStats(reports, sources, chunks, failed, size, m.get_meta("embedding_model"))

    # -- writing (one writer at a time: see assistant.indexing) ----------------------------
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

    def recover(self) -> int:
        """Finish or undo what an interrupted run left: vectors of non-live reports go.

        Returns:
            The number of reports cleaned up.
        """
        dead = self.manifest.dead_report_ids()
        live = self.manifest.live_report_ids()
        if self.manifest.get_meta("vectors_checked") != str(self.manifest.generation()):
            # Vectors written before their report reached the manifest (killed in between).
            orphans = self.store.report_ids() - live - set(dead)
            dead = dead + sorted(orphans)
        if dead:
            self.store.delete_reports(dead)
            self.manifest.purge(dead)
        self.manifest.set_meta("vectors_checked", str(self.manifest.generation()))
        return len(dead)

    def add_report(
        self,
        report: ParsedReport,
        chunks: list[Chunk],
        vectors: np.ndarray,
        sources: list[tuple[str, str, int, float]],
        sentences: list[SpanVectors] | None = None,
    ) -> list[str]:
        """Stage a report's chunks and vectors, then make it live in one step.

        Args:
            report: The parsed report.
            chunks: Its chunks.
            vectors: One normalised vector per chunk.
            sources: (path, sha256, size, mtime) of every path holding these bytes.
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
        chunks = self.manifest.live_chunks()
        gen = self.manifest.generation()
        name = f"g{gen}"
        folder = self.path / "bm25" / name
        if self.manifest.get_meta("bm25") == name and folder.exists():
            return
        if folder.exists():
            shutil.rmtree(folder)
        kw = KeywordIndex.build([c.id for c in chunks], [c.embed_text for c in chunks])
        metas = [chunk_metadata(c) for c in chunks]
        columns = {
            key: [m[key] for m in metas]
            for key in ("subject", "inspectorate", "report_id", "kind", "date_start", "date_end")
        }
        kw.save(folder, {"columns.json": columns})
        previous = self.manifest.get_meta("bm25")
        self.manifest.set_meta("bm25", name)
        # Keep the previous build a while: a reader may be loading it right now.
        for old in (self.path / "bm25").iterdir():
            if old.name not in (name, previous):
                shutil.rmtree(old, ignore_errors=True)
