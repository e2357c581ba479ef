"""Paragraph-aware chunks: whole sentences, one section each, each within the model's token limit.

A chunk is one or more paragraphs of one section (short ones merged), or a run of whole
sentences of a long paragraph. The stored text is verbatim (paragraphs joined by a blank line);
the embedding text adds a short context prefix (subject and section).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from ingest.records import Chunk, Paragraph, ParsedReport

_ABBREV = "".join(
    rf"(?<!\b{a}\.)"
    for a in (
        "e.g",
        "i.e",
        "Mr",
        "Mrs",
        "Ms",
        "Dr",
        "No",
        "St",
        "vs",
        "etc",
        "approx",
        "para",
        "Cllr",
        "Prof",
    )
)
_SENT_END = re.compile(_ABBREV + r"(?<=[.!?])[\"”’)]*\s+(?=[\"“‘(]?[A-Z0-9])")
PARA_SEP = "\n\n"


def split_sentences(text: str) -> list[str]:
    """Split a paragraph into sentences; joining them with single spaces gives the text back."""
    parts: list[str] = []
    start = 0
    for m in _SENT_END.finditer(text):
        parts.append(text[start : m.start() + (len(m.group(0)) - len(m.group(0).lstrip('"”’)')))])
        start = m.end()
    parts.append(text[start:])
    # Re-derive with exact boundaries so that " ".join(parts) == text when separators are spaces.
    out, pos = [], 0
    for part in parts:
        part = part.strip()
        if not part:
            continue
        idx = text.find(part, pos)
        out.append(part)
        pos = idx + len(part)
    return out


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) offsets of every sentence of a chunk's text, paragraph by paragraph.

    The one definition of a chunk's sentences: sentence vectors are stored for these spans at
    ingest, and answers are composed from them.
    """
    out: list[tuple[int, int]] = []
    pos = 0
    for para in text.split(PARA_SEP):
        base = text.find(para, pos)
        pos = base + len(para)
        for sent in split_sentences(para):
            off = text.find(sent, base)
            if off >= 0:
                out.append((off, off + len(sent)))
                base = off + len(sent)
    return out


@dataclass
class _Unit:
    text: str
    para: Paragraph
    offset: int  # offset of this unit's text in the paragraph's text
    tokens: int
    continues: bool  # joins the previous unit of the same paragraph with a space


# Kinds whose passages the prefix names: the ones questions tell apart by kind ("the SEND
# inspection"); the graded inspections, visits and releases keep the prefix they always had.
_PLAIN_KINDS = frozenset(
    {"inspection", "focused visit", "monitoring visit", "press release", "report"}
)


def _embed_prefix(report: ParsedReport, section: str | None) -> str:
    kind = report.metadata.kind
    named = kind if kind and kind not in _PLAIN_KINDS else None
    bits = [b for b in (report.metadata.subject, named, section) if b]
    return (" — ".join(bits) + ": ") if bits else ""


