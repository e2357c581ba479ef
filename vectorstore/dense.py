"""Dense search of one index: exact over the live vectors in memory, or the store's own ANN index.

Exact search holds every live vector in memory (4 bytes a dimension a passage: 1.5 KB a passage
for 384 dimensions) and scores them all with one matrix product; the store's HNSW index answers
the same query, under the same filters translated to a Chroma ``where``, without that copy. Which
one answers is a setting: "exact", "ann", or "auto" (exact up to ``ann_above`` live passages).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING

from vectorstore.views import DenseView

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


class InMemoryVectors:
    """The live vectors of one keyword build in memory, loaded once per build.

    Args:
        index: The index whose store and keyword builds they are read from.
    """

    def __init__(self, index: Index) -> None:
        self.index = index
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
                ids, vecs = self.index.store.all_vectors()
                self._dense = (name, DenseView(view, ids, vecs))
            finally:
                if self._dense is None or self._dense[0] != name:
                    self._loading = None  # not loaded: the next search tries again
