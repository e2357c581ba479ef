"""Quotes for a press officer: one to three whole sentences, ranked, each a verified citation.

The quotes are different words, not one quote inside another, and spread over the reports'
pages and paragraphs before a second comes from the same one. A press release is cited by its
publication date (it has no pages and no inspection dates of its own).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import replace
from datetime import date

from assistant.answer import Sentence, sentences_of
from assistant.kinds import kind_of
from assistant.records import Citation, Quote
from assistant.rerank import tokenize
from assistant.verify import make_citation, press_release_line
from vectorstore.records import ReportRecord

PER_PLACE = 1  # quotes from one page (or one paragraph) before the others have had a turn


def press_release_dates(records: Iterable[ReportRecord]) -> dict[str, date | None]:
    """report_id -> publication date of the press releases among the records."""
    return {
        r.report_id: r.published or r.inspection_start
        for r in records
        if r.report_id and kind_of(r) == "press release"
    }


def literal_matches(cands: list[Sentence], terms: set[str]) -> list[Sentence]:
    """The candidates that hold every content word of the topic (stemmed, as the keyword
    index matches them): a topic of one or two words is found by its words even where the
    sentence as a whole is not similar enough to it ("leadership" in "his leadership team")."""
    if not terms:
        return []
    return [s for s in cands if terms <= set(tokenize(s.text))]


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip().lower()


def _place(s: Sentence) -> tuple[tuple[str, int], tuple[str, int | None]]:
    ch = s.hit.chunk
    pdf_page = ch.page_at(s.offset).pdf_page
    para = ch.paragraph_at(s.offset)
    return (ch.report_id, pdf_page), (ch.report_id, para if para is not None else -s.offset)


def _press_line(c: Citation, published: date | None) -> Citation:
    line = press_release_line(c.quote, c.inspectorate, c.title or c.source, published, c.url)
    return replace(c, line=line)


def quotes_from(
    cands: list[Sentence], k: int, press_releases: Mapping[str, date | None] | None = None
) -> list[Quote]:
    """The k best candidate sentences as quotes (a short sentence keeps its neighbour).

    Args:
        cands: Scored sentences, best first.
        k: How many quotes.
        press_releases: report_id -> publication date of the press releases (cited by date).
    """
    releases = press_releases or {}
    chosen: list[tuple[Sentence, str, int]] = []
    texts: list[str] = []
    pages: dict[tuple[str, int], int] = {}
    paras: dict[tuple[str, int | None], int] = {}

    def take(s: Sentence, spread: bool) -> bool:
        text, offset = _extend_quote(s)
        n = _norm(text)
        if any(n in t or t in n for t in texts):
            return False
        page, para = _place(s)
        if spread and (pages.get(page, 0) >= PER_PLACE or paras.get(para, 0) >= PER_PLACE):
            return False
        chosen.append((s, text, offset))
        texts.append(n)
        pages[page] = pages.get(page, 0) + 1
        paras[para] = paras.get(para, 0) + 1
        return True

    rest: list[Sentence] = []
    for s in cands:
        if len(chosen) >= k:
            break
        if not take(s, spread=True):
            rest.append(s)
    for s in rest:
        if len(chosen) >= k:
            break
        take(s, spread=False)
    quotes: list[Quote] = []
    for rank, (s, text, offset) in enumerate(chosen[:k], 1):
        cit = make_citation(rank, s.hit.chunk, text, offset)
        if cit.report_id in releases:
            cit = _press_line(cit, releases[cit.report_id])
        quotes.append(Quote(rank=rank, citation=cit, score=round(s.score, 4)))
    return quotes


def _extend_quote(s: Sentence) -> tuple[str, int]:
    """A quote of one to three whole sentences: the sentence, plus its neighbour when short."""
    text = s.hit.chunk.text
    if len(s.text.split()) >= 18:
        return s.text, s.offset
    sents = sentences_of(s.hit, min_words=1, max_words=200)
    for i, other in enumerate(sents):
        if other.offset == s.offset and i + 1 < len(sents):
            nxt = sents[i + 1]
            between = text[s.offset + len(s.text) : nxt.offset]
            if between == " ":
                return text[s.offset : nxt.offset + len(nxt.text)], s.offset
    return s.text, s.offset
