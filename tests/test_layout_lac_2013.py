"""The 2012-2013 looked after children services layout on a generated report."""

from __future__ import annotations

from conftest import Block, PdfSpec, wrap
from layout_samples import LayoutSample, sample_pages

from ingest.layouts import lac_2013
from ingest.layouts.text import read_pages

LAYOUT_KEY = "ofsted-lac-2013"

_BODY = (
    "The local authority meets its statutory duties, and most looked after children live in "
    "stable placements close to their families and schools."
)

REPORT = PdfSpec(
    header="Inspection of looked after children services: Sampleton",
    footer="Ofsted, March 2013",
    first_printed=1,
    cover=[
        ("Inspection of looked after children services", 18, True),
        ("Sampleton County Council", 14, False),
        ("Inspection dates: 4 to 15 March 2013", 11, True),
    ],
    pages=[
        [Block("p", wrap(_BODY))],
        [
            Block(
                "h",
                ["Overall effectiveness of services for looked", "after children and young people"],
            ),
            Block("p", ["Grade 3 (adequate)"]),
            Block("n", wrap(_BODY), number=8),
            Block("h", ["Capacity to improve"]),
            Block("p", ["Grade 2 (good)"]),
            Block("n", wrap("Leaders have a clear plan for improvement."), number=11),
            Block("h", ["Areas for improvement"]),
            Block(
                "n",
                wrap(
                    "In order to improve the quality of provision and services for looked "
                    "after children and young people in Sampleton, the local authority should "
                    "take the following action."
                ),
                number=15,
            ),
            Block("p", ["Immediately:"]),
            Block("b", ["Ensure all children have a care plan."]),
            Block("b", ["Ensure reviews are held on time."]),
            Block("h", ["Outcomes for looked after children and young people"]),
            Block("p", ["Grade 3 (adequate)"]),
            Block("n", wrap(_BODY), number=16),
        ],
        [
            Block("h", ["Record of main findings"]),
            Block("p", ["Overall effectiveness"], size=10),
            Block("p", ["Adequate"], size=10),
            Block("p", ["Capacity to improve"], size=10),
            Block("p", ["Good"], size=10),
            Block("p", ["Outcomes for looked after children and young people"], size=10),
            Block("p", ["Adequate"], size=10),
            Block("p", ["Quality of provision"], size=10),
            Block("p", ["Inadequate"], size=10),
            Block("p", ["Leadership and management"], size=10),
            Block("p", ["Adequate"], size=10),
        ],
    ],
)

SAMPLES = [
    LayoutSample(
        "lac-2013",
        REPORT,
        grades={
            "overall": "requires_improvement",
            "capacity_to_improve": "good",
            "outcomes": "requires_improvement",
            "quality_of_provision": "inadequate",
            "leadership": "requires_improvement",
        },
        improvements=["Ensure all children have a care plan.", "Ensure reviews are held on time."],
    )
]


def test_record_of_main_findings_is_the_primary_statement(tmp_path):
    pairs = sample_pages(SAMPLES[0], tmp_path)
    cat = lac_2013.extract(read_pages(pairs))
    last_page = pairs[-1][0]
    assert cat.overall.page == last_page
    assert cat.overall.grade == "Adequate"
