"""The generic layout on reports of inspectorates no other layout knows."""

from __future__ import annotations

from kind_docs import (
    DECLARED_SCALE,
    NEVER_SEEN,
    NO_SCALE,
    PROBATION,
    WEXLEY_CONCLUSION,
)
from layout_samples import LayoutSample, sample_pages

from ingest.layouts import detect_layout, generic
from ingest.layouts.scales import declared_scale, scale_words
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
    # Grades in the scale the report declares; no normalised grade on Ofsted's scale.
    LayoutSample(
        "declared-scale",
        DECLARED_SCALE,
        grades={"overall": None, "rated_help_and_protection": None, "rated_children_in_care": None},
    ),
    LayoutSample("no-scale", NO_SCALE, grades={}, notes={"overall": "no graded judgement"}),
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


def test_a_declared_scale_grades_in_its_own_words(tmp_path):
    pages = read_pages(sample_pages(SAMPLES[2], tmp_path))
    cat = generic.extract(pages)
    assert declared_scale(pages) == (
        "exceptional",
        "strong",
        "expected standard",
        "needs attention",
    )
    grades = {j.key: j.grade for j in cat.judgements}
    assert grades == {
        "overall": "Strong",
        "rated_help_and_protection": "Expected standard",
        "rated_children_in_care": "Needs attention",
    }
    assert cat.overall.judgement == "Overall effectiveness"


def test_words_outside_every_scale_are_no_rating(tmp_path):
    pages = read_pages(sample_pages(SAMPLES[3], tmp_path))
    assert "strong" not in scale_words(pages)
    assert not generic.extract(pages).judgements


def test_scales_declared_in_other_words_and_known_scales_in_use():
    def pages(*texts):
        return read_pages(list(enumerate(texts, start=1)))

    assert declared_scale(pages("The possible judgements are: secure, developing or fragile.")) == (
        "secure",
        "developing",
        "fragile",
    )
    assert declared_scale(pages("Services are rated using four grades: A, B, C and D.")) == ()
    assert declared_scale(pages("We found that grades are rising across the area.")) == ()
    letter = pages(
        "Assurance visit to Brent children's services",
        "Overall judgement: Partially assured\nWe are not assured that children are seen quickly.",
    )
    cat = generic.extract(letter)
    assert [(j.key, j.grade, j.page) for j in cat.judgements] == [
        ("overall", "Partially assured", 2)
    ]


def test_healthy_prison_test_words_are_read_where_a_report_uses_them():
    pages = read_pages(
        [
            (1, "Inspection of HMP Northland"),
            (2, "Safety: Reasonably good\nRespect: Not sufficiently good"),
        ]
    )
    grades = {j.key: j.grade for j in generic.extract(pages).judgements}
    assert grades == {"rated_safety": "Reasonably good", "rated_respect": "Not sufficiently good"}
