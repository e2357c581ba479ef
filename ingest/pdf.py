"""PDF files to paragraphs with page spans (see ``pdf_lines`` and ``pdf_paragraphs``)."""

from __future__ import annotations

import shutil
from pathlib import Path

from ingest.errors import IngestError
from ingest.limits import ParseLimits, check_page_count, is_memory_error, ocr_dpi
from ingest.pdf_lines import Line, page_lines
from ingest.pdf_paragraphs import PdfPages, assemble

__all__ = ["PdfPages", "parse_pdf", "parse_pdf_bytes"]


def parse_pdf_bytes(
    data: bytes, *, ocr: bool = True, limits: ParseLimits | None = None
) -> PdfPages:
    """Parse a PDF into paragraphs with page spans.

    Args:
        data: The file's bytes.
        ocr: OCR pages without a text layer when tesseract is installed.
        limits: The page count cap and the OCR pixel cap (defaults when not given).

    Returns:
        The paragraphs, page count, printed page labels and first-page lines.

    Raises:
        IngestError: For a corrupt, encrypted or textless PDF, or one over a cap.
    """
    import pymupdf

    limits = limits or ParseLimits()
    if b"%%EOF" not in data[-2048:]:
        # MuPDF would repair it and read what it can: a truncated download must not pass silently.
        raise IngestError("truncated PDF: the file ends before its end-of-file marker")
    try:
        doc = pymupdf.open(stream=data, filetype="pdf")
    except Exception as exc:  # PyMuPDF raises several types for broken files
        raise IngestError("corrupt or truncated PDF: cannot be opened") from exc
    if doc.needs_pass:
        raise IngestError("password-protected PDF: cannot be read without its password")
    if doc.page_count == 0:
        raise IngestError("corrupt PDF: no pages")
    check_page_count(doc.page_count, limits)
    pages: list[list[Line]] = []
    heights: list[float] = []
    ocr_pages: list[int] = []
    too_large: list[str] = []
    try:
        for i, page in enumerate(doc):
            lines = page_lines(page, i)
            if not lines and page.get_images() and ocr and shutil.which("tesseract"):
                dpi = ocr_dpi(page.rect.width, page.rect.height, limits)
                if dpi:
                    lines = _ocr_lines(page, i, dpi)
                    ocr_pages += [i + 1] if lines else []
                else:
                    too_large.append(
                        f"{i + 1} ({page.rect.width:,.0f} × {page.rect.height:,.0f} pt)"
                    )
            pages.append(lines)
            heights.append(page.rect.height)
    except IngestError:
        raise
    except Exception as exc:
        if is_memory_error(exc):
            raise MemoryError(str(exc)) from exc
        raise IngestError(
            f"corrupt or truncated PDF: {type(exc).__name__} while reading pages"
        ) from exc
    if not any(pages):
        has_images = any(doc[i].get_images() for i in range(min(doc.page_count, 5)))
        if too_large:
            raise IngestError(
                f"scanned PDF with no text layer; page {too_large[0]} is too large to OCR "
                f"(over {limits.ocr_max_pixels / 1e6:g} million pixels at "
                f"{limits.ocr_min_dpi} dpi)"
            )
        if has_images:
            raise IngestError(
                "scanned PDF with no text layer"
                + (
                    "; OCR found no text"
                    if ocr and shutil.which("tesseract")
                    else "; OCR is not available (install tesseract-ocr)"
                )
            )
        raise IngestError("PDF has no text")
    meta = {k: v for k, v in (doc.metadata or {}).items() if isinstance(v, str) and v.strip()}
    first_lines = [(ln.text, ln.size, ln.bold) for ln in pages[0]]
    return assemble(pages, heights, meta, first_lines, ocr_pages)


def _ocr_lines(page, index: int, dpi: int) -> list[Line]:
    """The lines tesseract reads on a page rendered at ``dpi`` (none when OCR fails)."""
    try:
        tp = page.get_textpage_ocr(full=True, dpi=dpi)
        text = page.get_text("text", textpage=tp)
    except Exception:  # OCR is best effort; the page stays empty
        return []
    return [
        Line(t.strip(), 0, n * 14.0, 100, n * 14.0 + 12, 12.0, False, index)
        for n, t in enumerate(text.splitlines())
        if t.strip()
    ]


def parse_pdf(path: Path, *, ocr: bool = True) -> PdfPages:
    """Parse a PDF file (see :func:`parse_pdf_bytes`)."""
    return parse_pdf_bytes(Path(path).read_bytes(), ocr=ocr)
