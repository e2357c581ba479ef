"""Verbatim quotes in stored chunks, and the numbered citations of one catalogue answer.

Every grade or point an answer states is cited with a quote that is verbatim in a stored chunk
of its report (``make_citation`` checks it); a quote no chunk holds gets no citation, and the
answer leaves its item out rather than showing it unverified.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from assistant.records import Citation
from assistant.verify import QuoteNotVerbatimError, make_citation
from ingest.chunking import sentence_spans
from ingest.judgements import collapse_ws, grade_key
from ingest.records import Chunk, Judgement


def find_verbatim(text: str, quote: str) -> tuple[int, int] | None:
    """Where a quote stands in a text once whitespace is collapsed in both.

    Args:
        text: A chunk's verbatim text.
        quote: The quote (whitespace may differ: a line break for a space).

    Returns:
        ``(start, end)`` of the exact original substring of ``text``, or None.
    """
    q = collapse_ws(quote)
    if not q:
        return None
    at = text.find(q)
    if at >= 0:
        return at, at + len(q)
    norm: list[str] = []
    pos: list[int] = []
    in_ws = False
    for i, ch in enumerate(text):
        if ch.isspace():
            if not in_ws and norm:
                norm.append(" ")
                pos.append(i)
            in_ws = True
            continue
        in_ws = False
        norm.append(ch)
        pos.append(i)
    at = "".join(norm).find(q)
    if at < 0:
        return None
    return pos[at], pos[at + len(q) - 1] + 1


_ANY_GRADE = (
    r"(?P<g>grade\s*[1-4]\s*\(\s*(?:outstanding|good|adequate|inadequate)\s*\)|"
    r"requires?\s+improvement(?:\s+to\s+be\s+good)?|outstanding|inadequate|adequate|good)"
)
_STATEMENT_END = r"(?=\s*$|\s*[.;:\n]|\s+[^a-z\s])"


def _statement_regexes(judgement: str) -> list[re.Pattern[str]]:
    """Other ways a report states a judgement's grade: a heading or table row ("... care
    leavers: good") or a SIF sentence ("The graded judgement for ... is requires improvement")."""
    label = collapse_ws(judgement)
    label = re.sub(r"^\d(?:\.\d)?\.?\s*", "", label)
    label = re.sub(r"^the\s+", "", label, flags=re.I)
    if len(label) < 8:
        return []
    flex = r"\s+".join(re.escape(w) for w in label.split())
    return [
        re.compile(
            rf"(?:\d(?:\.\d)?\.?\s*)?(?:the\s+)?{flex}\s*:?\s*{_ANY_GRADE}{_STATEMENT_END}", re.I
        ),
        re.compile(
            rf"the\s+graded\s+judgement\s+(?:for|about)\s+(?:the\s+)?{flex}\s+"
            rf"(?:is\s+that\s+(?:it|they)\s+)?(?:is\s+|are\s+)?{_ANY_GRADE}\b",
            re.I,
        ),
    ]


@dataclass(frozen=True)
class Located:
    """Where a quote stands in a stored chunk.

    Attributes:
        chunk: The chunk holding it.
        exact: The chunk's own words for the quote (its whitespace may differ).
        offset: Where ``exact`` starts in the chunk's text.
    """

    chunk: Chunk
    exact: str
    offset: int


# The report's own sentence comparing with its last inspection.
_SINCE_LAST = re.compile(
    r"\b(?:since|at|from|in)\s+the\s+(?:last|previous|(?:19|20)\d\d)\s+(?:ofsted\s+)?"
    r"(?:full\s+)?(?:re-?)?inspection\b|\bas\s+was\s+the\s+case\b",
    re.I,
)
_GRADE_OR_CHANGE = re.compile(
    r"\b(?:inadequate|outstanding|good|requires?\s+improvement|improv\w*|declin\w*|"
    r"deteriorat\w*|sustain\w*|maintain\w*|better|worse|strengthen\w*|weaken\w*)\b",
    re.I,
)


class Cites:
    """Builds numbered, verified citations for one answer.

    Args:
        chunks_of: A report id -> the report's stored chunks in reading order.
    """

    def __init__(self, chunks_of: Callable[[str], list[Chunk]]) -> None:
        self._chunks_of = chunks_of
        self.citations: list[Citation] = []
        self._chunks: dict[str, list[Chunk]] = {}

    def chunks(self, report_id: str) -> list[Chunk]:
        """A report's stored chunks (read once per answer)."""
        if report_id not in self._chunks:
            self._chunks[report_id] = self._chunks_of(report_id)
        return self._chunks[report_id]

    def locate(self, report_id: str, quote: str, page: int | None = None) -> Located | None:
        """The chunk holding a quote (on ``page`` when given) and the exact words there."""
        fallback = None
        for ch in self.chunks(report_id):
            if page is not None and not (ch.page_start <= page <= ch.page_end):
                continue
            span = find_verbatim(ch.text, quote)
            if span is None:
                continue
            start, end = span
            found = Located(ch, ch.text[start:end], start)
            if page is None or ch.page_at(start).page == page:
                return found
            fallback = fallback or found
        return fallback

    def cite_judgement(self, report_id: str, j: Judgement) -> int | None:
        """Cite a judgement: its own quote on its page, else another verbatim statement of the
        same judgement and grade in the report (a table row split between two chunks).

        Returns:
            The citation's marker number, or None when no chunk states the grade verbatim.
        """
        n = self.cite(report_id, j.quote, j.page)
        if n is not None or not j.grade_key:
            return n
        for rx in _statement_regexes(j.judgement):
            for ch in self.chunks(report_id):
                for m in rx.finditer(ch.text):
                    if grade_key(m.group("g")) != j.grade_key:
                        continue
                    try:
                        c = make_citation(len(self.citations) + 1, ch, m.group(0), m.start())
                    except QuoteNotVerbatimError:
                        continue
                    self.citations.append(c)
                    return c.n
        return None

    def comparison(self, report_id: str, lead_pages: int = 2) -> tuple[str, int] | None:
        """The report's own sentence weighing its grade against the last inspection ("…
        have improved since the last inspection in 2017, when they were judged inadequate."),
        from its first pages, cited: ``(sentence, citation number)``, or None."""
        for ch in self.chunks(report_id):
            if ch.pdf_page_start > lead_pages:
                continue
            for a, b in sentence_spans(ch.text):
                text = ch.text[a:b]
                if _SINCE_LAST.search(text) and _GRADE_OR_CHANGE.search(text):
                    n = self.cite(report_id, text)
                    if n is not None:
                        return " ".join(text.split()), n
        return None

    def cite(
        self, report_id: str, quote: str, page: int | None = None, one_paragraph: bool = False
    ) -> int | None:
        """Add a citation for a quote; its marker number, or None when no chunk holds it.

        With ``one_paragraph`` the quote ends at its first paragraph break: a list's points
        are separate paragraphs whose bullet marks the stored text leaves out, so a quote that
        ran over them would not be verbatim in the file.
        """
        got = self.locate(report_id, quote, page)
        if got is None:
            return None
        exact = got.exact.split("\n\n", 1)[0].rstrip() if one_paragraph else got.exact
        try:
            c = make_citation(len(self.citations) + 1, got.chunk, exact, got.offset)
        except QuoteNotVerbatimError:
            return None
        self.citations.append(c)
        return c.n


__all__ = ["Cites", "Located", "find_verbatim"]