def chunk_report(
    report: ParsedReport,
    count_tokens: Callable[[str], int],
    *,
    max_tokens: int = 256,
    target_tokens: int = 200,
) -> list[Chunk]:
    """Split a parsed report into chunks.

    Args:
        report: The parsed report.
        count_tokens: Counts the model's tokens in a text (no special tokens).
        max_tokens: The model's limit, special tokens included.
        target_tokens: Size to aim for when merging short paragraphs (prefix included).

    Returns:
        The chunks in reading order, with stable ids.
    """
    budget_total = max_tokens - 2  # [CLS] and [SEP]
    chunks: list[Chunk] = []
    groups: list[list[Paragraph]] = []
    # Group paragraphs by section: a heading starts a new group.
    for p in report.paragraphs:
        if p.is_heading or not groups or groups[-1][-1].section != p.section:
            if groups and all(q.is_heading for q in groups[-1]):
                groups[-1].append(p)  # headings with no text of their own lead into what follows
            else:
                groups.append([p])
        else:
            groups[-1].append(p)

    for group in groups:
        section = group[-1].section
        prefix = _embed_prefix(report, section)
        prefix_tokens = count_tokens(prefix) if prefix else 0
        budget = max(32, budget_total - prefix_tokens)
        target = max(24, min(budget, target_tokens - prefix_tokens))
        units: list[_Unit] = []
        for p in group:
            toks = count_tokens(p.text)
            if toks <= target:
                units.append(_Unit(p.text, p, 0, toks, False))
                continue
            pos = 0
            for i, sent in enumerate(_sentence_pieces(p.text, count_tokens, budget)):
                off = p.text.find(sent, pos)
                pos = off + len(sent)
                units.append(_Unit(sent, p, off, count_tokens(sent), i > 0))
        current: list[_Unit] = []
        size = 0
        for u in units:
            if current and size + u.tokens + 1 > target:
                chunks.append(_make_chunk(report, current, prefix, len(chunks)))
                current, size = [], 0
            current.append(u)
            size += u.tokens + 1
        if current:
            chunks.append(_make_chunk(report, current, prefix, len(chunks)))
    return chunks


def _sentence_pieces(text: str, count_tokens: Callable[[str], int], budget: int) -> list[str]:
    """Sentences of a paragraph; a single sentence over the budget is cut between words."""
    out: list[str] = []
    for sent in split_sentences(text):
        if count_tokens(sent) <= budget:
            out.append(sent)
            continue
        words = sent.split(" ")
        piece: list[str] = []
        for w in words:
            if piece and count_tokens(" ".join([*piece, w])) > budget:
                out.append(" ".join(piece))
                piece = []
            piece.append(w)
        if piece:
            out.append(" ".join(piece))
    return out


def _make_chunk(report: ParsedReport, units: list[_Unit], prefix: str, ordinal: int) -> Chunk:
    md = report.metadata
    text = ""
    pages_at: list[tuple[int, int, int]] = []
    paras_at: list[tuple[int, int | None]] = []
    last_page: tuple[int, int] | None = None
    for u in units:
        if text:
            text += " " if u.continues else PARA_SEP
        base = len(text)
        p = u.para
        # The page at the start of this unit: the last page break before its offset.
        page, pdf = p.page_start, p.pdf_page_start
        for off, pg, pdfpg in p.page_breaks:
            if off <= u.offset:
                page, pdf = pg, pdfpg
        if last_page != (page, pdf):
            pages_at.append((base, page, pdf))
            last_page = (page, pdf)
        for off, pg, pdfpg in p.page_breaks:
            if u.offset < off < u.offset + len(u.text):
                pages_at.append((base + off - u.offset, pg, pdfpg))
                last_page = (pg, pdfpg)
        if not paras_at or paras_at[-1][1] != p.number or not u.continues:
            paras_at.append((base, p.number))
        text += u.text
    first, last = units[0].para, units[-1].para
    numbers = tuple(dict.fromkeys(u.para.number for u in units if u.para.number is not None))
    return Chunk(
        id=f"{report.report_id}:{ordinal:04d}",
        report_id=report.report_id,
        source=report.source,
        ordinal=ordinal,
        text=text,
        embed_text=prefix + text,
        page_start=pages_at[0][1] if pages_at else first.page_start,
        page_end=max(pg for _, pg, _ in pages_at) if pages_at else last.page_end,
        pdf_page_start=pages_at[0][2] if pages_at else first.pdf_page_start,
        pdf_page_end=max(q for _, _, q in pages_at) if pages_at else last.pdf_page_end,
        paragraphs=numbers,
        section=last.section,
        pages_at=tuple(pages_at),
        paras_at=tuple(paras_at),
        title=md.title,
        subject=md.subject,
        inspectorate=md.inspectorate,
        inspection_start=md.inspection_start,
        inspection_end=md.inspection_end,
        published=md.published,
        kind=md.kind,
    )
