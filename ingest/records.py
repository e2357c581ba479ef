"""Typed records that leave the ingest package: a parsed report, its paragraphs, its chunks.

Provenance is data: every paragraph and chunk carries its page span (printed page numbers used
in citations, and the PDF page index used to open the file), paragraph number and section.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date

PARSER_VERSION = "5"
"""Bump when parsing or chunking changes output: reports are then re-read on the next ingest."""


def report_id_for(sha256: str) -> str:
    """The stable id of a report: its bytes and the parser version (same bytes, same id)."""
    return hashlib.sha256(f"{sha256}:{PARSER_VERSION}".encode()).hexdigest()[:16]


@dataclass(frozen=True)
class Paragraph:
    """One paragraph of a report, re-flowed from its lines, text verbatim.

    Attributes:
        text: The paragraph's words as printed (line breaks re-flowed, line-end hyphens rejoined).
        page_start: Printed page number where it starts (the PDF index when none is printed).
        page_end: Printed page number where it ends.
        pdf_page_start: 1-based page index in the file where it starts.
        pdf_page_end: 1-based page index in the file where it ends.
        number: The report's own paragraph number ("9." gives 9), if any.
        section: The heading the paragraph sits under, if any.
        is_heading: True for a heading line.
        page_breaks: (char offset, printed page, pdf page) where a later page starts in the text.
    """

    text: str
    page_start: int
    page_end: int
    pdf_page_start: int
    pdf_page_end: int
    number: int | None = None
    section: str | None = None
    is_heading: bool = False
    page_breaks: tuple[tuple[int, int, int], ...] = ()


@dataclass(frozen=True)
class Judgement:
    """A graded judgement as the report states it.

    Attributes:
        judgement: The judgement's name as the report words it.
        grade: The grade as the report words it.
        page: Printed page number where it is stated.
        quote: Verbatim text of the report that states it.
        key: A normalised key ("overall", "help_and_protection", ...), or None.
        grade_key: A normalised grade ("outstanding", "good", "requires_improvement", "inadequate").
    """

    judgement: str
    grade: str
    page: int
    quote: str
    key: str | None = None
    grade_key: str | None = None


@dataclass
class ReportMetadata:
    """What a report says about itself. Unknown values are None, never guessed.

    ``kind`` is what sort of report it is, in lower case ("inspection", "focused visit", "area
    SEND inspection", "PEEL assessment", or a kind its title names); ``inspectorates`` every
    inspectorate named as an author (a joint inspection names several), ``inspectorate`` the
    lead one.
    """

    title: str | None = None
    inspectorate: str | None = None  # "Ofsted", "HMICFRS", "HMIC", "other"
    report_type: str | None = None
    kind: str | None = None
    inspectorates: list[str] = field(default_factory=list)
    framework: str | None = None
    subject: str | None = None
    inspection_start: date | None = None
    inspection_end: date | None = None
    published: date | None = None
    lead_inspector: str | None = None
    notes: dict[str, str] = field(default_factory=dict)


@dataclass
class ParsedReport:
    """A report after parsing: its paragraphs in reading order and its metadata.

    Attributes:
        source: Path relative to the ingest root, with forward slashes.
        sha256: Hash of the file's bytes.
        file_type: "pdf", "html", "text", "markdown" or "docx".
        pages: Number of pages (1 for a file without pages).
        page_labels: Printed page number for each PDF page index (index 1 first); None where absent.
        paragraphs: The paragraphs in reading order, headings included.
        metadata: Title, inspectorate, subject, dates and so on.
        judgements: Graded judgements, where the report states them.
        improvements: The "what needs to improve" points or recommendations, verbatim.
        warnings: Things worth knowing about the parse (e.g. pages that were OCRed).
    """

    source: str
    sha256: str
    file_type: str
    pages: int
    page_labels: list[int | None]
    paragraphs: list[Paragraph]
    metadata: ReportMetadata
    judgements: list[Judgement] = field(default_factory=list)
    improvements: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def report_id(self) -> str:
        """A stable id: the same bytes (and parser version) always give the same id."""
        return report_id_for(self.sha256)

    def page_texts(self) -> dict[int, str]:
        """The re-flowed text of each printed page, for page-level checks and extraction."""
        out: dict[int, list[str]] = {}
        for p in self.paragraphs:
            out.setdefault(p.page_start, []).append(p.text)
        return {k: "\n".join(v) for k, v in out.items()}


@dataclass(frozen=True)
class PageAt:
    """Where a character of a passage stands in its file.

    Attributes:
        page: The printed page number (0 for unnumbered front matter).
        pdf_page: The PDF page (1-based), or the page the text format counts.
    """

    page: int
    pdf_page: int


@dataclass(frozen=True)
class Chunk:
    """A passage to index: whole sentences of one or more paragraphs of one section.

    Attributes:
        id: Stable id, ``<report_id>:<ordinal>``.
        report_id: Id of the report it belongs to.
        source: Path relative to the ingest root.
        ordinal: Position of the chunk in the report.
        text: Verbatim text (paragraphs separated by a blank line).
        embed_text: Text given to the embedding model (context prefix + text).
        page_start: Printed page where it starts.
        page_end: Printed page where it ends.
        pdf_page_start: 1-based file page index where it starts.
        pdf_page_end: 1-based file page index where it ends.
        paragraphs: The report's paragraph numbers the chunk covers.
        section: Heading of the section the chunk sits in.
        pages_at: (char offset, printed page, pdf page) from each offset on: where a quote at
            an offset stands.
        paras_at: (char offset, paragraph number) from each offset on.
        title, subject, inspectorate, kind: Report metadata copied for filtering and display.
        inspection_start, inspection_end, published: Report dates.
        url: The public link of its report, from the report's provenance (not stored with the
            chunk: filled in when chunks are read, so a link learnt later reaches old chunks).
    """

    id: str
    report_id: str
    source: str
    ordinal: int
    text: str
    embed_text: str
    page_start: int
    page_end: int
    pdf_page_start: int
    pdf_page_end: int
    paragraphs: tuple[int, ...] = ()
    section: str | None = None
    pages_at: tuple[tuple[int, int, int], ...] = ()
    paras_at: tuple[tuple[int, int | None], ...] = ()
    title: str | None = None
    subject: str | None = None
    inspectorate: str | None = None
    inspection_start: date | None = None
    inspection_end: date | None = None
    published: date | None = None
    url: str | None = None
    kind: str | None = None

    def page_at(self, offset: int) -> PageAt:
        """Printed page and pdf page of the character at ``offset`` of ``text``."""
        page, pdf = self.page_start, self.pdf_page_start
        for start, p, q in self.pages_at:
            if start > offset:
                break
            page, pdf = p, q
        return PageAt(page, pdf)

    def paragraph_at(self, offset: int) -> int | None:
        """The report's paragraph number at ``offset`` of ``text``, if numbered."""
        number = None
        for start, n in self.paras_at:
            if start > offset:
                break
            number = n
        return number
