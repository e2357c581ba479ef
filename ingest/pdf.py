"""PDF pages to paragraphs: running headers, footers and page numbers out; lines re-flowed.

The text of each paragraph stays the report's own words: only line breaks are re-flowed, words
split over a line end are rejoined, superscript footnote markers and bullet glyphs are dropped.
"""

from __future__ import annotations

import re
import shutil
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from ingest.errors import IngestError
from ingest.records import Paragraph

MARGIN = 0.12  # top and bottom share of the page where running headers and footers live
_PAGE_NUM = re.compile(r"^(?:page\s+)?(\d{1,4})(?:\s+of\s+\d{1,4})?$", re.I)
_NUMBERED = re.compile(r"^(\d{1,3})\.\s+(?=\S)")
_BULLETS = "•●○◦▪▫■□◼◻►▶➢✓✔–-*·"
_BULLET = re.compile(r"^(?:[\uf000-\uf8ff" + re.escape(_BULLETS) + r"])\s+")
_LABEL_VALUE = re.compile(
    r"^[A-Z][A-Za-z ]{2,24}:\s+\S"
)  # "Inspection dates: ..." is not a heading
# Cover lines naming the inspector are bold in some layouts, but they are not headings: they
# belong with the inspection dates above them.
_COVER_LINE = re.compile(
    r"^(?:(?:reporting|lead|lead social care|senior)\s+inspector\b|her majesty[’']s inspector\b)",
    re.I,
)
_SENTENCE_END = re.compile(r"[.!?:;…\"”’)]\s*$")
_WORD = re.compile(r"[A-Za-z][A-Za-z'’-]*[A-Za-z]")
_DIGITS = re.compile(r"\d+")


@dataclass
class Line:
    """One visual line of a page."""

    text: str
    x0: float
    y0: float
    x1: float
    y1: float
    size: float
    bold: bool
    page: int  # 0-based index

    @property
    def height(self) -> float:
        return self.y1 - self.y0


@dataclass
class PdfPages:
    """What the PDF parser gives: paragraphs plus what running headers told us."""

    paragraphs: list[Paragraph]
    page_count: int
    page_labels: list[int | None]
    first_page_lines: list[tuple[str, float, bool]]
    running_text: list[str]
    metadata: dict[str, str] = field(default_factory=dict)
    ocr_pages: list[int] = field(default_factory=list)


def _page_lines(page, index: int) -> list[Line]:
    """Lines of a page in content order, spans on one baseline merged, superscripts dropped."""
    lines: list[Line] = []
    data = page.get_text("dict", flags=0)
    for block in data["blocks"]:
        if block.get("type") != 0:
            continue
        for raw in block["lines"]:
            spans = [s for s in raw["spans"] if s["text"]]
            if not spans:
                continue
            size = (
                max(s["size"] for s in spans if s["text"].strip())
                if any(s["text"].strip() for s in spans)
                else spans[0]["size"]
            )
            kept = []
            for s in spans:
                t = s["text"]
                # A footnote marker: a small raised run of digits after some text.
                if kept and s["size"] < 0.8 * size and t.strip().isdigit():
                    continue
                kept.append(s)
            text = "".join(s["text"] for s in kept).replace("\xad", "")
            text = re.sub(r"\s+", " ", text).strip()
            if not text:
                continue
            bold = any(
                (s["flags"] & 16 or "bold" in s["font"].lower()) for s in kept if s["text"].strip()
            )
            x0, y0, x1, y1 = raw["bbox"]
            line = Line(text, x0, y0, x1, y1, size, bold, index)
            prev = lines[-1] if lines else None
            if prev and abs(prev.y0 - y0) < 2.5 and x0 >= prev.x1 - 2:
                prev.text = f"{prev.text} {text}"
                prev.x1 = x1
                prev.size = max(prev.size, size)
                prev.bold = prev.bold and bold if prev.text.strip() else bold
                continue
            lines.append(line)
    return lines


def _norm_key(text: str) -> str:
    return _DIGITS.sub("#", text.lower()).strip()


def _running_lines(pages: list[list[Line]], heights: list[float]) -> set[str]:
    """Keys of lines that repeat in the margins of many pages (running headers and footers)."""
    n = len(pages)
    if n < 3:
        return set()
    counts: Counter[str] = Counter()
    for lines, h in zip(pages, heights, strict=True):
        keys = {
            _norm_key(ln.text) for ln in lines if ln.y1 < h * MARGIN or ln.y0 > h * (1 - MARGIN)
        }
        counts.update(keys)
    threshold = max(2, int(0.3 * n))
    return {k for k, c in counts.items() if c >= threshold and k.strip("# ")}


