"""The LSCB review published on its own, on a generated review."""

from __future__ import annotations

from conftest import Block, PdfSpec, wrap
from layout_samples import LayoutSample, sample_pages

from ingest.layouts import sif
from ingest.layouts.text import read_pages

LAYOUT_KEY = "ofsted-lscb-review"

_POINTS = [
    "Ensure that the board evaluates the impact of its training (paragraph 12).",
    "Strengthen the board's oversight of early help (paragraph 15).",
]

REVIEW = PdfSpec(
    header="Review of the Sampleton Safeguarding Children Board",
    footer="Ofsted, June 2015",
    first_printed=1,
    cover=[
        ("Sampleton Safeguarding Children Board", 18, True),
        ("Review of the effectiveness of the Local Safeguarding Children Board", 11, False),
        ("Inspection date: 1 June 2015 to 3 June 2015", 11, True),
    ],
    pages=[
        [
            Block("p", ["The Local Safeguarding Children Board requires improvement"], size=12),
            Block(
                "p",
                wrap(
                    "The arrangements in place to evaluate the effectiveness of what is done "
                    "by the authority and board partners require improvement."
                ),
            ),
        ],
        [
            Block("h", ["Recommendations"]),
            *[Block("n", wrap(p), number=i) for i, p in enumerate(_POINTS, start=1)],
            Block("h", ["Inspection findings"]),
            Block("p", wrap("The board is chaired by an experienced independent chair.")),
        ],
        [Block("p", wrap("Partners attend board meetings and share their data."))],
        [Block("p", wrap("The board's annual report is published on time."))],
    ],
)

SAMPLES = [
    LayoutSample(
        "lscb-review-2015",
        REVIEW,
        grades={"lscb": "requires_improvement"},
        improvements=_POINTS,
        notes={"overall": "LSCB review only", "help_and_protection": "not graded"},
    )
]


def test_the_sif_layout_claims_it_too_but_less_confidently(tmp_path):
    pages = read_pages(sample_pages(SAMPLES[0], tmp_path))
    assert sif.detect(pages) is not None
    assert sif.detect(pages).confidence < 0.85
