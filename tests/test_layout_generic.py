"""The generic layout on reports of inspectorates no other layout knows."""

from __future__ import annotations

from kind_docs import NEVER_SEEN, PROBATION, WEXLEY_CONCLUSION
from layout_samples import LayoutSample, sample_pages

from ingest.layouts import detect_layout, generic
from ingest.layouts.text import read_pages

LAYOUT_KEY = "generic"

SAMPLES = [
    LayoutSample(
        "probation-rating",
        PROBATION,
        grades={
            "overall": "good",
            "rated_governance_and_leadership": "good",
            "rated_staff": "outstanding",
        },
    ),
    LayoutSample(
        "never-seen", NEVER_SEEN, grades={"overall": None}, notes={"framework": "no known"}
    ),
]


def test_a_made_up_inspectorates_conclusion_is_its_outcome(tmp_path):
    pages = read_pages(sample_pages(SAMPLES[1], tmp_path))
    assert detect_layout(pages).layout == LAYOUT_KEY
    cat = generic.extract(pages)
    assert cat.overall.grade == WEXLEY_CONCLUSION
    assert len(cat.improvements) == 2


def test_a_report_stating_nothing_says_so_plainly():
    pages = read_pages([(1, "A note on the work of the panel\nThe panel met four times.")])
    cat = generic.extract(pages)
    assert not cat.judgements
    assert cat.notes["overall"].startswith("no graded judgement")
