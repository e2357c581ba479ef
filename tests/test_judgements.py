"""Tests for ingest.judgements: synthetic pages in each layout, then hand-verified real reports."""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path

import pytest

from ingest.judgements import (
    Catalogue,
    collapse_ws,
    detect_framework,
    extract_catalogue,
    grade_key,
    is_verbatim,
)
from ingest.parse import read_page_texts

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"
VERIFIED = Path(__file__).resolve().parent / "data" / "judgements_verified.json"


def assert_quotes_verbatim(cat: Catalogue, pages) -> None:
    """Every judgement's quote is on the page it names, once whitespace is collapsed."""
    by_page: dict[int, list[str]] = defaultdict(list)
    for number, text in pages:
        by_page[number].append(text)
    for j in cat.judgements:
        assert any(is_verbatim(j.quote, t) for t in by_page[j.page]), (j, by_page[j.page])
        if cat.framework != "hmic":
            assert j.grade_key == grade_key(j.grade)
        assert collapse_ws(j.grade).lower() in collapse_ws(j.quote).lower()


def grades(cat: Catalogue) -> dict[str, str]:
    return {j.key: j.grade_key for j in cat.judgements}


def as_paragraphs(pages):
    """The same pages with each paragraph on one line (what the real parser gives)."""
    out = []
    for number, text in pages:
        paras, cur = [], []
        for line in text.splitlines():
            if not line.strip():
                if cur:
                    paras.append(" ".join(cur))
                    cur = []
            else:
                cur.append(line.strip())
        if cur:
            paras.append(" ".join(cur))
        out.append((number, "\n".join(paras)))
    return out


# ---------------------------------------------------------------------------------------------
# Helpers
# ---------------------------------------------------------------------------------------------


def test_collapse_ws_and_is_verbatim():
    assert collapse_ws("  a\n b\t\tc  ") == "a b c"
    assert is_verbatim("Overall effectiveness Good", "Overall\neffectiveness\n  Good\n")
    assert not is_verbatim("Overall effectiveness Inadequate", "Overall effectiveness Good")
    assert not is_verbatim("", "anything")


@pytest.mark.parametrize(
    ("printed", "key"),
    [
        ("Outstanding", "outstanding"),
        ("Good", "good"),
        ("good", "good"),
        ("Requires improvement to be good", "requires_improvement"),
        ("require improvement to be Good", "requires_improvement"),
        ("Requires improvement", "requires_improvement"),
        ("Adequate", "requires_improvement"),
        ("Grade 3 (adequate)", "requires_improvement"),
        ("Grade 4 (Inadequate)", "inadequate"),
        ("Inadequate", "inadequate"),
        ("Grade 1", "outstanding"),
        ("Not judged", None),
        ("excellent", None),
    ],
)
def test_grade_key(printed, key):
    assert grade_key(printed) == key


# ---------------------------------------------------------------------------------------------
# ILACS (2018+)
# ---------------------------------------------------------------------------------------------

ILACS_2019 = [
    (
        1,
        """Inspection of Exampleshire local authority
children's services

Inspection dates: 1 to 12 March 2021

Lead inspector: A Person, Her Majesty's Inspector

Judgement

Grade

The impact of leaders on social work
practice with children and families

Good

The experiences and progress of
children who need help and protection

Requires improvement to be good

The experiences and progress of
children in care and care leavers

Good

Overall effectiveness

Good

Leaders in Exampleshire have made steady progress. Services are good and improving,
and children's services in Exampleshire are no longer inadequate.
""",
    ),
    (
        2,
        """What needs to improve?

\u25fc The timeliness of strategy meetings so that decisions are
made quickly.

\u25fc The quality of written plans for children in need.

\u25fc Support for care leavers aged over 21.

The experiences and progress of children who need help and
protection: requires improvement to be good

1. Most children receive help at the right time. Some plans are weak.
""",
    ),
    (
        3,
        """The experiences and progress of children in care and care
leavers: good

7. Children in care live in stable homes.

The impact of leaders on social work practice with children and
families: good

12. Leaders know their services well.
""",
    ),
]


