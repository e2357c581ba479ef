"""The ILACS layout (2018+ inspections and the framework's visit letters) on generated reports."""

from __future__ import annotations

from conftest import RI, Block, PdfSpec, graded_heading, graded_ilacs_spec, judgement_table, wrap
from kind_docs import REPORT_CARD
from layout_samples import LayoutSample, sample_pages

from ingest.layouts import ilacs
from ingest.layouts.text import read_pages

LAYOUT_KEY = "ofsted-ilacs"

# 2018-2022: four judgements, children in care and care leavers graded together.
_LABELS_2019 = {
    "impact_of_leaders": "The impact of leaders on social work practice with children and families",
    "help_and_protection": "The experiences and progress of children who need help and protection",
    "children_in_care": "The experiences and progress of children in care and care leavers",
    "overall": "Overall effectiveness",
}
_GRADES_2019 = {
    "impact_of_leaders": "Good",
    "help_and_protection": RI,
    "children_in_care": "Good",
    "overall": "Good",
}
_POINTS_2019 = [
    "The timeliness of strategy meetings for children at risk of harm.",
    "The quality of written plans for children in need of help.",
]


def _table_2019() -> list[Block]:
    table = [Block("p", ["Judgement"], size=9), Block("p", ["Grade"], size=9)]
    for key, label in _LABELS_2019.items():
        table += [Block("p", [label], size=9), Block("p", [_GRADES_2019[key]], size=9)]
    return table


def _heading_2019(key: str) -> Block:
    return Block("h", wrap(f"{_LABELS_2019[key]}: {_GRADES_2019[key].lower()}", 52))


ILACS_2019 = graded_ilacs_spec(
    "Sampleton",
    2019,
    pages=[
        [
            *_table_2019(),
            Block("p", wrap("Leaders in Sampleton have improved services since 2016.")),
        ],
        [
            Block("h", ["What needs to improve in this local authority?"]),
            *[Block("b", wrap(p, 70)) for p in _POINTS_2019],
            _heading_2019("help_and_protection"),
            Block("n", wrap("Most children get help at the right time."), number=1),
        ],
        [
            _heading_2019("children_in_care"),
            Block("n", wrap("Children in care live in stable homes."), number=2),
            _heading_2019("impact_of_leaders"),
            Block("n", wrap("Leaders know their services well."), number=3),
        ],
    ],
)

_GRADES_2023 = {
    "impact_of_leaders": "Inadequate",
    "help_and_protection": RI,
    "children_in_care": RI,
    "care_leavers": "Good",
    "overall": "Inadequate",
}

ILACS_2023 = graded_ilacs_spec(
    "Exampleton",
    2023,
    pages=[
        [
            *judgement_table(_GRADES_2023),
            Block(
                "p",
                wrap(
                    "Children in Exampleton wait too long for help. Leaders have not acted on "
                    "the weaknesses found at the last inspection, and too many social workers "
                    "have left the authority in the past year."
                ),
            ),
        ],
        [
            Block("h", ["What needs to improve?"]),
            Block("b", wrap("The response to children who go missing from home or care.", 70)),
            graded_heading("help_and_protection", _GRADES_2023),
            Block(
                "n",
                wrap(
                    "Referrals are not assessed quickly enough, and children at risk of harm "
                    "are not always seen on the day their needs become known to the authority."
                ),
                number=1,
            ),
            graded_heading("children_in_care", _GRADES_2023),
            Block("n", wrap("Plans for permanence are made too late."), number=2),
        ],
        [
            graded_heading("care_leavers", _GRADES_2023),
            Block("n", wrap("Personal advisers know care leavers well."), number=3),
            graded_heading("impact_of_leaders", _GRADES_2023),
            Block("n", wrap("Leaders did not act on known weaknesses."), number=4),
        ],
    ],
)


def _visit(subject: str, pages: list[list[Block]]) -> PdfSpec:
    return PdfSpec(
        header=f"Focused visit to {subject} children's services",
        footer="Ofsted, October 2021",
        first_printed=1,
        cover=[
            (f"London Borough of {subject}", 18, True),
            (f"Focused visit to {subject} local authority children's services", 12, True),
            ("Inspection dates: 12 to 13 October 2021", 11, True),
            ("Lead inspector: Jo Sample, Her Majesty's Inspector", 11, True),
        ],
        pages=pages,
    )


