"""One entry point: any supported file in, a ParsedReport (or a one-line IngestError) out."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from ingest.errors import IngestError
from ingest.limits import ParseLimits
from ingest.metadata import extract_metadata
from ingest.records import ParsedReport
from ingest.sniff import sniff
from ingest.textlike import decode_text, parse_docx, parse_html, parse_text


def relative_source(path: Path, root: Path) -> str:
    """The path of a file relative to the ingest root, with forward slashes."""
    import os

    # abspath, not resolve: a symlinked file keeps the name it has under the root.
    try:
        rel = Path(os.path.abspath(path)).relative_to(os.path.abspath(root))
    except ValueError:
        rel = Path(Path(path).name)
    return rel.as_posix()


def parse_bytes(
    data: bytes,
    source: str,
    *,
    max_bytes: int | None = None,
    ocr: bool = True,
    limits: ParseLimits | None = None,
) -> ParsedReport:
    """Parse a report from its bytes.

    Args:
        data: The file's bytes.
        source: Its path relative to the ingest root (also used to tell Markdown from text).
        max_bytes: Refuse files larger than this.
        ocr: OCR scanned PDF pages when tesseract is installed.
        limits: Caps on pages, unpacked size, OCR pixels and HTML depth (defaults when not
            given).

    Returns:
        The parsed report with metadata and judgements.

    Raises:
        IngestError: With a one-line reason when the file cannot be indexed.
    """
    report = _read(data, source, max_bytes=max_bytes, ocr=ocr, limits=limits or ParseLimits())
    if not any(p.text.strip() for p in report.paragraphs):
        raise IngestError(f"no text found in this {report.file_type.upper()} file")
    if _is_error_page(report.paragraphs, report.metadata.title):
        raise IngestError(
            "not a report: a saved 'report not found' web page (the document "
            "was missing when it was downloaded)"
        )
    _add_catalogue(report)
    return report


def _read(
    data: bytes, source: str, *, max_bytes: int | None, ocr: bool, limits: ParseLimits
) -> ParsedReport:
    """Paragraphs and metadata of a file, before it is checked to be a report with text."""
    if max_bytes is not None and len(data) > max_bytes:
        raise IngestError(
            f"file too large: {len(data) / 1048576:.1f} MB is over the {max_bytes / 1048576:.0f} MB limit"
        )
    kind = sniff(data, source)
    sha = hashlib.sha256(data).hexdigest()
    warnings: list[str] = []
    labels: list[int | None] = [None]
    pages = 1
    if kind == "pdf":
        from ingest.pdf import parse_pdf_bytes

        parsed = parse_pdf_bytes(data, ocr=ocr, limits=limits)
        paragraphs = parsed.paragraphs
        pages, labels = parsed.page_count, parsed.page_labels
        md = extract_metadata(
            paragraphs,
            file_type=kind,
            cover=parsed.first_page_lines,
            running=parsed.running_text,
            props=parsed.metadata,
        )
        if parsed.ocr_pages:
            warnings.append(f"OCR used on pages {parsed.ocr_pages}")
    elif kind == "html":
        page = parse_html(data, limits)
        paragraphs = page.paragraphs
        md = extract_metadata(
            paragraphs, file_type=kind, props={**page.metadata, "title": page.title or ""}
        )
    elif kind == "docx":
        document = parse_docx(data, limits)
        paragraphs = document.paragraphs
        md = extract_metadata(paragraphs, file_type=kind, props=document.metadata)
    else:
        text = decode_text(data)
        paragraphs = parse_text(text, markdown=kind == "markdown")
        md = extract_metadata(paragraphs, file_type=kind)
    if md.published is None:
        # Published files are named with their publication date ("... - 13 january 2023.pdf").
        from ingest.dates import parse_date

        md.published = parse_date(Path(source).stem.replace("_", " "))
        if md.published is not None:
            md.notes["published"] = "taken from the file name"
    return ParsedReport(
        source=source,
        sha256=sha,
        file_type=kind,
        pages=pages,
        page_labels=labels,
        paragraphs=paragraphs,
        metadata=md,
        warnings=warnings,
    )


_ERROR_PAGE = re.compile(
    r"\b(report not found|page not found|404 not found|document you requested no longer exists)\b",
    re.I,
)


def _is_error_page(paragraphs, title: str | None) -> bool:
    """A short captured web page saying the report is missing, not a report."""
    words = sum(len(p.text.split()) for p in paragraphs)
    if words > 600:
        return False
    head = " ".join([title or ""] + [p.text for p in paragraphs[:40]])
    return bool(_ERROR_PAGE.search(head))


def _add_catalogue(report: ParsedReport) -> None:
    """Graded judgements, framework and improvement points, where the report states them."""
    from ingest.judgements import extract_catalogue

    pages = sorted(report.page_texts().items())
    cat = extract_catalogue(pages)
    report.judgements = list(cat.judgements)
    report.metadata.framework = cat.framework
    report.improvements = list(cat.improvements)
    for k, v in (cat.notes or {}).items():
        report.metadata.notes.setdefault(f"judgements.{k}", v)


def _file_bytes(path: Path, max_bytes: int | None) -> bytes:
    """A file's bytes, refused early when it is too large."""
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise IngestError(f"cannot read file: {exc.strerror}") from exc
    if max_bytes is not None and size > max_bytes:
        raise IngestError(
            f"file too large: {size / 1048576:.1f} MB is over the {max_bytes / 1048576:.0f} MB limit"
        )
    try:
        return path.read_bytes()
    except OSError as exc:
        raise IngestError(f"cannot read file: {exc.strerror}") from exc


def parse_file(
    path: Path, root: Path, *, max_bytes: int | None = None, ocr: bool = True
) -> ParsedReport:
    """Parse a report file (see :func:`parse_bytes`); ``source`` is relative to ``root``."""
    path = Path(path)
    data = _file_bytes(path, max_bytes)
    return parse_bytes(data, relative_source(path, root), max_bytes=max_bytes, ocr=ocr)


def read_page_texts(path: Path, root: Path, *, ocr: bool = True) -> list[tuple[int, str]]:
    """The page texts the catalogue of a file is extracted from, as :func:`parse_file` reads them.

    Unlike :func:`parse_file`, a file that is not a report (a saved "report not found" page) or
    has no text still gives its pages, so that tools and tests can see what the catalogue
    extractor (``ingest.judgements.extract_catalogue``) makes of it.

    Args:
        path: The file.
        root: The ingest root (the file's ``source`` is relative to it).
        ocr: OCR scanned PDF pages when tesseract is installed.

    Returns:
        ``(printed page number, page text)`` pairs in page order, one paragraph per line.

    Raises:
        IngestError: When the file cannot be read at all (missing, corrupt, unsupported).
    """
    path = Path(path)
    report = _read(
        _file_bytes(path, None),
        relative_source(path, root),
        max_bytes=None,
        ocr=ocr,
        limits=ParseLimits(),
    )
    return sorted(report.page_texts().items())