@pytest.mark.parametrize("shape", ["lines", "paragraphs"])
def test_ilacs_front_page_table(shape):
    pages = ILACS_2019 if shape == "lines" else as_paragraphs(ILACS_2019)
    cat = extract_catalogue(pages)
    assert cat.framework == "ofsted-ilacs"
    assert grades(cat) == {
        "impact_of_leaders": "good",
        "help_and_protection": "requires_improvement",
        "children_in_care": "good",
        "overall": "good",
    }
    overall = cat.overall
    assert overall is not None
    assert overall.page == 1
    assert overall.judgement == "Overall effectiveness"
    assert overall.grade == "Good"
    assert overall.quote == "Overall effectiveness Good"
    hp = cat.get("help_and_protection")
    assert hp.grade == "Requires improvement to be good"
    assert hp.page == 1
    assert_quotes_verbatim(cat, pages)
    assert cat.improvements == [
        "The timeliness of strategy meetings so that decisions are made quickly.",
        "The quality of written plans for children in need.",
        "Support for care leavers aged over 21.",
    ]
    assert cat.improvement_pages == [2, 2, 2]
    assert "overall" not in cat.notes


def test_ilacs_2023_five_judgements():
    pages = [
        (
            1,
            """Inspection of Sampleton local authority children's services
Judgement Grade
The impact of leaders on social work practice with children and families Outstanding
The experiences and progress of children who need help and protection Good
The experiences and progress of children in care Outstanding
The experiences and progress of care leavers Requires improvement to be good
Overall effectiveness Outstanding
""",
        )
    ]
    cat = extract_catalogue(pages)
    assert grades(cat) == {
        "impact_of_leaders": "outstanding",
        "help_and_protection": "good",
        "children_in_care": "outstanding",
        "care_leavers": "requires_improvement",
        "overall": "outstanding",
    }
    assert (
        cat.get("children_in_care").judgement == "The experiences and progress of children in care"
    )
    assert_quotes_verbatim(cat, pages)


def test_ilacs_column_wise_table():
    pages = [
        (
            1,
            """Inspection of Sampleton local authority children's services
Judgement
The impact of leaders on social work practice with children and families
The experiences and progress of children who need help and protection
The experiences and progress of children in care and care leavers
Overall effectiveness
Grade
Inadequate
Requires improvement to be good
Requires improvement to be good
Inadequate
Children are not safe.
""",
        )
    ]
    cat = extract_catalogue(pages)
    assert grades(cat) == {
        "impact_of_leaders": "inadequate",
        "help_and_protection": "requires_improvement",
        "children_in_care": "requires_improvement",
        "overall": "inadequate",
    }
    assert_quotes_verbatim(cat, pages)


def test_ilacs_conflicting_statements_are_dropped():
    pages = [
        ILACS_2019[0],
        (
            2,
            """The experiences and progress of children who need help and protection: inadequate
1. Text.
""",
        ),
    ]
    cat = extract_catalogue(pages)
    assert cat.get("help_and_protection") is None
    assert "conflicting" in cat.notes["help_and_protection"]
    assert cat.overall.grade_key == "good"


def test_ilacs_focused_visit_has_no_grades():
    pages = [
        (
            1,
            """Focused visit to Sampleton children's services
Dear Director,
This letter summarises the findings of the focused visit. Inspectors looked at the
arrangements for children in need. Leaders are making progress.
""",
        )
    ]
    cat = extract_catalogue(pages)
    assert cat.framework == "ofsted-ilacs"
    assert cat.judgements == []
    assert cat.overall is None
    assert "not graded" in cat.notes["overall"]


def test_prose_is_never_graded():
    pages = [
        (
            1,
            """Inspection of Sampleton local authority children's services
Services are good and improving. The overall effectiveness of services
was judged inadequate in 2016. Children's services in Sampleton are no longer
inadequate.
""",
        )
    ]
    cat = extract_catalogue(pages)
    assert cat.judgements == []
    assert "not stated" in cat.notes["overall"]


