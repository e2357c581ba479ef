"""Caps on what one file may make the parser do: pages, unpacked bytes, OCR pixels, HTML depth.

A hostile or broken file is refused with a one-line reason before the parser spends memory on
it; the child process the parser runs in (``ingest.sandbox``) bounds whatever these caps miss.
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass
from io import BytesIO

from ingest.errors import IngestError

_CHUNK = 1 << 20
_NO_MEMORY = re.compile(
    r"\b(?:m|re|c)?alloc\b[^\n]{0,60}\bfailed|out of memory|cannot allocate", re.I
)


@dataclass(frozen=True)
class ParseLimits:
    """What one file may cost to parse.

    Attributes:
        max_pages: PDFs with more pages are refused.
        max_unzipped_bytes: Word documents whose parts unpack to more bytes are refused.
        ocr_max_pixels: A page is rendered for OCR at a resolution that keeps it under this
            many pixels.
        ocr_min_dpi: A page that would have to be rendered below this resolution is not OCRed.
        max_html_depth: HTML nested deeper than this many elements is refused.
    """

    max_pages: int = 2000
    max_unzipped_bytes: int = 100 * 1024 * 1024
    ocr_max_pixels: int = 25_000_000
    ocr_min_dpi: int = 100
    max_html_depth: int = 512


def is_memory_error(exc: BaseException) -> bool:
    """Whether an exception means memory ran out (MuPDF reports failed allocations as errors)."""
    if isinstance(exc, MemoryError):
        return True
    return bool(_NO_MEMORY.search(str(exc)))


def check_page_count(count: int, limits: ParseLimits) -> None:
    """Refuse a PDF with more pages than the limit.

    Raises:
        IngestError: Over the limit.
    """
    if count > limits.max_pages:
        raise IngestError(
            f"too many pages: {count:,} pages is over the {limits.max_pages:,} page limit"
        )


def ocr_dpi(width_pt: float, height_pt: float, limits: ParseLimits, wanted: int = 200) -> int:
    """The resolution to render a page at for OCR, or 0 when it is too large to OCR.

    Args:
        width_pt: The page width in points.
        height_pt: The page height in points.
        limits: The pixel cap and the lowest useful resolution.
        wanted: The resolution used when the page is small enough.
    """
    inches = max(width_pt, 1.0) * max(height_pt, 1.0) / (72.0 * 72.0)
    fits = int((limits.ocr_max_pixels / inches) ** 0.5)
    dpi = min(wanted, fits)
    return dpi if dpi >= limits.ocr_min_dpi else 0


def safe_zip(data: bytes, limits: ParseLimits) -> bytes:
    """A Word document's ZIP rewritten with each part exactly as long as its entry says.

    A part's recorded size can lie: ``zipfile`` stops at the recorded size, but reading a whole
    part at once inflates all of its compressed data first. Each part is inflated here a
    block at a time up to its recorded size, under the total cap, and stored uncompressed in a
    new container, so the Word reader never inflates anything.

    Args:
        data: The file's bytes (a ZIP container).
        limits: The cap on the unpacked size.

    Returns:
        The rewritten container.

    Raises:
        IngestError: Over the cap, or a part that cannot be read.
    """
    try:
        zf = zipfile.ZipFile(BytesIO(data))
    except zipfile.BadZipFile as exc:
        raise IngestError("corrupt ZIP container: not a readable Word document") from exc
    cap = limits.max_unzipped_bytes
    with zf:
        infos = zf.infolist()
        declared = sum(i.file_size for i in infos)
        if declared > cap:
            raise IngestError(
                f"zip bomb: its parts unpack to {declared / 1048576:,.0f} MB, over the "
                f"{cap / 1048576:,.0f} MB limit"
            )
        out = BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as dest:
            for info in infos:
                if info.is_dir():
                    continue
                parts: list[bytes] = []
                try:
                    with zf.open(info) as fh:
                        while block := fh.read(_CHUNK):
                            parts.append(block)
                except (zipfile.BadZipFile, OSError, EOFError, ValueError) as exc:
                    raise IngestError(
                        f"corrupt Word document: part {info.filename[:80]!r} cannot be read"
                    ) from exc
                except NotImplementedError as exc:
                    raise IngestError(
                        "unsupported Word document: a part is compressed in an unsupported way"
                    ) from exc
                dest.writestr(info.filename, b"".join(parts))
    return out.getvalue()


def html_depth(root) -> int:
    """How deeply a parsed HTML tree's elements nest (without recursion).

    Args:
        root: A BeautifulSoup tree or tag.
    """
    from bs4 import Tag

    deepest = 0
    stack = [(root, 0)]
    while stack:
        tag, depth = stack.pop()
        deepest = max(deepest, depth)
        stack.extend((child, depth + 1) for child in tag.contents if isinstance(child, Tag))
    return deepest


def check_html_depth(root, limits: ParseLimits) -> None:
    """Refuse HTML nested deeper than the limit.

    Raises:
        IngestError: Too deep.
    """
    depth = html_depth(root)
    if depth > limits.max_html_depth:
        raise IngestError(
            f"HTML nested too deeply: {depth:,} levels is over the {limits.max_html_depth:,} "
            "level limit"
        )