_EDGE_NUM = re.compile(r"^(\d{1,3})\s+\S.*$|^.*\S\s+(\d{1,3})$")
_MONTH = re.compile(
    r"\b(January|February|March|April|May|June|July|August|September|October|"
    r"November|December)\b",
    re.I,
)


def _page_labels(
    pages: list[list[Line]], heights: list[float], running: set[str]
) -> tuple[list[int | None], set]:
    """Printed page numbers per page index, and the lines that printed only a number.

    A number alone in the margin counts, and so does one at either end of a running header
    or footer ("Norfolk County Council Inspection ... 3").
    """
    found: dict[int, int] = {}
    edge: list[tuple[int, int]] = []
    number_lines = set()
    for i, (lines, h) in enumerate(zip(pages, heights, strict=True)):
        for ln in lines:
            if ln.y1 < h * MARGIN or ln.y0 > h * (1 - MARGIN):
                m = _PAGE_NUM.match(ln.text)
                if m:
                    found.setdefault(i, int(m.group(1)))
                    number_lines.add(id(ln))
                    continue
                e = _EDGE_NUM.match(ln.text)
                if e and _norm_key(ln.text) in running and not _MONTH.search(ln.text):
                    edge.append((i, int(e.group(1) or e.group(2))))
    candidates = list(found.items()) or edge
    labels: list[int | None] = [None] * len(pages)
    if candidates:
        offsets = Counter(i - num for i, num in candidates)
        offset, votes = offsets.most_common(1)[0]
        pages_voting = len({i for i, _ in candidates})
        if votes >= max(1, 0.5 * pages_voting):
            for i in range(len(pages)):
                label = i - offset
                labels[i] = label if label >= 1 else None
        else:
            for i, num in found.items():
                labels[i] = num
    return labels, number_lines


def _join(prev: str, nxt: str, vocab: set[str]) -> str:
    """Join two lines of one paragraph, rejoining a word split by a line-end hyphen."""
    m = re.search(r"([A-Za-z]+)-$", prev)
    if m and nxt[:1].islower():
        right = re.match(r"[A-Za-z]+", nxt)
        if right:
            whole = (m.group(1) + right.group(0)).lower()
            hyphenated = f"{m.group(1)}-{right.group(0)}".lower()
            if whole in vocab and hyphenated not in vocab:
                return prev[:-1] + nxt
        return prev + nxt
    return f"{prev} {nxt}"


@dataclass
class _Para:
    lines: list[Line]
    kind: str  # "heading", "numbered", "bullet", "text"
    number: int | None
    text: str
    breaks: list[tuple[int, int]] = field(default_factory=list)  # (char offset, page index)


def _classify(line: Line, body_size: float) -> tuple[str, int | None, str]:
    text = line.text
    words = len(text.split())
    m = _NUMBERED.match(text)
    if (
        (line.bold or line.size >= body_size + 1.5)
        and words <= 25
        and not (m and not line.bold)
        and not _LABEL_VALUE.match(text)
        and not _COVER_LINE.match(text)
    ):
        return "heading", None, text
    if m:
        return "numbered", int(m.group(1)), text[m.end() :]
    b = _BULLET.match(text)
    if b:
        return "bullet", None, text[b.end() :]
    return "text", None, text


def _paragraphs_of_page(lines: list[Line], body_size: float, vocab: set[str]) -> list[_Para]:
    paras: list[_Para] = []
    for ln in lines:
        kind, number, text = _classify(ln, body_size)
        if not text:
            continue
        cur = paras[-1] if paras else None
        starts_new = True
        if cur is not None:
            prev = cur.lines[-1]
            pitch = ln.y0 - prev.y0
            close = 0 < pitch <= max(prev.size, ln.size) * 1.42
            if kind == "heading" and cur.kind == "heading":
                starts_new = not (close and abs(ln.size - prev.size) < 0.6)
            elif kind == "text" and cur.kind != "heading":
                starts_new = not close or ln.x0 < cur.lines[0].x0 - 3 and cur.kind == "text"
                if abs(ln.size - prev.size) > 1.0:
                    starts_new = True
        if starts_new:
            paras.append(_Para([ln], kind, number, text))
        else:
            cur.lines.append(ln)
            cur.text = _join(cur.text, text, vocab)
    return paras