# ---------------------------------------------------------------------------------------------
# SIF (2013-2017, with the LSCB review)
# ---------------------------------------------------------------------------------------------

SIF_2016 = [
    (
        1,
        """Sampleton Borough Council

Inspection of services for children in need of help and
protection, children looked after and care leavers
and
Review of the effectiveness of the Local Safeguarding Children
Board1

Inspection date: 1 February 2016 – 24 February 2016

Report published: 20 April 2016

Children's services in Sampleton require improvement to be good

1. Children who need help and protection

Requires improvement

2. Children looked after and achieving
permanence

Good

2.1 Adoption performance

Not judged

2.2 Experiences and progress of care leavers

Outstanding

3. Leadership, management and governance

Requires improvement

1 Ofsted produces this report under its power to combine reports.
""",
    ),
    (
        7,
        """Recommendations

1.
Ensure that strategy discussions include all relevant agencies
(paragraph 21).

2.
Improve the quality of plans so that they are specific and
measurable (paragraph 30).

Performance information

3.
Ensure that managers use audits to improve practice (paragraph 80).

Summary for children and young people

\uf06e Most children are safe.
""",
    ),
    (
        30,
        """The Local Safeguarding Children Board (LSCB)

The Local Safeguarding Children Board is good

Executive summary

A Local Safeguarding Children Board requires improvement if it does not yet meet the
characteristics of good.

Recommendations

90. Ensure that the board evaluates its training (paragraph 95).

Inspection findings – the Local Safeguarding Children Board

91. The board is well led.
""",
    ),
]


@pytest.mark.parametrize("shape", ["lines", "paragraphs"])
def test_sif_front_page_and_lscb(shape):
    pages = SIF_2016 if shape == "lines" else as_paragraphs(SIF_2016)
    cat = extract_catalogue(pages)
    assert cat.framework == "ofsted-sif"
    assert grades(cat) == {
        "overall": "requires_improvement",
        "help_and_protection": "requires_improvement",
        "children_in_care": "good",
        "care_leavers": "outstanding",
        "leadership": "requires_improvement",
        "lscb": "good",
    }
    overall = cat.overall
    assert overall.quote == "Children's services in Sampleton require improvement to be good"
    assert overall.grade == "require improvement to be good"
    assert overall.page == 1
    lscb = cat.get("lscb")
    assert (lscb.page, lscb.grade) == (30, "good")
    assert "Not judged" in cat.notes["adoption"]
    assert_quotes_verbatim(cat, pages)
    assert cat.improvements == [
        "Ensure that strategy discussions include all relevant agencies (paragraph 21).",
        "Improve the quality of plans so that they are specific and measurable (paragraph 30).",
        "Ensure that managers use audits to improve practice (paragraph 80).",
        "Ensure that the board evaluates its training (paragraph 95).",
    ]
    assert cat.improvement_pages == [7, 7, 7, 30]


def test_sif_2014_overall_judgement_wording():
    pages = [
        (
            1,
            """Sampleton City Council
Inspection of services for children in need of help and protection, children looked
after and care leavers and Review of the effectiveness of the local safeguarding
children board1
The overall judgement is that children's services are inadequate.2
The judgements on areas of the service that contribute to overall effectiveness are:
Children who need help and protection
Inadequate
2. Children looked after and achieving permanence
Requires improvement
2.1 Adoption performance
Good
2.2 Experiences and progress of care leavers
Requires improvement
Leadership, management and governance
Inadequate
""",
        ),
        (
            4,
            """What does the local authority need to improve?
Priority and immediate action
1. Put in place an effective performance framework.
Areas for improvement
2. Improve the quality of assessments.
The local authority's strengths
3. Adoption is a strength.
""",
        ),
        (
            35,
            """The Local Safeguarding Children Board (LSCB) is inadequate.
The arrangements in place to evaluate the effectiveness of what is done are inadequate.
""",
        ),
    ]
    cat = extract_catalogue(pages)
    assert grades(cat) == {
        "overall": "inadequate",
        "help_and_protection": "inadequate",
        "children_in_care": "requires_improvement",
        "adoption": "good",
        "care_leavers": "requires_improvement",
        "leadership": "inadequate",
        "lscb": "inadequate",
    }
    assert cat.overall.grade == "inadequate"
    assert_quotes_verbatim(cat, pages)
    assert cat.improvements == [
        "Put in place an effective performance framework.",
        "Improve the quality of assessments.",
    ]


