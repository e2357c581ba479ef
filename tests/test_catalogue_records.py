"""Tests for the catalogue's typed records: ``CatalogueReport``, ``TimelinePoint`` and why a
report states no grade (``Absence``).

Generated reports (Markdown, in the layouts ingest knows: an ILACS inspection whose statements
of one grade disagree, a focused visit letter, an LSCB review and an HMIC child protection
inspection) are ingested with the real Ingestor into a temporary index.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from conftest import index_reports

from assistant.catalogue import (
    Absence,
    Catalogue,
    CatalogueReport,
    TimelinePoint,
    absences_of,
    answer_from_catalogue,
    report_json,
    timeline_json,
)
from assistant.route import Route, RouteKind
from assistant.settings import Settings
from assistant.vocabulary import (
    GRADE_LABELS,
    OVERALL,
    grade_label,
    judgement_area,
    judgement_label,
)
from ingest.judgements import extract_catalogue
from ingest.records import Judgement
from vectorstore.records import ReportRecord

HELP = judgement_area("help and protection")
CARE_LEAVERS = judgement_area("care leavers")

LEEDS_POINTS = [
    "The timeliness of assessments for children in need of help and protection.",
    "The quality of plans for children who return home from care.",
]

REPORTS = {
    "leeds-2019.md": f"""# Inspection of Leeds local authority children's services

Ofsted

Inspection dates: 4 to 15 March 2019

Lead inspector: Sam Example

Judgement

Grade

The impact of leaders on social work practice with children and families

Good

The experiences and progress of children who need help and protection

Good

The experiences and progress of children in care and care leavers

Good

Overall effectiveness

Good

## What needs to improve?

- {LEEDS_POINTS[0]}

- {LEEDS_POINTS[1]}

## The experiences and progress of children who need help and protection: inadequate

1. Children in Leeds receive help from social workers who know them well and visit them often.
""",
    "york-visit-2021.md": """# Focused visit to York children's services

Ofsted

Inspection dates: 10 to 11 May 2021

Lead inspector: Jo Sample

This letter summarises the findings of the focused visit to York children's services. \
Inspectors looked at the arrangements for children in need and were pleased with what they found.
""",
    "sheffield-lscb-2015.md": """# Sheffield City Council

Review of the effectiveness of the Local Safeguarding Children Board

Inspection date: 1 June 2015 to 3 June 2015

Report published: 20 July 2015

The Local Safeguarding Children Board requires improvement

The arrangements in place to evaluate the effectiveness of what is done by the board and its \
partners require improvement.
""",
    "kent-police-cp-2016.md": """# Kent Police: National child protection inspection

HM Inspectorate of Constabulary

Inspection dates: 4 to 8 April 2016

Report published: 30 June 2016

