"""The in-memory views searches read: one BM25 build with its filter columns, and the live
vectors aligned with it (so the same integer-coded columns filter both searches)."""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path

import numpy as np

from vectorstore.chroma import date_ord
from vectorstore.errors import CorruptIndexError
from vectorstore.keyword import KeywordIndex
from vectorstore.records import Filters


class KeywordView:
    """A loaded BM25 generation with per-chunk filter columns (as integer codes: fast masks)."""

    def __init__(self, index: KeywordIndex, cols: dict[str, list]) -> None:
        self.index = index
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
        self._live: tuple[set[str], np.ndarray] | None = None

    @classmethod
    def load(cls, folder: Path) -> KeywordView:
        """Load a build written by :meth:`vectorstore.index.Index.rebuild_keyword`.

        Raises:
            CorruptIndexError: A file of the build is damaged or missing.
        """
        index = KeywordIndex.load(folder)
        try:
            return cls(index, json.loads((folder / "columns.json").read_text()))
        except (OSError, ValueError, KeyError) as exc:
            raise CorruptIndexError(
                f"the keyword index {folder} is damaged ({type(exc).__name__})"
            ) from exc

    def _any_of(self, name: str, wanted) -> np.ndarray:
        table = self.codes[name]
        allowed = np.zeros(len(table) + 1, dtype=bool)
        for v in wanted:
            if v in table:
                allowed[table[v]] = True
        return allowed[self.columns[name]]

    def live_mask(self, live: set[str]) -> np.ndarray:
        """Rows of live reports (kept while the same live set is asked about: the index reads
        it again only when its generation moves)."""
        cached = self._live
        if cached is None or cached[0] is not live:
            cached = (live, self._any_of("report_id", live))
            self._live = cached
        return cached[1]

    def mask(self, filters: Filters | None, live: set[str]) -> np.ndarray:
        """Rows of live reports that pass the filters."""
        m = self.live_mask(live).copy()
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


class DenseView:
    """The live vectors of one BM25 generation as one matrix, rows in the keyword view's order
    (so the same integer-coded columns filter both searches).

    Args:
        view: The keyword view whose rows the matrix follows.
        pages: (chunk ids, vectors) pages of the store, filled in one at a time (the whole
            store is never held twice).
        dim: The vectors' dimension.
        dtype: float32 for exact search; int8 (each vector scaled by its largest component)
            holds a quarter of the memory where scores only pick candidates (:meth:`search`
            then gives similarities within about 0.002).
    """

    def __init__(
        self,
        view: KeywordView,
        pages: Iterable[tuple[list[str], np.ndarray]],
        dim: int = 384,
        dtype=np.float32,
    ) -> None:
        self.view = view
        self.ids = view.index.ids
        pos = view.index.position
        self.matrix = np.zeros((len(self.ids), dim), dtype=dtype)
        self.scale = np.ones(len(self.ids), dtype=np.float32) if dtype == np.int8 else None
        self.present = np.zeros(len(self.ids), dtype=bool)
        for ids, vecs in pages:
            rows = np.array([pos.get(cid, -1) for cid in ids], dtype=np.int64)
            ok = rows >= 0
            rows, vecs = rows[ok], vecs[ok]
            if self.scale is not None:
                top = np.maximum(np.abs(vecs).max(axis=1), 1e-12) / 127.0
                self.scale[rows] = top
                vecs = np.rint(vecs / top[:, None])
            self.matrix[rows] = vecs
            self.present[rows] = True
        # Live reports without their vectors (a collection emptied underneath): dense search
        # over them would silently miss them, so searches fall back to keywords instead.
        names = list(view.codes["report_id"])
        self.absent = {names[c] for c in np.unique(view.columns["report_id"][~self.present])}

    def search(
        self, vector: np.ndarray, k: int, filters: Filters | None, live: set[str]
    ) -> list[tuple[str, float]]:
        """(chunk id, cosine similarity) of the k nearest live rows that pass the filters."""
        return self.search_rows(vector, k, self.view.mask(filters, live))

    def search_rows(self, vector: np.ndarray, k: int, mask: np.ndarray) -> list[tuple[str, float]]:
        """(chunk id, cosine similarity) of the k nearest rows of a mask, best first."""
        rows = np.flatnonzero(mask & self.present)
        if len(rows) == 0 or k <= 0:
            return []
        q = np.asarray(vector, dtype=np.float32)
        if self.matrix.dtype == np.float32 and len(rows) * 8 > len(self.ids):
            scores = (self.matrix @ q)[rows]  # most rows: one product over the whole matrix
        else:  # a few rows: gathered (and widened) first
            scores = self.matrix[rows].astype(np.float32) @ q
            if self.scale is not None:
                scores *= self.scale[rows]
        k = min(k, len(rows))
        top = np.argpartition(-scores, k - 1)[:k]
        top = top[np.argsort(-scores[top], kind="stable")]
        return [(self.ids[rows[i]], float(scores[i])) for i in top]