def test_sif_reinspection_has_no_lscb():
    pages = [
        (
            1,
            """Sampleton Council
Re-inspection of services for children in need of help and protection, children looked
after and care leavers
Children's services in Sampleton are good
1. Children who need help and protection Good
2. Children looked after and achieving permanence Good
2.1 Adoption performance Good
2.2 Experiences and progress of care leavers Good
3. Leadership, management and governance Good
""",
        )
    ]
    cat = extract_catalogue(pages)
    assert cat.overall.grade_key == "good"
    assert cat.get("lscb") is None
    assert "re-inspection" in cat.notes["lscb"]


def test_lscb_review_only():
    pages = [
        (
            1,
            """Sampleton Safeguarding Children Board
Review of the effectiveness of the Local Safeguarding Children Board
Inspection date: 1 June 2015 – 3 June 2015
The Local Safeguarding Children Board requires improvement
The arrangements in place to evaluate the effectiveness of what is done require
improvement.
""",
        )
    ]
    cat = extract_catalogue(pages)
    assert cat.framework == "ofsted-sif"
    assert grades(cat) == {"lscb": "requires_improvement"}
    assert cat.overall is None
    assert "LSCB review only" in cat.notes["overall"]


# ---------------------------------------------------------------------------------------------
# 2013 inspections of looked after children services
# ---------------------------------------------------------------------------------------------

LAC_2013 = [
    (1, "Inspection of looked after children services\n\nSampleton County Council\n"),
    (
        4,
        """Overall effectiveness of services for looked
after children and young people

Grade 3 (adequate)

8. The local authority meets its statutory duties.

Capacity to improve

Grade 2 (good)

11. Leaders have a clear plan.

Areas for improvement

15. In order to improve the quality of provision and services for looked after
children and young people in Sampleton, the local authority should take the
following action.

Immediately:

\uf0a7 ensure all children have a care plan

\uf0a7 ensure reviews are held on time.

Within three months:

\uf0a7 improve personal education plans.

Outcomes for looked after children and young people

Grade 3 (adequate)
""",
    ),
    (
        21,
        """Record of main findings

Services for looked after children

Overall effectiveness

Adequate

Capacity to improve

Good

Outcomes for looked after children
and young people

Adequate

Quality of provision

Inadequate

Leadership and management

Adequate
""",
    ),
]


@pytest.mark.parametrize("shape", ["lines", "paragraphs"])
def test_lac_2013(shape):
    pages = LAC_2013 if shape == "lines" else as_paragraphs(LAC_2013)
    cat = extract_catalogue(pages)
    assert cat.framework == "ofsted-lac-2013"
    assert grades(cat) == {
        "overall": "requires_improvement",
        "capacity_to_improve": "good",
        "outcomes": "requires_improvement",
        "quality_of_provision": "inadequate",
        "leadership": "requires_improvement",
    }
    assert cat.overall.grade == "Adequate"
    assert cat.overall.page == 21
    assert_quotes_verbatim(cat, pages)
    assert cat.improvements == [
        "ensure all children have a care plan",
        "ensure reviews are held on time.",
        "improve personal education plans.",
    ]


# ---------------------------------------------------------------------------------------------
# HMIC, other documents
# ---------------------------------------------------------------------------------------------