The force was not adequately protecting children at risk. Good work was seen in places, and \
officers knew the children they worked with.
""",
}


@pytest.fixture(scope="module")
def assistant(tmp_path_factory, embedder):
    from assistant.core import Assistant

    folder = tmp_path_factory.mktemp("records_reports")
    for name, text in REPORTS.items():
        (folder / name).write_text(text, encoding="utf-8")
    settings, index, _ = index_reports(
        [folder], Settings(index_dir=tmp_path_factory.mktemp("records_index")), embedder
    )
    return Assistant(settings, index=index, embedder=embedder)


@pytest.fixture(scope="module")
def catalogue(assistant) -> Catalogue:
    return assistant.catalogue


@pytest.fixture(scope="module")
def reports(catalogue) -> dict[str, CatalogueReport]:
    return {Path(r.source).stem: catalogue.report(r) for r in catalogue.list_reports()}


def answer(assistant, question: str, kind: RouteKind, area=None):
    """A catalogue answer for a route given here (not the router's choice)."""
    u = assistant.understand(question)
    route = Route(kind, areas=(area,) if area else ())
    return answer_from_catalogue(assistant.catalogue, question, u, route)


# -- why a report states no grade ---------------------------------------------------------------


def test_each_kind_of_ungraded_report_has_its_absence(reports):
    leeds, york = reports["leeds-2019"], reports["york-visit-2021"]
    lscb, hmic = reports["sheffield-lscb-2015"], reports["kent-police-cp-2016"]
    assert leeds.absence(HELP) is Absence.CONFLICTING
    assert leeds.judgement(HELP) is None and leeds.judgement(OVERALL) is not None
    assert leeds.absence(judgement_area("adoption")) is Absence.NOT_STATED
    assert york.absence(OVERALL) is Absence.NOT_GRADED_VISIT
    assert york.absence(HELP) is Absence.NOT_GRADED_VISIT  # a visit grades nothing
    assert lscb.absence(HELP) is Absence.LSCB_REVIEW_ONLY
    assert lscb.absence(OVERALL) is Absence.LSCB_REVIEW_ONLY
    assert hmic.absence(OVERALL) is Absence.HMIC_NOT_GRADED
    assert dict(york.absences) == {"overall": Absence.NOT_GRADED_VISIT}
    assert dict(hmic.absences) == {"overall": Absence.HMIC_NOT_GRADED}


def test_visits_and_hmic_inspections_are_known_from_the_record_without_notes(reports):
    york, hmic = reports["york-visit-2021"].record, reports["kent-police-cp-2016"].record
    leeds = reports["leeds-2019"]
    assert absences_of(york, (), {}) == {"overall": Absence.NOT_GRADED_VISIT}
    assert absences_of(hmic, (), {}) == {"overall": Absence.HMIC_NOT_GRADED}
    assert absences_of(leeds.record, leeds.judgements, {}) == {}
    # A record that states grades is not "ungraded" whatever its kind.
    assert absences_of(york, leeds.judgements, {}) == {}


def test_ingest_notes_are_mapped_to_absences():
    lscb_pages = [(1, REPORTS["sheffield-lscb-2015.md"].replace("# ", ""))]
    conflicting_pages = [(1, REPORTS["leeds-2019.md"].replace("## ", "").replace("# ", ""))]
    for pages, key, want in [
        (lscb_pages, "help_and_protection", Absence.LSCB_REVIEW_ONLY),
        (lscb_pages, "overall", Absence.LSCB_REVIEW_ONLY),
        (conflicting_pages, "help_and_protection", Absence.CONFLICTING),
    ]:
        cat = extract_catalogue(pages)
        notes = {f"judgements.{k}": v for k, v in cat.notes.items()}
        notes["published"] = "no publication date stated (a visit)"  # not about a grade
        record = ReportRecord(source="x.md", sha256="0", size=0, status="indexed", report_id="x")
        found = absences_of(record, cat.judgements, notes)
        assert found[key] is want, (key, cat.notes)
        assert "improvements" not in found and "published" not in found


def test_an_overall_disagreement_is_not_given_as_the_reason(reports):
    record = reports["leeds-2019"].record
    conflicting = CatalogueReport(record, absences={"overall": Absence.CONFLICTING})
    assert conflicting.absence(OVERALL) is Absence.NOT_STATED
    assert conflicting.absence(HELP) is Absence.NOT_STATED
    mixed = CatalogueReport(
        record,
        absences={"help_and_protection": Absence.CONFLICTING, "overall": Absence.LSCB_REVIEW_ONLY},
    )
    assert mixed.absence(HELP) is Absence.CONFLICTING  # the area's own reason first
    assert mixed.absence(CARE_LEAVERS) is Absence.LSCB_REVIEW_ONLY  # then the overall one
    combined = CatalogueReport(record, absences={"children_in_care": Absence.LSCB_REVIEW_ONLY})
    assert combined.absence(CARE_LEAVERS) is Absence.LSCB_REVIEW_ONLY  # the ILACS joint label


def test_answers_say_why_no_grade_is_stated(assistant):
    grade = RouteKind.GRADE
    lscb = answer(assistant, "What grade did Sheffield get for help and protection?", grade, HELP)
    assert lscb.abstained and lscb.mode == "catalogue"
    assert lscb.text == (
        "The Sheffield report (inspection of 1 to 3 June 2015) does not state a grade for help "
        "and protection (an LSCB review: the local authority is not graded in it)."
    )
    hmic = answer(assistant, "What was Kent Police's overall grade?", grade)
    assert hmic.text == (
        "The Kent Police report (inspection of 4 to 8 April 2016) does not state a grade for "
        "overall effectiveness (HMIC inspections of this kind are not graded)."
    )
    leeds = answer(assistant, "What grade did Leeds get for help and protection?", grade, HELP)
    assert leeds.text.endswith("does not state a grade for help and protection (its statements "
                               "of this grade disagree).")  # fmt: skip
    visit = answer(assistant, "How has York's overall grade changed in 2021?", RouteKind.TIMELINE)
    assert visit.text == (
        "The 2021 York report does not state a grade for overall effectiveness (a focused or "
        "monitoring visit: such visits are not graded)."
    )
    cited = answer(assistant, "What was York's overall grade in 2021?", grade)
    assert not cited.abstained and "was a focused visit" in cited.text
    assert [c.source for c in cited.citations] == ["york-visit-2021.md"]


# -- typed records and their JSON ---------------------------------------------------------------


def test_a_catalogue_report_is_typed(reports):
    leeds = reports["leeds-2019"]
    assert isinstance(leeds, CatalogueReport)
    assert leeds.report_id == leeds.record.report_id and leeds.record.subject == "Leeds"
    assert isinstance(leeds.judgements, tuple)
    assert all(isinstance(j, Judgement) for j in leeds.judgements)
    assert [j.key for j in leeds.judgements] == ["impact_of_leaders", "children_in_care", "overall"]
    assert leeds.judgement(OVERALL).grade_key == "good"
    assert leeds.judgement(CARE_LEAVERS).key == "children_in_care"  # the joint ILACS label
    assert leeds.improvements == tuple(LEEDS_POINTS)
    assert reports["york-visit-2021"].judgements == ()


def test_report_json_is_made_from_the_typed_report(reports):
    leeds = reports["leeds-2019"]
    d = report_json(leeds)
    assert list(d) == [
        "source",
        "report_id",
        "title",
        "subject",
        "inspectorate",
        "framework",
        "report_type",
        "lead_inspector",
        "inspection_start",
        "inspection_end",
        "published",
        "judgements",
        "improvements",
        "aliases",
        "kind",
        "inspectorates",
    ]
    assert d["source"] == "leeds-2019.md" and d["inspection_end"] == "2019-03-15"
    assert d["judgements"] == [
        {
            "judgement": j.judgement,
            "grade": j.grade,
            "page": j.page,
            "quote": j.quote,
            "key": j.key,
            "grade_key": j.grade_key,
        }
        for j in leeds.judgements
    ]
    assert d["improvements"] == LEEDS_POINTS
    json.dumps(d)


def test_timeline_points_are_typed(catalogue):
    (point,) = catalogue.timeline("Leeds")
    assert isinstance(point, TimelinePoint)
    assert point.judgement.key == "overall" and point.day == date(2019, 3, 15)
    assert catalogue.timeline("York") == []
    (visit,) = catalogue.timeline("York", graded_only=False)
    assert visit.judgement is None and visit.day == date(2021, 5, 11)
    (row,) = timeline_json([visit])
    assert list(row) == [
        "date",
        "grade",
        "grade_key",
        "judgement",
        "page",
        "quote",
        "source",
        "report_id",
        "title",
        "framework",
        "inspection_start",
        "inspection_end",
        "published",
    ]
    assert row["date"] == "2021-05-11" and row["grade"] is None and row["grade_key"] is None
    assert timeline_json(catalogue.timeline("Leeds"))[0]["grade_key"] == "good"


def test_the_catalogue_is_built_once_per_index_generation(assistant):
    assert assistant.catalogue is assistant.catalogue
    assert [r.source for r in assistant.catalogue.list_reports(grade="good")] == ["leeds-2019.md"]


def test_display_names_come_from_the_shared_vocabulary():
    assert GRADE_LABELS["requires_improvement"] == "Requires improvement"
    assert grade_label("requires_improvement", "Requires improvement to be good") == (
        "Requires improvement"
    )
    assert grade_label(None, "Adequate ") == "Adequate"
    joint = Judgement(
        "The experiences and progress of children in care and care leavers",
        "Good",
        1,
        "q",
        "children_in_care",
        "good",
    )
    assert judgement_label(joint) == "Children in care and care leavers"
    assert judgement_label(Judgement("Leaders", "Good", 1, "q", "impact_of_leaders")) == "Leaders"
    assert judgement_label(Judgement("Some  other\njudgement", "Good", 1, "q")) == (
        "Some other judgement"
    )


def test_a_reports_own_comparison_with_its_last_inspection_is_cited():
    from assistant.catalogue.cites import Cites
    from ingest.records import Chunk

    def chunk(i: int, page: int, text: str) -> Chunk:
        return Chunk(
            id=f"r:{i}", report_id="r", source="r.pdf", ordinal=i, text=text, embed_text=text,
            page_start=page, page_end=page, pdf_page_start=page, pdf_page_end=page,
        )  # fmt: skip

    chunks = [
        chunk(0, 1, "Inspection of Wexley children's services. Inspection dates: 1 to 5 May 2023"),
        chunk(1, 2, "Leaders are ambitious. Services for children in Wexley have improved since "
                    "the last inspection in 2019, when they were judged inadequate."),
        chunk(2, 5, "Practice has declined since the last inspection in several teams."),
    ]  # fmt: skip
    cites = Cites(lambda rid: chunks if rid == "r" else [])
    found = cites.comparison("r")
    assert found is not None and found[0].startswith("Services for children in Wexley")
    assert cites.citations[found[1] - 1].page == 2
    # Only the summary pages: a body sentence of page 5 is not the report's verdict on itself.
    assert Cites(lambda rid: chunks[2:]).comparison("r") is None
