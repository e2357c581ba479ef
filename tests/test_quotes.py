"""Quotes worth pasting: no quote inside another, spread over pages and paragraphs, a press
release cited by its publication date, and a one-word topic found by its word."""

from __future__ import annotations

import pytest
from conftest import index_reports, wrap

from assistant.settings import Settings

RELEASE = """Kent Police press release: child protection inspection published

HM Inspectorate of Constabulary (HMIC) has today published a report on how Kent Police protects children at risk of harm.

HM Inspector of Constabulary said: "I recognise that the Chief Constable and her leadership team want the service to improve, but at the time of our inspection officers did not always recognise the risks children faced."

Inspectors found that referrals from schools were not always shared with social workers on the same day.

Published 4 March 2021.
"""

PAGES = {
    2: [
        "Care leavers in Rutland are supported by personal advisers who know them well and keep "
        "in touch with them.",
        "Care leavers in Rutland are supported by personal advisers who know them well.",
        "Care leavers in Rutland told inspectors that their personal advisers visit them "
        "regularly and help with housing.",
    ],
    3: [
        "Care leavers in Rutland who live in other areas receive the same support with "
        "education, training and work from their advisers.",
    ],
}


def _pdf(path):
    import pymupdf

    doc = pymupdf.open()
    page = doc.new_page(width=595, height=842)
    page.insert_text((72, 140), "Inspection of Rutland local authority", fontsize=24)
    page.insert_text((72, 171), "children's services", fontsize=24)
    page.insert_text((72, 210), "Inspection dates: 3 to 14 May 2021", fontsize=12, fontname="hebo")
    number = 0
    for printed, paragraphs in PAGES.items():
        page = doc.new_page(width=595, height=842)
        page.insert_text((520, 800), str(printed), fontsize=10)
        y = 110.0
        page.insert_text((72, y), "Care leavers", fontsize=14, fontname="hebo")
        y += 26
        for text in paragraphs:
            number += 1
            page.insert_text((72, y), f"{number}.", fontsize=11)
            for line in wrap(text):
                page.insert_text((100, y), line, fontsize=11)
                y += 11 * 1.3
            y += 11 * 0.9
    doc.save(path)
    doc.close()


@pytest.fixture(scope="module")
def quoting(tmp_path_factory, embedder):
    from assistant.core import Assistant

    root = tmp_path_factory.mktemp("quotes")
    reports = root / "reports"
    reports.mkdir()
    (reports / "kent-police-release.txt").write_text(RELEASE, encoding="utf-8")
    _pdf(reports / "rutland-2021.pdf")
    settings, index, _ = index_reports([reports], Settings(index_dir=root / "index"), embedder)
    return Assistant(settings, index=index, embedder=embedder)


def test_one_word_topic_finds_its_word_in_a_press_release(quoting):
    quotes = quoting.quote("leadership", report="kent-police-release.txt")
    assert quotes, "no quote for a word the release holds"
    assert "her leadership team" in quotes[0].citation.quote


def test_press_release_is_cited_by_its_publication_date_not_a_page(quoting):
    [q, *_] = quoting.quote("leadership", report="kent-police-release.txt")
    line = q.citation.line
    assert "press release" in line and ", page " not in line and "page 1" not in line, line
    assert line.startswith("“") and "her leadership team" in line and line.endswith(".")


def test_quotes_are_not_contained_in_each_other_and_spread_over_pages(quoting):
    from assistant.answer import Sentence
    from assistant.quotes import quotes_from
    from vectorstore.records import Hit

    rid = next(r.report_id for r in quoting.reports() if r.source == "rutland-2021.pdf")
    chunks = [c for c in quoting.index.manifest.live_chunks() if c.report_id == rid]
    cands = []
    for texts in PAGES.values():
        for t in texts:
            chunk = next(c for c in chunks if t in c.text)
            cands.append(Sentence(t, chunk.text.index(t), Hit(chunk), score=1.0 - len(cands) / 10))
    quotes = quotes_from(cands, 3)
    got = [" ".join(q.citation.quote.split()) for q in quotes]
    assert len(got) == 3
    assert all(a == b or (a not in b and b not in a) for a in got for b in got), got
    assert got[0] == PAGES[2][0]
    assert got[1] == PAGES[3][0]  # another page before a second quote from page 2
    assert [q.citation.page for q in quotes] == [2, 3, 2]
    assert [q.rank for q in quotes] == [1, 2, 3]
