"""Retrieve: dense and BM25 keyword search under the same filters, fused by reciprocal rank.

The fused candidates are ordered by :mod:`assistant.rerank`.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import numpy as np

from assistant.records import KEYWORD_ONLY, SearchFallback
from assistant.rerank import content_terms, rank_passages
from assistant.settings import RetrievalSettings
from vectorstore.embedder import Embedder
from vectorstore.errors import StoreUnavailableError
from vectorstore.index import Index
from vectorstore.records import Filters, Hit

log = logging.getLogger("inspection_assistant.retrieve")


@dataclass
class Retrieved:
    """Passages found for a question.

    Attributes:
        hits: The passages, best first.
        fallback: Set when the vector store could not answer and keywords alone found them.
    """

    hits: list[Hit]
    fallback: SearchFallback | None = None


class Retriever:
    """Finds and ranks passages for a question.

    Args:
        index: The index.
        embedder: The embedder the index was built with.
        settings: The ``retrieval`` group: candidates from each search, the fusion constant
            and the rerank weights.
    """

    def __init__(
        self, index: Index, embedder: Embedder, settings: RetrievalSettings | None = None
    ) -> None:
        self.index = index
        self.embedder = embedder
        self.settings = settings or RetrievalSettings()
        self.candidates = self.settings.candidates
        self.weights = self.settings.weights

    def fuse(
        self, query: str, filters: Filters | None = None, qvec: np.ndarray | None = None
    ) -> list[Hit]:
        """Dense and keyword candidates fused by reciprocal rank, each with both scores.

        Args:
            query: The question.
            filters: Restrictions (subject, inspectorate, report, dates).
            qvec: The query's vector, when already embedded.
        """
        return self._fuse(query, filters, qvec).hits

    def _fuse(
        self, query: str, filters: Filters | None = None, qvec: np.ndarray | None = None
    ) -> Retrieved:
        if qvec is None:
            qvec = self.embedder.embed_query(query)
        fallback = None
        try:
            dense = self.index.search_dense(qvec, self.candidates, filters)
        except StoreUnavailableError as exc:
            log.warning("keyword search only: %s", exc)
            dense, fallback = [], KEYWORD_ONLY
        kw = self.index.search_keyword(query, self.candidates, filters)
        fused: dict[str, Hit] = {}
        for rank, h in enumerate(dense):
            hit = fused.setdefault(h.chunk.id, Hit(chunk=h.chunk))
            hit.dense = h.dense
            hit.fused += 1.0 / (self.settings.rrf_k + rank + 1)
        for rank, h in enumerate(kw):
            hit = fused.setdefault(h.chunk.id, Hit(chunk=h.chunk))
            hit.keyword = h.keyword
            hit.fused += 1.0 / (self.settings.rrf_k + rank + 1)
        hits = list(fused.values())
        missing = [h.chunk.id for h in hits if h.dense is None]
        if missing and fallback is None:
            try:
                vecs = self.index.vectors(missing)
            except StoreUnavailableError as exc:
                log.warning("keyword hits keep no dense score: %s", exc)
                vecs = {}
            for h in hits:
                if h.dense is None and h.chunk.id in vecs:
                    h.dense = float(np.dot(vecs[h.chunk.id], qvec))
        return Retrieved(hits, fallback)

    def search(
        self,
        query: str,
        filters: Filters | None = None,
        k: int = 8,
        exclude_subject_terms: set[str] | None = None,
        prefer: tuple[str, ...] = (),
    ) -> list[Hit]:
        """The k best passages for the query, reranked, with ranks set.

        Args:
            query: The question.
            filters: Restrictions (subject, inspectorate, report, dates).
            k: How many to return.
            exclude_subject_terms: Stemmed terms that only name the subject (already a filter),
                so they do not count as topical evidence.
            prefer: Report ids ranked a little higher (a subject's newest report).
        """
        return self.retrieve(query, filters, k, exclude_subject_terms, prefer).hits

    def retrieve(
        self,
        query: str,
        filters: Filters | None = None,
        k: int = 8,
        exclude_subject_terms: set[str] | None = None,
        prefer: tuple[str, ...] = (),
        quote: bool = False,
    ) -> Retrieved:
        """Like :meth:`search`, saying also whether keywords alone found the passages
        (``quote``: the question asks for a quote, so a report's summary pages rank higher)."""
        found = self._fuse(query, filters)
        if not found.hits:
            return found
        terms = content_terms(query) - (exclude_subject_terms or set())
        in_period = bool(filters and (filters.date_from or filters.date_to))
        return Retrieved(
            rank_passages(found.hits, terms, k, prefer, self.weights, in_period, quote),
            found.fallback,
        )
