"""The assistant's retrieval as a LangChain retriever (Documents carry the chunk's provenance)."""

from __future__ import annotations

from typing import Any

from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document
from langchain_core.retrievers import BaseRetriever

from vectorstore.records import Hit


def hit_to_document(hit: Hit) -> Document:
    """A LangChain Document for a hit: verbatim text, provenance and scores as metadata."""
    c = hit.chunk
    meta = {
        "id": c.id,
        "report_id": c.report_id,
        "source": c.source,
        "title": c.title,
        "subject": c.subject,
        "inspectorate": c.inspectorate,
        "section": c.section,
        "page_start": c.page_start,
        "page_end": c.page_end,
        "pdf_page_start": c.pdf_page_start,
        "pdf_page_end": c.pdf_page_end,
        "paragraphs": list(c.paragraphs),
        "inspection_start": c.inspection_start.isoformat() if c.inspection_start else None,
        "inspection_end": c.inspection_end.isoformat() if c.inspection_end else None,
        "published": c.published.isoformat() if c.published else None,
        "rank": hit.rank,
        "score": hit.rerank,
        "dense": hit.dense,
        "keyword": hit.keyword,
    }
    return Document(page_content=c.text, metadata=meta, id=c.id)


class AssistantRetriever(BaseRetriever):
    """Hybrid, steered retrieval of the assistant behind LangChain's retriever interface."""

    assistant: Any
    k: int = 5
    filters: Any = None

    def _get_relevant_documents(
        self, query: str, *, run_manager: CallbackManagerForRetrieverRun
    ) -> list[Document]:
        hits = self.assistant.retrieve(query, filters=self.filters, k=self.k)
        return [hit_to_document(h) for h in hits]
