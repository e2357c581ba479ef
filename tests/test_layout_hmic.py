"""The HMIC layout on generated police inspection reports."""

from __future__ import annotations

from conftest import Block, PdfSpec, wrap
from kind_docs import PEEL
from layout_samples import LayoutSample, sample_pages

from ingest.layouts import hmic
from ingest.layouts.text import read_pages

LAYOUT_KEY = "hmic"

_EFFECTIVE = "How effective is the force at keeping people safe and reducing crime?"
_EFFICIENT = "How efficient is the force at keeping people safe and reducing crime?"
_BODY = (
    "The force understands the threats its communities face and works well with partner "
    "organisations to keep vulnerable people safe."
)


def _peel(inspectorate: str, grades: tuple[str, str], points: list[str]) -> PdfSpec:
    return PdfSpec(
        header="PEEL: Police effectiveness and efficiency, Sampleshire Police",
        footer=f"{inspectorate}, 2016",
        first_printed=1,
        cover=[
            ("PEEL: Police effectiveness 2016", 20, True),
            ("An inspection of Sampleshire Police", 14, False),
            (inspectorate, 11, False),
        ],
        pages=[
            [
                Block("p", [_EFFECTIVE]),
                Block("p", [grades[0]]),
                Block("p", [_EFFICIENT]),
                Block("p", [grades[1]]),
                Block("p", wrap(_BODY)),
            ],
            [
                Block("h", ["Areas for improvement"]),
                *[Block("b", wrap(p, 70)) for p in points],
                Block("h", ["Summary"]),
                Block("p", wrap(_BODY)),
            ],
        ],
    )


_POINTS = ["The force should improve how it records crimes reported to it."]

CHILD_PROTECTION = PdfSpec(
    header="Sampleshire Police: National child protection inspection",
    footer="HM Inspectorate of Constabulary, 2015",
    first_printed=1,
    cover=[
        ("Sampleshire Police", 20, True),
        ("National child protection inspection", 14, False),
        ("HM Inspectorate of Constabulary", 11, False),
    ],
    pages=[
        [
            Block(
                "p",
                wrap(
                    "The force was not adequately protecting children at risk. Good work "
                    "was seen in places, but officers did not always recognise the signs of "
                    "exploitation."
                ),
            )
        ]
    ],
)

SAMPLES = [
    LayoutSample(
        "peel-2016",
        _peel("HM Inspectorate of Constabulary", ("Good", "Requires improvement"), _POINTS),
        grades={"effectiveness": "good", "efficiency": "requires_improvement"},
        improvements=_POINTS,
    ),
    LayoutSample(
        "peel-hmicfrs-adequate",
        _peel("HMICFRS", ("Adequate", "Good"), _POINTS),
        grades={"effectiveness": None, "efficiency": "good"},
    ),
    LayoutSample(
        "peel-2023-areas",
        PEEL,
        grades={
            "rated_preventing_crime": "good",
            "rated_investigating_crime": None,
            "rated_responding_to_the_public": "requires_improvement",
            "rated_building_and_developing_its_workforce": "outstanding",
        },
        improvements=["The force should make sure it answers emergency calls within ten seconds."],
    ),
    LayoutSample(
        "peel-2023-table",
        PdfSpec(
            header="PEEL 2023–2025: An inspection of Sampleshire Constabulary",
            footer="HMICFRS",
            first_printed=1,
            cover=[
                ("PEEL 2023–2025", 22, True),
                ("An inspection of Sampleshire Constabulary", 16, False),
                ("HMICFRS", 11, False),
            ],
            pages=[
                [
                    Block("h", ["Our judgements"]),
                    Block("p", ["Preventing crime: Good"]),
                    Block("p", ["Investigating crime"]),
                    Block("p", ["Inadequate"]),
                    Block("p", wrap(_BODY)),
                ]
            ],
        ),
        grades={"rated_preventing_crime": "good", "rated_investigating_crime": "inadequate"},
    ),
    LayoutSample(
        "child-protection",
        CHILD_PROTECTION,
        grades={},
        notes={"overall": "not graded"},
    ),
]


def test_adequate_is_kept_as_printed_without_a_normalised_grade(tmp_path):
    cat = hmic.extract(read_pages(sample_pages(SAMPLES[1], tmp_path)))
    eff = cat.get("effectiveness")
    assert (eff.grade, eff.grade_key) == ("Adequate", None)
    assert hmic.hmic_grade("Requires improvement") == "requires_improvement"