FOCUSED_VISIT = _visit(
    "Sampleton",
    [
        [
            Block("p", wrap("This letter summarises the findings of the focused visit.")),
            Block("h", ["Headline findings"]),
            Block("p", wrap("Children in need are seen regularly by their social workers.")),
            Block("h", ["What needs to improve in this area of social work practice"]),
            Block("b", wrap("The quality of plans for children in need.", 70)),
            Block("b", wrap("Management oversight of decisions to close cases.", 70)),
            Block("h", ["Main findings"]),
            Block("p", wrap("Social workers know their children well.")),
        ]
    ],
)

PRIORITY_VISIT = _visit(
    "Exampleton",
    [
        [
            Block("p", wrap("This letter summarises the findings of the focused visit.")),
            Block("h", ["Areas for priority action"]),
            Block("b", wrap("The response to children at risk of exploitation.", 70)),
            Block("h", ["Areas for improvement"]),
            Block("b", wrap("The timeliness of return home interviews.", 70)),
            Block("h", ["Findings"]),
            Block("p", wrap("Leaders have not acted quickly enough.")),
        ],
        [
            Block("h", ["Next steps"]),
            Block("p", wrap("The local authority should prepare an action plan.")),
        ],
    ],
)

SAMPLES = [
    LayoutSample(
        "ilacs-2019",
        ILACS_2019,
        grades={
            "impact_of_leaders": "good",
            "help_and_protection": "requires_improvement",
            "children_in_care": "good",
            "overall": "good",
        },
        improvements=_POINTS_2019,
    ),
    LayoutSample(
        "ilacs-2023",
        ILACS_2023,
        grades={
            "impact_of_leaders": "inadequate",
            "help_and_protection": "requires_improvement",
            "children_in_care": "requires_improvement",
            "care_leavers": "good",
            "overall": "inadequate",
        },
        improvements=["The response to children who go missing from home or care."],
    ),
    LayoutSample(
        "focused-visit",
        FOCUSED_VISIT,
        grades={},
        improvements=[
            "The quality of plans for children in need.",
            "Management oversight of decisions to close cases.",
        ],
        notes={"overall": "not graded"},
    ),
    LayoutSample(
        "priority-action-visit",
        PRIORITY_VISIT,
        grades={},
        improvements=[
            "The response to children at risk of exploitation.",
            "The timeliness of return home interviews.",
        ],
        notes={"overall": "not graded"},
    ),
    # A later framework's report card under the ILACS title, in Ofsted's renewed words.
    LayoutSample(
        "report-card",
        REPORT_CARD,
        grades={
            "rated_leadership": None,
            "rated_help_and_protection": None,
            "rated_care_leavers": None,
        },
    ),
]


def test_table_is_primary_and_headings_confirm_it(tmp_path):
    pairs = sample_pages(SAMPLES[0], tmp_path)
    cat = ilacs.extract(read_pages(pairs))
    first_page = pairs[0][0]
    assert all(j.page == first_page for j in cat.judgements)
    assert cat.get("help_and_protection").grade == RI
    assert "care_leavers" not in {j.key for j in cat.judgements}


def test_a_heading_contradicting_the_table_drops_the_judgement(tmp_path):
    grades = dict(_GRADES_2023, help_and_protection="Good")
    spec = graded_ilacs_spec(
        "Contraton",
        2023,
        pages=[
            judgement_table(_GRADES_2023),
            [graded_heading("help_and_protection", grades), Block("p", ["Text."])],
        ],
    )
    sample = LayoutSample("contradiction", spec, grades={})
    cat = ilacs.extract(read_pages(sample_pages(sample, tmp_path)))
    assert cat.get("help_and_protection") is None
    assert "conflicting" in cat.notes["help_and_protection"]
    assert cat.overall.grade_key == "inadequate"


def test_a_report_card_is_read_in_its_own_words(tmp_path):
    pages = read_pages(sample_pages(SAMPLES[-1], tmp_path))
    grades = {j.key: j.grade for j in ilacs.extract(pages).judgements}
    assert grades == {
        "rated_leadership": "Strong standard",
        "rated_help_and_protection": "Expected standard",
        "rated_care_leavers": "Needs attention",
    }
