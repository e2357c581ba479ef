"""The SIF layout (2013-2017 single inspection framework) on generated reports."""

from __future__ import annotations

from conftest import Block, PdfSpec, wrap
from layout_samples import LayoutSample, sample_pages

from ingest.layouts import sif
from ingest.layouts.text import read_pages

LAYOUT_KEY = "ofsted-sif"

_BODY = (
    "Too many children wait too long for help because referrals are not assessed quickly "
    "enough, and managers do not always check that plans are carried out."
)


def _sif(title: list[str], overall: str, rows: list[tuple[str, str]], pages) -> PdfSpec:
    table = []
    for label, grade in rows:
        table += [Block("p", [label], size=10), Block("p", [grade], size=10)]
    return PdfSpec(
        header="Sampleton Borough Council inspection report",
        footer="Ofsted, 2016",
        first_printed=1,
        cover=[
            ("Sampleton Borough Council", 20, True),
            *[(line, 12, False) for line in title],
            ("Inspection date: 1 February 2016 to 24 February 2016", 11, True),
            ("Report published: 20 April 2016", 11, True),
        ],
        pages=[[Block("p", [overall], size=12), *table], *pages],
    )


_ROWS = [
    ("1. Children who need help and protection", "Requires improvement"),
    ("2. Children looked after and achieving permanence", "Good"),
    ("2.1 Adoption performance", "Good"),
    ("2.2 Experiences and progress of care leavers", "Outstanding"),
    ("3. Leadership, management and governance", "Requires improvement"),
]
_RECOMMENDATIONS = [
    "Ensure that strategy discussions include all relevant agencies (paragraph 21).",
    "Improve the quality of plans so that they are specific and measurable (paragraph 30).",
]

COMBINED = _sif(
    [
        "Inspection of services for children in need of help and",
        "protection, children looked after and care leavers",
        "and",
        "Review of the effectiveness of the Local Safeguarding Children",
        "Board",
    ],
    "Children's services in Sampleton require improvement to be good",
    _ROWS,
    [
        [
            Block("h", ["Recommendations"]),
            *[Block("n", wrap(r), number=i) for i, r in enumerate(_RECOMMENDATIONS, start=1)],
            Block("h", ["Summary for children and young people"]),
            Block("p", wrap(_BODY)),
        ],
        [
            Block("h", ["The Local Safeguarding Children Board (LSCB)"]),
            Block("p", ["The effectiveness of the LSCB is good."]),
            Block("p", wrap(_BODY)),
        ],
    ],
)

REINSPECTION = _sif(
    [
        "Re-inspection of services for children in need of help and",
        "protection, children looked after and care leavers",
    ],
    "Children's services in Sampleton are good",
    [(label, "Good") for label, _ in _ROWS],
    [[Block("h", ["Summary of findings"]), Block("p", wrap(_BODY))]],
)

SAMPLES = [
    LayoutSample(
        "sif-2016-with-lscb",
        COMBINED,
        grades={
            "overall": "requires_improvement",
            "help_and_protection": "requires_improvement",
            "children_in_care": "good",
            "adoption": "good",
            "care_leavers": "outstanding",
            "leadership": "requires_improvement",
            "lscb": "good",
        },
        improvements=_RECOMMENDATIONS,
    ),
    LayoutSample(
        "sif-reinspection",
        REINSPECTION,
        grades={
            "overall": "good",
            "help_and_protection": "good",
            "children_in_care": "good",
            "adoption": "good",
            "care_leavers": "good",
            "leadership": "good",
        },
        notes={"lscb": "re-inspection", "improvements": "no 'What needs to improve'"},
    ),
]


def test_overall_statement_is_quoted_from_the_front_page(tmp_path):
    pairs = sample_pages(SAMPLES[0], tmp_path)
    cat = sif.extract(read_pages(pairs))
    assert cat.overall.quote == "Children's services in Sampleton require improvement to be good"
    assert cat.overall.page == pairs[0][0]
    assert cat.get("lscb").page == pairs[-1][0]