def test_hmic_peel_questions():
    pages = [
        (
            1,
            """PEEL: Police effectiveness 2016
An inspection of Sampleshire Police
HM Inspectorate of Constabulary
How effective is the force at keeping people safe and reducing crime?
Good
How efficient is the force at keeping people safe and reducing crime?
Requires improvement
""",
        )
    ]
    cat = extract_catalogue(pages)
    assert cat.framework == "hmic"
    assert grades(cat) == {"effectiveness": "good", "efficiency": "requires_improvement"}
    assert_quotes_verbatim(cat, pages)


def test_hmic_adequate_has_no_normalised_grade():
    pages = [
        (
            1,
            """HMICFRS
How effective is the force at keeping people safe and reducing crime?
Adequate
How efficient is the force at keeping people safe and reducing crime?
Good
""",
        )
    ]
    cat = extract_catalogue(pages)
    eff = cat.get("effectiveness")
    assert (eff.grade, eff.grade_key) == ("Adequate", None)
    assert cat.get("efficiency").grade_key == "good"


def test_hmic_child_protection_is_not_graded():
    pages = [
        (
            1,
            """Sampleshire Police – National child protection inspection
HM Inspectorate of Constabulary
The force was not adequately protecting children at risk. Good work was seen in places.
""",
        )
    ]
    cat = extract_catalogue(pages)
    assert cat.framework == "hmic"
    assert cat.judgements == []
    assert "overall" in cat.notes


def test_report_not_found_page_and_empty_document():
    cat = extract_catalogue(
        [(1, "Report not found\nSorry, the document you requested no longer exists.\n")]
    )
    assert cat.framework == "other"
    assert cat.judgements == []
    assert "Report not found" in cat.notes["overall"]
    empty = extract_catalogue([(1, "   \n")])
    assert empty.framework is None
    assert empty.judgements == []
    assert "no text" in empty.notes["framework"]
    assert detect_framework([])[0] is None


# ---------------------------------------------------------------------------------------------
# Real reports (hand-verified)
# ---------------------------------------------------------------------------------------------


def _load_pages(path: Path):
    """Page texts from the real parser (also of the files it refuses as not reports)."""
    return read_page_texts(path, CORPUS, ocr=False)


def _verified() -> list[dict]:
    return json.loads(VERIFIED.read_text(encoding="utf-8"))["reports"]


def test_verified_list_spans_all_years_and_layouts():
    reports = _verified()
    assert len(reports) >= 40
    years = {r["source"][-8:-4] for r in reports}
    assert {str(y) for y in range(2012, 2025)} <= years
    frameworks = {r["framework"] for r in reports}
    assert {"ofsted-lac-2013", "ofsted-sif", "ofsted-ilacs", "other"} <= frameworks


@pytest.fixture(scope="module")
def real_catalogues():
    if not CORPUS.is_dir():
        pytest.skip(f"corpus not found at {CORPUS}")
    out = {}
    for r in _verified():
        pages = _load_pages(CORPUS / r["source"])
        out[r["source"]] = (pages, extract_catalogue(pages))
    return out


@pytest.mark.corpus
@pytest.mark.parametrize("entry", _verified(), ids=lambda r: r["source"].split("/", 1)[1])
def test_real_report_matches_hand_verified(entry, real_catalogues):
    pages, cat = real_catalogues[entry["source"]]
    assert cat.framework == entry["framework"]
    got = grades(cat)
    for key, want in entry["judgements"].items():
        assert got.get(key) == want, (key, got, cat.notes.get(key))
    # Precision: nothing is graded that was verified as not graded, and no key is invented.
    for key in entry.get("absent", []):
        assert key not in got
        assert key in cat.notes
    for key, printed in entry.get("printed", {}).items():
        assert cat.get(key).grade == printed
    for key, page in entry.get("pages", {}).items():
        assert cat.get(key).page == page
    assert_quotes_verbatim(cat, pages)


@pytest.mark.corpus
def test_overall_coverage_on_verified_reports(real_catalogues):
    stated = [r for r in _verified() if "overall" in r["judgements"]]
    found = [r for r in stated if real_catalogues[r["source"]][1].overall is not None]
    assert len(found) / len(stated) >= 0.98
