"""Hybrid retrieval: dense (Chroma) and BM25 fused by reciprocal rank, then reranked offline."""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from vectorstore.embedder import Embedder
from vectorstore.index import Index
from vectorstore.keyword import tokenize
from vectorstore.records import Filters, Hit

RRF_K = 60
_QUESTION_WORDS = frozenset(
    [
        "what",
        "how",
        "did",
        "does",
        "do",
        "which",
        "who",
        "whom",
        "why",
        "when",
        "where",
        "give",
        "me",
        "quote",
        "about",
        "find",
        "said",
        "say",
        "says",
        "inspectors",
        "inspector",
        "report",
        "reports",
        "council",
        "councils",
        "authority",
        "authorities",
        "local",
        "tell",
        "found",
        "find",
        "anything",
        "something",
        "latest",
        "recent",
        "most",
        "newest",
    ]
)


@dataclass(frozen=True)
class Weights:
    """Weights of the rerank score (calibrated on the evaluation set)."""

    dense: float = 1.0
    keyword: float = 0.35
    coverage: float = 0.35
    rrf: float = 4.0
    newest: float = 0.5


def content_terms(text: str) -> set[str]:
    """Stemmed content words of a question (question words and names of the trade left out)."""
    return {t for t in tokenize(text) if t not in _QUESTION_WORDS and not t.isdigit()}


class Retriever:
    """Finds and ranks passages for a question.

    Args:
        index: The index.
        embedder: The embedder the index was built with.
        candidates: How many hits each of dense and keyword search contribute.
    """

    def __init__(
        self, index: Index, embedder: Embedder, candidates: int = 40, weights: Weights | None = None
    ) -> None:
        self.index = index
        self.embedder = embedder
        self.candidates = candidates
        self.weights = weights or Weights()

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
        qvec = self.embedder.embed_query(query)
        dense = self.index.search_dense(qvec, self.candidates, filters)
        kw = self.index.search_keyword(query, self.candidates, filters)
        fused: dict[str, Hit] = {}
        for rank, h in enumerate(dense):
            hit = fused.setdefault(h.chunk.id, Hit(chunk=h.chunk))
            hit.dense = h.dense
            hit.fused += 1.0 / (RRF_K + rank + 1)
        for rank, h in enumerate(kw):
            hit = fused.setdefault(h.chunk.id, Hit(chunk=h.chunk))
            hit.keyword = h.keyword
            hit.fused += 1.0 / (RRF_K + rank + 1)
        hits = list(fused.values())
        if not hits:
            return []
        missing = [h.chunk.id for h in hits if h.dense is None]
        if missing:
            vecs = self.index.vectors(missing)
            for h in hits:
                if h.dense is None and h.chunk.id in vecs:
                    h.dense = float(np.dot(vecs[h.chunk.id], qvec))
        terms = content_terms(query) - (exclude_subject_terms or set())
        top_kw = max((h.keyword or 0.0) for h in hits) or 1.0
        w = self.weights
        for h in hits:
            cov = 0.0
            if terms:
                have = set(tokenize(h.chunk.embed_text))
                cov = len(terms & have) / len(terms)
            h.rerank = (
                w.dense * (h.dense or 0.0)
                + w.keyword * (h.keyword or 0.0) / top_kw
                + w.coverage * cov
                + w.rrf * h.fused
                + (w.newest if h.chunk.report_id in prefer else 0.0)
            )
        hits.sort(key=lambda h: h.rerank or 0.0, reverse=True)
        hits = _diversify(hits, k)
        for i, h in enumerate(hits, 1):
            h.rank = i
        return hits


def _diversify(hits: list[Hit], k: int) -> list[Hit]:
    """Drop passages that mostly repeat a better-ranked one (summaries repeat body sentences
    word for word), so the top passages show k different things."""
    out: list[Hit] = []
    seen: set[str] = set()
    for h in hits:
        sents = {
            " ".join(x.lower().split())
            for x in re.split(r"(?<=[.!?])\s+", h.chunk.text)
            if len(x) > 60
        } or {" ".join(h.chunk.text.lower().split())[:200]}
        if len(sents & seen) * 2 > len(sents):
            continue
        seen |= sents
        out.append(h)
        if len(out) == k:
            break
    return out
