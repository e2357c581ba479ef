"""PDF lines to paragraphs: running text out, lines re-flowed, paragraphs carried over page breaks.

The text of each paragraph stays the report's own words: only line breaks are re-flowed, words
split over a line end are rejoined, superscript footnote markers and bullet glyphs are dropped.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from ingest.pdf_lines import MARGIN, Line, norm_key, page_labels, running_lines
from ingest.records import Paragraph

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


def assemble(
    pages: list[list[Line]],
    heights: list[float],
    meta: dict[str, str],
    first_lines: list[tuple[str, float, bool]],
    ocr_pages: list[int],
) -> PdfPages:
    """Paragraphs with page spans from the lines of every page.

    Args:
        pages: The lines of each page, in order.
        heights: The height of each page (where its margins are).
        meta: The PDF's document properties.
        first_lines: (text, size, bold) of the first page's lines, for the metadata reader.
        ocr_pages: 1-based numbers of the pages read by OCR.

    Returns:
        The parsed pages.
    """
    running = running_lines(pages, heights)
    labels, number_lines = page_labels(pages, heights, running)
    running_text: list[str] = []
    body_pages: list[list[Line]] = []
    for lines, h in zip(pages, heights, strict=True):
        kept = []
        for ln in lines:
            in_margin = ln.y1 < h * MARGIN or ln.y0 > h * (1 - MARGIN)
            if id(ln) in number_lines:
                continue
            if in_margin and norm_key(ln.text) in running:
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
