"""Graded judgements and improvement points of an inspection report: the public entry point.

The extractor reads a report's pages as ``(printed page number, page text)`` pairs, the page text
holding one paragraph or heading per line (``ParsedReport.page_texts()`` gives exactly that). It
also copes with one *printed line* per line: every pattern is matched on the page text with its
whitespace collapsed, so line breaks do not matter.

Each kind of document is a layout in ``ingest.layouts`` (one module each): the layout that claims
a document most confidently reads it. Precision comes first: a grade is taken only from the fixed
statements of a layout, never from prose. When two statements of the same judgement disagree,
neither is kept. What a report does not state is absent, and ``Catalogue.notes`` says why.
"""

from __future__ import annotations

from collections.abc import Sequence

from ingest.layouts import FRAMEWORKS, LAYOUTS, detect_layout
from ingest.layouts.base import Catalogue
from ingest.layouts.text import (
    GRADE_KEYS,
    Page,
    collapse_ws,
    grade_key,
    head_text,
    is_verbatim,
    read_pages,
)

__all__ = [
    "FRAMEWORKS",
    "GRADE_KEYS",
    "Catalogue",
    "collapse_ws",
    "detect_framework",
    "extract_catalogue",
    "grade_key",
    "is_verbatim",
]


def _undetected(pages: list[Page]) -> str:
    """Why no layout claims a document."""
    if not head_text(pages, 3):
        return "the document has no text (a scanned file without OCR?)"
    return "no known inspection layout on the first pages"


def detect_framework(pages: Sequence[tuple[int, str]]) -> tuple[str | None, str]:
    """Tell a report's framework from its first pages.

    Args:
        pages: ``(printed page number, page text)`` pairs in reading order.

    Returns:
        ``(framework, why)``: one of ``FRAMEWORKS`` or None, and the evidence or the reason.
    """
    pg = read_pages(pages)
    found = detect_layout(pg)
    if found is None:
        return None, _undetected(pg)
    return LAYOUTS[found.layout].framework, found.reason


def extract_catalogue(pages: Sequence[tuple[int, str]]) -> Catalogue:
    """Extract a report's framework, graded judgements and improvement points.

    The layout that claims the document most confidently (``ingest.layouts.detect_layout``)
    reads it; a document no layout claims gets an empty catalogue saying why.

    Args:
        pages: ``(printed page number, page text)`` pairs in reading order; the text has one
            paragraph, heading or printed line per line, running headers and footers removed.

    Returns:
        The catalogue. Every judgement's ``quote`` is a verbatim substring of its page's text
        after whitespace is collapsed (see ``is_verbatim``).
    """
    pg = read_pages(pages)
    found = detect_layout(pg)
    if found is None:
        why = _undetected(pg)
        return Catalogue(notes={"framework": why, "overall": f"no graded judgements: {why}"})
    return LAYOUTS[found.layout].extract(pg)