def parse_pdf_bytes(data: bytes, *, ocr: bool = True) -> PdfPages:
    """Parse a PDF into paragraphs with page spans.

    Args:
        data: The file's bytes.
        ocr: OCR pages without a text layer when tesseract is installed.

    Returns:
        The paragraphs, page count, printed page labels and first-page lines.

    Raises:
        IngestError: For a corrupt, encrypted or textless PDF.
    """
    import pymupdf

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
    pages: list[list[Line]] = []
    heights: list[float] = []
    ocr_pages: list[int] = []
    try:
        for i, page in enumerate(doc):
            lines = _page_lines(page, i)
            if not lines and page.get_images() and ocr and shutil.which("tesseract"):
                try:
                    tp = page.get_textpage_ocr(full=True, dpi=200)
                    text = page.get_text("text", textpage=tp)
                    lines = [
                        Line(t.strip(), 0, n * 14.0, 100, n * 14.0 + 12, 12.0, False, i)
                        for n, t in enumerate(text.splitlines())
                        if t.strip()
                    ]
                    ocr_pages.append(i + 1)
                except Exception:  # OCR is best effort; the page stays empty
                    lines = []
            pages.append(lines)
            heights.append(page.rect.height)
    except IngestError:
        raise
    except Exception as exc:
        raise IngestError(
            f"corrupt or truncated PDF: {type(exc).__name__} while reading pages"
        ) from exc
    if not any(pages):
        has_images = any(doc[i].get_images() for i in range(min(doc.page_count, 5)))
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
    return _assemble(pages, heights, meta, first_lines, ocr_pages)


def _assemble(
    pages: list[list[Line]],
    heights: list[float],
    meta: dict[str, str],
    first_lines: list[tuple[str, float, bool]],
    ocr_pages: list[int],
) -> PdfPages:
    running = _running_lines(pages, heights)
    labels, number_lines = _page_labels(pages, heights, running)
    running_text: list[str] = []
    body_pages: list[list[Line]] = []
    for lines, h in zip(pages, heights, strict=True):
        kept = []
        for ln in lines:
            in_margin = ln.y1 < h * MARGIN or ln.y0 > h * (1 - MARGIN)
            if id(ln) in number_lines:
                continue
            if in_margin and _norm_key(ln.text) in running:
                if ln.text not in running_text:
                    running_text.append(ln.text)
                continue
            kept.append(ln)
        body_pages.append(kept)

    sizes: Counter[float] = Counter()
    vocab: set[str] = set()
    for lines in body_pages:
        for ln in lines:
            sizes[round(ln.size)] += len(ln.text)
            vocab.update(w.lower() for w in _WORD.findall(ln.text))
    body_size = float(sizes.most_common(1)[0][0]) if sizes else 12.0

    first_labelled = next((i for i, lab in enumerate(labels) if lab is not None), None)

    def label(i: int) -> int:
        """The printed page number; 0 for front matter before printed page 1."""
        lab = labels[i]
        if lab is not None:
            return lab
        if first_labelled is not None and i < first_labelled:
            return 0
        return i + 1

    out: list[Paragraph] = []
    section: str | None = None
    pending: _Para | None = None
    pending_pages: tuple[int, int] = (0, 0)

    def flush(p: _Para, first: int, last: int) -> None:
        nonlocal section
        text = p.text.rstrip()
        if not text.strip():
            return
        if p.kind == "heading":
            section = text
        out.append(
            Paragraph(
                text=text,
                page_start=label(first),
                page_end=label(last),
                pdf_page_start=first + 1,
                pdf_page_end=last + 1,
                number=p.number,
                section=section,
                is_heading=p.kind == "heading",
                page_breaks=tuple((off, label(pg), pg + 1) for off, pg in p.breaks),
            )
        )

    for i, lines in enumerate(body_pages):
        paras = _paragraphs_of_page(lines, body_size, vocab)
        for j, p in enumerate(paras):
            if (
                j == 0
                and pending is not None
                and pending.kind != "heading"
                and p.kind == "text"
                and not _SENTENCE_END.search(pending.text)
            ):
                joined = _join(pending.text, p.text, vocab)
                pending.breaks.append((len(joined) - len(p.text), i))
                pending.text = joined
                pending.lines.extend(p.lines)
                pending_pages = (pending_pages[0], i)
                continue
            if pending is not None:
                flush(pending, *pending_pages)
            pending, pending_pages = p, (i, i)
    if pending is not None:
        flush(pending, *pending_pages)
    return PdfPages(
        paragraphs=out,
        page_count=len(pages),
        page_labels=labels,
        first_page_lines=first_lines,
        running_text=running_text,
        metadata=meta,
        ocr_pages=ocr_pages,
    )


def parse_pdf(path: Path, *, ocr: bool = True) -> PdfPages:
    """Parse a PDF file (see :func:`parse_pdf_bytes`)."""
    return parse_pdf_bytes(Path(path).read_bytes(), ocr=ocr)
