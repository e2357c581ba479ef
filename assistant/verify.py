"""Verify: every quote is checked to be a verbatim substring of its chunk's stored text before
it is shown, and its page and paragraph are read from the chunk's provenance at the quote's
offset; the citation line is made from the chunk's fields, never from prose."""

from __future__ import annotations

from datetime import date

from assistant.records import Citation
from ingest.dates import human_range
from ingest.records import Chunk


class QuoteNotVerbatimError(ValueError):
    """A quote is not a verbatim substring of its passage."""


def inspection_date(chunk: Chunk) -> str | None:
    """Human-readable inspection dates of the chunk's report."""
    return human_range(chunk.inspection_start, chunk.inspection_end) or (
        human_range(chunk.published, chunk.published)
    )


def page_words(page: int, pdf_page: int) -> str:
    """ "page 3", or "front matter (PDF page 1)" for unnumbered pages before printed page 1."""
    return f"page {page}" if page else f"front matter (PDF page {pdf_page})"


def citation_line(
    quote: str, chunk: Chunk, page: int, paragraph: int | None, pdf_page: int | None = None
) -> str:
    """A paste-ready citation: "…" — Ofsted, Title, 7 to 18 November 2022, page 3, paragraph 9.

    A press release is cited by its publication date, with no page ("… — HMIC, Title, press
    release published 3 March 2024."). The report's public link follows when its source gave
    one.
    """
    if chunk.kind == "press release":
        return press_release_line(
            quote, chunk.inspectorate, chunk.title or chunk.source, chunk.published, chunk.url
        )
    bits = [
        b for b in (chunk.inspectorate, chunk.title or chunk.source, inspection_date(chunk)) if b
    ]
    where = page_words(page, pdf_page or chunk.pdf_page_start) + (
        f", paragraph {paragraph}" if paragraph is not None else ""
    )
    link = f" {chunk.url}" if chunk.url else ""
    return f"“{' '.join(quote.split())}” — {', '.join(bits)}, {where}.{link}"


def press_release_line(
    quote: str, inspectorate: str | None, title: str, published: date | None, url: str | None
) -> str:
    """The citation line of a quote from a press release: cited by its publication date."""
    bits = [b for b in (inspectorate, title) if b]
    when = human_range(published, published) if published else None
    bits.append(f"press release published {when}" if when else "press release")
    link = f" {url}" if url else ""
    return f"“{' '.join(quote.split())}” — {', '.join(bits)}.{link}"


def make_citation(n: int, chunk: Chunk, quote: str, offset: int | None = None) -> Citation:
    """Build a citation after checking the quote is verbatim in the chunk.

    Args:
        n: Marker number.
        chunk: The passage the quote is from.
        quote: The quoted words.
        offset: Where the quote starts in ``chunk.text`` (found when None).

    Raises:
        QuoteNotVerbatimError: When the quote is not in the chunk's stored text.
    """
    if offset is None:
        offset = chunk.text.find(quote)
    if offset < 0 or not quote or chunk.text[offset : offset + len(quote)] != quote:
        raise QuoteNotVerbatimError(f"quote not found verbatim in {chunk.id}")
    at = chunk.page_at(offset)
    page, pdf_page = at.page, at.pdf_page
    paragraph = chunk.paragraph_at(offset)
    return Citation(
        n=n,
        chunk_id=chunk.id,
        report_id=chunk.report_id,
        source=chunk.source,
        title=chunk.title,
        subject=chunk.subject,
        inspectorate=chunk.inspectorate,
        inspection_date=inspection_date(chunk),
        page=page,
        pdf_page=pdf_page,
        paragraph=paragraph,
        section=chunk.section,
        quote=quote,
        passage=chunk.text,
        line=citation_line(quote, chunk, page, paragraph, pdf_page),
        url=chunk.url,
    )
