"""The joint layout on generated area SEND and joint targeted area inspections."""

from __future__ import annotations

from kind_docs import JTAI, JTAI_PRIORITIES, SEND_2016, SEND_2024, SEND_IMPROVE, SEND_OUTCOME, WSOA
from layout_samples import LayoutSample, sample_pages

from ingest.layouts import detect_layout, joint
from ingest.layouts.text import read_pages

LAYOUT_KEY = "joint"

SAMPLES = [
    LayoutSample("send-2024", SEND_2024, grades={"overall": None}, improvements=SEND_IMPROVE),
    LayoutSample("send-2016-wsoa", SEND_2016, grades={"overall": None}),
    LayoutSample(
        "jtai",
        JTAI,
        grades={},
        improvements=JTAI_PRIORITIES,
        notes={"overall": "no graded judgement: a joint targeted area inspection"},
    ),
]


def test_the_outcome_is_the_reports_own_sentence_verbatim_with_its_page(tmp_path):
    for sample, sentence in ((SAMPLES[0], SEND_OUTCOME), (SAMPLES[1], WSOA)):
        pages = read_pages(sample_pages(sample, tmp_path))
        assert detect_layout(pages).layout == LAYOUT_KEY
        outcome = joint.extract(pages).overall
        assert (outcome.judgement, outcome.grade, outcome.grade_key) == ("Outcome", sentence, None)
        assert outcome.page == 2  # after the cover page


def test_an_ilacs_report_is_not_claimed(tmp_path):
    from conftest import REPORT_TEXTS, ilacs_pdf

    from ingest.parse import read_page_texts

    (subject, year), words = next(iter(REPORT_TEXTS.items()))
    path = ilacs_pdf(subject, year, words, tmp_path / "ilacs.pdf")
    pages = read_pages(read_page_texts(path, tmp_path, ocr=False))
    assert joint.detect(pages) is None


def test_an_outcome_sentence_wrapped_over_printed_lines_is_read_whole():
    from ingest.layouts.outcomes import read_outcomes
    from ingest.layouts.text import Page

    raw = (
        "Inspection outcome\n"
        "The local area partnership's arrangements lead to inconsistent experiences and\n"
        "outcomes for children and young people with special educational needs and/or\n"
        "disabilities (SEND). The local area partnership must work jointly to improve.\n"
    )
    [c] = read_outcomes([Page(1, raw)])
    assert c.grade == (
        "The local area partnership's arrangements lead to inconsistent experiences and "
        "outcomes for children and young people with special educational needs and/or "
        "disabilities (SEND)."
    )
