"""The cited page of a PDF as an image, the quote highlighted: ``/report-page/<id>/<page>.png``.

Rendered on the server with PyMuPDF (already what reads the PDFs at ingest), so the page is
shown in the app with nothing fetched from elsewhere and no PDF viewer script in the browser.
The quote (``?q=``) is found on the page and highlighted; a quote broken across lines or
hyphenated differently is found by its opening and closing words.
"""

from __future__ import annotations

import fastapi
from fastapi.responses import PlainTextResponse, Response

from assistant.core import Assistant
from assistant.web.access import Access, signed_in_user
from assistant.web.files import report_file

MAX_QUOTE_CHARS = 1000
ZOOM = 1.6
HIGHLIGHT = (1.0, 0.85, 0.0)
EDGE_WORDS = 6  # words from each end searched when the whole quote is not found as one


def quote_rects(page, quote: str) -> list:
    """Where the quote stands on a PyMuPDF page (rectangles; [] when not found)."""
    words = " ".join((quote or "").replace("“", '"').replace("”", '"').split()).split(" ")
    if not words or words == [""]:
        return []
    hits = page.search_for(" ".join(words))
    if hits:
        return hits
    out = []
    for part in (words[:EDGE_WORDS], words[-EDGE_WORDS:]):
        found = page.search_for(" ".join(part))
        if found:
            out.extend(found[:2])
    return out


def render_page(path, pdf_page: int, quote: str) -> tuple[bytes, int] | None:
    """The page as PNG bytes with the quote highlighted, and how many boxes were marked.

    Returns:
        (png, marked boxes), or None when the page does not exist.
    """
    import pymupdf

    with pymupdf.open(path) as doc:
        if not 1 <= pdf_page <= doc.page_count:
            return None
        page = doc[pdf_page - 1]
        rects = quote_rects(page, quote)
        for r in rects:
            annot = page.add_highlight_annot(r)
            annot.set_colors(stroke=HIGHLIGHT)
            annot.update()
        pix = page.get_pixmap(matrix=pymupdf.Matrix(ZOOM, ZOOM), annots=True)
        return pix.tobytes("png"), len(rects)


def add_page_image_route(
    app: fastapi.FastAPI, assistant: Assistant, reports_dir, access: Access
) -> None:
    """Serve ``/report-page/<report_id>/<pdf_page>.png?q=<quote>`` (signed-in users only when
    the app has logins); the ``X-Highlighted`` header says how many boxes were marked."""

    @app.get("/report-page/{report_id}/{pdf_page}.png", include_in_schema=False)
    def page_image(report_id: str, pdf_page: int, request: fastapi.Request, q: str = ""):
        if access.users is not None and access.role_of(signed_in_user(request)) is None:
            return PlainTextResponse("Please sign in.", status_code=401)
        path = report_file(assistant.reports(include_failed=False), reports_dir, report_id)
        if path is None or path.suffix.lower() != ".pdf":
            return PlainTextResponse("No such PDF report.", status_code=404)
        try:
            rendered = render_page(path, pdf_page, q[:MAX_QUOTE_CHARS])
        except RuntimeError:
            return PlainTextResponse("This page cannot be shown.", status_code=404)
        if rendered is None:
            return PlainTextResponse("No such page.", status_code=404)
        png, marked = rendered
        return Response(
            png,
            media_type="image/png",
            headers={
                "Cache-Control": "private, max-age=300",
                "X-Content-Type-Options": "nosniff",
                "X-Highlighted": str(marked),
            },
        )
