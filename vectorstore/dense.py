"""Dense search of one index: exact over the live vectors in memory, or the store's own ANN index.

Exact search holds every live vector in memory (4 bytes a dimension a passage: 1.5 KB a passage
for 384 dimensions) and scores them all with one matrix product. ANN search asks the store's HNSW
index for the nearest passages and keeps those that pass the filters (the filter columns are the
keyword view's, in memory). Chroma's own filtered query reads its metadata table and grows with
the collection (63 ms for a subject at 73k passages, 380 ms for a date range), so a filter that
leaves few passages is answered exactly instead, over an 8-bit copy of the vectors (1 byte a
dimension) whose best candidates are scored again with the stored vectors: the same records as
exact search. Which one answers is a setting: "exact", "ann", or "auto" (exact up to
``ann_above`` live passages).
"""

from __future__ import annotations

import contextlib
import ctypes
import logging
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np

from vectorstore.records import Filters
from vectorstore.views import DenseView, KeywordView

if TYPE_CHECKING:
    from vectorstore.index import Index

log = logging.getLogger("inspection_assistant.index")

MODES = ("exact", "ann", "auto")


def uses_exact(mode: str, passages: int, ann_above: int) -> bool:
    """True when exact in-memory search answers an index of this many live passages.

    Args:
        mode: "exact", "ann" or "auto".
        passages: Live passages in the index.
        ann_above: With "auto", the most passages exact search answers.

    Raises:
        ValueError: An unknown mode.
    """
    if mode not in MODES:
        raise ValueError(f"unknown dense search mode {mode!r}: one of {', '.join(MODES)}")
    return mode == "exact" or (mode == "auto" and passages <= ann_above)


def ann_search(
    index: Index,
    vector: np.ndarray,
    k: int,
    filters: Filters | None,
    live: set[str],
    compact: DenseView | None,
    exact_rows: int,
) -> list[tuple[str, float]] | None:
    """(chunk id, cosine similarity) of the k nearest live passages that pass the filters, by the
    store's HNSW index, or exactly over ``compact`` when the filters leave at most
    ``exact_rows`` passages. None when only the store's filtered query can answer (the keyword
    view or the compact copy is not loaded yet).
    """
    view: KeywordView | None = compact.view if compact is not None else None
    if view is None:
        return None
    mask = view.mask(filters, live)
    passing = int(mask.sum())
    if passing == 0:
        return []
    narrow = filters is not None and not filters.is_empty() and passing <= exact_rows
    if not narrow:
        share = passing / max(1, len(view.index.ids))
        wanted = min(len(view.index.ids), int((k + 16) / share) + 16)
        pos = view.index.position
        for _ in range(2):  # a topic may sit mostly outside the filter: once more, wider
            found = [
                (cid, sim)
                for cid, sim in index.store.query(vector, wanted, None)
                if cid in pos and mask[pos[cid]]
            ]
            if len(found) >= min(k, passing):
                return found[:k]
            wanted = min(len(view.index.ids), wanted * 4)
    # Few passages pass (or the graph's neighbours missed them): exact over those rows, the
    # 8-bit candidates scored again with their stored vectors.
    candidates = compact.search_rows(vector, k + 16, mask)
    stored = index.store.vectors([cid for cid, _ in candidates])
    q = np.asarray(vector, dtype=np.float32)
    scored = [(cid, float(stored[cid] @ q)) for cid, _ in candidates if cid in stored]
    scored.sort(key=lambda x: -x[1])
    return scored[:k]


def release_freed_memory() -> None:
    """Hand the heap's freed pages back to the system (glibc; elsewhere nothing happens).

    Reading the vectors from a Chroma server parses each page's floats into short-lived
    objects; freed, they would stay resident (measured: 410 MB kept at 379k passages).
    """
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6").malloc_trim(0)


class InMemoryVectors:
    """The live vectors of one keyword build in memory, loaded once per build.

    Args:
        index: The index whose store and keyword builds they are read from.
        dtype: float32 (exact search) or int8 (the compact copy ANN search keeps).
    """

    def __init__(self, index: Index, dtype=np.float32) -> None:
        self.index = index
        self.dtype = dtype
        self._dense: tuple[str, DenseView] | None = None
        self._loading: str | None = None
        self._lock = threading.Lock()

    def view(self, name: str, wait: bool = False) -> DenseView | None:
        """The vectors of the keyword build ``name``, or None while they are being loaded.

        Built from the store in a background thread (searches use the store meanwhile), or
        right away when ``wait`` is set.
        """
        cached = self._dense
        if cached is not None and cached[0] == name:
            return cached[1]
        if wait:
            self._load(name)
        elif self._loading != name:
            self._loading = name
            threading.Thread(target=self._quietly, args=(self._load, name), daemon=True).start()
        cached = self._dense
        return cached[1] if cached is not None and cached[0] == name else None

    def drop(self) -> None:
        """Forget the loaded vectors (the store's index answers instead)."""
        self._dense = None
        self._loading = None

    @staticmethod
    def _quietly(load: Callable[[str], None], name: str) -> None:
        try:
            load(name)
        except Exception as exc:  # searches fall back meanwhile; the next one tries again
            log.warning("the vectors could not be loaded into memory: %s", exc)

    def _load(self, name: str) -> None:
        with self._lock:
            try:
                if self._dense is not None and self._dense[0] == name:
                    return
                view = self.index.keywords.view()
                if view is None or self.index.manifest.get_meta("bm25") != name:
                    return
                dim = int(self.index.manifest.get_meta("embedding_dim") or 384)
                pages = self.index.store.vector_pages()
                self._dense = (name, DenseView(view, pages, dim, self.dtype))
                release_freed_memory()
            finally:
                if self._dense is None or self._dense[0] != name:
                    self._loading = None  # not loaded: the next search tries again
