"""The JSON shapes of answers and quotes: one definition for the CLI, the app's API and eval."""

from __future__ import annotations

from assistant.records import Answer, Quote
from vectorstore.records import Hit


def passage_json(h: Hit) -> dict:
    """One retrieved passage."""
    c = h.chunk
    return {
        "rank": h.rank,
        "source": c.source,
        "title": c.title,
        "subject": c.subject,
        "page_start": c.page_start,
        "page_end": c.page_end,
        "paragraph": c.paragraphs[0] if c.paragraphs else None,
        "paragraphs": list(c.paragraphs),
        "section": c.section,
        "text": c.text,
        "score": round(float(h.rerank if h.rerank is not None else h.fused), 4),
        "chunk_id": c.id,
        "report_id": c.report_id,
        "pdf_page": c.pdf_page_start,
        "url": c.url,
    }


def answer_json(a: Answer, qid: str | None = None) -> dict:
    """The ``ask --json`` object."""
    out: dict = {}
    if qid is not None:
        out["id"] = qid
    out.update(
        {
            "question": a.question,
            "answer": a.text,
            "abstained": a.abstained,
            "citations": [
                {
                    "n": c.n,
                    "source": c.source,
                    "title": c.title,
                    "subject": c.subject,
                    "inspection_date": c.inspection_date,
                    "page": c.page,
                    "pdf_page": c.pdf_page,
                    "paragraph": c.paragraph,
                    "section": c.section,
                    "quote": c.quote,
                    "citation": c.line,
                    "url": c.url,
                    "report_id": c.report_id,
                    "chunk_id": c.chunk_id,
                }
                for c in a.citations
            ],
            "passages": [passage_json(h) for h in a.passages],
            "context": {
                "subjects": list(a.context.subjects),
                "report_ids": list(a.context.report_ids),
                "date_from": a.context.date_from.isoformat() if a.context.date_from else None,
                "date_to": a.context.date_to.isoformat() if a.context.date_to else None,
                "latest": a.context.latest,
                "carried": a.context.carried,
                "description": a.context.description,
                "corrections": [
                    {"typed": c.typed, "meant": list(c.meant)} for c in a.context.corrections
                ],
            },
            "mode": a.mode,
            "notice": a.notice,
            "search_fallback": (
                {"reason": str(a.search_fallback.reason), "message": a.search_fallback.message}
                if a.search_fallback
                else None
            ),
            "timings_ms": a.timings_ms,
        }
    )
    return out


def quote_json(q: Quote) -> dict:
    """One ranked quote."""
    c = q.citation
    return {
        "rank": q.rank,
        "quote": c.quote,
        "citation": c.line,
        "url": c.url,
        "source": c.source,
        "title": c.title,
        "subject": c.subject,
        "inspection_date": c.inspection_date,
        "page": c.page,
        "pdf_page": c.pdf_page,
        "paragraph": c.paragraph,
        "section": c.section,
        "score": q.score,
        "report_id": c.report_id,
        "chunk_id": c.chunk_id,
    }
