"""Ofsted documents of no known layout, on a generated 2012-style report: nothing is read."""

from __future__ import annotations

from conftest import Block, PdfSpec, wrap
from layout_samples import LayoutSample

LAYOUT_KEY = "ofsted-other"

SAFEGUARDING_2012 = PdfSpec(
    header="Inspection of safeguarding and looked after children services: Sampleton",
    footer="Ofsted, 2012",
    first_printed=1,
    cover=[
        ("Ofsted", 12, True),
        ("Inspection of safeguarding and looked after children services", 14, True),
        ("Sampleton", 14, False),
        ("Inspection dates: 7 to 18 May 2012", 11, True),
    ],
    pages=[
        [
            Block("h", ["Overall effectiveness"]),
            Block("p", ["Good"]),
            Block("h", ["Areas for improvement"]),
            Block("b", wrap("Ensure that every child has an up to date plan.", 70)),
            Block("p", wrap("Services are good and improving, and leaders know them well.")),
        ]
    ],
)

SAMPLES = [
    LayoutSample(
        "safeguarding-2012",
        SAFEGUARDING_2012,
        grades={},
        improvements=[],
        notes={"framework": "no known inspection layout"},
    )
]
